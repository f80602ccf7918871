// The label model: text, boxes and barcodes placed in millimetres on pages of one size, which the
// ZPL, PDF and PNG renderers (label_render.h) draw. The label kinds (label_kinds.h) build it; the
// checks on text every kind shares live here. Plain data and pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace storeedge::printer {

enum class Symbology { code128, gs1_128, qr_code, data_matrix, gs1_data_matrix };
std::string_view symbology_name(Symbology symbology);  // "code128", "gs1-128", …
bool is_linear(Symbology symbology);
bool is_gs1(Symbology symbology);

// One GS1 element: Application Identifier and value, e.g. {"00", "123456789012345675"}.
struct Gs1Field {
  std::string ai;
  std::string value;
  bool operator==(const Gs1Field&) const = default;
};

// An encoded symbol's modules, row-major, 1 = dark. A linear symbol has one row.
struct ModuleMatrix {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> dark;
  bool get(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)] != 0; }
};

enum class Align { left, center, right };

struct TextElement {
  double x_mm = 0, y_mm = 0;  // top left of the text box
  double width_mm = 0;        // the box: text is aligned in it and shrunk to stay inside
  double size_mm = 3;         // the font's em height
  bool bold = false;
  Align align = Align::left;
  std::string text;  // UTF-8 without control characters (check_text)
};

// A filled rectangle, or its outline when line_mm > 0. A rule is a thin filled box.
struct BoxElement {
  double x_mm = 0, y_mm = 0, width_mm = 0, height_mm = 0;
  double line_mm = 0;
};

struct BarcodeElement {
  double x_mm = 0, y_mm = 0;  // top left of the first module; quiet zones are the layout's job
  Symbology symbology = Symbology::code128;
  std::string data;           // code128, qr_code, data_matrix: the payload
  std::vector<Gs1Field> gs1;  // gs1_128, gs1_data_matrix: the element string, in order
  double module_mm = 0.33;    // nominal module width (X-dimension); drawn as whole dots
  double height_mm = 15;      // bar height of a linear symbol; matrix symbols are square modules
  ModuleMatrix modules;       // the symbol as encoded (barcode.h's make_barcode fills it)
};

using Element = std::variant<TextElement, BoxElement, BarcodeElement>;

// Label stock goes to label printers (ZPL, or PDF/PNG); sheet stock (A4, Letter) is for office
// printers and is never rendered as ZPL.
enum class Stock { label, sheet };

struct Label {
  std::string kind;  // "bag", "shipping", "packing-slip", "return", "bin"
  double width_mm = 0;
  double height_mm = 0;
  Stock stock = Stock::label;
  std::string media;                        // PWG media name for Document::media
  std::vector<std::vector<Element>> pages;  // at least one; at most kMaxPages
};

inline constexpr std::size_t kMaxPages = 100;
inline constexpr std::size_t kMaxElementsPerPage = 400;

// Millimetres → whole device dots at `dpi` (rounded to nearest).
int to_dots(double mm, int dpi);
// A module of `module_mm` as whole dots at `dpi`: rounded to nearest, never less than one.
int module_dots(double module_mm, int dpi);

// The modules of quiet zone a symbol needs on each side: 10 for Code 128, 4 for QR Code, 2 for
// Data Matrix (ISO/IEC 16022 asks for 1; ZXing needs more to find it in a camera image).
int quiet_zone_modules(Symbology symbology);

// Checks a text field before it goes on a label: valid UTF-8, no control characters, 1 to
// `max_chars` code points (0 allowed when !required). Error: "invalid_label_input" naming the
// field. `^` and `~` are allowed; the ZPL renderer escapes them.
std::optional<Error> check_text(std::string_view field, std::string_view value,
                                std::size_t max_chars, bool required = true);
// Identifiers that become barcode data (order, allocation, location, SKU, return and tracking
// numbers): 1 to `max_chars` of A-Z a-z 0-9 and - . / + : (a subset of GS1's character set 82,
// encodable in every symbology here and free of ZPL's command and escape characters).
std::optional<Error> check_identifier(std::string_view field, std::string_view value,
                                      std::size_t max_chars);

// Counts UTF-8 code points (the string must be valid UTF-8).
std::size_t utf8_length(std::string_view text);
// Decodes the UTF-8 sequence at byte `i` of `s` into `cp`; returns its length in bytes, 0 when it
// is malformed (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp);

// A text element whose size is shrunk, from `size_mm`, so that `text` fits `width_mm` by the
// conservative estimate the ZPL renderer relies on (0.62 em per character, 0.68 bold); the
// cairo renderers measure and shrink further when a font is wider.
TextElement fitted_text(double x_mm, double y_mm, double width_mm, double size_mm, std::string text,
                        bool bold = false, Align align = Align::left);

}  // namespace storeedge::printer
