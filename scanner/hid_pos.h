// HID POS scans from input reports: HidPosAssembler joins the reports of one scan across the
// "Decode Data Continued" flag and makes the ScanEvent; HidPosOptions says which report enables
// the scanner. Pure; an assembler is used by one thread at a time. See docs/scanning.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scanner/hid_descriptor.h"
#include "scanner/scan_event.h"

namespace storeedge::scanner {

enum class EnableReportKind { feature, output };
enum class EnableWhen {
  never,
  when_described,  // only when the descriptor declares a report of that kind and id
  always,
};

struct HidPosOptions {
  // The report enable() sends, its first byte the report id. The default is what Honeywell's
  // HID POS scanners take before they send scans: feature report 0xFE ("output redirection",
  // on their vendor page 0xFF66) with 1, the HID POS interface.
  std::vector<std::uint8_t> enable_report = {0xfe, 0x01};
  EnableReportKind enable_kind = EnableReportKind::feature;
  EnableWhen enable_when = EnableWhen::when_described;
};

// Whether enable() sends options.enable_report to a device with this descriptor.
bool should_send_enable(const HidPosOptions& options, const HidPosDescriptor& descriptor);

// The most reports one scan may span (kMaxScanBytes of data at one byte per report).
inline constexpr std::size_t kMaxReportsPerScan = kMaxScanBytes;

class HidPosAssembler {
 public:
  explicit HidPosAssembler(ScannedDataLayout layout) : layout_(layout) {}

  // One input report as read (starting with its id byte when the device uses ids). Returns the
  // scan when this report completes one; nothing while more data follows or for a report of
  // another id. A malformed report (a length beyond its data field) gives a ScanEvent with the
  // error "bad_hid_report" and ends the scan; more than kMaxScanBytes gives "scan_too_long".
  std::optional<ScanEvent> feed(std::span<const std::uint8_t> report);

  bool in_progress() const { return reports_ > 0; }
  // Forgets a scan in progress (the device went away); returns how many data bytes it had.
  std::size_t drop_partial();
  const ScannedDataLayout& layout() const { return layout_; }

 private:
  ScanEvent finish();

  ScannedDataLayout layout_;
  std::string data_;  // at most kMaxScanBytes + 1: one more marks the overflow
  std::optional<std::string> aim_;
  std::size_t reports_ = 0;
};

}  // namespace storeedge::scanner
