// Fuzz target: the OMS's ship_to JSON as the store's own shipping label and packing slip read it
// (edge/daemon/shipping_documents.h, address_lines). Nothing may crash; every line is non-empty
// valid UTF-8 and either fits the width or is one word (an address is never cut).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "daemon/shipping_documents.h"
#include "printer/label.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  for (std::size_t width : {std::size_t{40}, std::size_t{60}}) {
    for (const std::string& line : storeedge::daemon::address_lines(json, width)) {
      if (line.empty()) std::abort();
      char32_t cp = 0;
      for (std::size_t i = 0; i < line.size();) {
        const std::size_t n = storeedge::printer::utf8_sequence(line, i, cp);
        if (n == 0) std::abort();
        i += n;
      }
      if (storeedge::printer::utf8_length(line) > width && line.find(' ') != std::string::npos)
        std::abort();
    }
  }
  return 0;
}
