// The floor's work on real SQLite, with allocations arriving through the down-stream applier as
// they do in production: picking by every code form, wrong items, short picks, rejections with
// their stock effects, undo, substitutes, staging, handover, and the OMS cancelling mid-work.
#include "fulfil/handover.h"
#include "fulfil_fixture.h"

namespace storeedge::fulfil {
namespace {

using test::FulfilTest;
using test::kAda;
using test::kNow;
namespace json = boost::json;

TEST_F(FulfilTest, PickByAnyFormOfTheGtinOrTheSkuThenComplete) {
  auto p = pick("5901234123457");  // EAN-13 of SKU-1001
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->line, "1");
  EXPECT_EQ(p->location, "A-03-2");
  EXPECT_EQ(p->units_to_pick, 2);
  ASSERT_TRUE(pick("(01)05901234123457(10)LOT1"));  // GS1 element string
  ASSERT_TRUE(pick("012345678905"));                // UPC-A of SKU-3003
  EXPECT_EQ(load().state, "picking");
  EXPECT_EQ(load().units_to_pick(), 0);
  // An open allocation is accepted by its first pick; each pick moves stock.
  EXPECT_EQ(fact_types(), (std::vector<std::string>{"allocation.accepted", "inventory.adjusted",
                                                    "inventory.adjusted", "inventory.adjusted"}));
  EXPECT_EQ(facts()[1].at("body"), (json::object{{"sku", "SKU-1001"},
                                                 {"delta", -1},
                                                 {"reason", "pick"},
                                                 {"ref", "A-77812"},
                                                 {"location", "A-03-2"}}));
  EXPECT_EQ(count("SELECT on_hand FROM inventory WHERE sku = 'SKU-1001' AND location = 'A-03-2'"),
            -2);
  auto done = tx(
      [](store::Connection& db) { return complete_pick(db, "A-77812", std::nullopt, kAda, kNow); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->state, "picked");
  EXPECT_EQ(facts().back().at("body"),
            (json::object{
                {"allocation", "A-77812"},
                {"lines", json::array{{{"line", "1"}, {"qty", 2}}, {{"line", "2"}, {"qty", 1}}}},
                {"by", "ada"}}));
  auto again = pick("SKU-1001");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "already_picked");
}

TEST_F(FulfilTest, AWrongItemOrTooManyRecordsNothing) {
  ASSERT_TRUE(pick("SKU-1001"));
  const auto before = facts().size();
  for (auto [code, qty, error] : std::vector<std::tuple<std::string, int, std::string>>{
           {"4006381333931", 1, "wrong_item"},  // a valid EAN-13 that is not on the order
           {"5901234123458", 1, "wrong_item"},  // a misread check digit
           {"SKU-1001", 2, "too_many"},         // one more is needed, not two
           {"\x01", 1, "invalid_barcode"}}) {
    auto p = pick(code, qty);
    ASSERT_FALSE(p) << code;
    EXPECT_EQ(p.error().code, error) << code;
  }
  ASSERT_TRUE(pick("sku-1001"));  // SKUs match without regard to case
  auto p = pick("SKU-1001");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, "already_picked");
  EXPECT_EQ(facts().size(), before + 1);
  EXPECT_EQ(count("SELECT count(*) FROM picks"), 2);
}

TEST_F(FulfilTest, AShortPickRejectsTheMissingUnitsAndTheShelfIsCounted) {
  ASSERT_TRUE(pick("SKU-1001"));
  auto incomplete = tx(
      [](store::Connection& db) { return complete_pick(db, "A-77812", std::nullopt, kAda, kNow); });
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().code, "pick_incomplete");
  auto done = tx([](store::Connection& db) {
    return complete_pick(db, "A-77812", std::string("not_found"), kAda, kNow);
  });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->state, "picked");
  auto f = facts();
  const auto& rejected = f[f.size() - 2];
  EXPECT_EQ(rejected.at("type"), "allocation.rejected");
  EXPECT_EQ(rejected.at("body").at("lines"),
            (json::array{{{"line", "1"}, {"qty", 1}, {"reason", "not_found"}},
                         {{"line", "2"}, {"qty", 1}, {"reason", "not_found"}}}));
  EXPECT_EQ(f.back().at("body").at("lines"),
            (json::array{{{"line", "1"}, {"qty", 1}}}));  // line 2 has nothing left to report
  EXPECT_EQ(count("SELECT on_hand FROM inventory WHERE sku = 'SKU-1001'"), 0);
  EXPECT_EQ(count("SELECT count_due FROM inventory WHERE sku = 'SKU-3003'"), 1);
}

TEST_F(FulfilTest, RejectingDamagedUnitsMovesThemToDamagedStock) {
  auto r = tx([](store::Connection& db) {
    return reject(db, "A-77812", {{"1", 2, "damaged"}, {"2", 1, "mismatch"}}, kAda, kNow);
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->state, "rejected");  // nothing left to pick
  EXPECT_EQ(count("SELECT damaged FROM inventory WHERE sku = 'SKU-1001'"), 2);
  EXPECT_EQ(count("SELECT on_hand FROM inventory WHERE sku = 'SKU-1001'"), -2);
  EXPECT_EQ(count("SELECT count(*) FROM inventory WHERE sku = 'SKU-3003'"), 0);
  for (auto bad : std::vector<Rejection>{{"9", 1, "other"}, {"1", 1, "lost"}}) {
    auto again =
        tx([&](store::Connection& db) { return reject(db, "A-77813", {bad}, kAda, kNow); });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "invalid_request");
  }
  auto over = tx([](store::Connection& db) {
    return reject(db, "A-77813", {{"1", 3, "other"}}, kAda, kNow);
  });
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "too_many");
}

TEST_F(FulfilTest, UndoPutsTheUnitBack) {
  auto p = pick("SKU-1001");
  ASSERT_TRUE(p);
  auto u = tx([&](store::Connection& db) { return undo_pick(db, p->pick_id, kAda, kNow); });
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->line_picked, 0);
  EXPECT_EQ(load().lines[0].picked, 0);
  EXPECT_EQ(count("SELECT on_hand FROM inventory WHERE sku = 'SKU-1001'"), 0);
  EXPECT_EQ(facts().back().at("body").at("reason"), "pick_undo");
  auto twice = tx([&](store::Connection& db) { return undo_pick(db, p->pick_id, kAda, kNow); });
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "already_undone");
}

TEST_F(FulfilTest, SubstitutesOnlyWhenTheCustomerAllowsThem) {
  auto refused = tx([](store::Connection& db) {
    return substitute(db, "A-77812", "1", "SKU-3003", 1, kAda, kNow);
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "substitution_not_allowed");
  down("down.allocation.created.json", {{"allocation", "A-SUB"}, {"substitutions_allowed", true}});
  auto s = tx([](store::Connection& db) {
    return substitute(db, "A-SUB", "1", "00012345678905", 1, kAda, kNow);
  });
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->substitute);
  EXPECT_EQ(s->sku, "SKU-3003");
  EXPECT_EQ(s->location, "C-11-1");
  ASSERT_TRUE(pick("SKU-3003", 1, "A-SUB"));  // fills line 2 (the ordered item) first
  ASSERT_TRUE(pick("SKU-3003", 1, "A-SUB"));  // then the substitute on line 1
  auto done = tx(
      [](store::Connection& db) { return complete_pick(db, "A-SUB", std::nullopt, kAda, kNow); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(facts().back().at("body").at("lines").at(0),
            (json::object{{"line", "1"}, {"qty", 2}, {"substitute_sku", "SKU-3003"}}));
}

TEST_F(FulfilTest, StageAndHandOverWithThePickupCode) {
  ASSERT_TRUE(pick("SKU-1001", 2));
  auto early = tx([](store::Connection& db) { return stage(db, "A-77812", "S-1", kAda, kNow); });
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, "pick_incomplete");
  ASSERT_TRUE(pick("SKU-3003"));
  ASSERT_TRUE(tx([](store::Connection& db) {
    return complete_pick(db, "A-77812", std::nullopt, kAda, kNow);
  }));
  ASSERT_TRUE(tx([](store::Connection& db) { return stage(db, "A-77812", "S-1", kAda, kNow); }));
  EXPECT_EQ(facts().back().at("body"),
            (json::object{{"allocation", "A-77812"}, {"staging_location", "S-1"}}));
  EXPECT_EQ(count("SELECT count(*) FROM print_jobs WHERE kind = 'bag_label'"), 1);
  auto wrong = tx([](store::Connection& db) {
    return hand_over(db, "A-77812", {"pickup_code", "000000", std::nullopt}, {}, kAda, kNow);
  });
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "wrong_pickup_code");
  // A partial handover: the customer leaves one mug; it becomes put-back work.
  auto done = tx([](store::Connection& db) {
    return hand_over(db, "A-77812", {"pickup_code", "482913", std::nullopt}, {{"1", 1}, {"2", 1}},
                     kAda, kNow);
  });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(facts().back().at("body"),
            (json::object{
                {"allocation", "A-77812"},
                {"lines", json::array{{{"line", "1"}, {"qty", 1}}, {{"line", "2"}, {"qty", 1}}}},
                {"verification", {{"method", "pickup_code"}}},
                {"by", "ada"}}));
  EXPECT_EQ(count("SELECT qty FROM put_back_work WHERE sku = 'SKU-1001'"), 1);
  // The OMS cancels after the handover: the goods are gone (contract §6).
  down("down.allocation.cancelled.json", {{"allocation", "A-77812"}});
  EXPECT_EQ(facts().back().at("type"), "cancellation.refused");
}

TEST_F(FulfilTest, TheOmsCancelsDuringThePick) {
  ASSERT_TRUE(pick("SKU-1001"));
  down("down.allocation.cancelled.json",
       {{"allocation", "A-77812"},
        {"lines", json::array{{{"line", "1"}, {"qty", 2}}, {{"line", "2"}, {"qty", 1}}}}});
  EXPECT_EQ(load().state, "cancelled");
  EXPECT_EQ(facts().back().at("body").at("put_back"),
            (json::array{{{"sku", "SKU-1001"}, {"qty", 1}}}));
  auto p = pick("SKU-1001");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, "allocation_cancelled");
}

}  // namespace
}  // namespace storeedge::fulfil

namespace storeedge::fulfil {
namespace {

using test::FulfilTest;
using test::kAda;
using test::kNow;
namespace json = boost::json;

// The conflicts of a real floor: the OMS cancelling after the customer left with the goods,
// amending after the pick, the same unit scanned twice, and two associates on one order.
class FulfilConflictTest : public FulfilTest {
 protected:
  void pick_and_stage() {
    ASSERT_TRUE(pick("SKU-1001", 2));
    ASSERT_TRUE(pick("SKU-3003"));
    ASSERT_TRUE(tx([&](store::Connection& db) {
      return complete_pick(db, "A-77812", std::nullopt, kAda, kNow);
    }));
    ASSERT_TRUE(tx([&](store::Connection& db) { return stage(db, "A-77812", "S-1", kAda, kNow); }));
  }
};

TEST_F(FulfilConflictTest, ACancellationAfterHandoverIsRefusedAndChangesNothing) {
  pick_and_stage();
  ASSERT_TRUE(tx([&](store::Connection& db) {
    return hand_over(db, "A-77812", {"id_document", std::nullopt, std::nullopt}, {}, kAda, kNow);
  }));
  down("down.allocation.cancelled.json");  // line 2 of A-77812
  EXPECT_EQ(load().state, "handed_over");
  EXPECT_EQ(load().lines[1].cancelled, 0);
  EXPECT_EQ(count("SELECT count(*) FROM put_back_work"), 0);
  EXPECT_EQ(json::serialize(facts().back().at("body")),
            R"({"allocation":"A-77812","reason":"handed_over"})");
}

TEST_F(FulfilConflictTest, AnAmendmentAfterThePickKeepsWhatWasPicked) {
  pick_and_stage();
  down("down.allocation.amended.json");  // a new pickup person and promise time
  const Allocation a = load();
  EXPECT_EQ(a.state, "ready");
  EXPECT_EQ(a.picked_units(), 3);
  EXPECT_EQ(count("SELECT count(*) FROM allocations WHERE pickup_person = 'Charles Babbage'"), 1);
  // The new pickup person is found by the pickup search's fields and can collect.
  ASSERT_TRUE(tx([&](store::Connection& db) {
    return hand_over(db, "A-77812", {"pickup_code", std::string("482913"), std::nullopt}, {}, kAda,
                     kNow);
  }));
}

TEST_F(FulfilConflictTest, TheSameUnitScannedOnceTooOftenRecordsNothing) {
  ASSERT_TRUE(pick("SKU-3003"));
  const auto before = facts().size();
  auto twice = pick("SKU-3003");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "already_picked");
  EXPECT_EQ(facts().size(), before);
  EXPECT_EQ(count("SELECT count(*) FROM picks WHERE sku = 'SKU-3003'"), 1);
}

TEST_F(FulfilConflictTest, TwoAssociatesPickTheSameAllocation) {
  const Actor bob{"bob", std::string("hh2")};
  ASSERT_TRUE(pick("SKU-1001"));
  auto theirs = tx(
      [&](store::Connection& db) { return fulfil::pick(db, "A-77812", "SKU-1001", 1, bob, kNow); });
  ASSERT_TRUE(theirs);
  EXPECT_EQ(theirs->line_picked, 2);
  auto late = pick("SKU-1001");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "already_picked");
  // Either may undo only while picking; the other's undo of the same pick is refused.
  ASSERT_TRUE(
      tx([&](store::Connection& db) { return undo_pick(db, theirs->pick_id, kAda, kNow); }));
  auto again = tx([&](store::Connection& db) { return undo_pick(db, theirs->pick_id, bob, kNow); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "already_undone");
  EXPECT_EQ(count("SELECT count(DISTINCT user_id) FROM picks"), 2);  // each pick names its picker
  EXPECT_EQ(load().lines[0].picked, 1);
}

}  // namespace
}  // namespace storeedge::fulfil
