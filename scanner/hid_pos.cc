#include "scanner/hid_pos.h"

#include <algorithm>

namespace storeedge::scanner {

namespace {

std::uint8_t byte_or_zero(std::span<const std::uint8_t> report, std::size_t at) {
  return at < report.size() ? report[at] : 0;  // a short report reads as zero-padded
}

ScanEvent bad_report(std::span<const std::uint8_t> report, std::string message) {
  ScanEvent ev;
  ev.raw.assign(report.begin(), report.begin() + std::min(report.size(), kMaxScanBytes));
  ev.error = make_error("bad_hid_report", std::move(message));
  return ev;
}

}  // namespace

bool should_send_enable(const HidPosOptions& options, const HidPosDescriptor& descriptor) {
  if (options.enable_report.empty() || options.enable_when == EnableWhen::never) return false;
  if (options.enable_when == EnableWhen::always) return true;
  const auto& reports = options.enable_kind == EnableReportKind::feature
                            ? descriptor.feature_reports
                            : descriptor.output_reports;
  const std::uint8_t id = options.enable_report.front();
  return std::any_of(reports.begin(), reports.end(), [&](const ReportRef& r) {
    return r.id == id && r.bytes >= options.enable_report.size();
  });
}

std::optional<ScanEvent> HidPosAssembler::feed(std::span<const std::uint8_t> report) {
  if (report.empty()) return std::nullopt;
  if (layout_.report_id != 0 && report[0] != layout_.report_id) return std::nullopt;
  if (report.size() > kMaxReportBytes) report = report.first(kMaxReportBytes);

  std::size_t length = layout_.data_bytes;
  if (layout_.byte_count_at) {
    length = byte_or_zero(report, *layout_.byte_count_at);
    if (length > layout_.data_bytes) {
      drop_partial();
      return bad_report(report, "the report's length byte (" + std::to_string(length) +
                                    ") is beyond its " + std::to_string(layout_.data_bytes) +
                                    " data bytes");
    }
  }
  std::string chunk;
  for (std::size_t i = 0; i < length; ++i) {
    chunk.push_back(static_cast<char>(byte_or_zero(report, layout_.data_at + i)));
  }
  // Without a length the data field is zero-padded: what follows the last non-zero byte is fill.
  if (!layout_.byte_count_at)
    while (!chunk.empty() && chunk.back() == '\0') chunk.pop_back();

  if (reports_ == 0 && layout_.aim_at) {
    std::string aim;
    for (std::size_t i = 0; i < 3; ++i)
      aim.push_back(static_cast<char>(byte_or_zero(report, *layout_.aim_at + i)));
    if (aim != std::string(3, '\0')) aim_ = std::move(aim);
  }
  ++reports_;
  const std::size_t room = kMaxScanBytes + 1 - std::min(data_.size(), kMaxScanBytes + 1);
  data_.append(chunk, 0, std::min(room, chunk.size()));

  bool more = false;
  if (layout_.more_data_bit) {
    const std::size_t bit = *layout_.more_data_bit;
    more = (byte_or_zero(report, bit / 8) >> (bit % 8)) & 1;
  }
  if (!more) return finish();
  if (reports_ < kMaxReportsPerScan) return std::nullopt;
  ScanEvent ev = finish();  // a scan that never ends
  ev.error = make_error("scan_too_long",
                        "a scan spans at most " + std::to_string(kMaxReportsPerScan) + " reports");
  return ev;
}

ScanEvent HidPosAssembler::finish() {
  ScanEvent ev = aim_ ? make_scan_event(data_, *aim_) : make_scan_event(data_);
  data_.clear();
  aim_.reset();
  reports_ = 0;
  return ev;
}

std::size_t HidPosAssembler::drop_partial() {
  const std::size_t dropped = data_.size();
  data_.clear();
  aim_.reset();
  reports_ = 0;
  return dropped;
}

}  // namespace storeedge::scanner
