// Fuzz target: serial byte streams (scanner/serial_framing.h) in every framing mode. The first
// byte sets the read size; the rest is the stream. Nothing may throw; no frame is longer than
// max_frame; a good frame holds no byte of its own framing; and the scans do not depend on how
// the stream was cut into reads.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/serial_framing.h"

namespace {

using namespace storeedge::scanner;
using Clock = std::chrono::steady_clock;

std::vector<std::string> deframe(const SerialFraming& framing, std::string_view stream,
                                 std::size_t read_size) {
  SerialDeframer d(framing);
  std::vector<std::string> raws;
  for (std::size_t i = 0; i < stream.size(); i += read_size) {
    for (const ScanEvent& ev : d.feed(stream.substr(i, read_size), Clock::time_point{})) {
      if (ev.raw.size() > framing.max_frame) std::abort();
      if (ev.ok()) {
        const bool line = framing.mode == FramingMode::line;
        const bool stx = framing.mode == FramingMode::stx_etx;
        for (char c : ev.raw)
          if ((line && (c == '\r' || c == '\n')) || (stx && (c == '\x02' || c == '\x03')))
            std::abort();
        if (framing.mode == FramingMode::suffix && ev.raw.find(framing.suffix) != std::string::npos)
          std::abort();
      }
      raws.push_back(ev.raw + (ev.ok() ? "" : "!" + ev.error->code));
    }
  }
  return raws;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t read_size = 1 + data[0] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<SerialFraming> framings(5);
  framings[0].mode = FramingMode::line;
  framings[1].mode = FramingMode::suffix;
  framings[1].suffix = "\r\n";
  framings[2].mode = FramingMode::suffix;
  framings[2].suffix = "##";
  framings[3].mode = FramingMode::stx_etx;
  framings[4].mode = FramingMode::line;
  framings[4].max_frame = 8;
  for (const auto& framing : framings)
    if (deframe(framing, stream, read_size) != deframe(framing, stream, stream.size() + 1))
      std::abort();
  return 0;
}
