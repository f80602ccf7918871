// The daemon's job renderer (edge/daemon/print_documents.h) for a POS return's two documents, on
// a real database opened with open_store and a return inserted with plain SQL as the returns
// code stores it: the ESC/POS slip from the return's rows, the return-to-DC label of the lines
// going back, and the clear failures (no DC address, a document for the wrong kind of printer, a
// return that is gone, unreadable tenders).
#include <gtest/gtest.h>

#include "daemon/print_documents.h"
#include "store/state_dir.h"
#include "support/harness.h"
#include "support/return_rows.h"
#include "unit/store_helpers.h"

namespace storeedge::daemon {
namespace {

using namespace std::string_literals;
using storeedge::testing::kSampleReturnId;
using storeedge::testing::kSampleReturnSql;
using storeedge::testing::TempDir;

const std::vector<std::string> kDc = {"Central DC Returns", "Industrieweg 12", "3045 AB Rotterdam"};

class ReturnDocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_));
    auto inserted = db_->exec(kSampleReturnSql);
    ASSERT_TRUE(inserted) << inserted.error().message;
  }

  static PrinterConfig printer(const std::string& format, int paper = 80) {
    PrinterConfig p;
    p.name = format == "escpos" ? "till-receipt" : "back-zebra";
    p.backend = "raw";
    p.format = format;
    p.paper_width_mm = paper;
    return p;
  }

  static printer::PrintJob job(const std::string& kind,
                               std::optional<std::string> return_id = kSampleReturnId) {
    printer::PrintJob j;
    j.id = 7;
    j.kind = kind;
    j.return_id = std::move(return_id);
    j.state = "pending";
    return j;
  }

  // The job's document, or the error it fails with.
  Result<printer::Document> render(const printer::PrintJob& j, const PrinterConfig& p,
                                   std::vector<std::string> dc = kDc) {
    auto renderer = make_job_renderer("S042", std::move(dc));
    auto prepared = renderer(*db_, j, p);
    if (!prepared) return prepared.error();
    return (*prepared)();
  }

  static void expect_error(const Result<printer::Document>& r, const std::string& code,
                           const std::string& words) {
    ASSERT_FALSE(r) << "rendered instead of failing with " << code;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  }

  TempDir dir_;
  std::unique_ptr<store::Connection> db_;
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(ReturnDocumentsTest, TheSlipIsMadeFromTheReturnsRows) {
  auto doc = render(job("return_slip"), printer("escpos"));
  ASSERT_TRUE(doc) << doc.error().code << ": " << doc.error().message;
  EXPECT_EQ(doc->format, printer::DocumentFormat::escpos);
  const std::string& b = doc->bytes;
  EXPECT_EQ(b.rfind("\x1b@\x1bt\x10", 0), 0u);
  EXPECT_TRUE(contains(b, "\x1d!\x01S042\n"));
  EXPECT_TRUE(contains(b, "OFFLINE - TO BE REVIEWED"));
  EXPECT_TRUE(contains(b, "Order" + std::string(48 - 5 - 8, ' ') + "W1009912\n"));
  EXPECT_TRUE(contains(b, "Date" + std::string(48 - 4 - 20, ' ') + "2026-11-23 12:00 UTC\n"));
  EXPECT_TRUE(contains(b, "Associate" + std::string(48 - 9 - 14, ' ') + "Alex Associate\n"));
  EXPECT_TRUE(contains(b, "Approved by" + std::string(48 - 11 - 12, ' ') + "Olga Manager\n"));
  // Every line, in line order (1, 2, 10), whatever its disposition.
  const auto mug =
      b.find("Blue mug\n  2 x SKU-1001" + std::string(48 - 14 - 9, ' ') + "23.98 EUR\n");
  const auto cup = b.find("Espresso cup, stoneware, hand glazed in Portugal\n  1 x SKU-3003");
  const auto towel =
      b.find("Tea towel\n  1 x SKU-2002" + std::string(48 - 14 - 8, ' ') + "0.00 EUR\n");
  ASSERT_NE(mug, std::string::npos) << b;
  ASSERT_NE(cup, std::string::npos) << b;
  ASSERT_NE(towel, std::string::npos) << b;
  EXPECT_LT(mug, cup);
  EXPECT_LT(cup, towel);
  EXPECT_TRUE(contains(b, "REFUND" + std::string(48 - 6 - 9, ' ') + "28.97 EUR\n"));
  EXPECT_TRUE(contains(b, "card ****4242" + std::string(48 - 13 - 9, ' ') + "28.97 EUR\n"));
  EXPECT_TRUE(contains(b, "\x1dkI\x0d{BR-S042-{C\x00\x01"s));
  EXPECT_EQ(b.substr(b.size() - 4), "\x1dVB\x03");

  // 58 mm paper: 32 columns.
  auto narrow = render(job("return_slip"), printer("escpos", 58));
  ASSERT_TRUE(narrow);
  EXPECT_TRUE(contains(narrow->bytes, "REFUND" + std::string(32 - 6 - 9, ' ') + "28.97 EUR\n"));
  EXPECT_TRUE(contains(narrow->bytes, "\nEspresso cup, stoneware, hand\nglazed in Portugal\n"));
}

TEST_F(ReturnDocumentsTest, TheLabelCarriesOnlyTheLinesGoingBackToTheDc) {
  auto doc = render(job("return_label"), printer("zpl"));
  ASSERT_TRUE(doc) << doc.error().code << ": " << doc.error().message;
  EXPECT_EQ(doc->format, printer::DocumentFormat::zpl);
  const std::string& zpl = doc->bytes;
  EXPECT_TRUE(contains(zpl, "RETURN TO DC")) << zpl;
  for (const auto& line : kDc) EXPECT_TRUE(contains(zpl, "^FD" + line + "^FS")) << line;
  EXPECT_TRUE(contains(zpl, "^FDS042^FS"));
  EXPECT_TRUE(contains(zpl, "^FDdamaged, wrong item^FS")) << zpl;
  // The contents' Data Matrix: the two lines going back, in line order; the mug stays.
  EXPECT_TRUE(contains(zpl, "R-S042-0001|SKU-3003*1|SKU-2002*1^FS")) << zpl;
  EXPECT_FALSE(contains(zpl, "SKU-1001")) << zpl;
  // A description longer than the label's 40 characters is cut with an ellipsis.
  EXPECT_TRUE(contains(zpl, "1 x SKU-3003 Espresso cup, stoneware, hand glazed in\xE2\x80\xA6"))
      << zpl;

  auto pdf = render(job("return_label"), printer("pdf"));
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(pdf->bytes.rfind("%PDF-", 0), 0u);
}

TEST_F(ReturnDocumentsTest, WithoutADcAddressTheLabelFailsSayingSo) {
  expect_error(render(job("return_label"), printer("zpl"), {}), "not_configured",
               "[returns] dc_address");
}

TEST_F(ReturnDocumentsTest, ADocumentForTheWrongKindOfPrinterFailsClearly) {
  expect_error(render(job("return_slip"), printer("zpl")), "format_mismatch", "ESC/POS receipt");
  expect_error(render(job("return_slip"), printer("pdf")), "format_mismatch", "takes pdf");
  expect_error(render(job("return_label"), printer("escpos")), "format_mismatch",
               "escpos receipt printer");
  expect_error(render(job("bag_label"), printer("escpos")), "format_mismatch", "no bag_label");
}

TEST_F(ReturnDocumentsTest, AReturnThatIsGoneOrBrokenFailsTheJob) {
  expect_error(render(job("return_slip", "R-NOPE"), printer("escpos")), "no_data",
               "return R-NOPE is not known");
  expect_error(render(job("return_label", "R-NOPE"), printer("zpl")), "no_data",
               "return R-NOPE is not known");
  expect_error(render(job("return_slip", std::nullopt), printer("escpos")), "no_data",
               "names no return");
  ASSERT_TRUE(db_->exec("UPDATE return_lines SET disposition = 'restock'"));
  expect_error(render(job("return_label"), printer("zpl")), "no_data",
               "no line of return R-S042-0001 goes back to the DC");
  ASSERT_TRUE(db_->exec("UPDATE returns SET tenders = '{\"not\":\"a list\"}'"));
  expect_error(render(job("return_slip"), printer("escpos")), "no_data",
               "tenders of return R-S042-0001 are not readable");
  // Tenders that do not add up to the refund: the slip's own check refuses it.
  ASSERT_TRUE(db_->exec(
      "UPDATE returns SET tenders = '[{\"tender\":\"T1\",\"method\":\"cash\",\"amount\":100}]'"));
  expect_error(render(job("return_slip"), printer("escpos")), "invalid_slip_input", "tenders");
}

TEST_F(ReturnDocumentsTest, LongCourtesyTextIsShortenedNotRefused) {
  const std::string long_description(130, 'd');
  ASSERT_TRUE(db_->exec("UPDATE return_lines SET description = '" + long_description +
                        "' WHERE line = '1'"));
  auto doc = render(job("return_slip"), printer("escpos"));
  ASSERT_TRUE(doc) << doc.error().message;
  // 119 characters and an ellipsis (Windows-1252 0x85), wrapped at 48.
  EXPECT_TRUE(contains(doc->bytes, "\n" + std::string(48, 'd') + "\n" + std::string(48, 'd') +
                                       "\n" + std::string(23, 'd') + "\x85\n"));
}

}  // namespace
}  // namespace storeedge::daemon
