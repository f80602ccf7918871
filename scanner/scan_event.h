// What one scan is: the bytes a scanner sent, the symbology its AIM identifier names (with the
// UnifiedPOS ScanDataType), the label data, and — for GS1 data — the elements, their HRI and
// the GTIN-14. Built from a scanner's raw transmission by make_scan_event, which never throws:
// bad data gives a ScanEvent carrying an error. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "scanner/gs1.h"

namespace storeedge::scanner {

enum class Symbology {
  unknown,
  ean13,
  upc_a,
  upc_e,
  ean8,
  ean13_add_on,
  upc_a_add_on,
  upc_e_add_on,
  code128,
  gs1_128,
  code39,
  code93,
  codabar,
  itf,
  gs1_databar,
  gs1_databar_expanded,
  pdf417,
  maxicode,
  data_matrix,
  gs1_data_matrix,
  qr_code,
  gs1_qr_code,
  aztec,
};

// The UnifiedPOS Scanner ScanDataType constants (SCAN_SDT_*), as the UnifiedPOS specification
// and its OPOS header OposScan.h (release 1.12) define them.
namespace scan_data_type {
inline constexpr int kUnknown = 0;
inline constexpr int kUpcA = 101;
inline constexpr int kUpcE = 102;
inline constexpr int kEan8 = 103;
inline constexpr int kEan13 = 104;
inline constexpr int kItf = 106;
inline constexpr int kCodabar = 107;
inline constexpr int kCode39 = 108;
inline constexpr int kCode93 = 109;
inline constexpr int kCode128 = 110;
inline constexpr int kUpcAS = 111;  // with supplemental (add-on)
inline constexpr int kUpcES = 112;
inline constexpr int kEan8S = 118;
inline constexpr int kEan13S = 119;
inline constexpr int kEan128 = 120;  // GS1-128
inline constexpr int kGs1DataBar = 131;
inline constexpr int kGs1DataBarExpanded = 132;
inline constexpr int kPdf417 = 201;
inline constexpr int kMaxiCode = 202;
inline constexpr int kDataMatrix = 203;
inline constexpr int kQrCode = 204;
inline constexpr int kAztec = 206;
}  // namespace scan_data_type

struct ScanEvent {
  std::string raw;  // as transmitted (at most kMaxScanBytes of it)
  std::string aim;  // "]E0"; empty when neither the data nor the transport named one
  Symbology symbology = Symbology::unknown;
  std::string symbology_name = "unknown";  // "EAN-13", "GS1-128", …
  int scan_data_type = scan_data_type::kUnknown;
  std::string label;   // the data without the AIM prefix and the trailing CR/LF
  std::string add_on;  // the 2 or 5 add-on digits of an EAN/UPC with add-on (]E3)
  bool gs1 = false;    // the label is GS1 data (element string, HRI or Digital Link)
  std::vector<Gs1Element> elements;
  std::string hri;                    // "(01)09506000134352(10)ABC" when gs1
  std::optional<std::string> gtin14;  // the item's GTIN-14, check digit verified
  std::optional<Error> error;         // why the data cannot be used; then only raw/aim are sure
  bool ok() const { return !error.has_value(); }
};

inline constexpr std::size_t kMaxScanBytes = 4096;

// `raw`: the bytes as the scanner sent them, possibly starting with an AIM symbology identifier
// ("]C1…") and ending with CR/LF. `aim_from_transport`: the identifier when the transport
// reports it beside the data (e.g. a HID POS scanner); the data may then start with it or not.
// Errors: "scan_too_long", "empty_scan", "bad_aim_identifier", "control_character",
// "bad_ean_upc" (EAN/UPC data of the wrong form), "bad_check_digit", and the GS1 parsers' codes.
ScanEvent make_scan_event(std::string_view raw,
                          std::optional<std::string_view> aim_from_transport = {}) noexcept;

}  // namespace storeedge::scanner
