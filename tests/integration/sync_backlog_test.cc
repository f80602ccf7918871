// Black-box: a store whose writer cannot keep up (here: its database locked by another
// process) keeps at most 64 MiB of down messages waiting, drops what arrives beyond that, tries
// the failed batch again until the database is free, and then asks the OMS (the test) for what
// it dropped: every message is applied once, none is lost.
#include <sqlite3.h>

#include "integration/sync_fixture.h"

namespace storeedge::testing {
namespace {

// `m`, a catalog.items, with 48 items with 4000-byte descriptions: about 195 KB, under the
// contract's 256 KiB, so that 400 of them are more than the store keeps waiting.
boost::json::object big_catalog(boost::json::object m) {
  boost::json::array items;
  for (int i = 0; i < 48; ++i)
    items.push_back({{"sku", "SKU-BIG-" + std::to_string(i)},
                     {"gtins", boost::json::array{"05901234123457"}},
                     {"description", std::string(4000, 'a' + i % 26)},
                     {"unit_price", 100 + i},
                     {"currency", "EUR"},
                     {"returnable", true}});
  m["body"] = {{"items", std::move(items)}};
  return m;
}

TEST_F(SyncTest, ABacklogBeyondItsBoundIsDroppedAndAskedForAgain) {
  start_store();
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));

  // Another process holds the write lock: every batch the store tries fails (busy) and waits.
  sqlite3* lock = nullptr;
  const std::string db = dir_.file("state") + "/storeedge.db";  // docs/operations.md
  ASSERT_EQ(sqlite3_open(db.c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  constexpr std::int64_t kFirst = 8, kLast = 7 + 400;  // 78 MB, the bound is 64 MiB
  const auto catalog = big_catalog(example("down.catalog.items.json"));
  for (std::int64_t seq = kFirst; seq <= kLast; ++seq) send(catalog, seq);
  for (int i = 0; i < 400 && sync_metric(port_, "storeedge_sync_down_received_total") < kLast; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  const double dropped = sync_metric(port_, "storeedge_sync_down_dropped_total");
  EXPECT_GT(dropped, 40);
  EXPECT_LT(dropped, 100);
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_applied"), 7);  // nothing applied while locked
  // The batch under way fails once SQLite's busy timeout (5 s) has passed, and waits to retry.
  for (int i = 0; i < 400 && daemon_->log().find("could not apply") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_NE(daemon_->log().find("trying again"), std::string::npos);

  ASSERT_EQ(sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(lock);
  // Once those it kept are applied, the store asks for the rest; the OMS replays them.
  const auto first_dropped = kLast - static_cast<std::int64_t>(dropped) + 1;
  auto resync = wait_for(
      kUp, [](const auto& m) { return m.at("type") == "resync.request"; },
      std::chrono::seconds(60));
  ASSERT_TRUE(resync);
  EXPECT_EQ(resync->at("body").at("epoch"), "oms-e1");
  EXPECT_EQ(resync->at("body").at("from"), first_dropped);
  for (std::int64_t seq = first_dropped; seq <= kLast; ++seq) send(catalog, seq);
  ASSERT_TRUE(wait_up("ack", through(kLast)));
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_applied"), kLast);
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_quarantined_total"), 0);
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_gaps_total"), 0);
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_duplicates_total"), 0);     // each applied once
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_dropped_total"), dropped);  // none since
  EXPECT_NE(daemon_->log().find("dropping down messages"), std::string::npos);
  EXPECT_NE(daemon_->log().find("applying down messages again"), std::string::npos);
}

// A control message and a message beyond a gap in one batch (the lock makes the first batch
// fail, so both are retried together): the message held for the gap is the one that arrived,
// not the control message before it, and applies once the missing one comes.
TEST_F(SyncTest, TheMessageHeldBehindAGapIsTheOneThatArrived) {
  start_store();
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  sqlite3* lock = nullptr;
  const std::string db = dir_.file("state") + "/storeedge.db";
  ASSERT_EQ(sqlite3_open(db.c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  send_raw(boost::json::serialize(example("down.replay.request.json")));  // another up epoch
  auto amend = example("down.allocation.amended.json");
  send(amend, 9);  // 8 is missing
  for (int i = 0; i < 400 && daemon_->log().find("could not apply") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_EQ(sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(lock);
  ASSERT_TRUE(wait_up("resync.request", [](const auto& b) { return b.at("from") == 8; }));
  send(amend, 8);
  ASSERT_TRUE(wait_up("ack", through(9)));
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_down_applied"), 9);
}

}  // namespace
}  // namespace storeedge::testing
