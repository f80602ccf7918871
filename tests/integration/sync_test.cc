// Black-box: storeedged against a real mosquitto, with the test as the OMS — the snapshot
// applies and is acknowledged, gaps ask for a replay, refused messages are nacked and the stream
// moves on, the outbox is published and settled by the OMS's ack, the link survives the broker
// going away and comes back within its first retry, and the publisher window follows the
// broker's Receive Maximum.
#include "integration/sync_fixture.h"

namespace storeedge::testing {
namespace {

TEST_F(SyncTest, SnapshotAppliesAndIsAcknowledgedWithABirthMessage) {
  auto birth = start_store();
  ASSERT_TRUE(birth);
  EXPECT_TRUE(birth->at("up").at("epoch").as_string().starts_with("edge-"));
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  auto [code, out] = ctl({"--store", "S042", "sync", "status"});
  EXPECT_NE(out.find("down applied:    7\n"), std::string::npos) << out;
  HttpClient c(port_);
  auto ready = c.get("/readyz").json();
  EXPECT_EQ(ready.at("checks").at("sync").at("connected"), true);
  EXPECT_EQ(ready.at("checks").at("sync").at("applied"), 7);
}

TEST_F(SyncTest, GapsAskForReplayAndRefusedMessagesAreNackedAndPassed) {
  start_store();
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  auto amend = example("down.allocation.amended.json");
  send(amend, 9);  // 8 is missing
  auto resync = wait_up("resync.request", [](const auto& b) { return b.at("from") == 8; });
  ASSERT_TRUE(resync);
  EXPECT_EQ(resync->at("body").at("epoch"), "oms-e1");
  send(amend, 8);  // the replay: 8 applies, then the held 9
  ASSERT_TRUE(wait_up("ack", through(9)));

  auto unknown = example("down.allocation.amended.json");
  unknown["body"].as_object()["allocation"] = "A-404";
  send(unknown, 10);
  auto nack = wait_up("nack", [](const auto& b) { return b.at("code") == "unknown_allocation"; });
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->at("body").at("seq"), 10);
  auto other_store = example("down.allocation.amended.json");
  other_store["store"] = "S999";
  send(other_store, 11);
  ASSERT_TRUE(wait_up("nack", [](const auto& b) { return b.at("code") == "wrong_store"; }));
  ASSERT_TRUE(wait_up("ack", through(11)));  // refused messages still count as applied
  send_raw("{this is not json");
  ASSERT_TRUE(wait_up("nack", [](const auto& b) { return b.at("code") == "bad_json"; }));
  auto [code, out] = ctl({"--store", "S042", "sync", "quarantine"});
  EXPECT_NE(out.find("unknown_allocation"), std::string::npos) << out;
  EXPECT_NE(out.find("wrong_store"), std::string::npos) << out;
  EXPECT_NE(out.find("bad_json"), std::string::npos) << out;
}

TEST_F(SyncTest, OutboxIsPublishedAndSettledByTheOmsAck) {
  start_store();
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  send(example("down.allocation.cancelled.json"), 8);  // produces cancellation.applied
  auto fact = wait_up("cancellation.applied");
  ASSERT_TRUE(fact);
  EXPECT_EQ(fact->at("seq"), 1);
  const std::string up_epoch(fact->at("epoch").as_string());
  auto [c1, before] = ctl({"--store", "S042", "sync", "status"});
  EXPECT_NE(before.find("outbox depth:    1\n"), std::string::npos) << before;
  // The OMS acknowledges the up stream through 1.
  boost::json::object ack{{"v", 1},
                          {"type", "ack"},
                          {"id", "oms-ack-1"},
                          {"store", "S042"},
                          {"epoch", "oms-e1"},
                          {"at", "2026-11-24T10:00:00.000Z"},
                          {"body", {{"epoch", up_epoch}, {"through", 1}}}};
  send_raw(boost::json::serialize(ack));
  std::string after;
  for (int i = 0; i < 200 && after.find("outbox depth:    0\n") == std::string::npos; ++i) {
    after = ctl({"--store", "S042", "sync", "status"}).second;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_NE(after.find("outbox depth:    0\n"), std::string::npos) << after;
  EXPECT_NE(after.find("up acked:        1\n"), std::string::npos) << after;
}

TEST_F(SyncTest, BrokerRestartWithoutPersistenceAndTheWill) {
  start_store();
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  // The broker goes away and comes back with no memory of the session.
  broker_->signal(SIGKILL);
  broker_->wait(std::chrono::seconds(5));
  HttpClient c(port_);
  EXPECT_EQ(c.get("/readyz").status, 200);  // offline is a normal state
  start_broker();
  oms_ = std::make_unique<mqtt::client>("tcp://127.0.0.1:" + std::to_string(broker_port_),
                                        "oms-test-2", nullptr);
  oms_->connect(mqtt::connect_options_builder().clean_session(true).finalize());
  subscribe();
  ASSERT_TRUE(wait_for(
      kStatus, [](const auto& m) { return m.at("state") == "online"; }, std::chrono::seconds(40)));
  // The store acknowledges again on reconnecting, but it may be back before this OMS has
  // subscribed (within ~100 ms of the broker); a duplicate asks for the ack again.
  send(example("down.allocation.amended.json"), 7);
  ASSERT_TRUE(wait_up("ack", through(7)));
  send(example("down.allocation.amended.json"), 8);
  ASSERT_TRUE(wait_up("ack", through(8)));
  // kill -9: the broker publishes the Will.
  daemon_->signal(SIGKILL);
  daemon_->wait(std::chrono::seconds(5));
  ASSERT_TRUE(wait_for(
      kStatus, [](const auto& m) { return m.at("state") == "offline"; }, std::chrono::seconds(90)));
}

// A broker granting a small Receive Maximum (mosquitto's max_inflight_messages is what it sends
// in CONNACK): the store keeps at most that many publishes in flight, the outbox one less (room
// for an ack or the status). With more, Paho would hold the rest back until its once-a-second
// housekeeping and the facts would trickle out a few per second.
class SyncSmallReceiveMaximumTest : public SyncTest {
 protected:
  void SetUp() override {
    broker_extra_config_ = "max_inflight_messages 3\n";
    SyncTest::SetUp();
  }
  // After the snapshot: `n` allocations created, then each cancelled (seq 8 …), which gives the
  // outbox `n` cancellation.applied facts.
  void create_and_cancel(int n) {
    std::int64_t seq = 7;
    auto created = example("down.allocation.created.json");
    for (int i = 1; i <= n; ++i) {
      created["body"].as_object()["allocation"] = "A-W" + std::to_string(i);
      send(created, ++seq);
    }
    auto cancelled = example("down.allocation.cancelled.json");
    for (int i = 1; i <= n; ++i) {
      cancelled["body"] = {{"allocation", "A-W" + std::to_string(i)},
                           {"reason", "customer_request"}};
      send(cancelled, ++seq);
    }
  }
};

TEST_F(SyncSmallReceiveMaximumTest, ThePublisherWindowFollowsTheBrokersReceiveMaximum) {
  start_store();
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_up_window"), 2);
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  constexpr int kFacts = 300;
  const auto t0 = std::chrono::steady_clock::now();
  create_and_cancel(kFacts);
  ASSERT_TRUE(wait_up("ack", through(7 + 2 * kFacts)));
  // Every fact PUBACKed by the broker: 2 at a time over loopback, that is milliseconds after
  // the cancellations applied. A window above the broker's 3 makes Paho hold the rest back for
  // its once-a-second housekeeping: 30 a second, 10 s for these.
  double published = 0;
  while (published < kFacts && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)) {
    published = sync_metric(port_, "storeedge_sync_up_published_total");
    if (published < kFacts) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(published, kFacts);
  EXPECT_LT(took, std::chrono::seconds(5))
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_TRUE(wait_up("cancellation.applied"));  // the OMS gets them
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_up_window"), 2);
  EXPECT_NE(daemon_->log().find("receive maximum 3, 3 publishes in flight"), std::string::npos)
      << daemon_->log();
}

// A broker without a limit (no Receive Maximum in CONNACK means 65 535): the window is bounded.
class SyncUnlimitedReceiveMaximumTest : public SyncTest {
 protected:
  void SetUp() override {
    broker_extra_config_ = "max_inflight_messages 0\n";
    SyncTest::SetUp();
  }
};

TEST_F(SyncUnlimitedReceiveMaximumTest, ThePublisherWindowIsBounded) {
  start_store();
  EXPECT_EQ(sync_metric(port_, "storeedge_sync_up_window"), 255);
  EXPECT_NE(daemon_->log().find("receive maximum 65535, 256 publishes in flight"),
            std::string::npos)
      << daemon_->log();
}

TEST_F(SyncTest, ReconnectsWithinTheFirstDelayWhenTheBrokerIsBackAtOnce) {
  start_store();
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));
  broker_->signal(SIGKILL);
  broker_->wait(std::chrono::seconds(5));
  start_broker();  // returns once the port accepts
  const auto back = std::chrono::steady_clock::now();
  bool online = false;
  while (!online && std::chrono::steady_clock::now() - back < std::chrono::seconds(40)) {
    online = sync_metric(port_, "storeedge_sync_connected") == 1;
    if (!online) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto took = std::chrono::steady_clock::now() - back;
  ASSERT_TRUE(online) << daemon_->log();
  // The first retry comes within 100 ms of the loss, and a new connection is noticed at once
  // (not after Paho's one-second poll). Before: 250-500 ms, then about a second more.
  EXPECT_LT(took, std::chrono::milliseconds(1000))
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n"
      << daemon_->log();
  const std::string log = daemon_->log();
  const auto retry = log.find("offline (connection lost); retrying in ");
  ASSERT_NE(retry, std::string::npos) << log;
  EXPECT_LE(
      std::stoi(log.substr(retry + std::string("offline (connection lost); retrying in ").size())),
      100)
      << log;
  // And the link works: the OMS (connected anew) gets the ack of the next message.
  oms_ = std::make_unique<mqtt::client>("tcp://127.0.0.1:" + std::to_string(broker_port_),
                                        "oms-test-2", nullptr);
  oms_->connect(mqtt::connect_options_builder().clean_session(true).finalize());
  subscribe();
  send(example("down.allocation.amended.json"), 8);
  ASSERT_TRUE(wait_up("ack", through(8)));
}

}  // namespace
}  // namespace storeedge::testing
