// Black-box: what the daemon acknowledged survives SIGTERM, SIGKILL and restart.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "integration/daemon_fixture.h"

namespace storeedge::testing {
namespace {

// Creates users from `clients` threads until the daemon stops answering; returns the ids the
// daemon acknowledged with 201.
std::set<std::string> create_users_until_stopped(int port, const std::string& token,
                                                 const std::string& session,
                                                 const std::string& prefix, int clients,
                                                 std::atomic<int>& acknowledged) {
  std::set<std::string> acked;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpClient c(port);
        for (int i = 0; i < 100000; ++i) {
          std::string id = prefix + std::to_string(t) + "-" + std::to_string(i);
          auto r =
              c.post_json("/api/v1/users",
                          R"({"id":")" + id + R"(","name":"N","role":"associate","pin":"1111"})",
                          auth_headers(token, session));
          if (r.status != 201) break;
          std::lock_guard lock(mu);
          acked.insert(id);
          ++acknowledged;
        }
      } catch (const std::exception&) {
        // The daemon closed the connection: expected once it stops.
      }
    });
  }
  for (auto& th : threads) th.join();
  return acked;
}

std::set<std::string> user_ids(HttpClient& c, const std::string& token,
                               const std::string& session) {
  std::set<std::string> ids;
  auto r = c.get("/api/v1/users", auth_headers(token, session));
  const auto body = r.json();  // a named value: the range must not dangle
  for (const auto& u : body.at("users").as_array()) ids.insert(std::string(u.at("id").as_string()));
  return ids;
}

// Waits until `n` reaches `at_least` (the load is running), at most 30 s.
bool wait_for(const std::atomic<int>& n, int at_least) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (n.load() < at_least) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST_F(DaemonTest, SigtermDuringRequestsLosesNothingAcknowledged) {
  const std::string token = provision();
  write_file(dir_.file("cheap.toml"), "[auth]\npin_hash_iterations = 1000\n");
  start({"--config", dir_.file("cheap.toml")});
  HttpClient c(port_);
  const std::string session = sign_in(c, token, R"({"user":"m1","pin":"1234"})");
  std::atomic<int> acknowledged{0};
  std::set<std::string> acked;
  std::thread load(
      [&] { acked = create_users_until_stopped(port_, token, session, "u", 4, acknowledged); });
  EXPECT_TRUE(wait_for(acknowledged, 40));
  EXPECT_EQ(stop(SIGTERM), 0);
  load.join();
  EXPECT_TRUE(notify_->wait_for("STOPPING=1", std::chrono::seconds(1)));

  start({"--config", dir_.file("cheap.toml")});  // restart on the same database
  HttpClient again(port_);
  const std::string s2 = sign_in(again, token, R"({"user":"m1","pin":"1234"})");
  auto ids = user_ids(again, token, s2);
  for (const auto& id : acked) EXPECT_TRUE(ids.contains(id)) << id << " was acknowledged but lost";
  EXPECT_GE(acked.size(), 40u);
}

TEST_F(DaemonTest, SigkillMidStreamLosesNothingAcknowledged) {
  const std::string token = provision();
  write_file(dir_.file("cheap.toml"), "[auth]\npin_hash_iterations = 1000\n");
  for (int cycle = 0; cycle < 3; ++cycle) {
    start({"--config", dir_.file("cheap.toml")});
    HttpClient c(port_);
    const std::string session = sign_in(c, token, R"({"user":"m1","pin":"1234"})");
    std::atomic<int> acknowledged{0};
    std::set<std::string> acked;
    const std::string prefix = "c" + std::to_string(cycle) + "-";
    std::thread load([&] {
      acked = create_users_until_stopped(port_, token, session, prefix, 4, acknowledged);
    });
    EXPECT_TRUE(wait_for(acknowledged, 20 + 10 * cycle));
    daemon_->signal(SIGKILL);
    daemon_->wait(std::chrono::seconds(5));
    load.join();
    start({"--config", dir_.file("cheap.toml")});
    HttpClient again(port_);
    const std::string s2 = sign_in(again, token, R"({"user":"m1","pin":"1234"})");
    auto ids = user_ids(again, token, s2);
    for (const auto& id : acked) EXPECT_TRUE(ids.contains(id)) << id << " acknowledged, then lost";
    EXPECT_EQ(stop(), 0);
  }
}

}  // namespace
}  // namespace storeedge::testing
