// Black-box with the fault-injecting SQLite VFS preloaded into the real daemon: a full disk and
// a failed fsync are reported, refuse writes, keep reads working, and (disk full) recover.
// LD_PRELOAD does not mix with sanitizer runtimes, so these run in plain builds only.
#include <thread>

#include "integration/daemon_fixture.h"

namespace storeedge::testing {
namespace {

class FaultyDaemonTest : public DaemonTest {
 protected:
  // Arms a fault in the daemon's SQLite VFS and waits until the shim has applied it.
  void fault(const std::string& commands) {
    write_file(dir_.file("faults"), commands);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (read_file(dir_.file("faults.ack")) != commands) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "fault shim did not apply";
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  void start_faulty() {
    write_file(dir_.file("faults"), "reset\n");
    start({"--config", dir_.file("cheap.toml")},
          {"LD_PRELOAD=" FAULT_PRELOAD, "STOREEDGE_FAULT_CONTROL=" + dir_.file("faults")});
  }
  void SetUp() override {
    DaemonTest::SetUp();
    write_file(dir_.file("cheap.toml"), "[auth]\npin_hash_iterations = 1000\n");
  }
};

TEST_F(FaultyDaemonTest, DiskFullIsReportedChangesNothingAndRecovers) {
  const std::string token = provision();
  start_faulty();
  HttpClient c(port_);
  const std::string session = sign_in(c, token, R"({"user":"m1","pin":"1234"})");
  fault("disk_full 1\n");
  auto full =
      c.post_json("/api/v1/users", R"({"id":"x1","name":"X","role":"associate","pin":"1111"})",
                  auth_headers(token, session));
  EXPECT_EQ(full.status, 507) << full.body;
  EXPECT_EQ(error_code(full), "disk_full");
  auto ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json().at("checks").at("database").at("condition"), "disk_full");
  // Reads keep working while the disk is full.
  auto users = c.get("/api/v1/users", auth_headers(token, session));
  EXPECT_EQ(users.status, 200);
  EXPECT_EQ(users.body.find("\"x1\""), std::string::npos);
  EXPECT_EQ(c.get("/healthz").status, 200);

  fault("disk_full 0\n");
  auto retry =
      c.post_json("/api/v1/users", R"({"id":"x1","name":"X","role":"associate","pin":"1111"})",
                  auth_headers(token, session));
  EXPECT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(c.get("/readyz").status, 200);
  EXPECT_EQ(stop(), 0);
}

TEST_F(FaultyDaemonTest, FailedFsyncMakesTheStoreRefuseWritesUntilRestart) {
  const std::string token = provision();
  start_faulty();
  HttpClient c(port_);
  const std::string session = sign_in(c, token, R"({"user":"m1","pin":"1234"})");
  fault("fail_sync 1\n");
  auto failed =
      c.post_json("/api/v1/users", R"({"id":"y1","name":"Y","role":"associate","pin":"1111"})",
                  auth_headers(token, session));
  EXPECT_EQ(failed.status, 503) << failed.body;
  fault("reset\n");  // the disk is fine again, but after a failed fsync nothing is trusted
  auto refused =
      c.post_json("/api/v1/users", R"({"id":"y2","name":"Y","role":"associate","pin":"1111"})",
                  auth_headers(token, session));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(error_code(refused), "store_failed");
  auto ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json().at("checks").at("database").at("condition"), "failed");
  EXPECT_EQ(c.get("/api/v1/users", auth_headers(token, session)).status, 200);  // reads work
  EXPECT_NE(daemon_->log().find("refusing all writes until restart"), std::string::npos);
  EXPECT_EQ(stop(), 0);

  start_faulty();  // a restart clears the sticky state; the database is intact
  HttpClient again(port_);
  const std::string s2 = sign_in(again, token, R"({"user":"m1","pin":"1234"})");
  EXPECT_EQ(
      again
          .post_json("/api/v1/users", R"({"id":"y3","name":"Y","role":"associate","pin":"1111"})",
                     auth_headers(token, s2))
          .status,
      201);
  EXPECT_EQ(again.get("/readyz").status, 200);
}

}  // namespace
}  // namespace storeedge::testing
