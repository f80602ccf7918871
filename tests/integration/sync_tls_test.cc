// Black-box: the store reaches the broker over TLS with its CA and client certificate from the
// configuration, and does not connect to a broker its CA does not vouch for.
#include "integration/sync_fixture.h"

namespace storeedge::testing {
namespace {

class SyncTlsTest : public SyncTest {
 protected:
  void openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    auto [code, out] = run_command(args);
    ASSERT_EQ(code, 0) << out;
  }
  // A CA, and a certificate it signs for `cn` (with an IP SAN for the server).
  void make_pki() {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-days", "1", "-subj", "/CN=storeedge-test-ca", "-keyout", dir_.file("ca.key"), "-out",
             dir_.file("ca.pem")});
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-days", "1", "-subj", "/CN=other-ca", "-keyout", dir_.file("other.key"), "-out",
             dir_.file("other.pem")});
    write_file(dir_.file("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    for (const std::string name : {"server", "client"}) {
      openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
               name == "server" ? "/CN=127.0.0.1" : "/CN=edge-demo-S042", "-keyout",
               dir_.file(name + ".key"), "-out", dir_.file(name + ".csr")});
      std::vector<std::string> sign = {"x509",
                                       "-req",
                                       "-in",
                                       dir_.file(name + ".csr"),
                                       "-CA",
                                       dir_.file("ca.pem"),
                                       "-CAkey",
                                       dir_.file("ca.key"),
                                       "-CAcreateserial",
                                       "-days",
                                       "1",
                                       "-out",
                                       dir_.file(name + ".pem")};
      if (name == "server") sign.insert(sign.end(), {"-extfile", dir_.file("san.ext")});
      openssl(sign);
    }
  }
  void start_tls_broker() {
    tls_port_ = free_port();
    write_file(dir_.file("tls.conf"),
               // `user root`: mosquitto started as root would otherwise switch to its own user,
               // which cannot read keys in this test's private temp dir.
               "user root\nlistener " + std::to_string(tls_port_) +
                   " 127.0.0.1\nallow_anonymous true\n" + "cafile " + dir_.file("ca.pem") +
                   "\ncertfile " + dir_.file("server.pem") + "\nkeyfile " +
                   dir_.file("server.key") + "\nrequire_certificate true\n");
    tls_broker_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", dir_.file("tls.conf")},
        std::vector<std::string>{}, dir_.file("tls-broker.log"));
    for (int i = 0; i < 500 && !port_accepts(tls_port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  void start_store_with(const std::string& ca) {
    write_file(dir_.file("store.toml"),
               "store = \"S042\"\n[mqtt]\nuri = \"ssl://127.0.0.1:" + std::to_string(tls_port_) +
                   "\"\ntls_ca = \"" + ca + "\"\ntls_cert = \"" + dir_.file("client.pem") +
                   "\"\ntls_key = \"" + dir_.file("client.key") + "\"\n");
    // The fixture's flags set a plain --mqtt-uri; the config file's TLS URI must win here.
    notify_.reset();
    notify_ = std::make_unique<NotifySocket>(dir_.file("notify-tls.sock"));
    daemon_ = std::make_unique<Process>(
        std::vector<std::string>{STOREEDGED_BIN, "--config", dir_.file("store.toml"), "--state-dir",
                                 dir_.file("state"), "--http-listen",
                                 "127.0.0.1:" + std::to_string(port_)},
        std::vector<std::string>{"NOTIFY_SOCKET=" + notify_->path()}, dir_.file("daemon.log"));
    ASSERT_TRUE(notify_->wait_for("READY=1", std::chrono::seconds(10))) << daemon_->log();
  }
  bool sync_connected(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    HttpClient c(port_);
    while (std::chrono::steady_clock::now() < deadline) {
      auto ready = c.get("/readyz").json();
      if (ready.at("checks").at("sync").at("connected") == true) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  int tls_port_ = 0;
  std::unique_ptr<Process> tls_broker_;
};

TEST_F(SyncTlsTest, ConnectsWithItsClientCertificate) {
  make_pki();
  start_tls_broker();
  start_store_with(dir_.file("ca.pem"));
  EXPECT_TRUE(sync_connected(std::chrono::seconds(30))) << daemon_->log();
  EXPECT_EQ(stop(), 0);
}

TEST_F(SyncTlsTest, RefusesABrokerItsCaDoesNotVouchFor) {
  make_pki();
  start_tls_broker();
  start_store_with(dir_.file("other.pem"));
  EXPECT_FALSE(sync_connected(std::chrono::seconds(3)));
  EXPECT_EQ(stop(), 0);
}

}  // namespace
}  // namespace storeedge::testing
