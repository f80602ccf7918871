#include "scanner/scan_event.h"

#include <exception>

#include "scanner/digital_link.h"
#include "scanner/gtin.h"

namespace storeedge::scanner {

namespace {

namespace sdt = scan_data_type;

// How the label data of a symbology is read.
enum class Reading {
  plain,    // any text; a GS1 Digital Link URI is recognised
  ean_upc,  // ]E0: EAN-13, UPC-A or UPC-E digits
  ean8,     // ]E4
  add_on,   // ]E3: EAN-13, UPC-A or UPC-E followed by a 2- or 5-digit add-on
  gs1,      // ]C1, ]d2, ]Q3, ]e0: a GS1 element string (FNC1 in first position)
  itf,      // ]I: digits; 14 of them may be an ITF-14 GTIN
};

struct Kind {
  Symbology symbology;
  std::string_view name;
  int sdt;
  Reading reading;
};

// ISO/IEC 15424 symbology identifiers "]" + code character + modifier, as the GS1 General
// Specifications list them for GS1 data carriers, plus the common others.
Kind kind_of(char code, char modifier) {
  switch (code) {
    case 'E':
      if (modifier == '0') return {Symbology::ean13, "EAN-13", sdt::kEan13, Reading::ean_upc};
      if (modifier == '4') return {Symbology::ean8, "EAN-8", sdt::kEan8, Reading::ean8};
      if (modifier == '3')
        return {Symbology::ean13_add_on, "EAN-13 with add-on", sdt::kEan13S, Reading::add_on};
      break;  // ]E1, ]E2: an add-on read on its own
    case 'C':
      if (modifier == '1') return {Symbology::gs1_128, "GS1-128", sdt::kEan128, Reading::gs1};
      return {Symbology::code128, "Code 128", sdt::kCode128, Reading::plain};
    case 'e':
      return {Symbology::gs1_databar, "GS1 DataBar", sdt::kGs1DataBar, Reading::gs1};
    case 'd':
      if (modifier == '2')
        return {Symbology::gs1_data_matrix, "GS1 DataMatrix", sdt::kDataMatrix, Reading::gs1};
      return {Symbology::data_matrix, "Data Matrix", sdt::kDataMatrix, Reading::plain};
    case 'Q':
      if (modifier == '3')
        return {Symbology::gs1_qr_code, "GS1 QR Code", sdt::kQrCode, Reading::gs1};
      return {Symbology::qr_code, "QR Code", sdt::kQrCode, Reading::plain};
    case 'A':
      return {Symbology::code39, "Code 39", sdt::kCode39, Reading::plain};
    case 'G':
      return {Symbology::code93, "Code 93", sdt::kCode93, Reading::plain};
    case 'F':
      return {Symbology::codabar, "Codabar", sdt::kCodabar, Reading::plain};
    case 'I':
      return {Symbology::itf, "ITF", sdt::kItf, Reading::itf};
    case 'L':
      return {Symbology::pdf417, "PDF417", sdt::kPdf417, Reading::plain};
    case 'U':
      return {Symbology::maxicode, "MaxiCode", sdt::kMaxiCode, Reading::plain};
    case 'z':
      return {Symbology::aztec, "Aztec", sdt::kAztec, Reading::plain};
    default:
      break;
  }
  return {Symbology::unknown, "unknown", sdt::kUnknown, Reading::plain};
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool valid_aim(std::string_view aim) {
  return aim.size() == 3 && aim[0] == ']' && is_alnum(aim[1]) && is_alnum(aim[2]);
}

void set_kind(ScanEvent& ev, Symbology s, std::string_view name, int type) {
  ev.symbology = s;
  ev.symbology_name = std::string(name);
  ev.scan_data_type = type;
}

bool starts_with_http(std::string_view s) {
  auto lower = [](std::string_view p) {
    std::string out(p);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  };
  return lower(s.substr(0, 7)) == "http://" || lower(s.substr(0, 8)) == "https://";
}

// "(" + 2-4 digits + ")" at the start: the bracketed HRI form.
bool starts_with_bracketed_ai(std::string_view s) {
  const auto close = s.find(')');
  return s.size() > 3 && s[0] == '(' && close != std::string_view::npos && close >= 3 &&
         close <= 5 && all_digits(s.substr(1, close - 1));
}

void take_gs1(ScanEvent& ev, Result<std::vector<Gs1Element>> parsed) {
  if (!parsed) {
    ev.error = parsed.error();
    return;
  }
  ev.gs1 = true;
  ev.elements = std::move(*parsed);
  ev.hri = to_gs1_hri(ev.elements);
  for (const auto& e : ev.elements)
    if (e.ai == "01") ev.gtin14 = e.value;
}

void read_gs1(ScanEvent& ev) {
  take_gs1(ev, starts_with_bracketed_ai(ev.label) ? parse_gs1_hri(ev.label)
                                                  : parse_gs1_element_string(ev.label));
}

void read_plain(ScanEvent& ev) {
  if (!starts_with_http(ev.label)) return;
  auto link = parse_digital_link(ev.label);
  if (!link && link.error().code == "not_digital_link") return;  // some other link
  take_gs1(ev, std::move(link));
}

void set_gtin(ScanEvent& ev, std::string_view digits) {
  auto gtin = normalise_gtin(digits);
  if (gtin)
    ev.gtin14 = *gtin;
  else
    ev.error = gtin.error();
}

// ]E0 carries EAN-13 (13 digits), UPC-A (12, or 13 with a leading 0) or UPC-E (6 to 8).
void read_ean_upc_base(ScanEvent& ev, std::string_view digits, bool with_add_on) {
  const auto n = digits.size();
  if (n == 13 && digits[0] != '0') {
    set_gtin(ev, digits);
  } else if (n == 12 || n == 13) {
    if (with_add_on)
      set_kind(ev, Symbology::upc_a_add_on, "UPC-A with add-on", sdt::kUpcAS);
    else
      set_kind(ev, Symbology::upc_a, "UPC-A", sdt::kUpcA);
    set_gtin(ev, digits);
  } else if (n >= 6 && n <= 8) {
    if (with_add_on)
      set_kind(ev, Symbology::upc_e_add_on, "UPC-E with add-on", sdt::kUpcES);
    else
      set_kind(ev, Symbology::upc_e, "UPC-E", sdt::kUpcE);
    auto upca = expand_upce(digits);
    if (upca)
      set_gtin(ev, *upca);
    else
      ev.error = upca.error();
  } else {
    ev.error = make_error("bad_ean_upc",
                          "EAN-13/UPC data has 6-8, 12 or 13 digits, not " + std::to_string(n));
  }
}

void read_label(ScanEvent& ev, Reading reading) {
  const std::string& d = ev.label;
  switch (reading) {
    case Reading::gs1:
      read_gs1(ev);
      if (ev.ok() && ev.symbology == Symbology::gs1_databar &&
          !(ev.elements.size() == 1 && ev.elements[0].ai == "01"))
        set_kind(ev, Symbology::gs1_databar_expanded, "GS1 DataBar Expanded",
                 sdt::kGs1DataBarExpanded);
      return;
    case Reading::ean_upc:
    case Reading::ean8:
    case Reading::add_on:
      if (!all_digits(d)) {
        ev.error = make_error("bad_ean_upc", "EAN/UPC data must be digits");
        return;
      }
      if (reading == Reading::ean8) {
        if (d.size() != 8)
          ev.error = make_error("bad_ean_upc", "EAN-8 data has 8 digits");
        else
          set_gtin(ev, d);
      } else if (reading == Reading::ean_upc) {
        read_ean_upc_base(ev, d, false);
      } else {
        // The base's length follows from the total: 13+2/5, 12+2/5 or 8+2/5 digits.
        const auto n = d.size();
        const std::size_t add_on = (n == 15 || n == 14 || n == 10) ? 2 : 5;
        if (n != 15 && n != 18 && n != 14 && n != 17 && n != 10 && n != 13) {
          ev.error = make_error("bad_ean_upc", "EAN/UPC with add-on has a 2 or 5 digit add-on");
          return;
        }
        ev.add_on = d.substr(n - add_on);
        read_ean_upc_base(ev, std::string_view(d).substr(0, n - add_on), true);
      }
      return;
    case Reading::itf:
      if (d.size() == 14 && gs1_check_digit_valid(d)) ev.gtin14 = d;  // ITF-14
      return;
    case Reading::plain:
      read_plain(ev);
      return;
  }
}

// No identifier: a GS, a leading "(NN)" or an http(s) link says GS1; 8, 12, 13 or 14 digits
// with a valid check digit are taken as a GTIN (8 digits as an EAN-8, never as a UPC-E).
void read_unidentified(ScanEvent& ev) {
  const std::string& d = ev.label;
  if (d.find(kGroupSeparator) != std::string::npos) {
    take_gs1(ev, parse_gs1_element_string(d));
  } else if (starts_with_bracketed_ai(d)) {
    take_gs1(ev, parse_gs1_hri(d));
  } else if (starts_with_http(d)) {
    read_plain(ev);
  } else if (all_digits(d)) {
    if (auto gtin = normalise_gtin(d)) ev.gtin14 = *gtin;
  }
}

void fill(ScanEvent& ev, std::string_view raw, std::optional<std::string_view> transport_aim) {
  if (raw.size() > kMaxScanBytes) {
    ev.raw = std::string(raw.substr(0, kMaxScanBytes));
    ev.error = make_error("scan_too_long",
                          "a scan is at most " + std::to_string(kMaxScanBytes) + " bytes");
    return;
  }
  ev.raw = std::string(raw);
  std::string_view data = raw;
  while (!data.empty() && (data.back() == '\r' || data.back() == '\n')) data.remove_suffix(1);
  if (transport_aim) {
    if (!valid_aim(*transport_aim)) {
      ev.error = make_error("bad_aim_identifier",
                            "the transport's symbology identifier is not \"]\" + two characters");
      return;
    }
    ev.aim = std::string(*transport_aim);
    if (data.starts_with(*transport_aim)) data.remove_prefix(3);
  } else if (!data.empty() && data[0] == ']') {
    if (!valid_aim(data.substr(0, 3))) {
      ev.error = make_error("bad_aim_identifier",
                            "the data starts with \"]\" but no symbology identifier follows");
      return;
    }
    ev.aim = std::string(data.substr(0, 3));
    data.remove_prefix(3);
  }
  ev.label = std::string(data);
  if (data.empty()) {
    ev.error = make_error("empty_scan", "the scan carries no data");
    return;
  }
  for (unsigned char c : data)
    // GS (FNC1), RS and EOT frame GS1 and ISO/IEC 15434 data; other controls never come from a
    // symbol a store uses, so they are a transport fault.
    if ((c < 0x20 && c != 0x1d && c != 0x1e && c != 0x04) || c == 0x7f) {
      ev.error = make_error("control_character", "the scan contains a control character");
      return;
    }
  if (ev.aim.empty()) {
    read_unidentified(ev);
    return;
  }
  const Kind kind = kind_of(ev.aim[1], ev.aim[2]);
  set_kind(ev, kind.symbology, kind.name, kind.sdt);
  read_label(ev, kind.reading);
}

}  // namespace

ScanEvent make_scan_event(std::string_view raw,
                          std::optional<std::string_view> aim_from_transport) noexcept {
  ScanEvent ev;
  try {
    fill(ev, raw, aim_from_transport);
  } catch (const std::exception& e) {  // allocation failure: the only exception possible here
    ev.error = Error("internal", e.what());
  }
  return ev;
}

}  // namespace storeedge::scanner
