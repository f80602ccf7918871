// Black-box: the real storeedged binary starts, announces readiness, serves the basic routes,
// rejects bad configuration by name, and stops cleanly on SIGTERM.
#include "integration/daemon_fixture.h"

namespace storeedge::testing {
namespace {

TEST_F(DaemonTest, ReadyWithinOneSecondServesBasicsAndStopsOnSigterm) {
  auto took = start();
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  HttpClient c(port_);

  auto health = c.get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");

  auto ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;

  auto metrics = c.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_NE(metrics.body.find("# TYPE storeedge_http_requests_total counter"), std::string::npos);
  EXPECT_NE(metrics.body.find("storeedge_http_requests_total{route=\"/healthz\",method=\"GET\","
                              "status=\"200\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("storeedge_store_commit_duration_seconds_bucket"), std::string::npos);

  auto unauth = c.get("/api/v1/allocations");
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(unauth.headers["content-type"], "application/json");
  EXPECT_EQ(error_code(unauth), "unauthenticated");
  EXPECT_FALSE(std::string(unauth.json().at("error").at("message").as_string()).empty());

  auto missing = c.get("/no/such/path");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "not_found");

  auto wrong_method = c.request("DELETE", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers["allow"], "GET");
  EXPECT_EQ(error_code(wrong_method), "method_not_allowed");

  EXPECT_EQ(stop(), 0);
  EXPECT_TRUE(notify_->wait_for("STOPPING=1", std::chrono::seconds(1)));
}

TEST_F(DaemonTest, ServesTheHandheldAppAndTheStatusPage) {
  start();
  HttpClient c(port_);
  auto index = c.get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["cache-control"], "no-cache");
  EXPECT_NE(index.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_NE(index.body.find("/app/app.js"), std::string::npos);
  const std::string etag = index.headers["etag"];
  ASSERT_FALSE(etag.empty());
  // A handheld that has the page revalidates it: 304, no body.
  auto again = c.get("/", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(c.get("/", {{"If-None-Match", "\"other\", W/" + etag}}).status, 304);
  EXPECT_EQ(c.get("/", {{"If-None-Match", "\"other\""}}).status, 200);

  auto script = c.get("/app/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(c.get("/app/app.css").headers["content-type"], "text/css; charset=utf-8");
  auto missing = c.get("/app/nothing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "not_found");
  EXPECT_EQ(c.get("/app/../api/v1/openapi.yaml").status, 404);
  EXPECT_EQ(c.get("/app").status, 404);

  auto status = c.get("/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("storeedged " STOREEDGE_VERSION), std::string::npos);
  EXPECT_EQ(stop(), 0);
}

TEST_F(DaemonTest, NoBrokerIsNotAStartupFailure) {
  start();  // --mqtt-uri points at a closed port
  HttpClient c(port_);
  EXPECT_EQ(c.get("/readyz").status, 200);
  EXPECT_EQ(stop(SIGINT), 0);
}

TEST_F(DaemonTest, CheckConfigNamesTheUnknownKey) {
  write_file(dir_.file("bad.toml"), "[http]\nlisten = \"127.0.0.1:8080\"\nlisten_port = 1\n");
  auto [code, out] =
      run_command({STOREEDGED_BIN, "--config", dir_.file("bad.toml"), "--check-config"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("http.listen_port"), std::string::npos) << out;
}

TEST_F(DaemonTest, CheckConfigNamesBadValuesAndUnusablePaths) {
  write_file(dir_.file("bad.toml"), "[http]\nmax_body_bytes = \"big\"\n");
  auto [code, out] =
      run_command({STOREEDGED_BIN, "--config", dir_.file("bad.toml"), "--check-config"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("http.max_body_bytes"), std::string::npos) << out;

  write_file(dir_.file("afile"), "x");
  auto [code2, out2] =
      run_command({STOREEDGED_BIN, "--state-dir", dir_.file("afile") + "/sub", "--check-config"});
  EXPECT_NE(code2, 0);
  EXPECT_NE(out2.find("state_dir"), std::string::npos) << out2;

  auto [code3, out3] = run_command({STOREEDGED_BIN, "--http-listen", "nonsense", "--check-config"});
  EXPECT_NE(code3, 0);
  EXPECT_NE(out3.find("--http-listen"), std::string::npos) << out3;

  write_file(dir_.file("good.toml"),
             "tenant = \"acme\"\nstore = \"S042\"\n[auth]\nsession_ttl = \"8h\"\n");
  auto [code4, out4] = run_command({STOREEDGED_BIN, "--config", dir_.file("good.toml"),
                                    "--state-dir", dir_.file("st"), "--check-config"});
  EXPECT_EQ(code4, 0) << out4;
}

TEST_F(DaemonTest, RefusesAStateDirOfAnotherStore) {
  start();
  EXPECT_EQ(stop(), 0);
  auto args = daemon_args();
  args.insert(args.end(), {"--store", "S999"});
  Process other(args, {}, dir_.file("other.log"));
  auto code = other.wait(std::chrono::seconds(5));
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(other.log().find("belongs to tenant 'demo' store 'S001'"), std::string::npos)
      << other.log();
}

}  // namespace
}  // namespace storeedge::testing

namespace storeedge::testing {
namespace {

TEST_F(DaemonTest, CtlRefusesUnknownOptionsAndMissingDatabases) {
  auto [code, out] = ctl({"users", "list"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("no database"), std::string::npos) << out;
  provision();
  auto [code2, out2] = ctl({"users", "list", "--tenant-id", "x"});
  EXPECT_NE(code2, 0);
  EXPECT_NE(out2.find("unknown option --tenant-id"), std::string::npos) << out2;
  auto [code3, out3] = ctl({"audit", "--limit", "10abc"});
  EXPECT_NE(code3, 0);
  auto [code4, out4] = ctl({"users", "list"});
  EXPECT_EQ(code4, 0);
  EXPECT_NE(out4.find("m1\tmanager\tyes\tyes\tMaria Manager"), std::string::npos) << out4;
  auto [code5, out5] = ctl({"audit"});
  EXPECT_EQ(code5, 0);
  EXPECT_NE(out5.find("ctl devices enrol\thh1\tok"), std::string::npos) << out5;
}

TEST_F(DaemonTest, ConfigErrorsNameTheFile) {
  write_file(dir_.file("bad.toml"), "bogus = 1\n");
  auto [code, out] =
      run_command({STOREEDGED_BIN, "--config", dir_.file("bad.toml"), "--check-config"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find(dir_.file("bad.toml") + ": unknown configuration key 'bogus'"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace storeedge::testing

namespace storeedge::testing {
namespace {

TEST_F(DaemonTest, CtlSyncStatusReportsTheStreams) {
  provision();
  auto [code, out] = ctl({"sync", "status"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("down applied:    0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("up epoch:        edge-"), std::string::npos) << out;
  EXPECT_NE(out.find("outbox depth:    0\n"), std::string::npos) << out;
  auto [code2, out2] = ctl({"sync", "quarantine"});
  EXPECT_EQ(code2, 0);
  EXPECT_EQ(out2, "ID\tRECEIVED\tEPOCH\tSEQ\tTYPE\tCODE\tREASON\n");
  auto [code3, out3] = ctl({"sync", "exceptions", "--seq", "7"});
  EXPECT_EQ(code3, 1);
  EXPECT_NE(out3.find("not_found"), std::string::npos);
  auto [code4, out4] = ctl({"sync", "bogus"});
  EXPECT_NE(code4, 0);
}

}  // namespace
}  // namespace storeedge::testing

namespace storeedge::testing {
namespace {

// Two daemons on one state directory would interleave their writes and outbox sequences: the
// second is refused at start, and says why.
TEST_F(DaemonTest, ASecondDaemonOnTheSameStateDirectoryIsRefused) {
  start();
  auto args = daemon_args();
  args[4] = "127.0.0.1:" + std::to_string(free_port());  // its own port: only the directory clashes
  Process second(args, {}, dir_.file("second.log"));
  EXPECT_EQ(second.wait(std::chrono::seconds(10)), 1);
  EXPECT_NE(second.log().find("another process"), std::string::npos) << second.log();
  EXPECT_EQ(stop(), 0);
}

}  // namespace
}  // namespace storeedge::testing
