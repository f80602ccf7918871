// Item codes as scanners and people send them: every GTIN form, UPC-E, GS1 element strings,
// AIM prefixes, and refusals.
#include "fulfil/barcode.h"

#include <gtest/gtest.h>

#include "scanner/gtin.h"

namespace storeedge::fulfil {
namespace {

std::vector<std::string> gtins(std::string_view code) {
  auto c = parse_item_code(code);
  EXPECT_TRUE(c) << code;
  return c ? c->gtins : std::vector<std::string>{};
}

using V = std::vector<std::string>;

TEST(Barcode, EveryGtinFormMeansTheSameGtin14) {
  const V ean13{"05901234123457"};
  EXPECT_EQ(gtins("5901234123457"), ean13);       // EAN-13
  EXPECT_EQ(gtins("05901234123457"), ean13);      // GTIN-14
  EXPECT_EQ(gtins("0005901234123457"), ean13);    // extra leading zeros
  EXPECT_EQ(gtins(" 5901234123457\r\n"), ean13);  // blanks around it
  EXPECT_EQ(gtins("]E05901234123457"), ean13);    // AIM prefix of EAN-13
  const V upca{"00012345678905"};
  EXPECT_EQ(gtins("012345678905"), upca);             // UPC-A
  EXPECT_EQ(gtins("12345678905"), upca);              // UPC-A without its leading zero
  EXPECT_EQ(gtins("96385074"), V{"00000096385074"});  // EAN-8 (not a valid UPC-E)
}

// scanner::expand_upce as an optional, for the cases an item code meets.
std::optional<std::string> expand_upce(std::string_view digits) {
  auto r = scanner::expand_upce(digits);
  return r ? std::optional(*r) : std::nullopt;
}

TEST(Barcode, UpcEExpandsAndAnEightDigitCodeKeepsBothReadings) {
  EXPECT_EQ(expand_upce("01234565"), "012345000065");
  EXPECT_EQ(expand_upce("0123456"), "012345000065");  // without the check digit
  EXPECT_EQ(expand_upce("123456"), "012345000065");   // number system 0 implied
  EXPECT_EQ(expand_upce("01234566"), std::nullopt);   // wrong check digit
  EXPECT_EQ(expand_upce("21234565"), std::nullopt);   // number system 2 does not exist
  EXPECT_EQ(expand_upce("0123403"), "012300000406");  // d6 = 3
  EXPECT_EQ(expand_upce("0123451"), "012100003454");  // d6 = 0-2
  EXPECT_EQ(expand_upce("0123454"), "012340000053");  // d6 = 4
  // "01234565" is a valid EAN-8 too; the allocation's lines decide which one was meant.
  EXPECT_EQ(gtins("01234565"), (V{"00000001234565", "00012345000065"}));
}

TEST(Barcode, Gs1ElementStringsGiveTheirAi01) {
  const V ean13{"05901234123457"};
  EXPECT_EQ(gtins("(01)05901234123457(17)261231(10)LOT7"), ean13);
  EXPECT_EQ(gtins("0105901234123457"), ean13);
  EXPECT_EQ(gtins("]C1010590123412345717261231"), ean13);
  EXPECT_EQ(gtins("]d210LOT7\x1d"
                  "0105901234123457"),
            ean13);  // (01) after a GS
  EXPECT_EQ(gtins("0105901234123457172612"
                  "31"),
            ean13);                            // no identifier, no GS
  EXPECT_EQ(gtins("01059012341234571"), V{});  // not an element string: a long SKU
  // A bracketed string with a wrong GTIN check digit is refused with the reason.
  auto bad = parse_item_code("(01)05901234123458");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_barcode");
  EXPECT_NE(bad.error().message.find("check digit"), std::string::npos) << bad.error().message;
}

TEST(Barcode, TextIsKeptForSkusAndBadInputIsRefused) {
  auto sku = parse_item_code("SKU-1001");
  ASSERT_TRUE(sku);
  EXPECT_EQ(sku->text, "SKU-1001");
  EXPECT_TRUE(sku->gtins.empty());
  EXPECT_EQ(gtins("5901234123458"), V{});  // a GTIN with a wrong check digit is only text
  for (std::string_view bad : {std::string_view(""), std::string_view("  \r\n"),
                               std::string_view("59012\x07"
                                                "34"),
                               std::string_view("]E0")}) {
    auto c = parse_item_code(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().code, "invalid_barcode");
  }
  EXPECT_FALSE(parse_item_code(std::string(513, '1')));
}

TEST(Barcode, CheckDigits) {
  EXPECT_EQ(to_gtin14("5901234123457"), "05901234123457");
  EXPECT_EQ(to_gtin14("5901234123450"), std::nullopt);  // wrong check digit
  EXPECT_EQ(to_gtin14("59012341234x7"), std::nullopt);
  EXPECT_EQ(to_gtin14("00000000000000"), "00000000000000");
  EXPECT_EQ(to_gtin14("100005901234123457"), std::nullopt);  // more than 14 significant digits
}

}  // namespace
}  // namespace storeedge::fulfil
