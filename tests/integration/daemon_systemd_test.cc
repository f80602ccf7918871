// Black-box: the systemd contract (watchdog pings from the loop, journald log form, SIGHUP
// reload with RELOADING/READY) and HTTPS with a configured certificate.
#include "integration/daemon_fixture.h"

namespace storeedge::testing {
namespace {

TEST_F(DaemonTest, WatchdogPingsAndJournaldLogForm) {
  start({}, {"WATCHDOG_USEC=200000", "JOURNAL_STREAM=8:1234"});
  EXPECT_TRUE(notify_->wait_for("WATCHDOG=1", std::chrono::seconds(2)));
  EXPECT_TRUE(notify_->wait_for("STATUS=serving http://127.0.0.1:", std::chrono::seconds(1)));
  EXPECT_EQ(stop(), 0);
  // Under journald: a priority prefix, no timestamp.
  const std::string log = daemon_->log();
  EXPECT_EQ(log.rfind("<5>storeedged ", 0), 0u) << log;
}

TEST_F(DaemonTest, SighupReloadsRuntimeSettings) {
  const std::string token = provision();
  write_file(dir_.file("c.toml"), "[http]\nmax_body_bytes = 65536\n");
  start({"--config", dir_.file("c.toml")});
  HttpClient c(port_);
  const std::string body(40 * 1024, ' ');  // JSON whitespace: a 40 KiB body
  auto before = c.request("POST", "/api/v1/sessions", body, auth_headers(token));
  EXPECT_NE(before.status, 413);

  write_file(dir_.file("c.toml"), "[http]\nmax_body_bytes = 16384\n[log]\nlevel = \"debug\"\n");
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(notify_->wait_for("RELOADING=1", std::chrono::seconds(2)));
  // READY=1 follows the reload; wait for the second one.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  auto readies = [&] {
    int n = 0;
    for (const auto& m : notify_->received()) n += m.find("READY=1") != std::string::npos;
    return n;
  };
  while (readies() < 2 && std::chrono::steady_clock::now() < deadline)
    notify_->wait_for("never", std::chrono::milliseconds(20));
  EXPECT_EQ(readies(), 2);
  std::string raw = raw_exchange(port_,
                                 "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                     std::to_string(body.size()) + "\r\n\r\n" + body,
                                 std::chrono::milliseconds(2000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw.substr(0, 100);

  // A broken file on reload keeps the running configuration.
  write_file(dir_.file("c.toml"), "[http]\nmax_body_bytes = \"oops\"\n");
  daemon_->signal(SIGHUP);
  HttpClient d(port_);
  for (int i = 0; i < 200 && daemon_->log().find("reload failed") == std::string::npos; ++i)
    EXPECT_EQ(d.get("/healthz").status, 200);
  EXPECT_NE(daemon_->log().find("reload failed, keeping the running configuration"),
            std::string::npos);
  EXPECT_EQ(stop(), 0);
}

TEST_F(DaemonTest, ServesHttpsWithAConfiguredCertificate) {
  auto [code, out] =
      run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                   "-keyout", dir_.file("key.pem"), "-out", dir_.file("cert.pem")});
  ASSERT_EQ(code, 0) << out;
  write_file(dir_.file("tls.toml"), "[http]\ntls_cert = \"" + dir_.file("cert.pem") +
                                        "\"\ntls_key = \"" + dir_.file("key.pem") + "\"\n");
  start({"--config", dir_.file("tls.toml")});
  const std::string url = "https://127.0.0.1:" + std::to_string(port_) + "/healthz";
  auto [c1, body] = run_command({"/usr/bin/curl", "-sS", "--cacert", dir_.file("cert.pem"), url});
  EXPECT_EQ(c1, 0) << body;
  EXPECT_EQ(body, R"({"status":"ok"})");
  // Plain HTTP on the TLS port gets nothing useful.
  std::string raw = raw_exchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                                 std::chrono::milliseconds(2000));
  EXPECT_EQ(raw.find("200 OK"), std::string::npos);
  EXPECT_EQ(stop(), 0);
}

}  // namespace
}  // namespace storeedge::testing
