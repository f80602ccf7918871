// The ESC/POS return slip, byte by byte: initialisation and the code page, the whole slip on 58 mm
// paper against a literal, wrapping at 32 and 48 columns, money in minor units, the Code 128
// command with its code sets and module width, characters outside Windows-1252, feed and cut,
// and every refusal of bad input.
#include <gtest/gtest.h>

#include <cstdio>

#include "printer/escpos.h"
#include "printer/return_slip.h"

namespace storeedge::printer {
namespace {

using escpos::Paper;
using namespace std::string_literals;

ReturnSlipInput sample() {
  ReturnSlipInput in;
  in.store_name = "S042";
  in.return_id = "R-S042-0001";
  in.order = "W1009912";
  in.time = "2026-11-23 12:00 UTC";
  in.associate = "Maria";
  in.lines = {{"Blue mug", "SKU-1001", 2, 2398}};
  in.refund = 2398;
  in.currency = "EUR";
  in.tenders = {{"card", "4242", 2398}};
  return in;
}

// Printable ASCII as is, other bytes as \xNN, so a failing comparison shows where.
std::string visible(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
      if (c == '\n') out += '\n';
    }
  }
  return out;
}

bool contains(const std::string& bytes, const std::string& part) {
  return bytes.find(part) != std::string::npos;
}

std::string slip(const ReturnSlipInput& in, Paper paper) {
  auto d = render_return_slip(in, paper);
  EXPECT_TRUE(d) << d.error().code << ": " << d.error().message;
  if (!d) return {};
  EXPECT_EQ(d->format, DocumentFormat::escpos);
  return d->bytes;
}

void expect_refused(const ReturnSlipInput& in, const std::string& field) {
  auto r = check_return_slip(in);
  ASSERT_FALSE(r) << field << " was accepted";
  EXPECT_EQ(r.error().code, "invalid_slip_input");
  EXPECT_EQ(r.error().message.rfind(field + ":", 0), 0u) << r.error().message;
  EXPECT_FALSE(render_return_slip(in, Paper::mm80));
}

const std::string kInit = "\x1b@\x1bt\x10\x1bR\x00\x1bM\x00\x1b\x32"s;
const std::string kCut = "\x1dVB\x03"s;

TEST(EscposSlip, TheWholeSlipOn58mmPaper) {
  const std::string expected =
      kInit +
      // Centred, bold, double height: the store; double width and height: the title.
      "\x1b"
      "a\x01"
      "\x1b"
      "E\x01"
      "\x1d!\x01"
      "S042\n"
      "\x1d!\x11"
      "RETURN\n"
      "\x1d!\x00"
      "\x1b"
      "E\x00"
      // Left: the facts in two columns of 32.
      "\x1b"
      "a\x00"
      "\n"
      "Return               R-S042-0001\n"
      "Order                   W1009912\n"
      "Date        2026-11-23 12:00 UTC\n"
      "Associate                  Maria\n"
      "--------------------------------\n"
      "Blue mug\n"
      "  2 x SKU-1001         23.98 EUR\n"
      "--------------------------------\n"
      // The refund in bold double height, then the tender.
      "\x1b"
      "E\x01"
      "\x1d!\x01"
      "REFUND                 23.98 EUR\n"
      "\x1d!\x00"
      "\x1b"
      "E\x00"
      "card ****4242          23.98 EUR\n"
      "\n"
      // Code 128, centred: 80 dots high, 2-dot modules (3 would not fit 384 dots), the text
      // under it in font A; code set B, then C for "0001" as the pairs 00 01.
      "\x1b"
      "a\x01"
      "\x1dh\x50"
      "\x1dw\x02"
      "\x1dH\x02"
      "\x1d"
      "f\x00"
      "\x1dkI\x0d"
      "{BR-S042-{C\x00\x01"
      "\x1b"
      "a\x00"
      "\n\n\n"
      "X_______________________________\n"
      "Customer signature\n"s +
      kCut;
  EXPECT_EQ(visible(slip(sample(), Paper::mm58)), visible(expected));
}

TEST(EscposSlip, InitialisesAndSelectsTheCodePageFirstAndEndsWithACut) {
  for (Paper paper : {Paper::mm80, Paper::mm58}) {
    const std::string bytes = slip(sample(), paper);
    EXPECT_EQ(bytes.rfind(kInit, 0), 0u) << visible(bytes);
    ASSERT_GE(bytes.size(), kCut.size());
    EXPECT_EQ(bytes.substr(bytes.size() - kCut.size()), kCut) << visible(bytes);
  }
}

TEST(EscposSlip, TheCode128CarriesTheReturnIdWithTheWidestModuleThatFits) {
  // 80 mm: 165 modules with quiet zones × 3 dots = 495 ≤ 576.
  const std::string bytes = slip(sample(), Paper::mm80);
  EXPECT_TRUE(contains(bytes,
                       "\x1dw\x03\x1dH\x02\x1d"
                       "f\x00\x1dkI\x0d{BR-S042-{C\x00\x01"s))
      << visible(bytes);

  const auto digits = escpos::code128_data("20261123");
  EXPECT_EQ(visible(digits.bytes), visible("{C\x14\x1a\x0b\x17"s));
  EXPECT_EQ(digits.modules, 6 * 11 + 13);
  // An odd run: one digit in B, then the even rest in C.
  const auto odd = escpos::code128_data("A12345");
  EXPECT_EQ(visible(odd.bytes), visible("{BA1{C\x17\x2d"s));
  EXPECT_EQ(odd.modules, (1 + 2 + 1 + 2 + 1) * 11 + 13);
  const auto plain = escpos::code128_data("R-S042-0001");
  EXPECT_EQ(plain.modules, 12 * 11 + 13);
}

TEST(EscposSlip, AReturnIdTooLongForThePaperIsRefusedNotPrintedUnreadable) {
  ReturnSlipInput in = sample();
  in.return_id = "RETURN-ABCDEFGHIJKLMNOPQ";  // 24 characters, all code set B
  auto narrow = render_return_slip(in, Paper::mm58);
  ASSERT_FALSE(narrow);
  EXPECT_EQ(narrow.error().code, "slip_overflow");
  in.return_id = "R-ABCDEFGHIJKLM";  // 15: 2-dot modules on 80 mm, too wide for 58 mm
  EXPECT_TRUE(contains(slip(in, Paper::mm80), "\x1dw\x02"));
  EXPECT_FALSE(render_return_slip(in, Paper::mm58));
}

TEST(EscposSlip, LongDescriptionsWrapAtBothWidths) {
  ReturnSlipInput in = sample();
  in.lines[0].description =
      "Stoneware coffee mug, hand glazed in deep ocean blue, dishwasher safe (set of two)";
  const std::string wide = slip(in, Paper::mm80);
  EXPECT_TRUE(contains(wide,
                       "\nStoneware coffee mug, hand glazed in deep ocean\n"
                       "blue, dishwasher safe (set of two)\n"
                       "  2 x SKU-1001                         23.98 EUR\n"))
      << visible(wide);
  const std::string narrow = slip(in, Paper::mm58);
  EXPECT_TRUE(contains(narrow,
                       "\nStoneware coffee mug, hand\n"
                       "glazed in deep ocean blue,\n"
                       "dishwasher safe (set of two)\n"
                       "  2 x SKU-1001         23.98 EUR\n"))
      << visible(narrow);

  EXPECT_EQ(escpos::wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(escpos::wrap("  a   b  ", 10), (std::vector<std::string>{"a b"}));
  EXPECT_EQ(escpos::wrap("", 10), (std::vector<std::string>{""}));
  // Two columns that do not fit on one line: the left wrapped, the right flush right below.
  EXPECT_EQ(escpos::two_columns("1 x SKU-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "10.00 EUR", 32),
            (std::vector<std::string>{"1 x", "SKU-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                      "                       10.00 EUR"}));
}

TEST(EscposSlip, MoneyIsFormattedFromMinorUnitsWithTheCurrencyCode) {
  EXPECT_EQ(format_money(1199, "EUR"), "11.99 EUR");
  EXPECT_EQ(format_money(5, "EUR"), "0.05 EUR");
  EXPECT_EQ(format_money(0, "USD"), "0.00 USD");
  EXPECT_EQ(format_money(123456789, "GBP"), "1234567.89 GBP");
  EXPECT_EQ(format_money(1200, "JPY"), "1200 JPY");
  EXPECT_EQ(format_money(12345, "KWD"), "12.345 KWD");
  EXPECT_EQ(format_money(7, "BHD"), "0.007 BHD");
  EXPECT_EQ(format_money(kMaxSlipAmount, "EUR"), "9999999999.99 EUR");

  ReturnSlipInput in = sample();
  in.currency = "JPY";
  in.lines[0].refund = in.refund = in.tenders[0].amount = 3500;
  const std::string bytes = slip(in, Paper::mm80);
  EXPECT_TRUE(contains(bytes, "REFUND" + std::string(48 - 6 - 8, ' ') + "3500 JPY\n"))
      << visible(bytes);
}

TEST(EscposSlip, CharactersOutsideTheCodePageAreReplaced) {
  EXPECT_EQ(visible(escpos::to_code_page("Crème brûlée €5 – “ok” … Łódź 東京")),
            visible("Cr\xE8me br\xFBl\xE9"
                    "e \x80"
                    "5 \x96 \x93ok\x94 \x85 ?\xF3"
                    "d? ??"s));
  ReturnSlipInput in = sample();
  in.store_name = "Zürich Bahnhofstraße";
  in.lines[0].description = "Tasse „Łódź“";
  const std::string bytes = slip(in, Paper::mm80);
  EXPECT_TRUE(contains(bytes,
                       "Z\xFCrich Bahnhofstra\xDF"
                       "e\n"))
      << visible(bytes);
  EXPECT_TRUE(contains(bytes,
                       "\nTasse \x84?\xF3"
                       "d?\x93\n"))
      << visible(bytes);
  // No UTF-8 lead byte (Ã) leaked through.
  EXPECT_FALSE(contains(bytes, "\xC3"s)) << "UTF-8 leaked through: " << visible(bytes);
}

TEST(EscposSlip, OfflineAndOverrideAreShown) {
  ReturnSlipInput in = sample();
  in.offline = true;
  in.override_by = "Olga Lead";
  const std::string bytes = slip(in, Paper::mm80);
  EXPECT_TRUE(contains(bytes,
                       "\x1b"
                       "E\x01OFFLINE - TO BE REVIEWED\n\x1b"
                       "E\x00"s))
      << visible(bytes);
  EXPECT_TRUE(contains(bytes, "Approved by" + std::string(48 - 11 - 9, ' ') + "Olga Lead\n"));
  EXPECT_FALSE(contains(slip(sample(), Paper::mm80), "OFFLINE"));
  EXPECT_FALSE(contains(slip(sample(), Paper::mm80), "Approved by"));
}

TEST(EscposSlip, BadInputIsRefusedNamingTheField) {
  ASSERT_TRUE(check_return_slip(sample()));
  auto in = sample();
  in.lines[0].description = "mug\x1b@";  // an ESC/POS command smuggled in
  expect_refused(in, "lines.description");
  in = sample();
  in.lines[0].description = "mug\nsecond line";
  expect_refused(in, "lines.description");
  in = sample();
  in.associate = "Mar\xC3";  // truncated UTF-8
  expect_refused(in, "associate");
  in = sample();
  in.store_name = std::string(49, 'S');
  expect_refused(in, "store_name");
  in = sample();
  in.store_name = "";
  expect_refused(in, "store_name");
  in = sample();
  in.return_id = "R {B}";
  expect_refused(in, "return_id");
  in = sample();
  in.order = std::string(25, '1');
  expect_refused(in, "order");
  in = sample();
  in.time = std::string(33, '1');
  expect_refused(in, "time");
  in = sample();
  in.override_by = "\x7f";
  expect_refused(in, "override_by");
  in = sample();
  in.lines[0].sku = "SKU 1";
  expect_refused(in, "lines.sku");
  in = sample();
  in.lines[0].qty = 0;
  expect_refused(in, "lines.qty");
  in = sample();
  in.lines[0].refund = -1;
  expect_refused(in, "lines.refund");
  in = sample();
  in.refund = kMaxSlipAmount + 1;
  expect_refused(in, "refund");
  in = sample();
  in.currency = "eur";
  expect_refused(in, "currency");
  in = sample();
  in.lines.clear();
  expect_refused(in, "lines");
  in = sample();
  in.lines.assign(101, in.lines[0]);
  expect_refused(in, "lines");
  in = sample();
  in.tenders[0].amount = 2000;
  expect_refused(in, "tenders");
  in = sample();
  in.tenders.assign(11, {"cash", "", 0});
  expect_refused(in, "tenders");
  in = sample();
  in.tenders[0].last4 = "42a2";
  expect_refused(in, "tenders.last4");
  in = sample();
  in.tenders[0].method = "";
  expect_refused(in, "tenders.method");
  // Not refusals: no tenders, an empty description, 120 characters of one.
  in = sample();
  in.tenders.clear();
  in.lines[0].description = "";
  EXPECT_TRUE(check_return_slip(in));
  in.lines[0].description = std::string(120, 'd');
  EXPECT_TRUE(check_return_slip(in));
}

}  // namespace
}  // namespace storeedge::printer
