// A running storeedged in a temp state dir on a free port, with its NOTIFY_SOCKET, plus the
// storeedgectl steps that give a test a manager, a device token and a session.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "support/harness.h"

namespace storeedge::testing {

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { port_ = free_port(); }
  void TearDown() override {
    if (daemon_ && HasFailure()) std::cerr << "---- storeedged log ----\n" << daemon_->log();
  }

  std::vector<std::string> daemon_args() const {
    return {STOREEDGED_BIN,
            "--state-dir",
            dir_.file("state"),
            "--http-listen",
            "127.0.0.1:" + std::to_string(port_),
            "--mqtt-uri",
            "tcp://127.0.0.1:1"};
  }

  // Starts the daemon and waits for READY=1; returns how long readiness took.
  std::chrono::milliseconds start(std::vector<std::string> extra_args = {},
                                  std::vector<std::string> env = {}) {
    notify_.reset();  // its destructor unlinks its path: never let it outlive a successor
    notify_ =
        std::make_unique<NotifySocket>(dir_.file("notify-" + std::to_string(++starts_) + ".sock"));
    auto args = daemon_args();
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    env.push_back("NOTIFY_SOCKET=" + notify_->path());
    const auto t0 = std::chrono::steady_clock::now();
    daemon_ = std::make_unique<Process>(args, env, dir_.file("daemon.log"));
    const bool ready = notify_->wait_for("READY=1", std::chrono::seconds(10));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    EXPECT_TRUE(ready) << daemon_->log();
    return took;
  }

  int stop(int signo = SIGTERM) {
    daemon_->signal(signo);
    auto code = daemon_->wait(std::chrono::seconds(5));
    EXPECT_TRUE(code.has_value()) << "storeedged did not exit within 5 s";
    return code.value_or(-1);
  }

  std::pair<int, std::string> ctl(std::vector<std::string> args, const std::string& in = "") {
    std::vector<std::string> argv = {STOREEDGECTL_BIN, "--state-dir", dir_.file("state")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, in);
  }

  // A manager "m1" (badge BADGE-M1, PIN 1234) and a handheld; returns the device token.
  // `store` names the store when the daemon runs as another than the default one.
  std::string provision(const std::string& store = "") {
    std::vector<std::string> scope;
    if (!store.empty()) scope = {"--store", store};
    auto scoped = [&](std::vector<std::string> args) {
      args.insert(args.begin(), scope.begin(), scope.end());
      return args;
    };
    auto [code, out] = ctl(scoped({"users", "add", "--id", "m1", "--name", "Maria Manager",
                                   "--role", "manager", "--badge", "BADGE-M1"}),
                           "1234\n");
    EXPECT_EQ(code, 0) << out;
    auto [code2, out2] = ctl(
        scoped({"devices", "enrol", "--id", "hh1", "--kind", "handheld", "--name", "Handheld 1"}));
    EXPECT_EQ(code2, 0) << out2;
    auto nl = out2.rfind("dev_");
    EXPECT_NE(nl, std::string::npos) << out2;
    return out2.substr(nl, out2.find('\n', nl) - nl);
  }

  std::string sign_in(HttpClient& c, const std::string& token, const std::string& body) {
    auto r = c.post_json("/api/v1/sessions", body, {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(r.status, 201) << r.body;
    auto j = r.json();
    return j.is_object() ? std::string(j.at("session").as_string()) : "";
  }

  TempDir dir_;
  int port_ = 0;
  int starts_ = 0;
  std::unique_ptr<NotifySocket> notify_;
  std::unique_ptr<Process> daemon_;
};

inline std::map<std::string, std::string> auth_headers(const std::string& token,
                                                       const std::string& session = "") {
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
  if (!session.empty()) h["StoreEdge-Session"] = session;
  return h;
}

inline std::string error_code(const HttpResult& r) {
  auto j = r.json();
  if (!j.is_object() || !j.as_object().contains("error")) return "<no error body: " + r.body + ">";
  return std::string(j.at("error").at("code").as_string());
}

}  // namespace storeedge::testing
