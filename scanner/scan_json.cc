#include "scanner/scan_json.h"

#include <boost/json/array.hpp>

namespace storeedge::scanner {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

std::string hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 0x0F];
  }
  return out;
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t n = utf8_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

boost::json::object scan_json(const ScanEvent& scan) {
  boost::json::object o{{"aim", valid_utf8(scan.aim)},
                        {"symbology", scan.symbology_name},
                        {"scan_data_type", scan.scan_data_type},
                        {"text", valid_utf8(scan.label)},
                        {"raw_hex", hex(scan.raw)}};
  if (!scan.add_on.empty()) o["add_on"] = scan.add_on;
  if (scan.gtin14) o["gtin"] = *scan.gtin14;
  if (scan.gs1) {
    boost::json::array elements;
    for (const auto& e : scan.elements) {
      boost::json::object el{{"ai", e.ai}, {"value", valid_utf8(e.value)}};
      if (e.decimals) el["decimals"] = *e.decimals;
      elements.push_back(std::move(el));
    }
    o["gs1"] = std::move(elements);
    o["hri"] = valid_utf8(scan.hri);
  }
  if (scan.error)
    o["error"] = boost::json::object{{"code", scan.error->code}, {"message", scan.error->message}};
  return o;
}

}  // namespace storeedge::scanner
