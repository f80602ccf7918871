// Fuzz target: item codes as scanned or typed (fulfil/barcode.h). Every GTIN it returns must be
// 14 digits with a valid check digit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fulfil/barcode.h"
#include "scanner/gtin.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto code = storeedge::fulfil::parse_item_code(input);
  if (code)
    for (const auto& gtin : code->gtins)
      if (gtin.size() != 14 || !storeedge::scanner::gs1_check_digit_valid(gtin)) std::abort();
  return 0;
}
