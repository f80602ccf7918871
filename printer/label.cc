#include "printer/label.h"

#include <algorithm>
#include <cmath>

namespace storeedge::printer {

std::string_view symbology_name(Symbology symbology) {
  switch (symbology) {
    case Symbology::code128:
      return "code128";
    case Symbology::gs1_128:
      return "gs1-128";
    case Symbology::qr_code:
      return "qr";
    case Symbology::data_matrix:
      return "datamatrix";
    case Symbology::gs1_data_matrix:
      return "gs1-datamatrix";
  }
  return "unknown";
}

bool is_linear(Symbology symbology) {
  return symbology == Symbology::code128 || symbology == Symbology::gs1_128;
}

bool is_gs1(Symbology symbology) {
  return symbology == Symbology::gs1_128 || symbology == Symbology::gs1_data_matrix;
}

int to_dots(double mm, int dpi) {
  return static_cast<int>(std::lround(mm * dpi / 25.4));
}

int module_dots(double module_mm, int dpi) {
  return std::max(1, to_dots(module_mm, dpi));
}

int quiet_zone_modules(Symbology symbology) {
  if (is_linear(symbology)) return 10;
  if (symbology == Symbology::qr_code) return 4;
  return 2;
}

namespace {

Error invalid(std::string_view field, const std::string& why) {
  return make_error("invalid_label_input", std::string(field) + ": " + why);
}

}  // namespace

std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t n = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    i += n == 0 ? 1 : n;
    ++count;
  }
  return count;
}

std::optional<Error> check_text(std::string_view field, std::string_view value,
                                std::size_t max_chars, bool required) {
  if (value.empty()) {
    if (required) return invalid(field, "is required");
    return std::nullopt;
  }
  std::size_t count = 0;
  for (std::size_t i = 0; i < value.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(value, i, cp);
    if (n == 0) return invalid(field, "is not valid UTF-8");
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
      return invalid(field, "contains a control character");
    i += n;
    if (++count > max_chars)
      return invalid(field, "is longer than " + std::to_string(max_chars) + " characters");
  }
  return std::nullopt;
}

std::optional<Error> check_identifier(std::string_view field, std::string_view value,
                                      std::size_t max_chars) {
  if (value.empty()) return invalid(field, "is required");
  if (value.size() > max_chars)
    return invalid(field, "is longer than " + std::to_string(max_chars) + " characters");
  for (char c : value) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '/' || c == '+' || c == ':';
    if (!ok) return invalid(field, "may only contain A-Z a-z 0-9 - . / + :");
  }
  return std::nullopt;
}

TextElement fitted_text(double x_mm, double y_mm, double width_mm, double size_mm, std::string text,
                        bool bold, Align align) {
  const double em_per_char = bold ? 0.68 : 0.62;
  const auto chars = static_cast<double>(std::max<std::size_t>(1, utf8_length(text)));
  const double size = std::min(size_mm, width_mm / (chars * em_per_char));
  return TextElement{x_mm, y_mm, width_mm, size, bold, align, std::move(text)};
}

}  // namespace storeedge::printer
