// The down-stream applier on real SQLite: the contract's examples in order, duplicates, gaps,
// epochs, quarantine, every conflict rule of contract §6, snapshot reconciliation, the outbox,
// and exactly-once under a failing write at every point.
#include "sync/down_applier.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "store/state_dir.h"
#include "support/contract_examples.h"
#include "support/fault_vfs.h"
#include "support/harness.h"
#include "sync/outbox.h"
#include "unit/store_helpers.h"

namespace storeedge::sync {
namespace {

namespace json = boost::json;
using store::Connection;

constexpr std::string_view kNow = "2026-11-24T10:00:00.000Z";

using storeedge::testing::contract_example;
json::object example(const std::string& file) {
  return contract_example(file);
}

class DownApplierTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open(const std::string& vfs = "") {
    ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_, vfs));
  }
  // Applies one message in its own transaction, as the sync link does.
  Outcome apply(json::object m, std::string_view epoch, std::int64_t seq) {
    auto out = storeedge::testing::apply_down_message(*db_, std::move(m), epoch, seq, kNow, hooks_);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : Outcome{Disposition::gap, out.error(), false, {}};
  }
  DownHooks hooks_;
  std::int64_t count(const std::string& sql) {
    auto st = db_->prepare(sql);
    EXPECT_TRUE(st);
    auto row = (*st)->step();
    std::int64_t n = row && *row ? (*st)->column_int(0) : -1;
    (*st)->reset();
    return n;
  }
  std::string text(const std::string& sql) {
    auto st = db_->prepare(sql);
    auto row = (*st)->step();
    std::string s = row && *row ? (*st)->column_text(0) : "<none>";
    (*st)->reset();
    return s;
  }
  std::vector<json::object> outbox() {
    auto rows = pending(*db_, 1, 1000);
    EXPECT_TRUE(rows);
    std::vector<json::object> out;
    for (const auto& r : *rows) out.push_back(json::parse(r.payload).as_object());
    return out;
  }
  // A fresh epoch with a complete, empty-but-for-allocations snapshot of the given examples.
  void provision(std::vector<json::object> allocations, std::string_view epoch = "oms-e1") {
    std::int64_t seq = 1;
    auto begin = example("down.snapshot.begin.json");
    EXPECT_EQ(apply(begin, epoch, seq++).disposition, Disposition::applied);
    for (auto& a : allocations) EXPECT_EQ(apply(a, epoch, seq++).disposition, Disposition::applied);
    auto end = example("down.snapshot.end.json");
    end["body"].as_object()["snapshot"] = begin["body"].as_object()["snapshot"];
    end["body"].as_object()["counts"] = {
        {"allocations", allocations.size()}, {"catalog_items", 0}, {"returnable_orders", 0}};
    EXPECT_EQ(apply(end, epoch, seq++).disposition, Disposition::applied);
  }
  json::object allocation(const std::string& id) {
    auto a = example("down.allocation.created.json");
    a["body"].as_object()["allocation"] = id;
    return a;
  }
  json::object cancel(const std::string& id, bool whole = true) {
    auto c = example("down.allocation.cancelled.json");
    c["body"].as_object()["allocation"] = id;
    if (whole) c["body"].as_object().erase("lines");
    return c;
  }

  storeedge::testing::TempDir dir_;
  std::unique_ptr<Connection> db_;
};

TEST_F(DownApplierTest, AFailedLabelCallsTheDaemonsHookInTheMessagesTransaction) {
  std::vector<std::string> calls;
  bool fail = false;
  hooks_.label_failed = [&](Connection& db, const std::string& allocation,
                            const std::string& package, std::string_view) -> Result<void> {
    calls.push_back(allocation + "/" + package);
    if (fail) return make_error("io_error", "disk I/O error");
    // What the daemon's hook writes commits with the message.
    return store::run(db, "INSERT INTO store_meta (key, value) VALUES ('hooked', ?1)",
                      [&](store::Statement& st) { st.bind(1, allocation + "/" + package); });
  };
  std::int64_t seq = 0;
  for (const char* f :
       {"down.snapshot.begin.json", "down.allocation.created-sfs.json", "down.label.created.json"})
    apply(example(f), "oms-e1", ++seq);
  EXPECT_TRUE(calls.empty());  // a label that arrived needs nothing of ours
  auto failed = example("down.label.failed.json");
  apply(failed, "oms-e1", ++seq);
  EXPECT_EQ(calls, std::vector<std::string>{"A-77813/P2"});
  EXPECT_EQ(text("SELECT value FROM store_meta WHERE key = 'hooked'"), "A-77813/P2");

  // A hook that fails (the store, not a refusal) fails the message: it is applied again later.
  fail = true;
  auto out = storeedge::testing::apply_down_message(*db_, failed, "oms-e1", ++seq, kNow, hooks_);
  ASSERT_FALSE(out);  // rolled back
  EXPECT_EQ(out.error().code, "io_error");
  EXPECT_EQ(load_down_position(*db_)->applied, seq - 1);
  EXPECT_EQ(count("SELECT count(*) FROM quarantine"), 0);
}

TEST_F(DownApplierTest, EveryDownExampleAppliesInOrder) {
  const char* files[] = {"down.snapshot.begin.json",         "down.store.config.json",
                         "down.catalog.items.json",          "down.allocation.created.json",
                         "down.allocation.created-sfs.json", "down.returnable_orders.json",
                         "down.allocation.amended.json",     "down.allocation.cancelled.json",
                         "down.label.created.json",          "down.label.failed.json"};
  std::int64_t seq = 0;
  for (const char* f : files) {
    auto out = apply(example(f), "oms-e1", ++seq);
    EXPECT_EQ(out.disposition, Disposition::applied)
        << f << ": " << (out.refusal ? out.refusal->message : "");
  }
  EXPECT_EQ(load_down_position(*db_)->applied, seq);
  EXPECT_EQ(count("SELECT count(*) FROM allocations"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM allocation_lines"), 4);
  EXPECT_EQ(count("SELECT count(*) FROM catalog_items"), 2);
  EXPECT_EQ(text("SELECT sku FROM catalog_gtins WHERE gtin = '05901234123457'"), "SKU-1001");
  EXPECT_EQ(text("SELECT value FROM store_config WHERE key = 'return_window_days'"), "30");
  EXPECT_EQ(count("SELECT count(*) FROM returnable_orders"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM receipt_barcodes"), 2);
  EXPECT_EQ(text("SELECT pickup_person FROM allocations WHERE allocation_id = 'A-77812'"),
            "Charles Babbage");
  EXPECT_EQ(count("SELECT cancelled_qty FROM allocation_lines WHERE allocation_id = 'A-77812'"
                  " AND line = '2'"),
            1);
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-77812'"), "open");
  EXPECT_EQ(text("SELECT tracking FROM labels WHERE allocation_id = 'A-77813'"),
            "JD014600006281230510");
  auto facts = outbox();
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].at("type"), "cancellation.applied");
  EXPECT_EQ(json::serialize(facts[0].at("body")),
            R"({"allocation":"A-77812","lines":[{"line":"2","qty":1}],"put_back":[]})");
}

TEST_F(DownApplierTest, DuplicatesGapsAndEpochs) {
  provision({allocation("A-1")});  // seq 1..3
  EXPECT_EQ(apply(allocation("A-2"), "oms-e1", 3).disposition, Disposition::duplicate);
  EXPECT_EQ(apply(allocation("A-2"), "oms-e1", 6).disposition, Disposition::gap);
  EXPECT_EQ(load_down_position(*db_)->applied, 3);
  EXPECT_EQ(count("SELECT count(*) FROM allocations"), 1);
  EXPECT_EQ(apply(allocation("A-2"), "oms-e2", 1).disposition, Disposition::epoch_refused);
  EXPECT_EQ(apply(allocation("A-2"), "oms-e1", 4).disposition, Disposition::applied);
  EXPECT_EQ(count("SELECT count(*) FROM allocations"), 2);
}

TEST_F(DownApplierTest, RefusedMessagesAreQuarantinedAndTheStreamMovesOn) {
  provision({allocation("A-1")});
  auto amend = example("down.allocation.amended.json");
  amend["body"].as_object()["allocation"] = "A-404";
  auto out = apply(amend, "oms-e1", 4);
  EXPECT_EQ(out.disposition, Disposition::quarantined);
  EXPECT_EQ(out.refusal->code, "unknown_allocation");
  EXPECT_TRUE(out.advanced);
  EXPECT_EQ(load_down_position(*db_)->applied, 4);
  EXPECT_EQ(text("SELECT code FROM quarantine"), "unknown_allocation");

  // Invalid payloads: the next seq advances; an unreadable one stays where it is.
  auto wrong = allocation("A-9");
  wrong["store"] = "S001";
  wrong["epoch"] = "oms-e1";
  wrong["seq"] = 5;
  const std::string payload = json::serialize(wrong);
  auto why = parse_message(payload, Direction::down, "S042").error();
  EXPECT_EQ(why.code, "wrong_store");
  ASSERT_TRUE(db_->exec("BEGIN"));
  auto q = quarantine_invalid(*db_, payload, why, kNow);
  ASSERT_TRUE(db_->exec("COMMIT"));
  EXPECT_TRUE(q->advanced);
  EXPECT_EQ(*q->cited.seq, 5);
  EXPECT_EQ(load_down_position(*db_)->applied, 5);
  ASSERT_TRUE(db_->exec("BEGIN"));
  auto garbage = quarantine_invalid(*db_, "{nope", make_error("bad_json", "x"), kNow);
  ASSERT_TRUE(db_->exec("COMMIT"));
  EXPECT_FALSE(garbage->advanced);
  EXPECT_FALSE(garbage->cited.seq);
  EXPECT_EQ(count("SELECT count(*) FROM quarantine"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM allocations"), 1);
}

// A refusal after part of the effect was written (line 1 cancelled, then line 2 refused) rolls
// back that part: the types that can be refused keep their own savepoint.
TEST_F(DownApplierTest, ARefusalLeavesNothingOfItsEffect) {
  provision({allocation("A-1")});
  auto partial = cancel("A-1", false);
  partial["body"].as_object()["lines"] =
      json::array{json::object{{"line", "1"}, {"qty", 1}}, json::object{{"line", "2"}, {"qty", 5}}};
  auto out = apply(partial, "oms-e1", 4);
  EXPECT_EQ(out.disposition, Disposition::quarantined);
  EXPECT_EQ(out.refusal->code, "illegal_transition");
  EXPECT_EQ(load_down_position(*db_)->applied, 4);
  EXPECT_EQ(count("SELECT sum(cancelled_qty) FROM allocation_lines WHERE allocation_id = 'A-1'"),
            0);
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-1'"), "open");
  EXPECT_TRUE(outbox().empty());
  // The same cancellation within what the lines have left applies.
  partial["body"].as_object()["lines"].as_array()[1].as_object()["qty"] = 1;
  EXPECT_EQ(apply(partial, "oms-e1", 5).disposition, Disposition::applied);
  EXPECT_EQ(count("SELECT sum(cancelled_qty) FROM allocation_lines WHERE allocation_id = 'A-1'"),
            2);
}

TEST_F(DownApplierTest, ConflictRulesOfSection6) {
  provision({allocation("A-1"), allocation("A-2"), allocation("A-3"), allocation("A-4")});
  std::int64_t seq = 7;  // the snapshot took 1..6
  // Before any pick: cancelled, nothing to put back.
  EXPECT_EQ(apply(cancel("A-1"), "oms-e1", seq++).disposition, Disposition::applied);
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-1'"), "cancelled");
  // After picking (offline, say): the cancellation stands and the picked units go back.
  ASSERT_TRUE(
      db_->exec("UPDATE allocation_lines SET picked_qty = qty WHERE allocation_id = 'A-2'"));
  ASSERT_TRUE(db_->exec("UPDATE allocations SET state = 'picked' WHERE allocation_id = 'A-2'"));
  EXPECT_EQ(apply(cancel("A-2"), "oms-e1", seq++).disposition, Disposition::applied);
  EXPECT_EQ(count("SELECT sum(qty) FROM put_back_work WHERE allocation_id = 'A-2'"), 3);
  // After handover: the goods are gone.
  ASSERT_TRUE(
      db_->exec("UPDATE allocations SET state = 'handed_over' WHERE allocation_id = 'A-3'"));
  EXPECT_EQ(apply(cancel("A-3"), "oms-e1", seq++).disposition, Disposition::applied);
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-3'"), "handed_over");
  // Cancelling twice is an illegal transition.
  auto again = apply(cancel("A-1"), "oms-e1", seq++);
  EXPECT_EQ(again.disposition, Disposition::quarantined);
  EXPECT_EQ(again.refusal->code, "illegal_transition");
  // An amendment changes only what it names and never a physical fact.
  ASSERT_TRUE(db_->exec("UPDATE allocation_lines SET picked_qty = 1 WHERE allocation_id = 'A-4'"));
  auto amend = example("down.allocation.amended.json");
  amend["body"].as_object()["allocation"] = "A-4";
  EXPECT_EQ(apply(amend, "oms-e1", seq++).disposition, Disposition::applied);
  EXPECT_EQ(count("SELECT sum(picked_qty) FROM allocation_lines WHERE allocation_id = 'A-4'"), 2);
  EXPECT_EQ(text("SELECT notes IS NULL FROM allocations WHERE allocation_id = 'A-4'"), "1");
  // A duplicate allocation.created is a no-op.
  auto dup = allocation("A-4");
  dup["body"].as_object()["lines"].as_array()[0].as_object()["qty"] = 9;
  EXPECT_EQ(apply(dup, "oms-e1", seq++).disposition, Disposition::applied);
  EXPECT_EQ(count("SELECT qty FROM allocation_lines WHERE allocation_id = 'A-4' AND line = '1'"),
            2);

  auto facts = outbox();
  ASSERT_EQ(facts.size(), 3u);
  EXPECT_EQ(
      json::serialize(facts[0].at("body")),
      R"({"allocation":"A-1","lines":[{"line":"1","qty":2},{"line":"2","qty":1}],"put_back":[]})");
  EXPECT_EQ(json::serialize(facts[1].at("body").at("put_back")),
            R"([{"sku":"SKU-1001","qty":2},{"sku":"SKU-3003","qty":1}])");
  EXPECT_EQ(facts[2].at("type"), "cancellation.refused");
  EXPECT_EQ(facts[2].at("body").at("reason"), "handed_over");
}

TEST_F(DownApplierTest, NewEpochSnapshotReconciles) {
  provision({allocation("A-1"), allocation("A-2"), allocation("A-3")});
  ASSERT_TRUE(
      db_->exec("UPDATE allocations SET state = 'handed_over' WHERE allocation_id = 'A-3'"));
  // The OMS starts epoch e2; its snapshot holds A-1 only. An incomplete snapshot changes nothing.
  auto begin = example("down.snapshot.begin.json");
  begin["body"].as_object()["snapshot"] = "snap-2";
  EXPECT_EQ(apply(begin, "oms-e2", 1).disposition, Disposition::applied);
  EXPECT_EQ(apply(allocation("A-1"), "oms-e2", 2).disposition, Disposition::applied);
  auto end = example("down.snapshot.end.json");
  end["body"].as_object()["snapshot"] = "snap-2";
  end["body"].as_object()["counts"] = {
      {"allocations", 2}, {"catalog_items", 0}, {"returnable_orders", 0}};
  auto short_end = apply(end, "oms-e2", 3);
  EXPECT_EQ(short_end.disposition, Disposition::quarantined);
  EXPECT_EQ(short_end.refusal->code, "snapshot_incomplete");
  EXPECT_EQ(count("SELECT count(*) FROM allocations WHERE state = 'cancelled'"), 0);

  begin["body"].as_object()["snapshot"] = "snap-3";
  EXPECT_EQ(apply(begin, "oms-e3", 1).disposition, Disposition::applied);
  EXPECT_EQ(apply(allocation("A-1"), "oms-e3", 2).disposition, Disposition::applied);
  end["body"].as_object()["snapshot"] = "snap-3";
  end["body"].as_object()["counts"] = {
      {"allocations", 1}, {"catalog_items", 0}, {"returnable_orders", 0}};
  EXPECT_EQ(apply(end, "oms-e3", 3).disposition, Disposition::applied);
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-1'"), "open");
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-2'"), "cancelled");
  EXPECT_EQ(text("SELECT state FROM allocations WHERE allocation_id = 'A-3'"), "handed_over");
  auto facts = outbox();
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].at("body").at("allocation"), "A-2");
  EXPECT_EQ(load_down_position(*db_)->snapshot, std::nullopt);
}

TEST_F(DownApplierTest, OutboxSequencesAcknowledgesAndKeepsExceptions) {
  ASSERT_TRUE(db_->exec("BEGIN"));
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(
        enqueue(*db_, "allocation.accepted", {{"allocation", "A-" + std::to_string(i)}}, kNow));
  EXPECT_FALSE(enqueue(*db_, "allocation.accepted", {{"nope", 1}}, kNow));  // breaks the contract
  ASSERT_TRUE(db_->exec("COMMIT"));
  auto identity = load_up_identity(*db_);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->epoch.rfind("edge-", 0), 0u);
  auto rows = pending(*db_, 1, 10);
  ASSERT_EQ(rows->size(), 3u);
  auto first = parse_message((*rows)[0].payload, Direction::up, "S042");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->epoch, identity->epoch);
  EXPECT_EQ(*first->seq, 1);
  EXPECT_EQ(first->id, identity->epoch + "-1");

  EXPECT_EQ(*acknowledge(*db_, "some-other-epoch", 3, kNow), 0);
  EXPECT_EQ(*acknowledge(*db_, identity->epoch, 1, kNow), 1);
  EXPECT_TRUE(*record_nack(*db_, identity->epoch, 3, "unknown_allocation", "no A-2", kNow));
  rows = pending(*db_, 1, 10);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].seq, 2);
  // Retention: acknowledged rows before the cutoff go, except the highest seq and exceptions.
  ASSERT_TRUE(db_->exec("BEGIN"));
  ASSERT_TRUE(enqueue(*db_, "allocation.accepted", {{"allocation", "A-9"}}, kNow));
  ASSERT_TRUE(acknowledge(*db_, identity->epoch, 4, "2026-11-24T11:00:00.000Z"));
  EXPECT_EQ(*prune(*db_, "2026-11-24T10:30:00.000Z"), 1);  // seq 1 (acked at kNow) goes
  EXPECT_EQ(*prune(*db_, "2026-12-31T00:00:00.000Z"), 1);  // seq 2 goes; 3 is an exception, 4 last
  ASSERT_TRUE(db_->exec("COMMIT"));
  EXPECT_EQ(count("SELECT group_concat(seq) FROM outbox"), 3);
  EXPECT_EQ(text("SELECT group_concat(seq) FROM outbox"), "3,4");
  ASSERT_TRUE(db_->exec("BEGIN"));
  EXPECT_EQ(*enqueue(*db_, "allocation.accepted", {{"allocation", "A-10"}}, kNow), 5);
  ASSERT_TRUE(db_->exec("COMMIT"));
  auto f = outbox_figures(*db_);
  EXPECT_EQ(f->next, 6);
  EXPECT_EQ(f->acked, 4);
  EXPECT_EQ(f->depth, 1);
  EXPECT_EQ(f->exceptions, 1);
}

// Fail every write in turn while a stream applies: after each failure and reopen, the position
// and the effects agree — each message took effect exactly once or not at all.
TEST_F(DownApplierTest, ExactlyOnceWhenAnyWriteFails) {
  storeedge::testing::FaultVfs vfs("applier-faults");
  std::vector<std::string> payloads;
  auto begin = example("down.snapshot.begin.json");
  begin["epoch"] = "oms-e1";
  begin["seq"] = 1;
  payloads.push_back(json::serialize(begin));
  for (int i = 2; i <= 12; ++i) {
    auto a = allocation("A-" + std::to_string(i));
    a["epoch"] = "oms-e1";
    a["seq"] = i;
    payloads.push_back(json::serialize(a));
  }
  for (int n = 1; n < 400; ++n) {
    std::filesystem::remove_all(dir_.path() + "/" + store::kDatabaseFile);
    std::filesystem::remove(dir_.path() + "/" + std::string(store::kDatabaseFile) + "-wal");
    std::filesystem::remove(dir_.path() + "/" + std::string(store::kDatabaseFile) + "-shm");
    open(vfs.name());
    vfs.reset();
    vfs.fail_nth_write(n);
    // Feed the stream; a failed transaction is retried once the fault has fired, as the link
    // would after the OMS resends.
    for (int attempt = 0; attempt < 2; ++attempt) {
      for (const auto& p : payloads) {
        auto m = parse_message(p, Direction::down, "S042");
        if (!db_->exec("BEGIN IMMEDIATE")) break;
        auto out = apply_down(*db_, *m, p, kNow);
        if (!out || !db_->exec("COMMIT")) {
          (void)db_->exec("ROLLBACK");
          continue;
        }
      }
    }
    const bool fired = vfs.faults_fired() > 0;
    db_.reset();
    vfs.reset();
    open();
    const std::int64_t applied = load_down_position(*db_)->applied;
    EXPECT_EQ(count("SELECT count(*) FROM allocations"), std::max<std::int64_t>(0, applied - 1))
        << "n=" << n;
    EXPECT_EQ(applied, 12) << "n=" << n << ": the resend did not complete the stream";
    if (!fired) break;
  }
}

}  // namespace
}  // namespace storeedge::sync

namespace storeedge::sync {
namespace {

// A restored database's up stream (contract §3): a new epoch from seq 1; the unacknowledged
// facts keep their order and ids; the settled ones leave the outbox.
TEST_F(DownApplierTest, RestartingTheUpEpochRenumbersWhatTheOmsHasNotAcknowledged) {
  ASSERT_TRUE(db_->exec("BEGIN IMMEDIATE"));
  for (const char* id : {"A-1", "A-2", "A-3"})
    ASSERT_TRUE(enqueue(*db_, "allocation.accepted", {{"allocation", id}}, kNow));
  ASSERT_TRUE(db_->exec("COMMIT"));
  auto before = pending(*db_, 1, 10);
  ASSERT_TRUE(before);
  const std::string epoch = json::parse((*before)[0].payload).at("epoch").as_string().c_str();
  ASSERT_TRUE(db_->exec("BEGIN IMMEDIATE"));
  ASSERT_TRUE(acknowledge(*db_, epoch, 1, kNow));
  auto restart = restart_up_epoch(*db_);
  ASSERT_TRUE(restart) << restart.error().message;
  ASSERT_TRUE(db_->exec("COMMIT"));
  EXPECT_EQ(restart->old_epoch, epoch);
  EXPECT_NE(restart->new_epoch, epoch);
  EXPECT_EQ(restart->renumbered, 2);
  EXPECT_EQ(restart->removed, 1);
  auto after = pending(*db_, 1, 10);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto m = json::parse((*after)[i].payload).as_object();
    EXPECT_EQ(m.at("seq"), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(m.at("epoch").as_string(), restart->new_epoch);
    EXPECT_EQ(m.at("id").as_string(), (*before)[i + 1].id);  // ids survive
    EXPECT_EQ(m.at("body").at("allocation"), i == 0 ? "A-2" : "A-3");
  }
  ASSERT_TRUE(db_->exec("BEGIN IMMEDIATE"));
  auto next = enqueue(*db_, "allocation.accepted", {{"allocation", "A-4"}}, kNow);
  ASSERT_TRUE(db_->exec("COMMIT"));
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 3);
}

}  // namespace
}  // namespace storeedge::sync
