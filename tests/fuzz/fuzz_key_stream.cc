// Fuzz target: evdev key streams (scanner/key_stream.h). The first byte picks the options; then
// every 4 bytes are one key event (code, value, milliseconds since the previous one) and whether
// the idle timer fires or the kernel drops events after it. Nothing may throw; a scan is never
// longer than max_length, a good scan never shorter than min_length, and the decoder counts
// every scan it returns.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "scanner/key_stream.h"

namespace {

using namespace storeedge::scanner;

void check(const std::optional<ScanEvent>& ev, const WedgeOptions& options, std::uint64_t& seen) {
  if (!ev) return;
  ++seen;
  if (ev->raw.size() > options.max_length) std::abort();
  if (ev->ok() && ev->raw.size() < options.min_length) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  WedgeOptions options;
  options.tab_terminates = data[0] & 1;
  options.enter_terminates = data[0] & 2;
  options.emit_unterminated = data[0] & 4;
  options.min_length = (data[0] >> 3) & 7;
  options.max_length = (data[0] & 0x40) ? 16 : kMaxScanBytes;
  KeyStreamDecoder decoder(options);
  std::uint64_t seen = 0;
  std::chrono::microseconds now{0};
  for (std::size_t i = 1; i + 4 <= size; i += 4) {
    const auto code = static_cast<std::uint16_t>(data[i] | ((data[i + 1] & 1) << 8));
    const std::int32_t value = (data[i + 1] >> 1) & 3;
    now += std::chrono::milliseconds(data[i + 2]);
    check(decoder.feed({code, value, now}), options, seen);
    if (data[i + 3] & 1) check(decoder.idle(), options, seen);
    if (data[i + 3] & 2) decoder.events_lost();
  }
  check(decoder.idle(), options, seen);
  if (seen != decoder.stats().scans) std::abort();
  return 0;
}
