// ScanEvent from scanners' raw transmissions: every AIM symbology identifier we map, GS1 data
// behind ]C1, ]d2, ]Q3 and ]e0, Digital Link in QR codes, data without an identifier, refusals.
#include "scanner/scan_event.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "scanner/scan_json.h"

namespace storeedge::scanner {
namespace {

const std::string GS(1, kGroupSeparator);

// Test data with "|" (outside GS1's character set) standing for GS.
std::string fnc1(std::string s) {
  std::replace(s.begin(), s.end(), '|', kGroupSeparator);
  return s;
}

ScanEvent good(std::string_view raw) {
  ScanEvent ev = make_scan_event(raw);
  EXPECT_TRUE(ev.ok()) << raw << ": " << (ev.error ? ev.error->message : "");
  return ev;
}

std::string error_of(std::string_view raw) {
  ScanEvent ev = make_scan_event(raw);
  return ev.error ? ev.error->code : "ok";
}

TEST(ScanEvent, EanUpcFamily) {
  auto ev = good("]E05901234123457\r\n");
  EXPECT_EQ(ev.aim, "]E0");
  EXPECT_EQ(ev.symbology, Symbology::ean13);
  EXPECT_EQ(ev.symbology_name, "EAN-13");
  EXPECT_EQ(ev.scan_data_type, 104);
  EXPECT_EQ(ev.label, "5901234123457");
  EXPECT_EQ(ev.raw, "]E05901234123457\r\n");
  EXPECT_EQ(ev.gtin14, "05901234123457");
  EXPECT_FALSE(ev.gs1);

  ev = good("]E00012345678905");  // UPC-A sent as 13 digits
  EXPECT_EQ(ev.symbology, Symbology::upc_a);
  EXPECT_EQ(ev.scan_data_type, 101);
  EXPECT_EQ(ev.gtin14, "00012345678905");
  ev = good("]E0012345678905");  // UPC-A as 12
  EXPECT_EQ(ev.symbology, Symbology::upc_a);
  EXPECT_EQ(ev.gtin14, "00012345678905");

  ev = good("]E004252614");  // UPC-E, expanded to its UPC-A
  EXPECT_EQ(ev.symbology, Symbology::upc_e);
  EXPECT_EQ(ev.scan_data_type, 102);
  EXPECT_EQ(ev.gtin14, "00042100005264");

  ev = good("]E496385074");
  EXPECT_EQ(ev.symbology, Symbology::ean8);
  EXPECT_EQ(ev.scan_data_type, 103);
  EXPECT_EQ(ev.gtin14, "00000096385074");

  ev = good("]E3590123412345712");  // EAN-13 with a 2-digit add-on
  EXPECT_EQ(ev.symbology, Symbology::ean13_add_on);
  EXPECT_EQ(ev.scan_data_type, 119);
  EXPECT_EQ(ev.add_on, "12");
  EXPECT_EQ(ev.gtin14, "05901234123457");
  ev = good("]E301234567890554321");  // UPC-A (12 digits) with a 5-digit add-on
  EXPECT_EQ(ev.symbology, Symbology::upc_a_add_on);
  EXPECT_EQ(ev.scan_data_type, 111);
  EXPECT_EQ(ev.add_on, "54321");

  EXPECT_EQ(error_of("]E05901234123458"), "bad_check_digit");
  EXPECT_EQ(error_of("]E004252615"), "bad_check_digit");
  EXPECT_EQ(error_of("]E0ABC"), "bad_ean_upc");
  EXPECT_EQ(error_of("]E01234567890"), "bad_ean_upc");  // 10 digits
  EXPECT_EQ(error_of("]E41234567"), "bad_ean_upc");
  EXPECT_EQ(error_of("]E312345"), "bad_ean_upc");
}

TEST(ScanEvent, Gs1Carriers) {
  const std::string data = fnc1("01095060001343521725010110ABC|21XYZ");
  for (const auto& [aim, symbology, type] : {std::tuple{"]C1", Symbology::gs1_128, 120},
                                             {"]d2", Symbology::gs1_data_matrix, 203},
                                             {"]Q3", Symbology::gs1_qr_code, 204},
                                             {"]e0", Symbology::gs1_databar_expanded, 132}}) {
    auto ev = good(aim + data);
    EXPECT_EQ(ev.symbology, symbology) << aim;
    EXPECT_EQ(ev.scan_data_type, type) << aim;
    EXPECT_TRUE(ev.gs1);
    EXPECT_EQ(ev.label, data);
    EXPECT_EQ(ev.elements.size(), 4u);
    EXPECT_EQ(ev.hri, "(01)09506000134352(17)250101(10)ABC(21)XYZ");
    EXPECT_EQ(ev.gtin14, "09506000134352");
  }
  auto ev = good("]e00109506000134352");  // DataBar Omnidirectional: (01) alone
  EXPECT_EQ(ev.symbology, Symbology::gs1_databar);
  EXPECT_EQ(ev.scan_data_type, 131);
  ev = good("]C100106141411234567897");  // SSCC: no GTIN
  EXPECT_EQ(ev.hri, "(00)106141411234567897");
  EXPECT_FALSE(ev.gtin14);
  ev = good("]C1(01)09506000134352(10)A1");  // a scanner set to send the HRI form
  EXPECT_EQ(ev.elements.size(), 2u);

  EXPECT_EQ(error_of("]C10109506000134353"), "gs1_bad_check_digit");
  EXPECT_EQ(error_of("]C117251301"), "gs1_bad_date");
  EXPECT_EQ(error_of("]C1ABC"), "gs1_unknown_ai");
  EXPECT_EQ(error_of("]d221ABCDEFGHIJKLMNOPQRSTU17250101"), "gs1_bad_length");
}

TEST(ScanEvent, OtherSymbologiesCarryTheirText) {
  for (const auto& [raw, symbology, type, label] :
       {std::tuple{"]C0SKU-12/A", Symbology::code128, 110, "SKU-12/A"},
        {"]A0CODE39", Symbology::code39, 108, "CODE39"},
        {"]G0C93", Symbology::code93, 109, "C93"},
        {"]F0A123B", Symbology::codabar, 107, "A123B"},
        {"]L0pdf text", Symbology::pdf417, 201, "pdf text"},
        {"]d1dm text", Symbology::data_matrix, 203, "dm text"},
        {"]Q1hello", Symbology::qr_code, 204, "hello"},
        {"]z0aztec", Symbology::aztec, 206, "aztec"},
        {"]U0maxi", Symbology::maxicode, 202, "maxi"},
        {"]X0other", Symbology::unknown, 0, "other"}}) {
    auto ev = good(raw);
    EXPECT_EQ(ev.symbology, symbology) << raw;
    EXPECT_EQ(ev.scan_data_type, type) << raw;
    EXPECT_EQ(ev.label, label) << raw;
    EXPECT_FALSE(ev.gs1) << raw;
    EXPECT_FALSE(ev.gtin14) << raw;
  }
  auto ev = good("]I195012345678903");  // ITF-14
  EXPECT_EQ(ev.symbology, Symbology::itf);
  EXPECT_EQ(ev.scan_data_type, 106);
  EXPECT_EQ(ev.gtin14, "95012345678903");
  EXPECT_FALSE(good("]I012345678").gtin14);
}

TEST(ScanEvent, DigitalLinkInQrCodes) {
  auto ev = good("]Q1https://id.gs1.org/01/09506000134352/10/ABC?17=250101");
  EXPECT_EQ(ev.symbology, Symbology::qr_code);
  EXPECT_TRUE(ev.gs1);
  EXPECT_EQ(ev.hri, "(01)09506000134352(10)ABC(17)250101");
  EXPECT_EQ(ev.gtin14, "09506000134352");
  ev = good("]Q1https://shop.example/01/9506000134352");
  EXPECT_EQ(ev.gtin14, "09506000134352");
  ev = good("]Q1https://shop.example/about");  // some other link: plain text
  EXPECT_FALSE(ev.gs1);
  EXPECT_EQ(ev.label, "https://shop.example/about");
  EXPECT_FALSE(good("]Q1https://blog.example/2024/01/15").gs1);  // a date, not a GTIN
  EXPECT_EQ(error_of("]Q1https://id.gs1.org/01/09506000134353"), "gs1_bad_check_digit");
  EXPECT_TRUE(good("https://id.gs1.org/01/09506000134352").gs1);  // no identifier
}

TEST(ScanEvent, WithoutAnIdentifier) {
  auto ev = good("5901234123457");
  EXPECT_TRUE(ev.aim.empty());
  EXPECT_EQ(ev.symbology, Symbology::unknown);
  EXPECT_EQ(ev.scan_data_type, 0);
  EXPECT_EQ(ev.gtin14, "05901234123457");
  EXPECT_FALSE(good("5901234123458").gtin14);  // maybe a SKU: not an error
  EXPECT_EQ(good(fnc1("0109506000134352"
                      "10A|21B"))
                .hri,
            "(01)09506000134352(10)A(21)B");
  EXPECT_EQ(good("(01)09506000134352(17)250101").elements.size(), 2u);
  EXPECT_EQ(error_of("(01)09506000134353"), "gs1_bad_check_digit");
  EXPECT_EQ(good("BIN-04-2").label, "BIN-04-2");
}

TEST(ScanEvent, IdentifierFromTheTransport) {
  auto ev = make_scan_event("0109506000134352", "]C1");
  EXPECT_TRUE(ev.ok());
  EXPECT_EQ(ev.aim, "]C1");
  EXPECT_EQ(ev.symbology, Symbology::gs1_128);
  EXPECT_EQ(ev.gtin14, "09506000134352");
  ev = make_scan_event("]E05901234123457", "]E0");  // the data repeats it
  EXPECT_EQ(ev.label, "5901234123457");
  EXPECT_EQ(make_scan_event("5901234123457", "E0").error->code, "bad_aim_identifier");
}

TEST(ScanEvent, Refusals) {
  EXPECT_EQ(error_of(""), "empty_scan");
  EXPECT_EQ(error_of("\r\n"), "empty_scan");
  EXPECT_EQ(error_of("]E0"), "empty_scan");
  EXPECT_EQ(error_of("]E"), "bad_aim_identifier");
  EXPECT_EQ(error_of("]#0abc"), "bad_aim_identifier");
  EXPECT_EQ(error_of(std::string("]C0a\0b", 6)), "control_character");
  EXPECT_EQ(error_of("]C0a\x1b[2Jb"), "control_character");
  const auto long_scan = make_scan_event(std::string(kMaxScanBytes + 1, '1'));
  EXPECT_EQ(long_scan.error->code, "scan_too_long");
  EXPECT_EQ(long_scan.raw.size(), kMaxScanBytes);
  EXPECT_EQ(error_of("]C0a" + GS + "b"), "ok");  // GS in plain Code 128 is data
}

}  // namespace
}  // namespace storeedge::scanner

namespace storeedge::scanner {
namespace {

TEST(ScanJson, GivesTheFieldsOfAGs1Scan) {
  const auto j =
      scan_json(make_scan_event("]C10109506000134352"
                                "17251231"
                                "10ABC"));
  EXPECT_EQ(j.at("aim"), "]C1");
  EXPECT_EQ(j.at("symbology"), "GS1-128");
  EXPECT_EQ(j.at("scan_data_type"), scan_data_type::kEan128);
  EXPECT_EQ(j.at("gtin"), "09506000134352");
  EXPECT_EQ(j.at("hri"), "(01)09506000134352(17)251231(10)ABC");
  ASSERT_EQ(j.at("gs1").as_array().size(), 3u);
  EXPECT_EQ(j.at("gs1").as_array()[1].at("ai"), "17");
  EXPECT_FALSE(j.contains("error"));
}

TEST(ScanJson, MakesBadBytesValidUtf8AndKeepsThemAsHex) {
  const auto j = scan_json(make_scan_event("AB\xff\xc3\xa9"));
  EXPECT_EQ(j.at("text"), "AB\xEF\xBF\xBD\xC3\xA9");
  EXPECT_EQ(j.at("raw_hex"), "4142ffc3a9");
}

TEST(ScanJson, CarriesTheError) {
  const auto j = scan_json(make_scan_event("]E04006381333932"));
  EXPECT_EQ(j.at("error").at("code"), "bad_check_digit");
}

TEST(ValidUtf8, RefusesOverlongAndSurrogateForms) {
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xF0\x9F\x93\xA6"), "\xF0\x9F\x93\xA6");
}

}  // namespace
}  // namespace storeedge::scanner
