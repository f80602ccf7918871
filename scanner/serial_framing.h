// A serial scanner sends each scan as a frame: the data followed by a suffix (CR, LF, CRLF or a
// configured sequence), or wrapped in STX (0x02) … ETX (0x03). The deframer cuts the byte stream
// into scans, whatever the read sizes. Pure (the caller passes the time); not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/scan_event.h"

namespace storeedge::scanner {

enum class FramingMode {
  line,     // a frame ends at CR, LF or CRLF (any of them; empty lines are ignored)
  suffix,   // a frame ends at SerialFraming::suffix exactly (e.g. "\r", "\r\n", "\x03\r")
  stx_etx,  // STX data ETX; bytes outside a frame are noise; an STX inside a frame restarts it
};

struct SerialFraming {
  FramingMode mode = FramingMode::line;
  std::string suffix = "\r";  // for FramingMode::suffix; at most 8 bytes, not empty
  // A pause longer than this inside a frame drops the partial frame, so half a frame from
  // before a cable pull or a power cycle does not glue onto the next scan.
  std::chrono::milliseconds inter_byte_timeout{500};
  std::size_t max_frame = kMaxScanBytes;  // longer frames are reported as scan_too_long
};

struct DeframerStats {
  std::uint64_t frames = 0;            // ScanEvents returned (with or without error)
  std::uint64_t noise_bytes = 0;       // bytes outside STX … ETX
  std::uint64_t partials_dropped = 0;  // frames cut off by the timeout or restarted by STX
  std::uint64_t overlong = 0;          // frames reported as scan_too_long
};

class SerialDeframer {
 public:
  // An empty or overlong suffix in FramingMode::suffix is taken as "\r".
  explicit SerialDeframer(SerialFraming framing = {});

  // Feeds the bytes of one read, received at `now` (the caller's monotonic clock). Returns the
  // scans completed by them, in order: at most one per frame boundary in `bytes`. An overlong
  // frame gives one ScanEvent with error "scan_too_long" and the rest up to its end is skipped.
  std::vector<ScanEvent> feed(std::string_view bytes, std::chrono::steady_clock::time_point now);
  // Forgets a partial frame (the device was closed or reopened).
  void reset();

  bool in_frame() const { return in_frame_; }
  const DeframerStats& stats() const { return stats_; }

 private:
  void byte(char c, std::vector<ScanEvent>& out);
  void line_byte(char c, std::vector<ScanEvent>& out);
  void suffix_byte(char c, std::vector<ScanEvent>& out);
  void stx_etx_byte(char c, std::vector<ScanEvent>& out);
  void append(char c, std::vector<ScanEvent>& out);
  void finish(std::vector<ScanEvent>& out);

  SerialFraming framing_;
  DeframerStats stats_;
  std::string frame_;
  bool in_frame_ = false;  // bytes of a frame have been seen (STX mode: after STX)
  bool skipping_ = false;  // the frame was too long: drop up to its end
  std::chrono::steady_clock::time_point last_byte_{};
};

}  // namespace storeedge::scanner
