// Label inputs refused before anything is drawn: lengths, character sets, ranges, the SSCC's
// check digit, GS1 fields; barcodes that do not fit; the OMS's own labels passed through only
// when they are what they claim and what the printer takes; malformed labels refused by the
// renderers.
#include <gtest/gtest.h>

#include "label_support.h"
#include "printer/barcode.h"
#include "printer/label_render.h"
#include "printer/layout.h"

namespace storeedge::printer {
namespace {

template <class T>
void expect_refused(const Result<T>& r, const std::string& code, const std::string& mentions) {
  ASSERT_FALSE(r) << "accepted; expected " << code << " about " << mentions;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
}

TEST(LabelInput, SsccNeedsEighteenDigitsAndItsCheckDigit) {
  EXPECT_TRUE(sscc_valid(testing::kSampleSscc));
  EXPECT_EQ(gs1_check_digit("10614141123456789"), '7');
  for (const char* bad : {"106141411234567890", "10614141123456789", "1061414112345678977",
                          "10614141123456789A", ""}) {
    auto in = testing::sample_shipping();
    in.sscc = bad;
    expect_refused(make_shipping_label(in), "invalid_label_input", "sscc");
  }
}

TEST(LabelInput, IdentifiersAndTextAreChecked) {
  auto bag = [](auto change) {
    auto in = testing::sample_bag();
    change(in);
    return make_bag_label(in);
  };
  expect_refused(bag([](auto& in) { in.order = "ORD 1"; }), "invalid_label_input", "order");
  expect_refused(bag([](auto& in) { in.order = "ORD^1"; }), "invalid_label_input", "order");
  expect_refused(bag([](auto& in) { in.order = std::string(25, 'A'); }), "invalid_label_input",
                 "order");
  expect_refused(bag([](auto& in) { in.order = ""; }), "invalid_label_input", "order");
  expect_refused(bag([](auto& in) { in.customer_name = "Jane\nDoe"; }), "invalid_label_input",
                 "control character");
  expect_refused(bag([](auto& in) { in.customer_name = "Jane \xC3("; }), "invalid_label_input",
                 "UTF-8");
  expect_refused(bag([](auto& in) { in.customer_name = "\xE0\x80\x80"; }), "invalid_label_input",
                 "UTF-8");  // an overlong NUL
  expect_refused(bag([](auto& in) { in.customer_name = std::string(49, 'x'); }),
                 "invalid_label_input", "customer_name");
  // 48 characters of two bytes each are 48 characters.
  std::string long_name;
  for (int i = 0; i < 48; ++i) long_name += "ë";
  EXPECT_TRUE(bag([&](auto& in) { in.customer_name = long_name; }));
  expect_refused(bag([](auto& in) { in.staging_location = "S 04"; }), "invalid_label_input",
                 "staging_location");
  expect_refused(bag([](auto& in) { in.bag = 0; }), "invalid_label_input", "bag");
  expect_refused(bag([](auto& in) { in.bag = 3, in.bags = 2; }), "invalid_label_input", "bag");
  expect_refused(bag([](auto& in) { in.bags = 100; }), "invalid_label_input", "bag");
}

TEST(LabelInput, ShippingPackingReturnAndBinLimits) {
  auto ship = testing::sample_shipping();
  ship.ship_to.assign(7, "line");
  expect_refused(make_shipping_label(ship), "invalid_label_input", "ship_to");
  ship = testing::sample_shipping();
  ship.weight_grams = 1'000'000;
  expect_refused(make_shipping_label(ship), "invalid_label_input", "weight_grams");
  ship.weight_grams = -1;
  expect_refused(make_shipping_label(ship), "invalid_label_input", "weight_grams");
  ship = testing::sample_shipping();
  ship.tracking = "1Z 999";
  expect_refused(make_shipping_label(ship), "invalid_label_input", "tracking");

  expect_refused(make_packing_slip(testing::sample_packing_slip(0, PageSize::a4)),
                 "invalid_label_input", "lines");
  expect_refused(make_packing_slip(testing::sample_packing_slip(1001, PageSize::a4)),
                 "invalid_label_input", "lines");
  auto slip = testing::sample_packing_slip(2, PageSize::a4);
  slip.lines[1].qty = 0;
  expect_refused(make_packing_slip(slip), "invalid_label_input", "qty");
  // The largest packing slip still renders (1000 lines, 26 pages).
  auto big = make_packing_slip(testing::sample_packing_slip(1000, PageSize::a4));
  ASSERT_TRUE(big) << big.error().message;
  EXPECT_EQ(big->pages.size(), 26u);

  auto ret = testing::sample_return();
  ret.items.clear();
  expect_refused(make_return_label(ret), "invalid_label_input", "items");
  ret.items.assign(21, {"SKU-1", "", 1});
  expect_refused(make_return_label(ret), "invalid_label_input", "items");
  // Twenty items of long SKUs are more than a label's Data Matrix may carry.
  ret.items.assign(20, {std::string(32, 'S'), "", 9999});
  expect_refused(make_return_label(ret), "bad_barcode_data", "600");
  ret.items.assign(20, {"SKU-12345", "", 2});
  EXPECT_TRUE(make_return_label(ret));

  expect_refused(make_bin_label({"A-03-2", std::nullopt, "a description"}), "invalid_label_input",
                 "description");
  expect_refused(make_bin_label({std::string(17, 'A'), std::nullopt, std::nullopt}),
                 "invalid_label_input", "location");
}

TEST(LabelInput, BarcodeDataChecks) {
  expect_refused(encode_symbol(Symbology::code128, "", {}), "bad_barcode_data", "no data");
  expect_refused(encode_symbol(Symbology::code128, "caf\xC3\xA9", {}), "bad_barcode_data", "ASCII");
  expect_refused(encode_symbol(Symbology::qr_code, std::string(601, 'A'), {}), "bad_barcode_data",
                 "600");
  expect_refused(encode_symbol(Symbology::gs1_128, "", {}), "bad_barcode_data", "element");
  expect_refused(encode_symbol(Symbology::gs1_128, "", {{"00", "12345678901234567"}}),
                 "bad_barcode_data", "18 digits");
  expect_refused(encode_symbol(Symbology::gs1_128, "", {{"400", "ORD#1"}}), "bad_barcode_data",
                 "set 82");
  expect_refused(encode_symbol(Symbology::gs1_data_matrix, "", {{"1", "X"}}), "bad_barcode_data",
                 "AI");
  // libzint's own GS1 checks: (421) needs a country code and a postal code.
  expect_refused(encode_symbol(Symbology::gs1_data_matrix, "", {{"421", "84"}}), "bad_barcode_data",
                 "libzint");
  EXPECT_EQ(gs1_element_string({{"400", "A"}, {"00", testing::kSampleSscc}, {"10", "L1"}}),
            "400A\x1d"
            "00" +
                testing::kSampleSscc + "10L1");
  EXPECT_EQ(gs1_hri({{"00", testing::kSampleSscc}, {"400", "A"}}),
            "(00)" + testing::kSampleSscc + "(400)A");
}

TEST(LabelInput, BarcodesThatDoNotFitAreRefusedOrShrunk) {
  std::vector<Element> page;
  PageLayout layout(page, 60, 40);
  // 12 letters: 11 × 14 + 13 = 167 modules, 63 mm at 0.375 mm: too wide for 60 mm at any size
  // listed but the smallest (0.254 mm: 42.4 mm plus two 2.5 mm quiet zones).
  auto placed = layout.barcode_centred(Symbology::code128, "ABCDEFGHIJKL", {}, 5, {0.375, 0.254},
                                       10, 4, 56, 40, "the test code");
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_EQ(std::get<BarcodeElement>(page.back()).module_mm, 0.254);
  EXPECT_NEAR(placed->x + placed->width / 2, 30, 0.01);
  auto too_wide = layout.barcode_centred(Symbology::code128, "ABCDEFGHIJKLMNOPQRST", {}, 5,
                                         {0.375, 0.254}, 10, 4, 56, 40, "the test code");
  expect_refused(too_wide, "label_overflow", "the test code");
  auto too_tall = layout.barcode_centred(Symbology::code128, "AB", {}, 35, {0.254}, 10, 4, 56, 40,
                                         "the tall code");
  expect_refused(too_tall, "label_overflow", "the tall code");
  EXPECT_EQ(page.size(), 1u);
}

TEST(LabelInput, OmsLabelsPassThroughUnchanged) {
  const std::string zpl = "~SD20\n^XA^FO50,50^A0N,40,40^FDcarrier label^FS^XZ\n";
  auto doc = pass_through_label(zpl, DocumentFormat::zpl, DocumentFormat::zpl, "oe_4x6-label");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->bytes, zpl);
  EXPECT_EQ(doc->format, DocumentFormat::zpl);
  EXPECT_EQ(doc->media, "oe_4x6-label");
  const std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
  doc = pass_through_label(pdf, DocumentFormat::pdf, DocumentFormat::pdf, "");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->bytes, pdf);

  expect_refused(pass_through_label(pdf, DocumentFormat::pdf, DocumentFormat::zpl, ""),
                 "format_mismatch", "pdf");
  expect_refused(pass_through_label(pdf, DocumentFormat::zpl, DocumentFormat::zpl, ""),
                 "bad_document", "zpl");
  expect_refused(pass_through_label("^XZ^XA", DocumentFormat::zpl, DocumentFormat::zpl, ""),
                 "bad_document", "zpl");
  expect_refused(pass_through_label(zpl, DocumentFormat::pdf, DocumentFormat::pdf, ""),
                 "bad_document", "pdf");
  expect_refused(pass_through_label("x", DocumentFormat::png, DocumentFormat::png, ""),
                 "format_unsupported", "png");
  std::string huge = "^XA" + std::string(16u << 20, ' ') + "^XZ";
  expect_refused(pass_through_label(std::move(huge), DocumentFormat::zpl, DocumentFormat::zpl, ""),
                 "document_too_large", "16 MiB");
}

TEST(LabelInput, RenderersRefuseMalformedLabels) {
  auto bag = make_bag_label(testing::sample_bag());
  ASSERT_TRUE(bag);
  Label empty = *bag;
  empty.pages.clear();
  expect_refused(render_pdf(empty), "invalid_label", "pages");
  Label too_many = *bag;
  too_many.pages.assign(kMaxPages + 1, bag->pages[0]);
  expect_refused(render_pdf(too_many), "invalid_label", "pages");
  Label bad_text = *bag;
  std::get<TextElement>(bad_text.pages[0][0]).text = "bell\a";
  expect_refused(render_png(bad_text, 203), "invalid_label", "control character");
  Label tiny = *bag;
  tiny.width_mm = 5;
  expect_refused(render_zpl(tiny, 203), "invalid_label", "10-1000 mm");
  expect_refused(render_png(*bag, 1200), "bad_dpi", "100-600");
  expect_refused(render_pdf(*bag, 50), "bad_dpi", "100-1200");
  auto as_document = render_document(*bag, DocumentFormat::pwg_raster, 300);
  expect_refused(as_document, "format_unsupported", "ZPL, PDF or PNG");
  auto zpl_document = render_document(*bag, DocumentFormat::zpl, 300);
  ASSERT_TRUE(zpl_document);
  EXPECT_EQ(zpl_document->media, "oe_4x4-label_4x4in");
  EXPECT_TRUE(zpl_document->bytes.starts_with("^XA"));
}

}  // namespace
}  // namespace storeedge::printer
