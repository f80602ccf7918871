#include "fulfil/barcode.h"

#include <algorithm>

#include "scanner/gs1.h"
#include "scanner/gtin.h"
#include "scanner/scan_event.h"

namespace storeedge::fulfil {

using scanner::all_digits;

namespace {

void add(std::vector<std::string>& out, std::optional<std::string> gtin) {
  if (gtin && std::find(out.begin(), out.end(), *gtin) == out.end()) out.push_back(*gtin);
}

}  // namespace

std::optional<std::string> to_gtin14(std::string_view digits) {
  if (!all_digits(digits)) return std::nullopt;
  while (digits.size() > 14 && digits.front() == '0') digits.remove_prefix(1);
  if (digits.size() > 14 ||
      !scanner::gs1_check_digit_valid(std::string(14 - digits.size(), '0') + std::string(digits)))
    return std::nullopt;
  return std::string(14 - digits.size(), '0') + std::string(digits);
}

// The scan's meaning comes from scanner/scan_event.h, like every other scan (HID, wedge, serial,
// camera). What people type is read more loosely on top: surrounding blanks, leading zeros
// beyond 14 digits, an 11-digit UPC-A, and 8 digits read both as an EAN-8 and as a UPC-E.
Result<ItemCode> parse_item_code(std::string_view scanned) {
  if (scanned.size() > 512)
    return make_error("invalid_barcode", "the code is longer than 512 bytes");
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!scanned.empty() && blank(scanned.front())) scanned.remove_prefix(1);
  while (!scanned.empty() && blank(scanned.back())) scanned.remove_suffix(1);
  if (scanned.empty()) return make_error("invalid_barcode", "the code is empty");
  const scanner::ScanEvent scan = scanner::make_scan_event(scanned);
  if (!scan.ok()) return make_error("invalid_barcode", scan.error->message);
  std::string_view label = scan.label;
  while (!label.empty() && blank(label.front())) label.remove_prefix(1);
  while (!label.empty() && blank(label.back())) label.remove_suffix(1);
  if (label.empty()) return make_error("invalid_barcode", "the code is empty");

  ItemCode code;
  code.text = std::string(label);
  add(code.gtins, scan.gtin14);
  // A GS1-128 read by a scanner that sends no identifier, with only predefined-length fields
  // (so no GS): "0105901234123457172612 31" is digits only. An element string starting with
  // (01) that parses is read as one; anything else stays text (a long SKU).
  if (!scan.gtin14 && scan.aim.empty() && label.size() >= 16 && label.starts_with("01") &&
      all_digits(label)) {
    if (auto elements = scanner::parse_gs1_element_string(label))
      for (const auto& e : *elements)
        if (e.ai == "01") add(code.gtins, e.value);
  }
  if (scan.aim.empty() && all_digits(label)) {
    add(code.gtins, to_gtin14(label));
    if (label.size() >= 6 && label.size() <= 8)
      if (auto upca = scanner::expand_upce(label)) add(code.gtins, to_gtin14(*upca));
  }
  return code;
}

}  // namespace storeedge::fulfil
