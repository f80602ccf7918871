// GS1 element strings, GTINs and Digital Link URIs: examples from the GS1 General Specifications
// and the Digital Link standard, and strings as real scanners send them.
#include <gtest/gtest.h>

#include <algorithm>

#include "scanner/digital_link.h"
#include "scanner/gs1.h"
#include "scanner/gtin.h"

namespace storeedge::scanner {
namespace {

const std::string GS(1, kGroupSeparator);

// Test data with "|" (outside GS1's character set) standing for GS.
std::string fnc1(std::string s) {
  std::replace(s.begin(), s.end(), '|', kGroupSeparator);
  return s;
}

std::string error_code(const Result<std::vector<Gs1Element>>& r) {
  return r ? std::string("ok") : r.error().code;
}

std::vector<Gs1Element> parse(std::string_view data) {
  auto r = parse_gs1_element_string(data);
  EXPECT_TRUE(r) << data << ": " << (r ? "" : r.error().message);
  return r ? *r : std::vector<Gs1Element>{};
}

TEST(Gtin, CheckDigits) {
  EXPECT_EQ(gs1_check_digit("0950600013435"), '2');
  EXPECT_TRUE(gs1_check_digit_valid("09506000134352"));
  EXPECT_TRUE(gs1_check_digit_valid("106141411234567897"));  // SSCC
  EXPECT_FALSE(gs1_check_digit_valid("09506000134353"));
  EXPECT_FALSE(gs1_check_digit_valid("0950600013435x"));
  EXPECT_FALSE(gs1_check_digit_valid("7"));
}

TEST(Gtin, EveryLengthNormalisesToGtin14) {
  EXPECT_EQ(normalise_gtin("96385074").value(), "00000096385074");        // GTIN-8
  EXPECT_EQ(normalise_gtin("012345678905").value(), "00012345678905");    // GTIN-12
  EXPECT_EQ(normalise_gtin("9506000134352").value(), "09506000134352");   // GTIN-13
  EXPECT_EQ(normalise_gtin("95012345678903").value(), "95012345678903");  // GTIN-14
  EXPECT_EQ(normalise_gtin("9506000134353").error().code, "bad_check_digit");
  EXPECT_EQ(normalise_gtin("12345678901").error().code, "bad_gtin");  // 11 digits
  EXPECT_EQ(normalise_gtin("950600013435A").error().code, "bad_gtin");
  EXPECT_EQ(normalise_gtin("").error().code, "bad_gtin");
}

TEST(Gtin, UpcEExpandsPerItsLastDigit) {
  EXPECT_EQ(expand_upce("04252614").value(), "042100005264");  // X6 = 1: X1 X2 X6 0000 X3-X5
  EXPECT_EQ(expand_upce("01234531").value(), "012300000451");  // X6 = 3
  EXPECT_EQ(expand_upce("01234543").value(), "012340000053");  // X6 = 4
  EXPECT_EQ(expand_upce("01234565").value(), "012345000065");  // X6 = 5-9
  EXPECT_EQ(expand_upce("12345601").value(), "123000004561");  // number system 1
  EXPECT_EQ(expand_upce("123456").value(), "012345000065");    // number system 0 implied
  EXPECT_EQ(expand_upce("0123456").value(), "012345000065");
  EXPECT_EQ(expand_upce("01234566").error().code, "bad_check_digit");
  EXPECT_EQ(expand_upce("21234565").error().code, "bad_upce");  // number system 2
  EXPECT_EQ(expand_upce("12345").error().code, "bad_upce");
}

TEST(Gs1, Gs1_128WithGtinExpiryAndLot) {
  // (01)(17)(10): fixed-length fields need no separator; the lot runs to the end.
  const auto e = parse(
      "0109506000134352"
      "17250101"
      "10ABC123");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0], (Gs1Element{"01", "09506000134352", std::nullopt}));
  EXPECT_EQ(e[1], (Gs1Element{"17", "250101", std::nullopt}));
  EXPECT_EQ(e[2], (Gs1Element{"10", "ABC123", std::nullopt}));
  EXPECT_EQ(to_gs1_hri(e), "(01)09506000134352(17)250101(10)ABC123");
}

TEST(Gs1, VariableLengthEndsAtSeparatorThenFixedFollows) {
  const auto e = parse(fnc1("10ABC|1725010121S/N-1|3103000500"));
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].value, "ABC");
  EXPECT_EQ(e[1].value, "250101");
  EXPECT_EQ(e[2].value, "S/N-1");
  EXPECT_EQ(e[3].ai, "3103");  // NET WEIGHT (kg), 0.500
  EXPECT_EQ(e[3].value, "000500");
  EXPECT_EQ(e[3].decimals, 3);
  EXPECT_EQ(to_gs1_element_string(e), fnc1("10ABC|1725010121S/N-1|3103000500"));
}

TEST(Gs1, SsccAndLogisticLabel) {
  // (00) SSCC, (410) ship to GLN, (420) ship-to postcode, (37) count
  const auto e =
      parse(fnc1("00106141411234567897"
                 "4100614141000012"
                 "4200|3712"));
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].ai, "00");
  EXPECT_EQ(e[1].ai, "410");  // predefined length: no separator before (420)
  EXPECT_EQ(e[2].ai, "420");
  EXPECT_EQ(e[2].value, "0");
  EXPECT_EQ(e[3].value, "12");
  const auto f = parse(
      "00106141411234567897"
      "02"
      "09506000134352"
      "37"
      "24");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[2].value, "24");
}

TEST(Gs1, SeparatorsAroundTheDataAndAfterFixedFieldsAreTolerated) {
  EXPECT_EQ(parse(GS + "0109506000134352" + GS + "10A" + GS).size(), 2u);
  EXPECT_EQ(error_code(parse_gs1_element_string("10A" + GS + GS + "21B")), "gs1_syntax");
  EXPECT_EQ(error_code(parse_gs1_element_string(GS)), "gs1_empty");
}

TEST(Gs1, MissingSeparatorIsReported) {
  // A serial longer than 20 characters: the GS before (17) was left out.
  auto r = parse_gs1_element_string(
      "21ABCDEFGHIJKLMNOPQRS"
      "17250101");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "gs1_bad_length");
  EXPECT_NE(r.error().message.find("separator"), std::string::npos) << r.error().message;
  // (422) is fixed-length but not predefined, so it needs the GS too.
  r = parse_gs1_element_string(
      "422250"
      "10ABC");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("separator"), std::string::npos) << r.error().message;
  EXPECT_EQ(error_code(parse_gs1_element_string("422250" + GS + "10ABC")), "ok");
}

TEST(Gs1, CheckDigitsOfKeysAreVerified) {
  EXPECT_EQ(error_code(parse_gs1_element_string("0109506000134353")), "gs1_bad_check_digit");
  EXPECT_EQ(error_code(parse_gs1_element_string("00106141411234567890")), "gs1_bad_check_digit");
  EXPECT_EQ(error_code(parse_gs1_element_string("4140614141000013")), "gs1_bad_check_digit");
  EXPECT_EQ(error_code(parse_gs1_element_string("0209506000134353"
                                                "3712")),
            "gs1_bad_check_digit");
  EXPECT_EQ(error_code(parse_gs1_element_string("8018376104250021234569")), "ok");  // GSRN
  EXPECT_EQ(error_code(parse_gs1_element_string("8006095060001343520102")), "ok");  // ITIP
}

TEST(Gs1, DatesAreValidated) {
  EXPECT_EQ(error_code(parse_gs1_element_string("17251301")), "gs1_bad_date");  // month 13
  EXPECT_EQ(error_code(parse_gs1_element_string("17250230")), "gs1_bad_date");  // 30 February
  EXPECT_EQ(error_code(parse_gs1_element_string("15250431")), "gs1_bad_date");  // 31 April
  EXPECT_EQ(error_code(parse_gs1_element_string("17250200")), "ok");  // day 00: end of month
  EXPECT_EQ(error_code(parse_gs1_element_string("11240229")), "ok");  // leap year
  EXPECT_EQ(error_code(parse_gs1_element_string("11250229")), "gs1_bad_date");
  EXPECT_EQ(error_code(parse_gs1_element_string("70032501011230")), "ok");
  EXPECT_EQ(error_code(parse_gs1_element_string("70032501002330")), "gs1_bad_date");  // day 00
  EXPECT_EQ(error_code(parse_gs1_element_string("70032501012460")), "gs1_bad_date");
  EXPECT_EQ(error_code(parse_gs1_element_string("8008250101121530")), "ok");
  EXPECT_EQ(error_code(parse_gs1_element_string("800825010112153")), "gs1_bad_date");
}

TEST(Gs1, FormatsLengthsAndUnknownAis) {
  EXPECT_EQ(error_code(parse_gs1_element_string("0109506000134352"
                                                "14250101")),
            "gs1_unknown_ai");
  EXPECT_EQ(error_code(parse_gs1_element_string("3106000500")), "gs1_unknown_ai");  // n > 5
  EXPECT_EQ(error_code(parse_gs1_element_string("23")), "gs1_unknown_ai");
  EXPECT_EQ(error_code(parse_gs1_element_string("010950600013435")), "gs1_bad_length");
  EXPECT_EQ(error_code(parse_gs1_element_string("10")), "gs1_bad_length");  // empty value
  EXPECT_EQ(error_code(parse_gs1_element_string("10AB C")), "gs1_bad_character");
  EXPECT_EQ(error_code(parse_gs1_element_string("30A")), "gs1_bad_character");
  EXPECT_EQ(error_code(parse_gs1_element_string("42304005")), "gs1_bad_length");  // not N3s
  EXPECT_EQ(error_code(parse_gs1_element_string("423040056528")), "ok");
  EXPECT_EQ(error_code(parse_gs1_element_string("10A" + GS + "10B")), "gs1_duplicate_ai");
  EXPECT_EQ(parse("10A" + GS + "10A").size(), 1u);
  const auto money = parse("3912978123456");  // AMOUNT in euro (978), 1234.56
  ASSERT_EQ(money.size(), 1u);
  EXPECT_EQ(money[0].decimals, 2);
  EXPECT_EQ(parse("99" + std::string(90, 'Z')).size(), 1u);
  EXPECT_EQ(error_code(parse_gs1_element_string("99" + std::string(91, 'Z'))), "gs1_bad_length");
}

TEST(Gs1, TableLookup) {
  ASSERT_NE(find_gs1_ai("01"), nullptr);
  EXPECT_TRUE(find_gs1_ai("01")->predefined_length);
  EXPECT_FALSE(find_gs1_ai("10")->predefined_length);
  EXPECT_TRUE(find_gs1_ai("3695")->predefined_length);
  EXPECT_EQ(find_gs1_ai("3175"), nullptr);  // 317n is not defined
  EXPECT_FALSE(find_gs1_ai("8005")->predefined_length);
  for (const char* ai :
       {"00",   "02",   "03",   "11",   "12",   "13",   "15",   "16",   "20",   "21",
        "22",   "235",  "240",  "241",  "242",  "250",  "251",  "253",  "254",  "255",
        "30",   "37",   "3100", "3205", "3375", "3495", "3909", "3919", "3929", "3939",
        "400",  "401",  "402",  "403",  "411",  "412",  "413",  "415",  "416",  "417",
        "420",  "421",  "422",  "423",  "424",  "425",  "426",  "7003", "7004", "8003",
        "8004", "8005", "8006", "8007", "8008", "8018", "8020", "90",   "91",   "99"})
    EXPECT_NE(find_gs1_ai(ai), nullptr) << ai;
}

TEST(Gs1, BracketedHri) {
  auto r = parse_gs1_hri("(01)09506000134352(17)250101(10)AB(C)");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2].value, "AB(C)");  // "(C)" does not open an AI
  // "(123)" would: a value cannot contain brackets around two to four digits.
  EXPECT_EQ(error_code(parse_gs1_hri("(10)AB(123)")), "gs1_unknown_ai");
  EXPECT_EQ(error_code(parse_gs1_hri("01095060001343521")), "gs1_syntax");
  EXPECT_EQ(error_code(parse_gs1_hri("(01)09506000134353")), "gs1_bad_check_digit");
  EXPECT_EQ(error_code(parse_gs1_hri("(01)")), "gs1_bad_length");
  EXPECT_EQ(error_code(parse_gs1_hri("(17)251301")), "gs1_bad_date");
  EXPECT_EQ(error_code(parse_gs1_hri("")), "gs1_empty");
}

TEST(DigitalLink, IdGs1OrgWithQualifierAndAttribute) {
  auto r = parse_digital_link("https://id.gs1.org/01/09506000134352/10/ABC?17=250101");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(to_gs1_hri(*r), "(01)09506000134352(10)ABC(17)250101");
}

TEST(DigitalLink, CustomDomainPrefixShortGtinAndPercentEncoding) {
  auto r = parse_digital_link(
      "https://brand.example.com/products/01/9506000134352/10/A%2B1/21/S%2F9"
      "?linkType=gs1:pip&3103=000500&15=251231#top");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(to_gs1_hri(*r), "(01)09506000134352(10)A+1(21)S/9(3103)000500(15)251231");
  EXPECT_EQ((*r)[3].decimals, 3);
  r = parse_digital_link("HTTP://example.com/01/96385074/");  // GTIN-8, trailing slash
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].value, "00000096385074");
  r = parse_digital_link("https://example.com/00/106141411234567897");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].ai, "00");
  r = parse_digital_link("https://example.com/414/0614141000012/254/A1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
}

TEST(DigitalLink, Refusals) {
  auto code = [](std::string_view uri) { return error_code(parse_digital_link(uri)); };
  EXPECT_EQ(code("https://example.com/about/us"), "not_digital_link");
  EXPECT_EQ(code("ftp://example.com/01/09506000134352"), "not_digital_link");
  EXPECT_EQ(code("not a uri"), "not_digital_link");
  EXPECT_EQ(code("https://example.com/01/09506000134353"), "gs1_bad_check_digit");
  EXPECT_EQ(code("https://example.com/01/9506000134353"), "gs1_bad_check_digit");
  // Paths that do not end in a key, its value and qualifiers in order are other links.
  EXPECT_EQ(code("https://example.com/01"), "not_digital_link");
  EXPECT_EQ(code("https://blog.example/2024/01/15/post"), "not_digital_link");
  EXPECT_EQ(code("https://blog.example/2024/01/15"), "not_digital_link");
  EXPECT_EQ(code("https://example.com/01/09506000134352/21/X/10/Y"), "not_digital_link");
  EXPECT_EQ(code("https://example.com/01/09506000134352/17/250101"), "not_digital_link");
  EXPECT_EQ(code("https://example.com/01/09506000134352/10/" + std::string(21, 'A')),
            "gs1_bad_length");
  EXPECT_EQ(code("https://example.com/01/09506000134352?10=ABC"), "digital_link_syntax");
  EXPECT_EQ(code("https://example.com/01/09506000134352?7777=1"), "gs1_unknown_ai");
  EXPECT_EQ(code("https://example.com/01/09506000134352?17=251301"), "gs1_bad_date");
  EXPECT_EQ(code("https://example.com/01/09506000134352/10/A%20B"), "gs1_bad_character");
  EXPECT_EQ(code("https://example.com/01/09506000134352?17=250101&17=250102"), "gs1_duplicate_ai");
}

}  // namespace
}  // namespace storeedge::scanner
