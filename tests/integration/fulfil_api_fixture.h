// The floor's HTTP API against the real daemon, with the test as the OMS over a real
// mosquitto: the store holds the contract examples' snapshot (BOPIS A-77812, ship-from-store
// A-77813, SKU-1001 at A-03-2, SKU-3003 at C-11-1) and a manager "m1" is signed in on a
// handheld.
#pragma once

#include "integration/sync_fixture.h"

namespace storeedge::testing {

class FulfilApiTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    ASSERT_TRUE(start_store(store_args()));
    send_snapshot();
    ASSERT_TRUE(wait_up("ack", through(7)));
    token_ = provision("S042");
    HttpClient c(port_);
    session_ = sign_in(c, token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  }
  // Extra command-line arguments for storeedged (a test's --config).
  virtual std::vector<std::string> store_args() { return {}; }
  HttpResult post(const std::string& target, const std::string& body, const std::string& key = "") {
    auto h = auth_headers(token_, session_);
    if (!key.empty()) h["Idempotency-Key"] = key;
    HttpClient c(port_);
    return c.post_json(target, body, h);
  }
  HttpResult get(const std::string& target) {
    HttpClient c(port_);
    return c.get(target, auth_headers(token_, session_));
  }
  HttpResult send_as(const std::string& session, const std::string& method,
                     const std::string& target, const std::string& body,
                     std::map<std::string, std::string> extra = {}) {
    auto h = auth_headers(token_, session);
    h.insert(extra.begin(), extra.end());
    if (!body.empty()) h["Content-Type"] = "application/json";
    HttpClient c(port_);
    if (method == "GET") return c.get(target, h);
    return c.request(method, target, body, h);
  }
  // Adds a user with `role` (as the manager) and signs them in; returns the session.
  std::string sign_in_as(const std::string& id, const std::string& role, const std::string& pin) {
    auto created = post("/api/v1/users", R"({"id":")" + id + R"(","name":")" + id +
                                             R"(","role":")" + role + R"(","pin":")" + pin + "\"}");
    EXPECT_EQ(created.status, 201) << created.body;
    HttpClient c(port_);
    return sign_in(c, token_, R"({"user":")" + id + R"(","pin":")" + pin + "\"}");
  }
  // Up facts of `type` the OMS receives within the timeout, in order.
  std::vector<boost::json::object> facts_until(const std::string& last_type) {
    std::vector<boost::json::object> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline &&
           (out.empty() || out.back().at("type").as_string() != last_type)) {
      auto m = wait_for(kUp, [](const auto& m) { return m.contains("seq"); });
      if (m) out.push_back(*m);
    }
    return out;
  }
  std::string token_, session_;
};

}  // namespace storeedge::testing
