// Fuzz target: HID report descriptors and HID POS input reports (scanner/hid_descriptor.h,
// scanner/hid_pos.h). The first byte splits the input into a descriptor and reports; nothing may
// throw or read out of bounds; a layout found must lie inside its report; every scan is bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "scanner/hid_descriptor.h"
#include "scanner/hid_pos.h"

using namespace storeedge::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  const std::size_t split = std::min<std::size_t>(input.size(), data[0] * 4u);
  ScannedDataLayout layout = common_scanned_data_layout();
  if (auto found = find_hid_pos(input.first(split))) {
    layout = found->scanned_data;
    if (!layout.assumed && layout.data_at + layout.data_bytes > layout.report_bytes) std::abort();
  }
  HidPosAssembler assembler(layout);
  std::span<const std::uint8_t> reports = input.subspan(split);
  while (!reports.empty()) {
    const std::size_t n = std::min<std::size_t>(reports.size(), 64);
    if (auto ev = assembler.feed(reports.first(n)); ev && ev->raw.size() > kMaxScanBytes)
      std::abort();
    reports = reports.subspan(n);
  }
  assembler.drop_partial();
  return 0;
}
