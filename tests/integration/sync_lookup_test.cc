// Black-box: GET /api/v1/orders/lookup finds an order in the store's replica, or asks the OMS
// (order.lookup → order.lookup.result) and answers with what the OMS found; no answer in time
// is a 504, no link a 503, and a bad query a 400 that sends nothing.
#include <future>

#include "integration/sync_fixture.h"

namespace storeedge::testing {
namespace {

class LookupTest : public SyncTest {
 protected:
  // The store with its snapshot applied, a lookup timeout of 400 ms, and a signed-in manager.
  void SetUp() override {
    SyncTest::SetUp();
    write_file(dir_.file("storeedged.toml"), "[sync]\nlookup_timeout = \"400ms\"\n");
    ASSERT_TRUE(start_store({"--config", dir_.file("storeedged.toml")}));
    send_snapshot();
    ASSERT_TRUE(wait_up("ack", through(7)));
    token_ = provision("S042");
    HttpClient c(port_);
    session_ = sign_in(c, token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  }
  HttpResult lookup(const std::string& query) {
    HttpClient c(port_);
    return c.get("/api/v1/orders/lookup?" + query, auth_headers(token_, session_));
  }
  std::string token_, session_;
};

TEST_F(LookupTest, OrdersInTheStoreReplicaAreFoundWithoutAskingTheOms) {
  for (const char* q : {"order=W1009912", "receipt=RCPT-88123", "email_hash=9f86d081884c7d65",
                        "order=W1009912&receipt=W1009912"}) {
    auto r = lookup(q);
    ASSERT_EQ(r.status, 200) << q << ": " << r.body;
    auto j = r.json();
    EXPECT_EQ(j.at("source"), "store") << q;
    ASSERT_EQ(j.at("orders").as_array().size(), 1u) << q;
    EXPECT_EQ(j.at("orders").at(0).at("order"), "W1009912") << q;
  }
  EXPECT_FALSE(wait_for(
      kUp, [](const auto& m) { return m.at("type") == "order.lookup"; },
      std::chrono::milliseconds(300)));
}

TEST_F(LookupTest, AnOrderTheStoreDoesNotHoldIsAskedOfTheOms) {
  auto pending = std::async(std::launch::async, [this] { return lookup("receipt=RCPT-77001"); });
  auto ask = wait_up("order.lookup");
  ASSERT_TRUE(ask);
  const auto& body = ask->at("body").as_object();
  EXPECT_EQ(body.at("query"), (boost::json::object{{"receipt", "RCPT-77001"}}));
  auto result = example("down.order.lookup.result.json");
  result["body"].as_object()["request"] = body.at("request");
  auto& order = result["body"].as_object()["orders"].as_array().at(0).as_object();
  order["order"] = "W77001";
  order["receipt_barcodes"] = boost::json::array{"W77001", "RCPT-77001"};
  // An answer to another request is not taken for this one.
  auto stray = result;
  stray["body"].as_object()["request"] = "lk-someone-else";
  send_raw(boost::json::serialize(stray));
  send_raw(boost::json::serialize(result));
  auto r = pending.get();
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j.at("source"), "oms");
  ASSERT_EQ(j.at("orders").as_array().size(), 1u);
  EXPECT_EQ(j.at("orders").at(0).at("order"), "W77001");

  // The OMS knows nothing: an empty list, not an error.
  pending = std::async(std::launch::async, [this] { return lookup("order=W00000"); });
  ask = wait_up("order.lookup");
  ASSERT_TRUE(ask);
  auto none = example("down.order.lookup.result.json");
  none["body"].as_object()["request"] = ask->at("body").at("request");
  none["body"].as_object()["orders"] = boost::json::array{};
  send_raw(boost::json::serialize(none));
  r = pending.get();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("orders").as_array().empty());
}

TEST_F(LookupTest, NoAnswerInTimeIsATimeoutAndALateAnswerIsDropped) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = lookup("order=W404");
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(error_code(r), "timeout");
  EXPECT_GE(took, std::chrono::milliseconds(350));
  EXPECT_LT(took, std::chrono::seconds(3));
  auto ask = wait_up("order.lookup");
  ASSERT_TRUE(ask);
  auto late = example("down.order.lookup.result.json");
  late["body"].as_object()["request"] = ask->at("body").at("request");
  send_raw(boost::json::serialize(late));
  send(example("down.allocation.amended.json"), 8);  // the stream goes on as before
  ASSERT_TRUE(wait_up("ack", through(8)));
  EXPECT_EQ(lookup("order=W1009912").status, 200);
}

TEST_F(LookupTest, BadQueriesAreRefusedAndOfflineIsUnavailable) {
  for (const char* q : {"", "colour=blue", "order=", "order=W1%20X", "receipt=%01"}) {
    auto r = lookup(q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    EXPECT_EQ(error_code(r), "invalid_request") << q;
  }
  EXPECT_EQ(lookup("order=" + std::string(129, 'W')).status, 400);
  EXPECT_FALSE(wait_for(
      kUp, [](const auto& m) { return m.at("type") == "order.lookup"; },
      std::chrono::milliseconds(300)));
  HttpClient c(port_);
  EXPECT_EQ(c.get("/api/v1/orders/lookup?order=W1").status, 401);  // no device token

  broker_->signal(SIGKILL);
  broker_->wait(std::chrono::seconds(5));
  HttpResult r;
  for (int i = 0; i < 100; ++i) {  // until the store notices the link is gone
    r = lookup("order=W777");
    if (r.status == 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_code(r), "unavailable");
  EXPECT_EQ(lookup("order=W1009912").json().at("source"), "store");  // the replica works offline
}

}  // namespace
}  // namespace storeedge::testing
