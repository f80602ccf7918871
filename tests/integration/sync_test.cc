// Black-box: storeedged against a real mosquitto, with the test as the OMS — the snapshot
// applies and is acknowledged, gaps ask for a replay, refused messages are nacked and the stream
// moves on, the outbox is published and settled by the OMS's ack, and the link survives the
// broker going away.
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
  ASSERT_TRUE(wait_up("ack", through(7)));  // acknowledged again after reconnecting
  send(example("down.allocation.amended.json"), 8);
  ASSERT_TRUE(wait_up("ack", through(8)));
  // kill -9: the broker publishes the Will.
  daemon_->signal(SIGKILL);
  daemon_->wait(std::chrono::seconds(5));
  ASSERT_TRUE(wait_for(
      kStatus, [](const auto& m) { return m.at("state") == "offline"; }, std::chrono::seconds(90)));
}

}  // namespace
}  // namespace storeedge::testing
