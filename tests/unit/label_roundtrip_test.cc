// Labels round trip: every label kind rendered to PNG at 203 and 300 dpi, and to PDF rasterised by
// poppler's pdftoppm at 300 dpi; each barcode is cut out of the raster and decoded with ZXing-cpp
// through the scanner library, and must give the payload and GS1 elements the input asked for
// (the SSCC's check digit verified by the scanner's GS1 parser). PDF text is read back with
// pdftotext, and multi-page packing slips are counted with pdfinfo.
#include <gtest/gtest.h>

#include <functional>

#include "label_support.h"
#include "printer/barcode.h"
#include "printer/label_render.h"
#include "printer/sscc.h"
#include "support/harness.h"

namespace storeedge::printer {
namespace {

using storeedge::testing::TempDir;

struct Expected {
  std::string aim;
  std::string label;  // for GS1 symbols: the raw element string
  std::vector<std::pair<std::string, std::string>> elements;  // GS1 only
};

struct Case {
  std::string name;
  std::function<Result<Label>()> build;
  std::vector<Expected> barcodes;  // in the label's element order
};

const std::string kOrder = "ORD-2024-000123";

std::vector<Case> cases() {
  BinLabelInput shelf{"A-03-2", "SKU-77", "Blue mug 300 ml"};
  return {
      {"bag",
       [] { return make_bag_label(testing::sample_bag()); },
       {{"]Q1", kOrder, {}}, {"]C0", kOrder, {}}}},
      {"shipping",
       [] { return make_shipping_label(testing::sample_shipping()); },
       {{"]C0", "1Z999AA10123456784", {}},
        {"]d2",
         "00" + testing::kSampleSscc + "3303001250400" + kOrder,
         {{"00", testing::kSampleSscc}, {"3303", "001250"}, {"400", kOrder}}},
        {"]C1", "00" + testing::kSampleSscc, {{"00", testing::kSampleSscc}}}}},
      {"return",
       [] { return make_return_label(testing::sample_return()); },
       {{"]C0", "RET-2024-0042", {}},
        {"]d1", "RET-2024-0042|SKU-10001*1|SKU-10002*4|SKU-10003*2", {}}}},
      {"bin",
       [] {
         return make_bin_label({"A-03-2", std::nullopt, std::nullopt});
       },
       {{"]C0", "A-03-2", {}}}},
      {"shelf",
       [shelf] { return make_bin_label(shelf); },
       {{"]C0", "A-03-2", {}}, {"]C0", "SKU-77", {}}}},
      {"packing-slip",
       [] { return make_packing_slip(testing::sample_packing_slip(5, PageSize::letter)); },
       {{"]C0", "ORD-2024-000777", {}}}},
  };
}

// Decodes every barcode of `page` out of `image` and compares with `expected`, in order.
void expect_barcodes(const std::string& what, const scanner::GreyImage& image,
                     const std::vector<Element>& page, int dpi,
                     const std::vector<Expected>& expected) {
  const auto barcodes = testing::barcodes_of(page);
  ASSERT_EQ(barcodes.size(), expected.size()) << what;
  for (std::size_t i = 0; i < barcodes.size(); ++i) {
    SCOPED_TRACE(what + " barcode " + std::to_string(i) + " (" +
                 std::string(symbology_name(barcodes[i].symbology)) + ")");
    const auto events = testing::decode_symbol(image, barcodes[i], dpi);
    ASSERT_EQ(events.size(), 1u);
    const scanner::ScanEvent& e = events[0];
    ASSERT_TRUE(e.ok()) << e.error->code << ": " << e.error->message;
    EXPECT_EQ(e.aim, expected[i].aim);
    EXPECT_EQ(e.label, expected[i].label);
    EXPECT_EQ(e.gs1, !expected[i].elements.empty());
    ASSERT_EQ(e.elements.size(), expected[i].elements.size());
    for (std::size_t k = 0; k < e.elements.size(); ++k) {
      EXPECT_EQ(e.elements[k].ai, expected[i].elements[k].first);
      EXPECT_EQ(e.elements[k].value, expected[i].elements[k].second);
    }
  }
}

class LabelRoundTrip : public ::testing::TestWithParam<int> {};

TEST_P(LabelRoundTrip, EveryKindAsPngDecodesBack) {
  const int dpi = GetParam();
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name + " at " + std::to_string(dpi) + " dpi");
    auto label = c.build();
    ASSERT_TRUE(label) << label.error().code << ": " << label.error().message;
    auto png = render_png(*label, dpi);
    ASSERT_TRUE(png) << png.error().message;
    auto image = scanner::load_image(*png);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->width, testing::px(label->width_mm, dpi));
    EXPECT_EQ(image->height, testing::px(label->height_mm, dpi));
    expect_barcodes(c.name, *image, label->pages[0], dpi, c.barcodes);
  }
}

INSTANTIATE_TEST_SUITE_P(Dpi, LabelRoundTrip, ::testing::Values(203, 300));

// Runs a poppler tool and returns its exit code and output.
std::pair<int, std::string> poppler(const std::string& tool, std::vector<std::string> args) {
  args.insert(args.begin(), std::string(STOREEDGE_POPPLER_DIR) + "/" + tool);
  return storeedge::testing::run_command(args);
}

// The value of pdfinfo's "Name:   value" line, or "".
std::string info_field(const std::string& info, const std::string& name) {
  const auto at = info.find("\n" + name + ":");
  if (at == std::string::npos) return "";
  const auto start = info.find_first_not_of(' ', at + name.size() + 2);
  return info.substr(start, info.find('\n', start) - start);
}

// Page `page` (1-based) of the PDF rasterised by pdftoppm at 300 dpi.
scanner::GreyImage rasterise(const TempDir& dir, const std::string& pdf, int page) {
  const std::string stem = dir.file("page" + std::to_string(page));
  auto [code, out] = poppler("pdftoppm", {"-r", "300", "-png", "-f", std::to_string(page), "-l",
                                          std::to_string(page), "-singlefile", pdf, stem});
  EXPECT_EQ(code, 0) << out;
  auto image = scanner::load_image(storeedge::testing::read_file(stem + ".png"));
  EXPECT_TRUE(image) << (image ? "" : image.error().message);
  return image ? *image : scanner::GreyImage{};
}

TEST(LabelPdf, EveryKindThroughPdftoppmDecodesBack) {
  TempDir dir;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    auto label = c.build();
    ASSERT_TRUE(label) << label.error().message;
    auto pdf = render_pdf(*label);
    ASSERT_TRUE(pdf) << pdf.error().message;
    EXPECT_TRUE(pdf->starts_with("%PDF-"));
    const std::string path = dir.file(c.name + ".pdf");
    storeedge::testing::write_file(path, *pdf);
    const auto image = rasterise(dir, path, 1);
    EXPECT_EQ(image.width, testing::px(label->width_mm, 300));
    expect_barcodes(c.name + " (pdf)", image, label->pages[0], 300, c.barcodes);
  }
}

// The store's own SSCCs (printer/sscc.h), for company prefixes of 7 to 10 digits and the last
// serial each leaves room for, on the store's own shipping label without a tracking number (the
// OMS sent none): the GS1-128 and GS1 DataMatrix give back (00) and the check digit is GS1's.
TEST(LabelOwnSscc, TheStoresSsccDecodesBackFromPng) {
  for (const std::string prefix : {"0614141", "06141412", "061414123", "0614141234"}) {
    ShippingConfig config;
    config.gs1_company_prefix = prefix;
    config.sscc_extension_digit = 3;
    auto sscc = compose_sscc(config, sscc_serial_capacity(prefix) - 1);
    ASSERT_TRUE(sscc) << sscc.error().message;
    ShippingLabelInput in = testing::sample_shipping();
    in.sscc = *sscc;
    in.tracking.clear();
    in.weight_grams = 0;
    auto label = make_shipping_label(in);
    ASSERT_TRUE(label) << label.error().message;
    for (int dpi : {203, 300}) {
      SCOPED_TRACE(prefix + " at " + std::to_string(dpi) + " dpi");
      auto png = render_png(*label, dpi);
      ASSERT_TRUE(png) << png.error().message;
      auto image = scanner::load_image(*png);
      ASSERT_TRUE(image) << image.error().message;
      expect_barcodes("own shipping label", *image, label->pages[0], dpi,
                      {{"]d2", "00" + *sscc + "400" + kOrder, {{"00", *sscc}, {"400", kOrder}}},
                       {"]C1", "00" + *sscc, {{"00", *sscc}}}});
    }
  }
}

TEST(LabelPdf, TextIsInThePdf) {
  TempDir dir;
  auto label = make_bag_label(testing::sample_bag());
  ASSERT_TRUE(label);
  auto pdf = render_pdf(*label);
  ASSERT_TRUE(pdf);
  storeedge::testing::write_file(dir.file("bag.pdf"), *pdf);
  auto [code, text] = poppler("pdftotext", {"-layout", dir.file("bag.pdf"), "-"});
  EXPECT_EQ(code, 0);
  for (const char* expected : {"Store 0042 Springfield", "PICKUP", "ORD-2024-000123", "Zoë O'Brien",
                               "S-04", "BAG 2 OF 3", "ALLOC AL-88412"})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
}

TEST(LabelPdf, PackingSlipRunsToSeveralPagesOnA4AndLetter) {
  TempDir dir;
  for (PageSize size : {PageSize::a4, PageSize::letter}) {
    const bool a4 = size == PageSize::a4;
    SCOPED_TRACE(a4 ? "A4" : "Letter");
    auto slip = make_packing_slip(testing::sample_packing_slip(80, size));
    ASSERT_TRUE(slip) << slip.error().message;
    // A4 holds 31 rows on the first page and 39 after; Letter 28 and 36: 80 lines, 3 pages.
    ASSERT_EQ(slip->pages.size(), 3u);
    EXPECT_EQ(slip->stock, Stock::sheet);
    EXPECT_EQ(slip->media, a4 ? "iso_a4_210x297mm" : "na_letter_8.5x11in");
    auto pdf = render_pdf(*slip);
    ASSERT_TRUE(pdf) << pdf.error().message;
    const std::string path = dir.file(a4 ? "a4.pdf" : "letter.pdf");
    storeedge::testing::write_file(path, *pdf);
    auto [code, info] = poppler("pdfinfo", {path});
    EXPECT_EQ(code, 0);
    EXPECT_EQ(info_field(info, "Pages"), "3") << info;
    EXPECT_EQ(info_field(info, "Page size"),
              a4 ? "595.276 x 841.89 pts (A4)" : "612 x 792 pts (letter)");
    EXPECT_NE(info.find(a4 ? "595.276 x 841.89 pts" : "612 x 792 pts"), std::string::npos) << info;
    auto [text_code, text] = poppler("pdftotext", {"-layout", path, "-"});
    EXPECT_EQ(text_code, 0);
    // Quantities are i % 4 + 1 for i = 1…80: twenty each of 2, 3, 4 and 1.
    for (const char* expected : {"PACKING SLIP", "Page 1 of 3", "Page 3 of 3", "SKU-10001",
                                 "SKU-10080", "Item 80", "TOTAL ITEMS 200"})
      EXPECT_NE(text.find(expected), std::string::npos) << expected;
    // Each line is on exactly one page.
    EXPECT_EQ(text.find("SKU-10031"), text.rfind("SKU-10031"));
    const auto page_one = rasterise(dir, path, 1);
    expect_barcodes("packing slip page 1", page_one, slip->pages[0], 300,
                    {{"]C0", "ORD-2024-000777", {}}});
    auto last = render_png(*slip, 150, 2);
    EXPECT_TRUE(last) << (last ? "" : last.error().message);
    auto beyond = render_png(*slip, 150, 3);
    ASSERT_FALSE(beyond);
    EXPECT_EQ(beyond.error().code, "no_such_page");
  }
}

TEST(LabelPng, BarcodeModulesAreWholeDots) {
  // A linear symbol drawn at 203 dpi with a 0.495 mm module: 4 dots per module, every bar and
  // space a multiple of 4 pixels wide, the first bar starting exactly at the element's origin.
  auto label = make_shipping_label(testing::sample_shipping());
  ASSERT_TRUE(label);
  const auto barcodes = testing::barcodes_of(label->pages[0]);
  const auto& sscc = barcodes.back();
  ASSERT_EQ(sscc.symbology, Symbology::gs1_128);
  auto png = render_png(*label, 203);
  ASSERT_TRUE(png);
  auto image = scanner::load_image(*png);
  ASSERT_TRUE(image);
  const auto box = testing::symbol_box(sscc, 203);
  const int row = box.y + box.height / 2;
  const auto at = [&](int x) {
    return image->pixels[static_cast<std::size_t>(row * image->width + x)];
  };
  EXPECT_EQ(at(box.x - 1), 255);
  EXPECT_EQ(at(box.x), 0);
  int run_start = box.x;
  for (int x = box.x + 1; x <= box.x + box.width; ++x) {
    ASSERT_TRUE(at(x) == 0 || at(x) == 255) << "grey pixel at " << x;
    if (at(x) != at(x - 1)) {
      EXPECT_EQ((x - run_start) % 4, 0) << "a run of " << x - run_start << " pixels at " << x;
      run_start = x;
    }
  }
  EXPECT_EQ(run_start, box.x + box.width);  // the stop pattern ends with a bar, then white
}

}  // namespace
}  // namespace storeedge::printer
