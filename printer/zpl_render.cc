// render_zpl (label_render.h): the label model as ZPL II commands, positions in dots at the
// printer's resolution, barcodes through the printer's own barcode commands.
#include <charconv>
#include <string_view>
#include <variant>

#include "printer/barcode.h"
#include "printer/label_render.h"

namespace storeedge::printer {

namespace {

constexpr int kFnc1 = -1;

class ZplWriter {
 public:
  explicit ZplWriter(int dpi) : dpi_(dpi) { out_.reserve(4096); }

  void raw(std::string_view s) { out_ += s; }
  void number(int n) {
    char buffer[16];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n);
    (void)ec;
    out_.append(buffer, end);
  }
  void field_origin(double x_mm, double y_mm, int dx = 0) {
    raw("^FO");
    number(to_dots(x_mm, dpi_) + dx);
    raw(",");
    number(to_dots(y_mm, dpi_));
  }
  // ^FD data ^FS; with ^FH (hexadecimal escapes) first when the data holds ZPL's command
  // characters ^ and ~, or _ (the escape indicator itself).
  void field_data(std::string_view prefix, std::string_view data) {
    const bool escape = data.find_first_of("^~_") != std::string_view::npos;
    if (escape) raw("^FH_");
    raw("^FD");
    raw(prefix);
    for (char c : data) {
      if (c == '^')
        raw("_5E");
      else if (c == '~')
        raw("_7E");
      else if (c == '_')
        raw(escape ? "_5F" : "_");
      else
        out_ += c;
    }
    raw("^FS\n");
  }
  std::string take() { return std::move(out_); }
  int dpi() const { return dpi_; }

 private:
  int dpi_;
  std::string out_;
};

void write(ZplWriter& z, const TextElement& t) {
  const int height = std::max(8, to_dots(t.size_mm, z.dpi()));
  const char align = t.align == Align::left ? 'L' : t.align == Align::center ? 'C' : 'R';
  // ^FB interprets "\&" as a line break and "\\" as a backslash.
  std::string text;
  for (char c : t.text) {
    text += c;
    if (c == '\\') text += '\\';
  }
  // Font 0 has no bold: bold text is struck twice, the second time a dot (two at 300 dpi) right.
  const int strikes = t.bold ? 2 : 1;
  for (int s = 0; s < strikes; ++s) {
    z.field_origin(t.x_mm, t.y_mm, s * std::max(1, z.dpi() / 150));
    z.raw("^A0N,");
    z.number(height);
    z.raw(",");
    z.number(height);
    z.raw("^FB");
    z.number(std::max(1, to_dots(t.width_mm, z.dpi())));
    z.raw(",1,0,");
    z.raw(std::string_view(&align, 1));
    z.raw(",0");
    z.field_data("", text);
  }
}

void write(ZplWriter& z, const BoxElement& b) {
  const int w = std::max(1, to_dots(b.width_mm, z.dpi()));
  const int h = std::max(1, to_dots(b.height_mm, z.dpi()));
  const int thickness = b.line_mm > 0 ? std::max(1, to_dots(b.line_mm, z.dpi())) : std::min(w, h);
  z.field_origin(b.x_mm, b.y_mm);
  z.raw("^GB");
  z.number(std::max(w, thickness));
  z.raw(",");
  z.number(std::max(h, thickness));
  z.raw(",");
  z.number(thickness);
  z.raw(",B,0^FS\n");
}

// The symbol's characters, FNC1 as kFnc1: a GS1 element string starts with FNC1 and has one
// after every variable-length field but the last.
std::vector<int> code128_tokens(const BarcodeElement& b) {
  std::vector<int> tokens;
  if (b.symbology == Symbology::gs1_128) {
    tokens.push_back(kFnc1);
    for (char c : gs1_element_string(b.gs1))
      tokens.push_back(c == '\x1d' ? kFnc1 : static_cast<unsigned char>(c));
  } else {
    for (char c : b.data) tokens.push_back(static_cast<unsigned char>(c));
  }
  return tokens;
}

// ^BC field data with explicit subsets (the printer's automatic mode differs between firmware):
// subset C (>; to start, >5 to switch) for runs of four or more digits, an even number at a
// time, subset B (>: to start, >6 to switch) for the rest, FNC1 as >8.
Result<std::string> code128_field(const BarcodeElement& b) {
  const std::vector<int> t = code128_tokens(b);
  const std::size_t n = t.size();
  const auto digits_from = [&](std::size_t i) {
    std::size_t k = i;
    while (k < n && t[k] >= '0' && t[k] <= '9') ++k;
    return k - i;
  };
  std::string out;
  bool subset_c = false;
  std::size_t i = 0;
  if (b.symbology == Symbology::gs1_128) {
    const std::size_t run = digits_from(1);
    subset_c = run >= 2 && run % 2 == 0;
    out += subset_c ? ">;>8" : ">:>8";
    i = 1;
  } else {
    const std::size_t run = digits_from(0);
    subset_c = run >= 4 && run % 2 == 0;
    out += subset_c ? ">;" : ">:";
  }
  while (i < n) {
    if (t[i] == kFnc1) {
      out += ">8";
      ++i;
      continue;
    }
    const std::size_t run = digits_from(i);
    if (subset_c) {
      if (run >= 2) {
        out += static_cast<char>(t[i]);
        out += static_cast<char>(t[i + 1]);
        i += 2;
      } else {
        out += ">6";
        subset_c = false;
      }
      continue;
    }
    if (run >= 4 && run % 2 == 0) {
      out += ">5";
      subset_c = true;
      continue;
    }
    const int c = t[i];
    if (c < 0x20 || c > 0x7E || c == '^' || c == '~' || c == '>')
      return make_error("zpl_unsupported_data",
                        "Code 128 data with a control character, ^, ~ or >");
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

// ^BX field data: the escape character is _, FNC1 is _1, and a literal _, ^ or ~ is _dNNN.
std::string data_matrix_field(const BarcodeElement& b) {
  std::string out;
  const auto literal = [&](char c) {
    if (c == '_')
      out += "_d095";
    else if (c == '^')
      out += "_d094";
    else if (c == '~')
      out += "_d126";
    else
      out += c;
  };
  if (b.symbology == Symbology::gs1_data_matrix) {
    out += "_1";
    for (char c : gs1_element_string(b.gs1)) {
      if (c == '\x1d')
        out += "_1";
      else
        literal(c);
    }
  } else {
    for (char c : b.data) literal(c);
  }
  return out;
}

Result<void> write(ZplWriter& z, const BarcodeElement& b) {
  const int module = module_dots(b.module_mm, z.dpi());
  if (module > 10) return make_error("zpl_unsupported_data", "a module wider than 10 dots");
  z.field_origin(b.x_mm, b.y_mm);
  switch (b.symbology) {
    case Symbology::code128:
    case Symbology::gs1_128: {
      auto data = code128_field(b);
      if (!data) return data.error();
      z.raw("^BY");
      z.number(module);
      z.raw("^BCN,");
      z.number(std::max(1, to_dots(b.height_mm, z.dpi())));
      z.raw(",N,N,N,N^FD");
      z.raw(*data);
      z.raw("^FS\n");
      return {};
    }
    case Symbology::qr_code:
      z.raw("^BQN,2,");
      z.number(module);
      z.field_data("MA,", b.data);
      return {};
    case Symbology::data_matrix:
    case Symbology::gs1_data_matrix:
      z.raw("^BXN,");
      z.number(module);
      z.raw(",200,0,0,6,_^FD");
      z.raw(data_matrix_field(b));
      z.raw("^FS\n");
      return {};
  }
  return make_error("zpl_unsupported_data", "unknown symbology");
}

}  // namespace

Result<std::string> render_zpl(const Label& label, int dpi) {
  if (auto e = check_label(label)) return *e;
  if (label.stock == Stock::sheet)
    return make_error("format_unsupported", "a " + label.kind + " is printed as PDF, not ZPL");
  if (dpi != 203 && dpi != 300) return make_error("bad_dpi", "ZPL is rendered at 203 or 300 dpi");
  ZplWriter z(dpi);
  for (const auto& page : label.pages) {
    z.raw("^XA\n^CI28\n^PW");
    z.number(to_dots(label.width_mm, dpi));
    z.raw("\n^LL");
    z.number(to_dots(label.height_mm, dpi));
    z.raw("\n^LH0,0\n");
    for (const auto& element : page) {
      if (const auto* text = std::get_if<TextElement>(&element)) {
        write(z, *text);
      } else if (const auto* box = std::get_if<BoxElement>(&element)) {
        write(z, *box);
      } else if (auto r = write(z, std::get<BarcodeElement>(element)); !r) {
        return r.error();
      }
    }
    z.raw("^XZ\n");
  }
  return z.take();
}

}  // namespace storeedge::printer
