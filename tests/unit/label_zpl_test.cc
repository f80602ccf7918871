// ZPL output checked field by field: the test parses render_zpl's output into formats and fields
// and compares each with the label model — ^PW/^LL in dots at the resolution, ^FO positions,
// fonts and field blocks, ^FD text with its escapes, and the barcode commands' data read back
// through ZPL's own rules (^BC subset invocations and FNC1, ^BQ's "MA," prefix, ^BX's _1 and
// _dNNN) — plus literal expectations for the sample labels and the renderer's refusals.
#include <gtest/gtest.h>

#include "label_support.h"
#include "printer/barcode.h"
#include "printer/label_render.h"

namespace storeedge::printer {
namespace {

using testing::px;

struct Command {
  std::string name;  // "FO", "A0", "FD", …
  std::string params;
};

struct Format {
  std::vector<Command> header;               // before the first ^FO
  std::vector<std::vector<Command>> fields;  // ^FO … ^FS
};

// Splits ZPL into ^XA…^XZ formats of commands; ^FD's data runs to ^FS whatever it holds.
std::vector<Format> parse_zpl(const std::string& zpl) {
  std::vector<Format> formats;
  std::vector<Command>* field = nullptr;
  std::size_t i = zpl.find('^');
  while (i != std::string::npos && i + 3 <= zpl.size()) {
    const std::string name = zpl.substr(i + 1, 2);
    std::size_t end = name == "FD" ? zpl.find("^FS", i) : zpl.find_first_of("^\n", i + 3);
    if (end == std::string::npos) end = zpl.size();
    const std::string params = zpl.substr(i + 3, end - i - 3);
    if (name == "XA") {
      formats.emplace_back();
      field = nullptr;
    } else if (name == "XZ") {
      field = nullptr;
    } else if (!formats.empty()) {
      if (name == "FO") field = &formats.back().fields.emplace_back();
      if (field)
        field->push_back({name, params});
      else
        formats.back().header.push_back({name, params});
      if (name == "FS") field = nullptr;
    }
    i = zpl.find('^', end);
  }
  return formats;
}

std::string param(const std::vector<Command>& commands, const std::string& name) {
  for (const auto& c : commands)
    if (c.name == name) return c.params;
  return "<no ^" + name + ">";
}

bool has(const std::vector<Command>& commands, const std::string& name) {
  for (const auto& c : commands)
    if (c.name == name) return true;
  return false;
}

// ^FH's hexadecimal escapes (indicator _) undone.
std::string unhex(const std::string& data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '_' && i + 2 < data.size()) {
      out += static_cast<char>(std::stoi(data.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += data[i];
    }
  }
  return out;
}

// ^BC field data as the printer reads it: >; >: start subsets C and B, >5 >6 switch to them, >8
// is FNC1 (given as GS here), subset C takes digit pairs.
std::string read_code128(const std::string& data) {
  std::string out;
  bool subset_c = false;
  for (std::size_t i = 0; i < data.size();) {
    if (data[i] == '>' && i + 1 < data.size()) {
      const char code = data[i + 1];
      if (code == ';' || code == '5') subset_c = true;
      if (code == ':' || code == '6') subset_c = false;
      if (code == '8') out += '\x1d';
      if (std::string_view(";:568").find(code) == std::string_view::npos)
        return "<unexpected invocation >" + std::string(1, code) + ">";
      i += 2;
      continue;
    }
    if (subset_c) {
      if (i + 1 >= data.size() || !isdigit(data[i]) || !isdigit(data[i + 1]))
        return "<odd or non-digit subset C data>";
      out += data.substr(i, 2);
      i += 2;
    } else {
      out += data[i++];
    }
  }
  return out;
}

// ^BX field data with escape character _: _1 is FNC1 (GS here), _dNNN a character.
std::string read_data_matrix(const std::string& data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '_') {
      out += data[i];
    } else if (data.substr(i + 1, 1) == "1") {
      out += '\x1d';
      i += 1;
    } else if (data.substr(i + 1, 1) == "d") {
      out += static_cast<char>(std::stoi(data.substr(i + 2, 3)));
      i += 4;
    } else {
      return "<unexpected escape>";
    }
  }
  return out;
}

// What a scanner would read: the payload, or FNC1 + the GS1 element string.
std::string expected_symbol_data(const BarcodeElement& b) {
  return is_gs1(b.symbology) ? "\x1d" + gs1_element_string(b.gs1) : b.data;
}

// Compares a format's fields with the model's page, element by element.
void expect_fields_match(const Format& format, const std::vector<Element>& page, int dpi) {
  std::size_t f = 0;
  const auto next = [&]() -> const std::vector<Command>& {
    static const std::vector<Command> none;
    return f < format.fields.size() ? format.fields[f++] : none;
  };
  for (std::size_t e = 0; e < page.size(); ++e) {
    SCOPED_TRACE("element " + std::to_string(e));
    if (const auto* t = std::get_if<TextElement>(&page[e])) {
      const int height = std::max(8, px(t->size_mm, dpi));
      const char align = t->align == Align::left ? 'L' : t->align == Align::center ? 'C' : 'R';
      for (int strike = 0; strike < (t->bold ? 2 : 1); ++strike) {
        const auto& field = next();
        const int dx = strike * (dpi == 300 ? 2 : 1);
        EXPECT_EQ(param(field, "FO"),
                  std::to_string(px(t->x_mm, dpi) + dx) + "," + std::to_string(px(t->y_mm, dpi)));
        EXPECT_EQ(param(field, "A0"), "N," + std::to_string(height) + "," + std::to_string(height));
        EXPECT_EQ(param(field, "FB"),
                  std::to_string(px(t->width_mm, dpi)) + ",1,0," + std::string(1, align) + ",0");
        std::string text = param(field, "FD");
        if (has(field, "FH")) text = unhex(text);
        std::string unescaped;  // ^FB's "\\" is one backslash
        for (std::size_t i = 0; i < text.size(); ++i) {
          unescaped += text[i];
          if (text[i] == '\\') ++i;
        }
        EXPECT_EQ(unescaped, t->text);
      }
    } else if (const auto* b = std::get_if<BoxElement>(&page[e])) {
      const auto& field = next();
      EXPECT_EQ(param(field, "FO"),
                std::to_string(px(b->x_mm, dpi)) + "," + std::to_string(px(b->y_mm, dpi)));
      const int w = px(b->width_mm, dpi), h = px(b->height_mm, dpi);
      const int t = b->line_mm > 0 ? std::max(1, px(b->line_mm, dpi)) : std::min(w, h);
      EXPECT_EQ(param(field, "GB"),
                std::to_string(w) + "," + std::to_string(h) + "," + std::to_string(t) + ",B,0");
    } else {
      const auto& barcode = std::get<BarcodeElement>(page[e]);
      const auto& field = next();
      const int module = std::max(1, px(barcode.module_mm, dpi));
      EXPECT_EQ(param(field, "FO"), std::to_string(px(barcode.x_mm, dpi)) + "," +
                                        std::to_string(px(barcode.y_mm, dpi)));
      if (is_linear(barcode.symbology)) {
        EXPECT_EQ(param(field, "BY"), std::to_string(module));
        EXPECT_EQ(param(field, "BC"),
                  "N," + std::to_string(px(barcode.height_mm, dpi)) + ",N,N,N,N");
        EXPECT_EQ(read_code128(param(field, "FD")), expected_symbol_data(barcode));
      } else if (barcode.symbology == Symbology::qr_code) {
        EXPECT_EQ(param(field, "BQ"), "N,2," + std::to_string(module));
        EXPECT_EQ(unhex(param(field, "FD")), "MA," + barcode.data);
      } else {
        EXPECT_EQ(param(field, "BX"), "N," + std::to_string(module) + ",200,0,0,6,_");
        EXPECT_EQ(read_data_matrix(param(field, "FD")), expected_symbol_data(barcode));
      }
    }
  }
  EXPECT_EQ(f, format.fields.size()) << "fields the model does not have";
}

void expect_zpl_matches(const Label& label, int dpi) {
  auto zpl = render_zpl(label, dpi);
  ASSERT_TRUE(zpl) << zpl.error().code << ": " << zpl.error().message;
  const auto formats = parse_zpl(*zpl);
  ASSERT_EQ(formats.size(), label.pages.size());
  for (std::size_t p = 0; p < formats.size(); ++p) {
    const auto& header = formats[p].header;
    EXPECT_EQ(param(header, "CI"), "28");
    EXPECT_EQ(param(header, "PW"), std::to_string(px(label.width_mm, dpi)));
    EXPECT_EQ(param(header, "LL"), std::to_string(px(label.height_mm, dpi)));
    EXPECT_EQ(param(header, "LH"), "0,0");
    expect_fields_match(formats[p], label.pages[p], dpi);
  }
}

class LabelZpl : public ::testing::TestWithParam<int> {};

TEST_P(LabelZpl, EveryLabelKindMatchesItsModelFieldByField) {
  const int dpi = GetParam();
  const std::vector<std::pair<std::string, Result<Label>>> labels = {
      {"bag", make_bag_label(testing::sample_bag())},
      {"shipping", make_shipping_label(testing::sample_shipping())},
      {"return", make_return_label(testing::sample_return())},
      {"bin", make_bin_label({"A-03-2", std::nullopt, std::nullopt})},
      {"shelf", make_bin_label({"A-03-2", "SKU-77", "Mug ^ ~ \\ _"})}};
  for (const auto& [name, label] : labels) {
    SCOPED_TRACE(name + " at " + std::to_string(dpi));
    ASSERT_TRUE(label) << label.error().message;
    expect_zpl_matches(*label, dpi);
  }
}

INSTANTIATE_TEST_SUITE_P(Dpi, LabelZpl, ::testing::Values(203, 300));

TEST(LabelZpl, SampleLabelsLiterally) {
  auto bag = make_bag_label(testing::sample_bag());
  ASSERT_TRUE(bag);
  auto zpl203 = render_zpl(*bag, 203);
  auto zpl300 = render_zpl(*bag, 300);
  ASSERT_TRUE(zpl203 && zpl300);
  // 4 × 4 in: 812 dots at 203 dpi, 1200 at 300.
  EXPECT_TRUE(zpl203->starts_with("^XA\n^CI28\n^PW812\n^LL812\n^LH0,0\n"));
  EXPECT_TRUE(zpl300->starts_with("^XA\n^CI28\n^PW1200\n^LL1200\n^LH0,0\n"));
  EXPECT_TRUE(zpl203->ends_with("^XZ\n"));
  // The order in subset B, its digit runs of four and more in subset C.
  EXPECT_NE(zpl203->find("^BY3^BCN,160,N,N,N,N^FD>:ORD->52024>6->5000123^FS"), std::string::npos)
      << *zpl203;
  EXPECT_NE(zpl203->find("^BQN,2,6^FDMA,ORD-2024-000123^FS"), std::string::npos);
  // UTF-8 passes as it is (^CI28); the apostrophe needs no escape.
  EXPECT_NE(zpl203->find("^FDZoë O'Brien^FS"), std::string::npos);

  auto shipping = make_shipping_label(testing::sample_shipping());
  ASSERT_TRUE(shipping);
  auto zpl = render_zpl(*shipping, 203);
  ASSERT_TRUE(zpl);
  EXPECT_NE(zpl->find("^PW812\n^LL1218\n"), std::string::npos);
  // GS1-128: start C, FNC1, the 20 digits of (00) as pairs; 0.495 mm → 4 dots, 32 mm → 256.
  EXPECT_NE(zpl->find("^BY4^BCN,256,N,N,N,N^FD>;>800106141411234567897^FS"), std::string::npos)
      << *zpl;
  // GS1 DataMatrix: FNC1 first; (00) and (3303) have predefined lengths, so no FNC1 between.
  EXPECT_NE(zpl->find("^BXN,4,200,0,0,6,_^FD_100106141411234567897"
                      "3303001250400ORD-2024-000123^FS"),
            std::string::npos)
      << *zpl;
}

TEST(LabelZpl, TextWithZplCharactersIsEscaped) {
  auto in = testing::sample_bag();
  in.customer_name = "A^B~C_D\\E";
  auto label = make_bag_label(in);
  ASSERT_TRUE(label);
  auto zpl = render_zpl(*label, 203);
  ASSERT_TRUE(zpl);
  EXPECT_NE(zpl->find("^FH_^FDA_5EB_7EC_5FD\\\\E^FS"), std::string::npos) << *zpl;
  // Nothing but the escaped field carries the raw characters.
  EXPECT_EQ(zpl->find("A^B"), std::string::npos);
  EXPECT_EQ(zpl->find("~C"), std::string::npos);
}

TEST(LabelZpl, DataMatrixEscapesItsEscapeCharacter) {
  Label label;
  label.kind = "test";
  label.width_mm = label.height_mm = 50;
  auto matrix = make_barcode(Symbology::data_matrix, "A_B^C~D", {}, 5, 5, 0.5, 0);
  ASSERT_TRUE(matrix);
  label.pages = {{*matrix}};
  auto zpl = render_zpl(label, 203);
  ASSERT_TRUE(zpl);
  EXPECT_NE(zpl->find("^FDA_d095B_d094C_d126D^FS"), std::string::npos) << *zpl;
}

TEST(LabelZpl, Refusals) {
  auto slip = make_packing_slip(testing::sample_packing_slip(3, PageSize::a4));
  ASSERT_TRUE(slip);
  auto zpl = render_zpl(*slip, 203);
  ASSERT_FALSE(zpl);
  EXPECT_EQ(zpl.error().code, "format_unsupported");

  auto bag = make_bag_label(testing::sample_bag());
  ASSERT_TRUE(bag);
  for (int dpi : {0, 200, 600}) {
    auto r = render_zpl(*bag, dpi);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_dpi");
  }

  // Code 128 data with ZPL's invocation character cannot be sent through ^BC.
  Label label;
  label.kind = "test";
  label.width_mm = label.height_mm = 50;
  auto code = make_barcode(Symbology::code128, "A>B", {}, 5, 5, 0.25, 10);
  ASSERT_TRUE(code);
  label.pages = {{*code}};
  auto r = render_zpl(label, 203);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "zpl_unsupported_data");

  // A barcode element whose modules were never encoded.
  BarcodeElement bare;
  bare.data = "X";
  label.pages = {{bare}};
  r = render_zpl(label, 203);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_label");
}

}  // namespace
}  // namespace storeedge::printer
