// The floor after picking, on real SQLite: packing and shipping (labels from the OMS, typed
// tracking), pickups expiring and going back to the shelf, batch picking, and stock figures.
#include "fulfil/batches.h"
#include "fulfil/handover.h"
#include "fulfil/inventory.h"
#include "fulfil/packing.h"
#include "fulfil/put_back.h"
#include "fulfil_fixture.h"

namespace storeedge::fulfil {
namespace {

using test::kAda;
using test::kNow;
namespace json = boost::json;

class FloorTest : public test::FulfilTest {
 protected:
  void pick_all(const std::string& id) {
    ASSERT_TRUE(pick("SKU-1001", 2, id));
    ASSERT_TRUE(pick("SKU-3003", 1, id));
    ASSERT_TRUE(
        tx([&](store::Connection& db) { return complete_pick(db, id, std::nullopt, kAda, kNow); }));
  }
  Result<PackOutcome> pack(const std::string& package, const std::string& code,
                           std::int64_t qty = 1, bool remove = false) {
    return tx([&](store::Connection& db) {
      return pack_item(db, "A-77813", package, code, qty, remove, kNow);
    });
  }
  void cancel_everything(const std::string& id) {
    down("down.allocation.cancelled.json",
         {{"allocation", id},
          {"lines", json::array{json::object{{"line", "1"}, {"qty", 2}},
                                json::object{{"line", "2"}, {"qty", 1}}}}});
  }
  json::object last_fact(std::string_view type) {
    auto all = facts();
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (it->at("type").as_string() == type) return it->at("body").as_object();
    ADD_FAILURE() << "no " << type << " fact";
    return {};
  }
};

TEST_F(FloorTest, PackIntoTwoPackagesLabelsFromTheOmsOrTypedThenShip) {
  pick_all("A-77813");
  auto p1 = tx([&](store::Connection& db) { return open_package(db, "A-77813", kNow); });
  ASSERT_TRUE(p1) << p1.error().message;
  EXPECT_EQ(p1->package, "P1");
  EXPECT_EQ(load("A-77813").state, "packing");
  auto packed = pack("P1", "05901234123457", 2);
  ASSERT_TRUE(packed) << packed.error().message;
  EXPECT_EQ(packed->line, "1");
  EXPECT_EQ(packed->units_to_pack, 1);
  auto p2 = tx([&](store::Connection& db) { return open_package(db, "A-77813", kNow); });
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->package, "P2");
  ASSERT_TRUE(pack("P2", "SKU-3003"));

  auto early = tx([&](store::Connection& db) { return finish_packing(db, "A-77813", kNow); });
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, "pack_incomplete");
  for (const char* p : {"P1", "P2"})
    ASSERT_TRUE(tx([&](store::Connection& db) {
      return size_package(db, "A-77813", p, 1450, {300, 200, 150});
    }));
  auto done = tx([&](store::Connection& db) { return finish_packing(db, "A-77813", kNow); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->state, "packed");
  auto types = fact_types();
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(std::vector(types.end() - 3, types.end()),
            (std::vector<std::string>{"allocation.packed", "label.request", "label.request"}));
  EXPECT_EQ(
      json::serialize(last_fact("allocation.packed")),
      R"({"allocation":"A-77813","packages":[)"
      R"({"package":"P1","weight_g":1450,"dims_mm":[300,200,150],"lines":[{"line":"1","qty":2}]},)"
      R"({"package":"P2","weight_g":1450,"dims_mm":[300,200,150],"lines":[{"line":"2","qty":1}]}]})");
  EXPECT_EQ(json::serialize(last_fact("label.request")),
            R"({"allocation":"A-77813","package":"P2"})");

  // The OMS answers: a label for P1 (kept for printing), a failure for P2.
  down("down.label.created.json");
  down("down.label.failed.json", {{"allocation", "A-77813"}, {"package", "P2"}});
  EXPECT_EQ(count("SELECT count(*) FROM print_jobs WHERE kind = 'shipping_label' AND"
                  " package = 'P1'"),
            1);
  auto packages = load_packages(*db_, "A-77813");
  ASSERT_TRUE(packages);
  EXPECT_EQ((*packages)[0].label_state, "created");
  EXPECT_EQ((*packages)[1].label_state, "failed");

  auto no_tracking = tx([&](store::Connection& db) { return ship(db, "A-77813", kAda, kNow); });
  ASSERT_FALSE(no_tracking);
  EXPECT_EQ(no_tracking.error().code, "no_tracking");
  auto over_label = tx([&](store::Connection& db) {
    return type_tracking(db, "A-77813", "P1", std::nullopt, "TYPED1");
  });
  ASSERT_FALSE(over_label);
  EXPECT_EQ(over_label.error().code, "label_exists");
  auto typed = tx([&](store::Connection& db) {
    return type_tracking(db, "A-77813", "P2", std::nullopt, "JD0002");
  });
  ASSERT_TRUE(typed) << typed.error().message;
  EXPECT_EQ(typed->carrier, "DHL");  // the allocation's carrier

  auto shipped = tx([&](store::Connection& db) { return ship(db, "A-77813", kAda, kNow); });
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_EQ(shipped->state, "shipped");
  EXPECT_EQ(json::serialize(last_fact("allocation.shipped")),
            R"({"allocation":"A-77813","packages":[)"
            R"({"package":"P1","carrier":"DHL","tracking":"JD014600006281230510"},)"
            R"({"package":"P2","carrier":"DHL","tracking":"JD0002"}]})");
  EXPECT_EQ(count("SELECT sum(handed_qty) FROM allocation_lines WHERE allocation_id = 'A-77813'"),
            3);

  // Too late to cancel: the goods are gone (contract §6).
  cancel_everything("A-77813");
  EXPECT_EQ(json::serialize(last_fact("cancellation.refused")),
            R"({"allocation":"A-77813","reason":"shipped"})");
}

TEST_F(FloorTest, PackingRefusesWhatWasNotPickedAndChangesNothing) {
  auto too_soon = tx([&](store::Connection& db) { return open_package(db, "A-77813", kNow); });
  ASSERT_FALSE(too_soon);
  EXPECT_EQ(too_soon.error().code, "illegal_state");
  auto bopis = tx([&](store::Connection& db) { return open_package(db, "A-77812", kNow); });
  ASSERT_FALSE(bopis);
  EXPECT_EQ(bopis.error().code, "wrong_kind");

  pick_all("A-77813");
  ASSERT_TRUE(tx([&](store::Connection& db) { return open_package(db, "A-77813", kNow); }));
  const auto before = facts().size();
  for (auto [code, qty, remove, expected] :
       std::vector<std::tuple<std::string, int, bool, std::string>>{
           {"SKU-9999", 1, false, "wrong_item"},
           {"SKU-1001", 3, false, "too_many"},
           {"SKU-1001", 1, true, "too_many"},
           {"", 1, false, "invalid_barcode"}}) {
    auto r = pack("P1", code, qty, remove);
    ASSERT_FALSE(r) << code;
    EXPECT_EQ(r.error().code, expected) << code;
  }
  auto missing = pack("P7", "SKU-1001");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");
  EXPECT_EQ(count("SELECT count(*) FROM package_lines"), 0);

  // Into the package and out again; then nothing is packed.
  ASSERT_TRUE(pack("P1", "SKU-1001", 2));
  auto out = pack("P1", "SKU-1001", 1, true);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->qty, -1);
  EXPECT_EQ(out->package_units, 1);
  auto unpacked = tx([&](store::Connection& db) { return finish_packing(db, "A-77813", kNow); });
  ASSERT_FALSE(unpacked);
  EXPECT_EQ(unpacked.error().code, "pack_incomplete");
  EXPECT_EQ(facts().size(), before);
}

TEST_F(FloorTest, CancelledWhilePackingTheUnitsBecomePutBackWork) {
  pick_all("A-77813");
  ASSERT_TRUE(tx([&](store::Connection& db) { return open_package(db, "A-77813", kNow); }));
  ASSERT_TRUE(pack("P1", "SKU-1001", 2));
  cancel_everything("A-77813");
  EXPECT_EQ(load("A-77813").state, "cancelled");
  EXPECT_EQ(count("SELECT sum(qty) FROM put_back_work WHERE allocation_id = 'A-77813'"), 3);
  auto late = pack("P1", "SKU-3003");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "allocation_cancelled");
}

TEST_F(FloorTest, UncollectedPickupExpiresAndGoesBackToTheShelf) {
  pick_all("A-77812");
  ASSERT_TRUE(tx([&](store::Connection& db) { return stage(db, "A-77812", "S-01", kAda, kNow); }));
  const std::string six_days = "2026-11-30T10:00:00.000Z", seven_days = "2026-12-01T10:00:00.000Z";
  auto listed = expired_pickups(*db_, six_days, 50, 0);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
  auto early = tx([&](store::Connection& db) { return expire(db, "A-77812", six_days); });
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, "not_expired");

  listed = expired_pickups(*db_, seven_days, 50, 0);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, "A-77812");
  EXPECT_EQ((*listed)[0].hold_until, seven_days);
  EXPECT_EQ((*listed)[0].units, 3);
  auto expired = tx([&](store::Connection& db) { return expire(db, "A-77812", seven_days); });
  ASSERT_TRUE(expired) << expired.error().message;
  EXPECT_EQ(expired->state, "expired");
  EXPECT_EQ(json::serialize(last_fact("allocation.expired")), R"({"allocation":"A-77812"})");

  auto tasks = open_put_backs(*db_, 50, 0);
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 2u);
  const PutBackTask mugs = (*tasks)[0];
  EXPECT_EQ(mugs.sku, "SKU-1001");
  EXPECT_EQ(mugs.qty, 2);
  EXPECT_EQ(mugs.reason, "expired");
  EXPECT_EQ(mugs.location, "A-03-2");
  auto put = [&](const std::string& code, std::int64_t qty) {
    return tx([&](store::Connection& db) {
      return put_back(db, mugs.id, code, "A-03-2", qty, seven_days);
    });
  };
  auto wrong = put("SKU-3003", 1);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "wrong_item");
  auto too_many = put("SKU-1001", 3);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, "too_many");
  ASSERT_TRUE(put("5901234123457", 1));
  auto last = put("SKU-1001", 1);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->done, 2);
  auto again = put("SKU-1001", 1);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "already_done");
  EXPECT_EQ(count("SELECT on_hand FROM inventory WHERE sku = 'SKU-1001' AND location = 'A-03-2'"),
            0);  // −2 picked, +2 put back
  EXPECT_EQ(
      json::serialize(last_fact("inventory.adjusted")),
      R"({"sku":"SKU-1001","delta":1,"reason":"put_back","ref":"A-77812","location":"A-03-2"})");
  tasks = open_put_backs(*db_, 50, 0);
  ASSERT_TRUE(tasks);
  EXPECT_EQ(tasks->size(), 1u);
}

TEST_F(FloorTest, TheStoresHoldComesFromStoreConfig) {
  down("down.store.config.json", {{"pickup_hold_days", 2}});
  auto days = pickup_hold_days(*db_);
  ASSERT_TRUE(days);
  EXPECT_EQ(*days, 2);
  pick_all("A-77812");
  ASSERT_TRUE(tx([&](store::Connection& db) { return stage(db, "A-77812", "S-01", kAda, kNow); }));
  auto listed = expired_pickups(*db_, "2026-11-26T10:00:00.000Z", 50, 0);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(FloorTest, BatchWalkByBinFillsSlotsInOrder) {
  down("down.allocation.created.json", {{"allocation", "A-2"}, {"order", "W2"}});
  auto b = tx([&](store::Connection& db) {
    return create_batch(db, {"A-77812", "A-2"}, kAda, kNow);
  });
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->stops.size(), 2u);
  EXPECT_EQ(b->stops[0].location, "A-03-2");
  EXPECT_EQ(b->stops[0].to_pick, 4);
  EXPECT_EQ(b->stops[1].location, "C-11-1");
  ASSERT_EQ(b->stops[0].slots.size(), 2u);
  EXPECT_EQ(b->stops[0].slots[1].slot, 2);

  auto other = tx([&](store::Connection& db) {
    return create_batch(db, {"A-77812", "A-77813"}, kAda, kNow);
  });
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "in_other_batch");

  auto scan = [&](const std::string& code) {
    return tx([&](store::Connection& db) { return batch_pick(db, b->id, code, 1, kAda, kNow); });
  };
  std::vector<std::int64_t> slots;
  for (int i = 0; i < 4; ++i) {
    auto p = scan("5901234123457");
    ASSERT_TRUE(p) << p.error().message;
    slots.push_back(p->slot);
  }
  EXPECT_EQ(slots, (std::vector<std::int64_t>{1, 1, 2, 2}));
  auto more = scan("SKU-1001");
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, "already_picked");
  auto wrong = scan("SKU-9999");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "wrong_item");
  ASSERT_TRUE(scan("SKU-3003"));
  auto towel = scan("SKU-3003");
  ASSERT_TRUE(towel);
  EXPECT_EQ(towel->allocation, "A-2");
  EXPECT_EQ(towel->pick.units_to_pick, 0);
  auto walked = load_batch(*db_, b->id);
  ASSERT_TRUE(walked);
  EXPECT_EQ(walked->state, "done");
  EXPECT_TRUE(walked->stops.empty());
  EXPECT_EQ(count("SELECT count(*) FROM picks"), 6);
}

TEST_F(FloorTest, AClosedBatchLetsItsOrdersGo) {
  down("down.allocation.created.json", {{"allocation", "A-2"}, {"order", "W2"}});
  auto b = tx([&](store::Connection& db) {
    return create_batch(db, {"A-77812", "A-2"}, kAda, kNow);
  });
  ASSERT_TRUE(b);
  ASSERT_TRUE(
      tx([&](store::Connection& db) { return batch_pick(db, b->id, "SKU-1001", 1, kAda, kNow); }));
  auto listed = open_batches(*db_, 10, 0);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  auto closed = tx([&](store::Connection& db) { return close_batch(db, b->id, kNow); });
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(closed->state, "closed");
  EXPECT_TRUE(closed->stops.empty());
  EXPECT_TRUE(open_batches(*db_, 10, 0)->empty());
  auto late =
      tx([&](store::Connection& db) { return batch_pick(db, b->id, "SKU-1001", 1, kAda, kNow); });
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "illegal_state");
  // The orders are free for another batch; what was picked stays picked.
  auto again = tx([&](store::Connection& db) {
    return create_batch(db, {"A-2", "A-77812"}, kAda, kNow);
  });
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->stops[0].to_pick, 3);
  EXPECT_EQ(load().lines[0].picked, 1);
}

TEST_F(FloorTest, StockIsOnHandReservedAndAvailable) {
  ASSERT_TRUE(pick("SKU-1001"));  // A-77812 line 1: one of two picked
  auto stock = item_stock(*db_, "SKU-1001");
  ASSERT_TRUE(stock);
  EXPECT_EQ(stock->description, "Blue mug");
  EXPECT_EQ(stock->on_hand, -1);
  EXPECT_EQ(stock->reserved, 3);  // one left on A-77812, two on A-77813
  EXPECT_EQ(stock->available, -4);
  ASSERT_EQ(stock->locations.size(), 1u);
  EXPECT_EQ(stock->locations[0].location, "A-03-2");
  auto bins = list_stock(*db_, std::nullopt, std::string("A-03-2"), 10, 0);
  ASSERT_TRUE(bins);
  EXPECT_EQ(bins->size(), 1u);
}

}  // namespace
}  // namespace storeedge::fulfil
