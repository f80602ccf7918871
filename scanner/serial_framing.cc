// The serial deframer: suffix, line and STX/ETX framing with a length bound and a timeout.
#include "scanner/serial_framing.h"

#include <utility>

namespace storeedge::scanner {

namespace {

constexpr char kStx = '\x02';
constexpr char kEtx = '\x03';
constexpr std::size_t kMaxSuffix = 8;

}  // namespace

SerialDeframer::SerialDeframer(SerialFraming framing) : framing_(std::move(framing)) {
  if (framing_.mode == FramingMode::suffix &&
      (framing_.suffix.empty() || framing_.suffix.size() > kMaxSuffix))
    framing_.suffix = "\r";
  if (framing_.max_frame == 0 || framing_.max_frame > kMaxScanBytes)
    framing_.max_frame = kMaxScanBytes;
}

std::vector<ScanEvent> SerialDeframer::feed(std::string_view bytes,
                                            std::chrono::steady_clock::time_point now) {
  std::vector<ScanEvent> out;
  if (bytes.empty()) return out;
  if ((in_frame_ || !frame_.empty()) && now - last_byte_ > framing_.inter_byte_timeout) {
    if (!skipping_) ++stats_.partials_dropped;
    reset();
  }
  last_byte_ = now;
  for (const char c : bytes) byte(c, out);
  return out;
}

void SerialDeframer::reset() {
  frame_.clear();
  in_frame_ = false;
  skipping_ = false;
}

void SerialDeframer::byte(char c, std::vector<ScanEvent>& out) {
  switch (framing_.mode) {
    case FramingMode::line:
      return line_byte(c, out);
    case FramingMode::suffix:
      return suffix_byte(c, out);
    case FramingMode::stx_etx:
      return stx_etx_byte(c, out);
  }
}

void SerialDeframer::line_byte(char c, std::vector<ScanEvent>& out) {
  if (c == '\r' || c == '\n') {
    if (in_frame_) finish(out);
    return;
  }
  append(c, out);
}

void SerialDeframer::suffix_byte(char c, std::vector<ScanEvent>& out) {
  // The frame holds the data and possibly the start of the suffix; the suffix is at most
  // kMaxSuffix bytes, so the bound is max_frame + suffix.
  const std::string& suffix = framing_.suffix;
  if (skipping_) {
    // Keep only enough of the tail to recognise the suffix.
    frame_.push_back(c);
    if (frame_.size() > suffix.size()) frame_.erase(0, frame_.size() - suffix.size());
    if (frame_ == suffix) reset();
    return;
  }
  in_frame_ = true;
  frame_.push_back(c);
  if (frame_.size() >= suffix.size() &&
      frame_.compare(frame_.size() - suffix.size(), suffix.size(), suffix) == 0) {
    frame_.resize(frame_.size() - suffix.size());
    if (frame_.empty()) {
      reset();
      return;
    }
    return finish(out);
  }
  if (frame_.size() > framing_.max_frame + suffix.size() - 1) {
    ++stats_.overlong;
    ++stats_.frames;
    ScanEvent ev;
    ev.raw = frame_.substr(0, framing_.max_frame);
    ev.error = make_error("scan_too_long", "a serial frame longer than " +
                                               std::to_string(framing_.max_frame) + " bytes");
    out.push_back(std::move(ev));
    frame_.erase(0, frame_.size() - (suffix.size() - 1));
    skipping_ = true;
  }
}

void SerialDeframer::stx_etx_byte(char c, std::vector<ScanEvent>& out) {
  if (c == kStx) {
    if (in_frame_ && !skipping_) ++stats_.partials_dropped;
    reset();
    in_frame_ = true;
    return;
  }
  if (!in_frame_) {
    ++stats_.noise_bytes;
    return;
  }
  if (c == kEtx) {
    if (skipping_ || frame_.empty()) return reset();
    return finish(out);
  }
  append(c, out);
}

void SerialDeframer::append(char c, std::vector<ScanEvent>& out) {
  in_frame_ = true;
  if (skipping_) return;
  if (frame_.size() < framing_.max_frame) {
    frame_.push_back(c);
    return;
  }
  ++stats_.overlong;
  ++stats_.frames;
  ScanEvent ev;
  ev.raw = std::move(frame_);
  ev.error = make_error("scan_too_long", "a serial frame longer than " +
                                             std::to_string(framing_.max_frame) + " bytes");
  out.push_back(std::move(ev));
  frame_.clear();
  skipping_ = true;
}

void SerialDeframer::finish(std::vector<ScanEvent>& out) {
  if (!skipping_) {
    ++stats_.frames;
    out.push_back(make_scan_event(frame_));
  }
  reset();
}

}  // namespace storeedge::scanner
