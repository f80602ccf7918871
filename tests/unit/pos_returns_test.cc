// POS returns on real SQLite: the store's local dates, the refund's split over tenders, and
// record_return against the contract's example order — eligibility (window in the store's
// timezone, returnable flag, quantity left counting the OMS's and this store's returns exactly
// once), overrides, the offline limit, dispositions, print jobs, and the lead's review.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <sstream>

#include "ctl/returns_command.h"
#include "pos/eligibility.h"
#include "pos/policy.h"
#include "pos/refund.h"
#include "pos/returns.h"
#include "store/state_dir.h"
#include "support/contract_examples.h"
#include "support/harness.h"
#include "sync/down_applier.h"
#include "sync/outbox.h"
#include "unit/store_helpers.h"

namespace storeedge::pos {
namespace {

namespace json = boost::json;

constexpr std::string_view kNow = "2026-11-24T10:00:00.000Z";

using storeedge::testing::contract_example;
json::object example(const std::string& file) {
  return contract_example(file);
}

TEST(PosPolicy, LocalDatesFollowTheStoresTimezone) {
  EXPECT_EQ(*local_date("2026-11-24T23:30:00.000Z", "Europe/Amsterdam"), "2026-11-25");
  EXPECT_EQ(*local_date("2026-11-24T23:30:00.000Z", "UTC"), "2026-11-24");
  EXPECT_EQ(*local_date("2026-11-25T03:00:00.000Z", "America/New_York"), "2026-11-24");
  // Summer time: Amsterdam is UTC+2 in July.
  EXPECT_EQ(*local_date("2026-07-01T22:30:00.000Z", "Europe/Amsterdam"), "2026-07-02");
  EXPECT_EQ(*local_date("2026-11-24T23:30:00.000Z", "Mars/Olympus_Mons"), "2026-11-24");
  EXPECT_FALSE(local_date("yesterday", "UTC"));
  EXPECT_EQ(*local_time_text("2026-11-23T12:00:59.999Z", "Europe/Amsterdam"),
            "2026-11-23 13:00 CET");
  EXPECT_EQ(*local_time_text("2026-07-01T12:00:00.000Z", "Europe/Amsterdam"),
            "2026-07-01 14:00 CEST");
  EXPECT_EQ(*local_time_text("2026-11-23T12:00:00.000Z", "Mars/Olympus_Mons"),
            "2026-11-23 12:00 UTC");
  EXPECT_FALSE(is_known_timezone("Mars/Olympus_Mons"));
  EXPECT_TRUE(is_known_timezone("Europe/Amsterdam"));
}

TEST(PosPolicy, AddDaysCrossesMonthsAndLeapDays) {
  EXPECT_EQ(*add_days("2026-11-24", 30), "2026-12-24");
  EXPECT_EQ(*add_days("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(*add_days("2027-02-28", 1), "2027-03-01");
  EXPECT_FALSE(add_days("2026-02-30", 1));
  EXPECT_FALSE(add_days("2026-1-5", 1));
}

std::vector<Tender> two_tenders() {
  // A gift card was spent first, the card charged for the rest.
  return {{"G1", "gift_card", "", 1000}, {"T1", "card", "4242", 2000}};
}

TEST(PosRefund, TheTenderChargedLastIsRefundedFirst) {
  auto s = split_refund(two_tenders(), 0, 1500);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].tender, "T1");
  EXPECT_EQ(s[0].amount, 1500);
  EXPECT_EQ(s[0].last4, "4242");
}

TEST(PosRefund, SuccessiveReturnsContinueWhereTheEarlierStopped) {
  auto s = split_refund(two_tenders(), 1500, 1000);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].tender, "T1");
  EXPECT_EQ(s[0].amount, 500);
  EXPECT_EQ(s[1].tender, "G1");
  EXPECT_EQ(s[1].amount, 500);
  // Together never more than a tender paid; beyond all tenders nothing is allocated.
  auto rest = split_refund(two_tenders(), 2500, 900);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].amount, 500);
  EXPECT_TRUE(split_refund(two_tenders(), 0, 0).empty());
  EXPECT_TRUE(split_refund({}, 0, 500).empty());
}

class PosReturnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_));
    apply(example("down.snapshot.begin.json"));
    apply(example("down.store.config.json"));
    apply(example("down.catalog.items.json"));
    apply(example("down.returnable_orders.json"));
  }
  void apply(json::object m) {
    auto out = storeedge::testing::apply_down_message(*db_, std::move(m), "oms-e1", ++seq_, kNow);
    ASSERT_TRUE(out) << out.error().message;
  }
  // The example order again, with line 1's returned_qty as the OMS now reports it.
  void oms_reports_returned(std::int64_t returned) {
    auto m = example("down.returnable_orders.json");
    m["body"]
        .as_object()["orders"]
        .as_array()[0]
        .as_object()["lines"]
        .as_array()[0]
        .as_object()["returned_qty"] = returned;
    apply(m);
  }
  void set_config(json::object body) {
    auto m = example("down.store.config.json");
    m["body"] = std::move(body);
    apply(m);
  }
  Result<ReturnRecord> take(ReturnRequest req, ReturnContext ctx = {}, std::string_view at = kNow) {
    if (ctx.store.empty()) ctx.store = "S042";
    if (ctx.user_id.empty()) ctx.user_id = "assoc-17";
    EXPECT_TRUE(db_->exec("BEGIN IMMEDIATE"));
    auto r = record_return(*db_, req, ctx, at);
    EXPECT_TRUE(db_->exec(r ? "COMMIT" : "ROLLBACK"));
    return r;
  }
  static ReturnRequest one(std::string line, std::int64_t qty = 1,
                           std::string disposition = "restock", std::string condition = "new") {
    return {"W1009912",
            {{line, std::nullopt, qty, "changed_mind", condition, disposition, {}}},
            {},
            false};
  }
  std::int64_t count(const std::string& sql) {
    std::int64_t n = -1;
    EXPECT_TRUE(
        store::each_row(*db_, sql, {}, [&](const store::Statement& s) { n = s.column_int(0); }));
    return n;
  }
  std::vector<json::object> outbox(std::string_view type) {
    auto rows = sync::pending(*db_, 1, 1000);
    EXPECT_TRUE(rows);
    std::vector<json::object> out;
    for (const auto& r : *rows)
      if (r.type == type) out.push_back(json::parse(r.payload).as_object());
    return out;
  }
  std::int64_t left(std::string_view line, std::string_view today = "2026-11-24") {
    auto doc = load_order(*db_, "W1009912");
    EXPECT_TRUE(doc && *doc);
    auto e = assess_order(*db_, **doc, today);
    EXPECT_TRUE(e);
    const auto* l = e->find(line);
    return l ? l->left : -1;
  }
  void acknowledge_all() {
    auto last = sync::last_seq(*db_);
    ASSERT_TRUE(last);
    auto id = sync::load_up_identity(*db_);
    ASSERT_TRUE(id);
    ASSERT_TRUE(db_->exec("BEGIN IMMEDIATE"));
    ASSERT_TRUE(sync::acknowledge(*db_, id->epoch, *last, kNow));
    ASSERT_TRUE(db_->exec("COMMIT"));
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Connection> db_;
  std::int64_t seq_ = 0;
};

TEST_F(PosReturnsTest, AReturnRefundsWhatWasPaidRestocksAndReportsOnce) {
  auto r = take(one("1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->return_id, "R-S042-0001");
  EXPECT_EQ(r->refund, 1199);
  EXPECT_EQ(r->currency, "EUR");
  ASSERT_EQ(r->tenders.size(), 1u);
  EXPECT_EQ(r->tenders[0].tender, "T1");
  EXPECT_EQ(r->tenders[0].amount, 1199);
  EXPECT_FALSE(r->offline);
  EXPECT_FALSE(r->review);
  auto received = outbox("return.received");
  ASSERT_EQ(received.size(), 1u);
  const auto& body = received[0].at("body").as_object();
  EXPECT_EQ(body.at("return"), "R-S042-0001");
  EXPECT_EQ(body.at("order"), "W1009912");
  EXPECT_EQ(body.at("by"), "assoc-17");
  EXPECT_EQ(body.at("offline"), false);
  EXPECT_FALSE(body.contains("override_by"));
  EXPECT_EQ(body.at("lines").at(0).at("refund"), 1199);
  EXPECT_EQ(body.at("lines").at(0).at("disposition"), "restock");
  EXPECT_EQ(body.at("refund").at("tenders").at(0).at("amount"), 1199);
  auto adjusted = outbox("inventory.adjusted");
  ASSERT_EQ(adjusted.size(), 1u);
  EXPECT_EQ(adjusted[0].at("body").at("delta"), 1);
  EXPECT_EQ(adjusted[0].at("body").at("reason"), "return_restock");
  EXPECT_EQ(adjusted[0].at("body").at("ref"), "R-S042-0001");
  EXPECT_EQ(count("SELECT sum(on_hand) FROM inventory WHERE sku = 'SKU-1001'"), 1);
  // The next return gets the next number.
  auto again = take(one("1"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->return_id, "R-S042-0002");
}

TEST_F(PosReturnsTest, NoMoreUnitsThanLeftAndTheLastUnitOnlyOnce) {
  EXPECT_EQ(left("1"), 2);
  auto over = take(one("1", 3));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "quantity_exceeded");
  ASSERT_TRUE(take(one("1", 1)));
  EXPECT_EQ(left("1"), 1);
  ASSERT_TRUE(take(one("1", 1)));
  auto last = take(one("1", 1));
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, "quantity_exceeded");
  EXPECT_EQ(outbox("return.received").size(), 2u);
  auto unknown = take(one("9"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "unknown_line");
}

TEST_F(PosReturnsTest, AReturnIsCountedOnceWhetherOrNotTheOmsDocumentHasIt) {
  ASSERT_TRUE(take(one("1")));
  // A document the OMS sent before it acknowledged our return does not count it yet: if it
  // says 1 returned (a return elsewhere), ours is still added.
  oms_reports_returned(1);
  EXPECT_EQ(left("1"), 0);
  // The OMS acknowledges, then sends the order counting our return: counted once.
  acknowledge_all();
  oms_reports_returned(1);
  EXPECT_EQ(left("1"), 1);
  // An older document arriving after the ack (not possible on one ordered topic, but a replay
  // could) would say 0: then our acknowledged return is trusted to the document.
}

TEST_F(PosReturnsTest, PolicyBreachesNeedAManagerOverride) {
  auto refused = take(one("2"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "override_required");
  EXPECT_NE(refused.error().message.find("not_returnable"), std::string::npos);
  EXPECT_TRUE(outbox("return.received").empty());

  ReturnContext ctx;
  ctx.override_by = "m1";
  auto req = one("2");
  req.override_reason = "damaged on delivery";
  auto r = take(req, ctx);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->breaches.size(), 1u);
  EXPECT_EQ(r->breaches[0], "line 2: not_returnable");
  EXPECT_EQ(r->override_by, "m1");
  EXPECT_EQ(r->override_reason, "damaged on delivery");
  EXPECT_EQ(outbox("return.received").at(0).at("body").at("override_by"), "m1");
}

TEST_F(PosReturnsTest, TheWindowEndsAtTheEndOfReturnByInTheStoresTimezone) {
  // return_by is 2026-12-04; the store is in Europe/Amsterdam (UTC+1 in December).
  EXPECT_TRUE(take(one("1"), {}, "2026-12-04T22:30:00.000Z"));
  auto late = take(one("1"), {}, "2026-12-04T23:30:00.000Z");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "override_required");
  EXPECT_NE(late.error().message.find("out_of_window"), std::string::npos);
  // The same instant is still 4 December in a store in UTC.
  set_config({{"timezone", "UTC"}});
  EXPECT_TRUE(take(one("1"), {}, "2026-12-04T23:30:00.000Z"));
}

TEST_F(PosReturnsTest, OfflineReturnsAreHeldToTheLimitAndWaitForReview) {
  ReturnContext offline;
  offline.online = false;
  auto r = take(one("1"), offline);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->offline);
  EXPECT_EQ(r->review, "pending");
  EXPECT_EQ(outbox("return.received").at(0).at("body").at("offline"), true);

  set_config({{"offline_return_limit", {{"amount", 1000}, {"currency", "EUR"}}}});
  auto over = take(one("1"), offline);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "offline_limit_exceeded");
  EXPECT_NE(over.error().message.find("11.99 EUR"), std::string::npos);
  // Online, the limit does not apply.
  EXPECT_TRUE(take(one("1")));
  set_config({{"offline_return_limit", {{"amount", 100000}, {"currency", "USD"}}}});
  auto currency = take(one("2"), offline);
  ASSERT_FALSE(currency);
  EXPECT_EQ(currency.error().code, "override_required");  // breaches are checked first

  ASSERT_TRUE(db_->exec("BEGIN IMMEDIATE"));
  auto flag = review_return(*db_, r->return_id, "flag", std::nullopt, "lead1", kNow);
  ASSERT_FALSE(flag);
  EXPECT_EQ(flag.error().code, "invalid_request");
  auto ok = review_return(*db_, r->return_id, "approve", std::nullopt, "lead1", kNow);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->review, "approved");
  auto twice = review_return(*db_, r->return_id, "flag", std::string("odd"), "lead1", kNow);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "already_reviewed");
  auto online = review_return(*db_, "R-S042-0002", "approve", std::nullopt, "lead1", kNow);
  ASSERT_FALSE(online);
  EXPECT_EQ(online.error().code, "not_offline");
  ASSERT_TRUE(db_->exec("COMMIT"));
  auto pending = list_returns(*db_, {std::string("pending"), {}, {}}, 10, 0);
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());
  auto approved = list_returns(*db_, {std::string("approved"), {}, {}}, 10, 0);
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->size(), 1u);
  EXPECT_EQ(approved->at(0).reviewed_by, "lead1");
}

TEST_F(PosReturnsTest, WithoutAnOfflineLimitNothingIsTakenOffline) {
  ASSERT_TRUE(db_->exec("DELETE FROM store_config WHERE key = 'offline_return_limit'"));
  ReturnContext offline;
  offline.online = false;
  auto r = take(one("1"), offline);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "offline_limit_exceeded");
}

TEST_F(PosReturnsTest, DispositionsMoveStockAndMakePrintJobs) {
  auto bad = take(one("1", 1, "restock", "damaged"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "disposition_mismatch");

  auto damaged = take(one("1", 1, "damaged", "damaged"));
  ASSERT_TRUE(damaged) << damaged.error().message;
  EXPECT_EQ(count("SELECT sum(damaged) FROM inventory WHERE sku = 'SKU-1001'"), 1);
  EXPECT_EQ(count("SELECT sum(on_hand) FROM inventory WHERE sku = 'SKU-1001'"), 0);
  EXPECT_TRUE(outbox("inventory.adjusted").empty());
  EXPECT_TRUE(damaged->print_jobs.empty());

  auto req = one("1", 1, "return_to_dc", "defective");
  req.slip = true;
  ReturnContext ctx;
  ctx.station = "pos-1";
  auto dc = take(req, ctx);
  ASSERT_TRUE(dc) << dc.error().message;
  ASSERT_EQ(dc->print_jobs.size(), 2u);
  EXPECT_EQ(count("SELECT count(*) FROM print_jobs WHERE kind = 'return_label' AND return_id = '" +
                  dc->return_id + "' AND station = 'pos-1'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM print_jobs WHERE kind = 'return_slip' AND return_id = '" +
                  dc->return_id + "'"),
            1);
  auto loaded = load_return(*db_, dc->return_id);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(*loaded);
  EXPECT_EQ((*loaded)->print_jobs, dc->print_jobs);
  ASSERT_EQ((*loaded)->lines.size(), 1u);
  EXPECT_EQ((*loaded)->lines[0].disposition, "return_to_dc");
}

TEST_F(PosReturnsTest, TheScannedItemMustBeTheLines) {
  auto req = one("1");
  req.lines[0].code = "04006381333931";  // line 2's GTIN
  auto r = take(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "wrong_item");
  req.lines[0].code = "05901234123457";
  EXPECT_TRUE(take(req));
}

TEST_F(PosReturnsTest, AnUnknownOrderIsTakenByItemOnlyWithAnOverride) {
  ReturnRequest req{
      "W404", {{"", std::string("SKU-1001"), 1, "changed_mind", "new", "restock", {}}}, {}, false};
  auto refused = take(req);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "order_not_found");
  ReturnContext ctx;
  ctx.override_by = "m1";
  auto r = take(req, ctx);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->source, "not_found");
  EXPECT_EQ(r->breaches, std::vector<std::string>{"order_not_found"});
  EXPECT_TRUE(r->tenders.empty());
  ASSERT_EQ(r->lines.size(), 1u);
  EXPECT_EQ(r->lines[0].line, "u1");
  EXPECT_GT(r->refund, 0);
}

TEST_F(PosReturnsTest, AnOrderFulfilledHereIsReturnableWithoutADocument) {
  apply(example("down.allocation.created.json"));
  ASSERT_TRUE(db_->exec(
      "UPDATE allocations SET state = 'handed_over', closed_at = '2026-11-20T12:00:00.000Z';"
      "UPDATE allocation_lines SET picked_qty = qty, handed_qty = qty;"));
  // The example allocation is of order W1009913, which has no document.
  auto doc = load_order(*db_, "W1009913");
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_TRUE(*doc);
  EXPECT_EQ((*doc)->source, OrderSource::fulfilled_here);
  ASSERT_EQ((*doc)->lines.size(), 2u);  // SKU-1001 × 2 and SKU-3003 × 1, as handed over
  EXPECT_EQ((*doc)->lines[0].qty, 2);
  EXPECT_EQ((*doc)->lines[1].sku, "SKU-3003");
  EXPECT_EQ((*doc)->lines[0].unit_paid, 1299);
  // Handed over 20 November (Amsterdam) + the 30-day window.
  EXPECT_EQ((*doc)->lines[0].return_by, "2026-12-20");
  auto req = one("1", 2);
  req.order = "W1009913";
  auto r = take(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->source, "fulfilled_here");
  EXPECT_EQ(r->refund, 2598);
  EXPECT_TRUE(r->tenders.empty());
  req.lines[0].qty = 1;
  auto more = take(req);
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, "quantity_exceeded");
}

TEST_F(PosReturnsTest, StoreedgectlListsAndShowsReturns) {
  ReturnContext offline;
  offline.online = false;
  ASSERT_TRUE(take(one("1"), offline));
  std::ostringstream list;
  EXPECT_EQ(ctl::run_returns({}, {{"review", "pending"}}, *db_, list), 0);
  EXPECT_NE(list.str().find("R-S042-0001\tW1009912\t"), std::string::npos) << list.str();
  EXPECT_NE(list.str().find("11.99 EUR\tyes\tpending"), std::string::npos) << list.str();
  std::ostringstream none;
  EXPECT_EQ(ctl::run_returns({"list"}, {{"review", "flagged"}}, *db_, none), 0);
  EXPECT_EQ(none.str().find("R-S042"), std::string::npos);
  std::ostringstream shown;
  EXPECT_EQ(ctl::run_returns({"show"}, {{"id", "R-S042-0001"}}, *db_, shown), 0);
  EXPECT_NE(shown.str().find("T1 card *4242 11.99 EUR"), std::string::npos) << shown.str();
  EXPECT_NE(shown.str().find("1\tSKU-1001\t1\t11.99 EUR\tchanged_mind\tnew\trestock"),
            std::string::npos)
      << shown.str();
  std::ostringstream missing;
  EXPECT_EQ(ctl::run_returns({"show"}, {{"id", "R-S042-9999"}}, *db_, missing), 1);
  EXPECT_EQ(ctl::run_returns({"list"}, {{"review", "maybe"}}, *db_, missing), 2);
}

}  // namespace
}  // namespace storeedge::pos
