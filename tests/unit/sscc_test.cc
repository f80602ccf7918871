// The store's SSCCs (printer/sscc.h) on a real database: the GS1 mod-10 check digit (checked
// against the scanner's GS1 parser, an independent implementation), company prefixes of 7 to 10
// digits, the durable counter (in the caller's transaction, its range, wrapping), one SSCC per
// package kept for reprints, and the shipping label job after the OMS's label failed.
#include "printer/sscc.h"

#include <gtest/gtest.h>

#include "scanner/gs1.h"
#include "store/state_dir.h"
#include "support/harness.h"
#include "unit/store_helpers.h"

namespace storeedge::printer {
namespace {

using storeedge::testing::TempDir;
constexpr std::string_view kNow = "2026-11-23T12:00:00.000Z";

ShippingConfig prefix(std::string p, int extension = 0) {
  ShippingConfig c;
  c.gs1_company_prefix = std::move(p);
  c.sscc_extension_digit = extension;
  return c;
}

TEST(Sscc, CheckDigitIsGs1Mod10) {
  EXPECT_EQ(gs1_mod10("10614141123456789"), '7');  // GS1's example SSCC 106141411234567897
  EXPECT_EQ(gs1_mod10("00000000000000000"), '0');
  EXPECT_EQ(gs1_mod10("950600013435"), '2');  // GTIN 9506000134352
  for (std::int64_t serial = 0; serial < 2000; serial += 7) {
    auto sscc = compose_sscc(prefix("0614141", 3), serial);
    ASSERT_TRUE(sscc) << sscc.error().message;
    auto element = scanner::make_gs1_element("00", *sscc);
    EXPECT_TRUE(element) << *sscc << ": " << element.error().message;
  }
  auto wrong = scanner::make_gs1_element("00", "106141411234567898");
  EXPECT_FALSE(wrong);  // the parser does refuse a wrong check digit
}

TEST(Sscc, PrefixesOfSevenToTenDigitsLeaveRoomForTheSerial) {
  auto seven = compose_sscc(prefix("0614141", 1), 123456789);
  ASSERT_TRUE(seven);
  EXPECT_EQ(*seven, "106141411234567897");
  for (const std::string p : {"0614141", "06141412", "061414123", "0614141234"}) {
    const std::int64_t capacity = sscc_serial_capacity(p);
    EXPECT_EQ(std::to_string(capacity).size(), 16 - p.size() + 1) << p;
    auto first = compose_sscc(prefix(p, 9), 42);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->size(), 18u);
    EXPECT_EQ(first->substr(0, 1 + p.size()), "9" + p);
    EXPECT_EQ(first->substr(1 + p.size(), 16 - p.size()),
              std::string(16 - p.size() - 2, '0') + "42");
    EXPECT_TRUE(scanner::make_gs1_element("00", *first));
    EXPECT_TRUE(compose_sscc(prefix(p), capacity - 1));
    auto over = compose_sscc(prefix(p), capacity);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, "invalid_sscc_input");
  }
  EXPECT_EQ(compose_sscc(prefix(""), 1).error().code, "not_configured");
  EXPECT_EQ(compose_sscc(prefix("061414"), 1).error().code, "invalid_sscc_input");
  EXPECT_EQ(compose_sscc(prefix("06141412345"), 1).error().code, "invalid_sscc_input");
  EXPECT_EQ(compose_sscc(prefix("06141A1"), 1).error().code, "invalid_sscc_input");
  EXPECT_EQ(compose_sscc(prefix("0614141", 10), 1).error().code, "invalid_sscc_input");
  EXPECT_EQ(compose_sscc(prefix("0614141"), -1).error().code, "invalid_sscc_input");
}

class SsccStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() { ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_)); }
  void exec(const std::string& sql) {
    auto r = db_->exec(sql);
    ASSERT_TRUE(r) << r.error().message;
  }
  void add_package(const std::string& allocation, const std::string& package) {
    exec(
        "INSERT OR IGNORE INTO allocations (allocation_id, order_id, kind, created_at, updated_at)"
        " VALUES ('" +
        allocation + "', 'W1', 'ship_from_store', 'x', 'x')");
    exec("INSERT INTO packages (allocation_id, package, created_at) VALUES ('" + allocation +
         "', '" + package + "', 'x')");
  }
  std::string serial_of(const std::string& sscc, std::size_t prefix_digits) {
    return sscc.substr(1 + prefix_digits, 16 - prefix_digits);
  }
  TempDir dir_;
  std::unique_ptr<store::Connection> db_;
};

TEST_F(SsccStoreTest, TheCounterMovesInTheCallersTransactionAndSurvivesARestart) {
  const auto c = prefix("0614141");
  auto a = next_sscc(*db_, c);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(serial_of(*a, 7), "000000000");
  auto b = next_sscc(*db_, c);
  ASSERT_TRUE(b);
  EXPECT_EQ(serial_of(*b, 7), "000000001");
  // A transaction that rolls back (the job was not made) gives its number back.
  exec("BEGIN");
  auto dropped = next_sscc(*db_, c);
  ASSERT_TRUE(dropped);
  exec("ROLLBACK");
  open();
  auto after = next_sscc(*db_, c);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, *dropped);
  EXPECT_EQ(serial_of(*after, 7), "000000002");
}

TEST_F(SsccStoreTest, TheCounterStaysInTheStoresRangeAndWraps) {
  auto c = prefix("0614141234");  // 10 digits: serials 000000-999999
  c.sscc_serial_first = 500;
  c.sscc_serial_last = 502;
  std::vector<std::string> serials;
  for (int i = 0; i < 4; ++i) {
    auto s = next_sscc(*db_, c);
    ASSERT_TRUE(s) << s.error().message;
    serials.push_back(serial_of(*s, 10));
  }
  EXPECT_EQ(serials, (std::vector<std::string>{"000500", "000501", "000502", "000500"}));
  // A range moved elsewhere starts at its first serial.
  c.sscc_serial_first = 9000;
  c.sscc_serial_last = std::nullopt;  // to the largest: 999999
  auto moved = next_sscc(*db_, c);
  ASSERT_TRUE(moved);
  EXPECT_EQ(serial_of(*moved, 10), "009000");
  EXPECT_EQ(next_sscc(*db_, prefix("")).error().code, "not_configured");
}

TEST_F(SsccStoreTest, APackageGetsOneSsccKeptForReprints) {
  add_package("A-1", "P1");
  add_package("A-1", "P2");
  const auto c = prefix("0614141", 1);
  auto p1 = package_sscc(*db_, c, "A-1", "P1");
  ASSERT_TRUE(p1) << p1.error().message;
  auto again = package_sscc(*db_, c, "A-1", "P1");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *p1);
  auto p2 = package_sscc(*db_, c, "A-1", "P2");
  ASSERT_TRUE(p2);
  EXPECT_NE(*p2, *p1);
  EXPECT_EQ(package_sscc(*db_, c, "A-1", "P9").error().code, "not_found");
  add_package("A-2", "P1");
  EXPECT_EQ(package_sscc(*db_, prefix(""), "A-2", "P1").error().code, "not_configured");
  // Once assigned, the SSCC stays even if the prefix is taken away later.
  auto kept = package_sscc(*db_, prefix(""), "A-1", "P1");
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, *p1);
}

TEST_F(SsccStoreTest, AFailedOmsLabelMakesOneJobAndTheSscc) {
  add_package("A-1", "P1");
  const auto c = prefix("0614141");
  auto job = own_label_after_oms_failure(*db_, c, "A-1", "P1", kNow);
  ASSERT_TRUE(job) << job.error().message;
  ASSERT_TRUE(*job);
  auto row = find_print_job(*db_, **job);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->kind, "shipping_label");
  EXPECT_EQ((*row)->package, "P1");
  EXPECT_EQ((*row)->state, "pending");
  EXPECT_FALSE((*row)->station);
  auto sscc = store::read_meta(*db_, "sscc_next_serial");
  ASSERT_TRUE(sscc && *sscc);
  EXPECT_EQ(**sscc, "1");
  // A second failure for the same package prints nothing again; an unknown package, nothing.
  auto second = own_label_after_oms_failure(*db_, c, "A-1", "P1", kNow);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  auto unknown = own_label_after_oms_failure(*db_, c, "A-1", "P7", kNow);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  // Without a prefix the job is still made (it fails visibly, not_configured), with no SSCC.
  add_package("A-2", "P1");
  auto unconfigured = own_label_after_oms_failure(*db_, prefix(""), "A-2", "P1", kNow);
  ASSERT_TRUE(unconfigured) << unconfigured.error().message;
  EXPECT_TRUE(*unconfigured);
  bool null_sscc = false;
  auto r = store::each_row(
      *db_, "SELECT sscc IS NULL FROM packages WHERE allocation_id = 'A-2'",
      [](store::Statement&) {}, [&](const store::Statement& st) { null_sscc = st.column_int(0); });
  ASSERT_TRUE(r);
  EXPECT_TRUE(null_sscc);
}

}  // namespace
}  // namespace storeedge::printer
