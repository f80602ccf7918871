// Many down messages in one transaction, as the engine applies them: the position is carried
// in memory across the batch (an open snapshot too) and saved once, every payload gets its
// outcome in order, and the control messages met on the way outlive the batch's parse arena.
#include "sync/down_batch.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/state_dir.h"
#include "support/contract_examples.h"
#include "support/harness.h"
#include "unit/store_helpers.h"

namespace storeedge::sync {
namespace {

namespace json = boost::json;

constexpr std::string_view kNow = "2026-11-24T10:00:00.000Z";

using storeedge::testing::contract_example;
json::object example(const std::string& file) {
  return contract_example(file);
}

std::string with_seq(json::object m, std::int64_t seq, const std::string& epoch = "oms-e1") {
  m["epoch"] = epoch;
  m["seq"] = seq;
  return json::serialize(m);
}

// The examples' snapshot (seq 1..7), its snapshot.end announcing `allocations`.
std::vector<std::string> snapshot(std::int64_t allocations = 2) {
  std::vector<std::string> out;
  std::int64_t seq = 0;
  for (const char* f : {"down.snapshot.begin.json", "down.store.config.json",
                        "down.catalog.items.json", "down.allocation.created.json",
                        "down.allocation.created-sfs.json", "down.returnable_orders.json"})
    out.push_back(with_seq(example(f), ++seq));
  auto end = example("down.snapshot.end.json");
  end["body"].as_object()["counts"].as_object()["allocations"] = allocations;
  out.push_back(with_seq(end, ++seq));
  return out;
}

class DownBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_));
  }
  DownBatch apply(std::vector<std::string> payloads) {
    DownBatch batch;
    batch.payloads = std::move(payloads);
    EXPECT_TRUE(db_->exec("BEGIN IMMEDIATE"));
    auto r = apply_down_batch(*db_, batch, kNow, "S042");
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_TRUE(db_->exec("COMMIT"));
    return batch;
  }
  DownPosition stored() {
    auto p = load_down_position(*db_);
    EXPECT_TRUE(p);
    return *p;
  }
  storeedge::testing::TempDir dir_;
  std::unique_ptr<store::Connection> db_;
};

TEST_F(DownBatchTest, AWholeSnapshotInOneBatchAppliesAndClosesTheSnapshot) {
  auto batch = apply(snapshot());
  ASSERT_EQ(batch.outcomes.size(), 7u);
  for (const Outcome& o : batch.outcomes) EXPECT_EQ(o.disposition, Disposition::applied);
  EXPECT_EQ(batch.down_epoch, "oms-e1");
  EXPECT_EQ(batch.applied, 7);
  const DownPosition p = stored();
  EXPECT_EQ(p.epoch, "oms-e1");
  EXPECT_EQ(p.applied, 7);
  EXPECT_FALSE(p.snapshot);  // snapshot.end saw the snapshot snapshot.begin opened in memory
}

TEST_F(DownBatchTest, ARefusedSnapshotEndLeavesTheSnapshotOpenForTheNextInTheBatch) {
  auto messages = snapshot(3);  // announces one allocation more than it sent: refused
  auto end = example("down.snapshot.end.json");
  messages.push_back(with_seq(end, 8));  // the corrected end
  auto batch = apply(messages);
  ASSERT_EQ(batch.outcomes.size(), 8u);
  EXPECT_EQ(batch.outcomes[6].disposition, Disposition::quarantined);
  EXPECT_EQ(batch.outcomes[6].refusal->code, "snapshot_incomplete");
  EXPECT_EQ(batch.outcomes[7].disposition, Disposition::applied);
  EXPECT_EQ(stored().applied, 8);
  EXPECT_FALSE(stored().snapshot);
}

TEST_F(DownBatchTest, EveryPayloadGetsItsOutcomeInOrderAndControlsSurviveTheBatch) {
  apply(snapshot());
  auto amended = example("down.allocation.amended.json");
  auto batch = apply({with_seq(amended, 3),   // already applied
                      with_seq(amended, 10),  // ahead of a gap
                      "{not json", json::serialize(example("down.order.lookup.result.json")),
                      json::serialize(example("down.replay.request.json")), with_seq(amended, 8),
                      with_seq(amended, 9, "oms-e9")});  // a new epoch without a snapshot
  ASSERT_EQ(batch.outcomes.size(), 5u);
  EXPECT_EQ(batch.outcomes[0].disposition, Disposition::duplicate);
  EXPECT_EQ(batch.outcomes[1].disposition, Disposition::gap);
  EXPECT_EQ(batch.outcomes[2].disposition, Disposition::quarantined);
  EXPECT_FALSE(batch.outcomes[2].advanced);
  EXPECT_EQ(batch.outcomes[3].disposition, Disposition::applied);
  EXPECT_EQ(batch.outcomes[4].disposition, Disposition::epoch_refused);
  // Controls have no outcome: each outcome names its payload.
  EXPECT_EQ(batch.outcome_payload, (std::vector<std::size_t>{0, 1, 2, 5, 6}));
  EXPECT_EQ(batch.applied, 8);
  EXPECT_EQ(stored().applied, 8);
  EXPECT_EQ(stored().epoch, "oms-e1");
  // The parsed messages lived in an arena of the batch; the controls were copied out of it.
  ASSERT_EQ(batch.controls.size(), 2u);
  EXPECT_EQ(batch.controls[0].first, "order.lookup.result");
  EXPECT_EQ(batch.controls[0].second, example("down.order.lookup.result.json")["body"].as_object());
  EXPECT_EQ(batch.controls[1].first, "replay.request");
  EXPECT_EQ(batch.controls[1].second, example("down.replay.request.json")["body"].as_object());
}

TEST_F(DownBatchTest, AnInvalidNextMessageIsQuarantinedAndAdvancesOnce) {
  apply(snapshot());
  auto bad = example("down.allocation.amended.json");
  bad["body"].as_object().erase("allocation");
  auto batch = apply({with_seq(bad, 8), with_seq(bad, 8)});
  ASSERT_EQ(batch.outcomes.size(), 2u);
  EXPECT_EQ(batch.outcomes[0].disposition, Disposition::quarantined);
  EXPECT_TRUE(batch.outcomes[0].advanced);
  EXPECT_EQ(batch.outcomes[1].disposition, Disposition::duplicate);  // seen in memory
  EXPECT_EQ(stored().applied, 8);
}

}  // namespace
}  // namespace storeedge::sync
