// HID report descriptors: a bounded parser of the short items, and the search for the HID POS
// Bar Code Scanner collection (usage page 0x8C) and the layout of its Scanned Data Report.
// Pure; thread-safe. See docs/scanning.md, "USB HID POS".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.h"

namespace storeedge::scanner {

// Usages as (page << 16 | id).
constexpr std::uint32_t hid_usage(std::uint16_t page, std::uint16_t id) {
  return (std::uint32_t{page} << 16) | id;
}

inline constexpr std::uint16_t kHidPosPage = 0x8c;  // HID POS "Bar Code Scanner" page
namespace hid_pos_usage {
inline constexpr std::uint16_t kBarCodeScanner = 0x02;
inline constexpr std::uint16_t kScannedDataReport = 0x12;
inline constexpr std::uint16_t kSymbologyIdentifier1 = 0xfb;
inline constexpr std::uint16_t kSymbologyIdentifier2 = 0xfc;
inline constexpr std::uint16_t kSymbologyIdentifier3 = 0xfd;
inline constexpr std::uint16_t kDecodedData = 0xfe;
inline constexpr std::uint16_t kDecodeDataContinued = 0xff;
}  // namespace hid_pos_usage
// Generic Desktop "Byte Count": the data length some scanners put before the data.
inline constexpr std::uint32_t kByteCountUsage = hid_usage(0x01, 0x3b);

// Linux's HID_MAX_DESCRIPTOR_SIZE; hidraw never hands out more.
inline constexpr std::size_t kMaxReportDescriptorBytes = 4096;
// The largest report (with its id byte) we accept; HID POS reports are 64 bytes.
inline constexpr std::size_t kMaxReportBytes = 4096;

enum class ReportType { input, output, feature };

// One Input, Output or Feature main item with the state in effect where it stood.
struct ReportField {
  ReportType type = ReportType::input;
  std::uint8_t report_id = 0;         // 0 when the descriptor declares no report ids
  std::uint32_t bit_offset = 0;       // within the report, after the report id byte
  std::uint32_t size = 0;             // bits per element
  std::uint32_t count = 0;            // elements
  bool constant = false;              // padding
  std::vector<std::uint32_t> usages;  // per element; the last one repeats for the rest
  std::uint32_t application = 0;      // usage of the enclosing top-level Application collection
  std::uint32_t collection = 0;       // usage of the innermost enclosing collection
  std::uint32_t usage_at(std::size_t element) const;
};

struct ReportDescriptor {
  std::vector<ReportField> fields;
  std::vector<std::uint32_t> applications;  // the top-level Application collections, in order
  bool uses_report_ids = false;
  // Length of the report in bytes as read or written, with the id byte when ids are used.
  std::size_t report_bytes(ReportType type, std::uint8_t id) const;
};

// Errors: "bad_descriptor" (truncated item, unbalanced collections, a report id of 0, a bound
// exceeded: 4096 bytes, 1024 main items, 16 nested collections, 4096 usages per item, reports
// over kMaxReportBytes).
[[nodiscard]] Result<ReportDescriptor> parse_report_descriptor(std::span<const std::uint8_t> bytes);

// Where a Scanned Data Report carries what; offsets are bytes from the start of the report as
// read (the id byte, when ids are used, is byte 0).
struct ScannedDataLayout {
  std::uint8_t report_id = 0;
  std::size_t report_bytes = 0;
  std::optional<std::size_t> byte_count_at;  // 1 byte: how many data bytes this report carries
  std::optional<std::size_t> aim_at;         // 3 bytes: Symbology Identifier 1-3 ("]E0")
  std::size_t data_at = 0;                   // Decoded Data
  std::size_t data_bytes = 0;
  std::optional<std::size_t> more_data_bit;  // Decode Data Continued: bit offset in the report
  bool assumed = false;  // not read from the descriptor: common_scanned_data_layout()
  bool operator==(const ScannedDataLayout&) const = default;
};

// The report most HID POS scanners send (Honeywell, Zebra and others): report id 2, the data
// length, the 3-byte AIM identifier, 56 data bytes, 2 vendor bytes, and a flag byte whose bit 0
// says more data follows — 64 bytes in all.
ScannedDataLayout common_scanned_data_layout();

struct ReportRef {
  std::uint8_t id = 0;
  std::size_t bytes = 0;  // with the id byte when ids are used
  bool operator==(const ReportRef&) const = default;
};

struct HidPosDescriptor {
  std::uint32_t application = 0;  // e.g. hid_usage(0x8c, 0x02), Bar Code Scanner
  ScannedDataLayout scanned_data;
  std::vector<ReportRef> feature_reports;  // inside the POS collection
  std::vector<ReportRef> output_reports;
  std::size_t max_input_report_bytes = 0;  // over the whole descriptor: a read's buffer size
};

// Finds the first Application collection on usage page 0x8C and the input report holding its
// Decoded Data (usage 0xFE). When the collection has no such report the common layout is
// assumed (`scanned_data.assumed`). Errors: those of parse_report_descriptor, "not_a_scanner"
// (no usage page 0x8C Application collection, e.g. a keyboard).
[[nodiscard]] Result<HidPosDescriptor> find_hid_pos(std::span<const std::uint8_t> descriptor);

}  // namespace storeedge::scanner
