// ESC/POS, the command language of receipt printers (Epson TM series and the many printers that
// follow it), as far as our slips use it: text in one explicitly selected code page, wrapped to
// the paper's columns, bold and double-size headings, a Code 128, feed and cut. Pure; the
// command reference and our choices are in docs/printing.md, "Receipts (ESC/POS)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace storeedge::printer::escpos {

// Paper widths at font A (12×24 dots) on a 203 dpi printer: 80 mm paper prints 72 mm = 576
// dots = 48 columns; 58 mm paper 48 mm = 384 dots = 32 columns.
enum class Paper { mm80, mm58 };
int columns(Paper paper);
int printable_dots(Paper paper);

// The code page selected with ESC t: Windows-1252 (Epson's page 16, "WPC1252"), which holds
// ASCII, all of Latin-1 and €, ‚ „ … † ‡ ‰ Š Ž š ž Œ œ Ÿ ƒ ‹ › • – — ˜ ™ and the curly quotes.
inline constexpr std::uint8_t kCodePage = 16;

// UTF-8 (valid, no control characters: the caller checked it) to Windows-1252, one byte per
// character; a character the code page lacks becomes '?'.
std::string to_code_page(std::string_view utf8);

// Code-page text broken into lines of at most `width` columns at spaces; a word longer than a
// line is split. Runs of spaces collapse to one. Never returns an empty vector.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

// `left` and `right` on one line of `width` columns, `right` flush right; when they do not fit
// together, `left` wrapped and `right` flush right on a line of its own.
std::vector<std::string> two_columns(std::string_view left, std::string_view right,
                                     std::size_t width);

// GS k's data for Code 128 (function B, m = 73): explicit code sets, "{B" for text and "{C"
// with one byte per digit pair for runs of four or more digits (an even number at a time).
// `data` must be printable ASCII without '{'. Also counts the symbol's modules (start, data,
// code set changes, check character, stop), quiet zones not included.
struct Code128Data {
  std::string bytes;
  int modules = 0;
};
Code128Data code128_data(std::string_view data);

enum class Align : std::uint8_t { left = 0, center = 1, right = 2 };

// Appends commands and text to one ESC/POS document. Text given to line() must already be in
// the code page (to_code_page) and fit the paper's columns at the current character size.
class Writer {
 public:
  explicit Writer(Paper paper) : paper_(paper) {}
  int columns() const { return escpos::columns(paper_); }

  // ESC @ (initialise), ESC t (kCodePage), ESC R 0 (USA: no national replacements of # $ @ [ ]
  // and so on), ESC M 0 (font A), ESC 2 (default line spacing).
  Writer& init();
  Writer& align(Align a);                               // ESC a n
  Writer& bold(bool on);                                // ESC E n
  Writer& size(bool double_width, bool double_height);  // GS ! n
  Writer& line(std::string_view code_page_text);        // the text, then LF
  // A Code 128 centred on its own line, `height` dots high, with its text under it (HRI, font
  // A): GS h, GS w, GS H 2, GS f 0, GS k 73. The module is 3 dots when the symbol with its quiet
  // zones fits the paper so, else 2 (0.25 mm; narrower ones scan poorly). Errors: "slip_overflow"
  // when it does not fit at 2 dots, "bad_barcode_data" for data that is empty or not printable
  // ASCII without '{'.
  [[nodiscard]] Result<void> code128(std::string_view data, int height);
  Writer& cut();  // GS V 66 3: feed to the cutter (and 3 more motion units) and cut partially

  std::string take() { return std::move(out_); }

 private:
  Paper paper_;
  std::string out_;
};

}  // namespace storeedge::printer::escpos
