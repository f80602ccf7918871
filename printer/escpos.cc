#include "printer/escpos.h"

#include <algorithm>
#include <array>

#include "printer/label.h"

namespace storeedge::printer::escpos {

namespace {

constexpr char kEsc = '\x1b';
constexpr char kGs = '\x1d';

// Windows-1252's 0x80-0x9F, which are not Latin-1's (0 = unassigned).
constexpr std::array<char32_t, 32> kHigh = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char code_page_byte(char32_t cp) {
  if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<char>(cp);
  for (std::size_t i = 0; i < kHigh.size(); ++i)
    if (kHigh[i] != 0 && kHigh[i] == cp) return static_cast<char>(0x80 + i);
  return '?';
}

constexpr int kQuietZoneModules = 10;

}  // namespace

int columns(Paper paper) {
  return paper == Paper::mm80 ? 48 : 32;
}

int printable_dots(Paper paper) {
  return paper == Paper::mm80 ? 576 : 384;
}

std::string to_code_page(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(utf8, i, cp);
    if (n == 0) {  // not reached for checked text; one '?' per bad byte otherwise
      out += '?';
      ++i;
      continue;
    }
    out += code_page_byte(cp);
    i += n;
  }
  return out;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string current;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    i = end;
    if (!current.empty() && current.size() + 1 + word.size() <= width) {
      current += ' ';
      current += word;
      continue;
    }
    if (!current.empty()) lines.push_back(std::move(current));
    current.clear();
    while (word.size() > width) {  // a word longer than a line: split it
      lines.emplace_back(word.substr(0, width));
      word.remove_prefix(width);
    }
    current = std::string(word);
  }
  if (!current.empty() || lines.empty()) lines.push_back(std::move(current));
  return lines;
}

std::vector<std::string> two_columns(std::string_view left, std::string_view right,
                                     std::size_t width) {
  if (left.size() + 1 + right.size() <= width)
    return {std::string(left) + std::string(width - left.size() - right.size(), ' ') +
            std::string(right)};
  std::vector<std::string> lines = wrap(left, width);
  for (auto& r : wrap(right, width)) lines.push_back(std::string(width - r.size(), ' ') + r);
  return lines;
}

Code128Data code128_data(std::string_view data) {
  const std::size_t n = data.size();
  const auto digits_from = [&](std::size_t i) {
    std::size_t k = i;
    while (k < n && data[k] >= '0' && data[k] <= '9') ++k;
    return k - i;
  };
  Code128Data out;
  int symbols = 1;  // the start character
  bool subset_c = false;
  const std::size_t first = digits_from(0);
  if (first >= 4 && first % 2 == 0) {
    out.bytes += "{C";
    subset_c = true;
  } else {
    out.bytes += "{B";
  }
  std::size_t i = 0;
  while (i < n) {
    const std::size_t run = digits_from(i);
    if (subset_c) {
      if (run >= 2) {
        out.bytes += static_cast<char>((data[i] - '0') * 10 + (data[i + 1] - '0'));
        i += 2;
        ++symbols;
      } else {
        out.bytes += "{B";
        subset_c = false;
        ++symbols;
      }
      continue;
    }
    if (run >= 4 && run % 2 == 0) {
      out.bytes += "{C";
      subset_c = true;
      ++symbols;
      continue;
    }
    out.bytes += data[i];
    ++i;
    ++symbols;
  }
  ++symbols;                        // the check character
  out.modules = symbols * 11 + 13;  // the stop pattern is 13 modules
  return out;
}

Writer& Writer::init() {
  out_ += {kEsc, '@'};
  out_ += {kEsc, 't', static_cast<char>(kCodePage)};
  out_ += {kEsc, 'R', '\0'};
  out_ += {kEsc, 'M', '\0'};
  out_ += {kEsc, '2'};
  return *this;
}

Writer& Writer::align(Align a) {
  out_ += {kEsc, 'a', static_cast<char>(a)};
  return *this;
}

Writer& Writer::bold(bool on) {
  out_ += {kEsc, 'E', static_cast<char>(on ? 1 : 0)};
  return *this;
}

Writer& Writer::size(bool double_width, bool double_height) {
  out_ += {kGs, '!', static_cast<char>((double_width ? 0x10 : 0) | (double_height ? 0x01 : 0))};
  return *this;
}

Writer& Writer::line(std::string_view code_page_text) {
  out_ += code_page_text;
  out_ += '\n';
  return *this;
}

Result<void> Writer::code128(std::string_view data, int height) {
  if (data.empty()) return make_error("bad_barcode_data", "empty Code 128 data");
  for (char c : data)
    if (c < 0x20 || c > 0x7E || c == '{')
      return make_error("bad_barcode_data", "Code 128 data must be printable ASCII without '{'");
  const Code128Data symbol = code128_data(data);
  const int total = symbol.modules + 2 * kQuietZoneModules;
  int module = 0;
  for (int m : {3, 2})
    if (total * m <= printable_dots(paper_)) {
      module = m;
      break;
    }
  if (module == 0)
    return make_error("slip_overflow", "the Code 128 of '" + std::string(data) + "' needs " +
                                           std::to_string(total * 2) + " dots; the paper has " +
                                           std::to_string(printable_dots(paper_)));
  if (symbol.bytes.size() > 255)
    return make_error("slip_overflow", "Code 128 data longer than 255 bytes");
  align(Align::center);
  out_ += {kGs, 'h', static_cast<char>(std::clamp(height, 1, 255))};
  out_ += {kGs, 'w', static_cast<char>(module)};
  out_ += {kGs, 'H', '\2'};
  out_ += {kGs, 'f', '\0'};
  out_ += {kGs, 'k', static_cast<char>(73), static_cast<char>(symbol.bytes.size())};
  out_ += symbol.bytes;  // the printer returns to the start of the line after the symbol
  align(Align::left);
  return {};
}

Writer& Writer::cut() {
  out_ += {kGs, 'V', static_cast<char>(66), '\3'};
  return *this;
}

}  // namespace storeedge::printer::escpos
