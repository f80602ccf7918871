#include "fulfil/barcode.h"

#include <algorithm>

#include "scanner/gtin.h"

namespace storeedge::fulfil {

using scanner::all_digits;

namespace {

constexpr char kGroupSeparator = '\x1d';  // FNC1 in a GS1 element string

void add(std::vector<std::string>& out, std::optional<std::string> gtin) {
  if (gtin && std::find(out.begin(), out.end(), *gtin) == out.end()) out.push_back(*gtin);
}

// AI (01) in a GS1 element string: "(01)05901234123457(17)…" or the raw form with GS between
// variable-length fields, "0105901234123457…". Only (01) matters for finding an item.
std::optional<std::string> gs1_gtin(std::string_view s) {
  if (s.starts_with("(")) {
    const auto at = s.find("(01)");
    if (at == std::string_view::npos) return std::nullopt;
    const auto value = s.substr(at + 4, 14);
    return value.size() == 14 && all_digits(value) && scanner::gs1_check_digit_valid(value)
               ? std::optional<std::string>(value)
               : std::nullopt;
  }
  // Raw: (01) first, or right after a group separator. 16 or more characters, so a plain
  // GTIN (at most 14 digits) is never read this way.
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto field = s.substr(pos);
    if (field.starts_with("01") && field.size() >= 16) {
      const auto value = field.substr(2, 14);
      if (all_digits(value) && scanner::gs1_check_digit_valid(value)) return std::string(value);
    }
    const auto gs = s.find(kGroupSeparator, pos);
    if (gs == std::string_view::npos) break;
    pos = gs + 1;
  }
  return std::nullopt;
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

Result<ItemCode> parse_item_code(std::string_view scanned) {
  if (scanned.size() > 512)
    return make_error("invalid_barcode", "the code is longer than 512 bytes");
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!scanned.empty() && blank(scanned.front())) scanned.remove_prefix(1);
  while (!scanned.empty() && blank(scanned.back())) scanned.remove_suffix(1);
  // The AIM symbology identifier a scanner may prefix: "]" + symbology letter + modifier.
  if (scanned.size() >= 3 && scanned[0] == ']') scanned.remove_prefix(3);
  if (scanned.empty()) return make_error("invalid_barcode", "the code is empty");
  for (unsigned char c : scanned)
    if ((c < 0x20 && c != static_cast<unsigned char>(kGroupSeparator)) || c == 0x7f)
      return make_error("invalid_barcode", "the code contains control characters");

  ItemCode code;
  code.text = std::string(scanned);
  add(code.gtins, gs1_gtin(scanned));
  if (all_digits(scanned)) {
    add(code.gtins, to_gtin14(scanned));
    if (scanned.size() >= 6 && scanned.size() <= 8)
      if (auto upca = scanner::expand_upce(scanned)) add(code.gtins, to_gtin14(*upca));
  }
  return code;
}

}  // namespace storeedge::fulfil
