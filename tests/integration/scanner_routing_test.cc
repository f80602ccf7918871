// A serial scanner on a real pseudo-terminal, bound to a station in the daemon's configuration:
// its scans reach the live scan stream of the associate signed in on the browser that stands at
// that station (GET /api/v1/scans/stream), are listed with the scanner's state in
// GET /api/v1/devices and storeedgectl devices, are kept for a stream that reconnects with
// Last-Event-ID, and the scanner's unplugging (the pty's master closed) is seen.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "integration/daemon_fixture.h"
#include "integration/scan_stream.h"

namespace storeedge::testing {
namespace {

// The master side of a pseudo-terminal: what the test writes there, the daemon reads from the
// slave as if a serial scanner sent it.
class PseudoTerminal {
 public:
  PseudoTerminal() {
    fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::grantpt(fd_), 0);
    EXPECT_EQ(::unlockpt(fd_), 0);
    slave_ = ::ptsname(fd_);
  }
  ~PseudoTerminal() { close(); }
  const std::string& slave() const { return slave_; }
  void send(const std::string& bytes) {
    ASSERT_EQ(::write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::string slave_;
};

class ScannerRoutingTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    std::ofstream(dir_.file("storeedged.toml")) << "[[devices.scanner]]\n"
                                                   "name = \"pack2-scanner\"\n"
                                                   "station = \"pack-station-2\"\n"
                                                   "transport = \"serial\"\n"
                                                   "path = \""
                                                << pty_.slave()
                                                << "\"\n"
                                                   "framing = \"cr\"\n";
    start({"--config", dir_.file("storeedged.toml")});
    manager_token_ = provision();
    auto [code, out] = ctl({"devices", "enrol", "--id", "pack2", "--kind", "pack_station", "--name",
                            "Pack station 2", "--station", "pack-station-2"});
    ASSERT_EQ(code, 0) << out;
    station_token_ =
        out.substr(out.rfind("dev_"), out.find('\n', out.rfind("dev_")) - out.rfind("dev_"));
    HttpClient c(port_);
    manager_session_ = sign_in(c, manager_token_, R"({"badge":"BADGE-M1","pin":"1234"})");
    station_session_ = sign_in(c, station_token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  }

  boost::json::object scanner(const std::string& id) {
    HttpClient c(port_);
    auto r = c.get("/api/v1/devices", auth_headers(manager_token_, manager_session_));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto listing = r.json();  // named: the loop must not iterate a temporary's array
    if (!listing.is_object()) return {};
    for (const auto& s : listing.at("scanners").as_array())
      if (s.at("id").as_string() == id) return s.as_object();
    return {};
  }

  bool scanner_reaches(const std::string& state) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto s = scanner("pack2-scanner");
      if (!s.empty() && s.at("state").as_string() == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  PseudoTerminal pty_;
  std::string manager_token_, manager_session_, station_token_, station_session_;
};

TEST_F(ScannerRoutingTest, ScansGoLiveToTheAssociateAtTheStation) {
  ASSERT_TRUE(scanner_reaches("enabled")) << daemon_->log();
  ScanStream stream(port_, station_token_, station_session_);
  ASSERT_TRUE(stream.wait_for("event: hello\ndata: {\"station\":\"pack-station-2\"}"))
      << stream.received();

  pty_.send("]E04006381333931\r");
  auto ean = stream.next_scan();
  ASSERT_FALSE(ean.empty()) << stream.received();
  EXPECT_EQ(ean.at("scanner"), "pack2-scanner");
  EXPECT_EQ(ean.at("station"), "pack-station-2");
  EXPECT_EQ(ean.at("code"), "]E04006381333931");
  EXPECT_EQ(ean.at("scan").at("symbology"), "EAN-13");
  EXPECT_EQ(ean.at("scan").at("gtin"), "04006381333931");

  // GS1-128 with a GS after the variable-length lot, split across two writes.
  pty_.send(
      "]C10109506000134352"
      "10LOT7\x1d");
  pty_.send("17261231\r");
  auto gs1 = stream.next_scan();
  ASSERT_FALSE(gs1.empty()) << stream.received();
  EXPECT_EQ(gs1.at("scan").at("hri"), "(01)09506000134352(10)LOT7(17)261231");
  EXPECT_GT(gs1.at("seq").to_number<std::uint64_t>(), ean.at("seq").to_number<std::uint64_t>());

  // Bad data is still an event, carrying the error.
  pty_.send("]E04006381333932\r");
  auto bad = stream.next_scan();
  ASSERT_FALSE(bad.empty());
  EXPECT_EQ(bad.at("scan").at("error").at("code"), "bad_check_digit");

  auto listed = scanner("pack2-scanner");
  EXPECT_EQ(listed.at("scans"), 3);
  EXPECT_EQ(listed.at("errors"), 1);
  EXPECT_EQ(listed.at("undelivered"), 0);
  EXPECT_EQ(listed.at("transport"), "serial");
  EXPECT_NE(std::string(listed.at("last_event").at("what").as_string()).find("to pack-station-2"),
            std::string::npos);
}

TEST_F(ScannerRoutingTest, AScanWithNoOneAtTheStationIsKeptForAReconnectingStream) {
  ASSERT_TRUE(scanner_reaches("enabled")) << daemon_->log();
  std::uint64_t last_seen = 0;
  {
    ScanStream stream(port_, station_token_, station_session_);
    ASSERT_TRUE(stream.wait_for("event: hello"));
    pty_.send("]E04006381333931\r");
    last_seen = stream.next_scan().at("seq").to_number<std::uint64_t>();
  }
  // The stream is gone (the browser lost its connection); a scan comes meanwhile.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  HttpClient c(port_);
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.get("/metrics");
    if (m.body.find("storeedge_http_streams 0") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pty_.send("]E05901234123457\r");
  const auto wait_undelivered = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scanner("pack2-scanner").at("undelivered") != 1 &&
         std::chrono::steady_clock::now() < wait_undelivered)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto listed = scanner("pack2-scanner");
  EXPECT_EQ(listed.at("undelivered"), 1);
  EXPECT_NE(std::string(listed.at("last_event").at("what").as_string()).find("no one signed in"),
            std::string::npos);

  ScanStream again(port_, station_token_, station_session_, std::to_string(last_seen));
  auto missed = again.next_scan();
  ASSERT_FALSE(missed.empty()) << again.received();
  EXPECT_EQ(missed.at("code"), "]E05901234123457");
}

TEST_F(ScannerRoutingTest, ADeviceAtNoStationGetsNoStreamAndAStreamEndsWithItsSession) {
  ASSERT_TRUE(scanner_reaches("enabled")) << daemon_->log();
  HttpClient c(port_);
  auto refused = c.get("/api/v1/scans/stream", auth_headers(manager_token_, manager_session_));
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(error_code(refused), "no_station");

  // A manager puts the handheld at the station; then it gets the stream too.
  auto set = c.request("PATCH", "/api/v1/devices/hh1", R"({"station":"pack-station-2"})",
                       {{"Authorization", "Bearer " + manager_token_},
                        {"StoreEdge-Session", manager_session_},
                        {"Content-Type", "application/json"}});
  ASSERT_EQ(set.status, 200) << set.body;
  ScanStream stream(port_, manager_token_, manager_session_);
  ASSERT_TRUE(stream.wait_for("event: hello"));
  HttpClient out(port_);
  auto signed_out = out.request("DELETE", "/api/v1/sessions/current", "",
                                auth_headers(manager_token_, manager_session_));
  ASSERT_EQ(signed_out.status, 200) << signed_out.body;
  pty_.send("]E04006381333931\r");  // wakes the stream, which finds the session ended
  EXPECT_TRUE(stream.ended()) << stream.received();
  EXPECT_EQ(stream.received().find("event: scan"), std::string::npos);
}

TEST_F(ScannerRoutingTest, UnpluggingIsSeenAndListedByStoreedgectl) {
  ASSERT_TRUE(scanner_reaches("enabled")) << daemon_->log();
  pty_.close();
  ASSERT_TRUE(scanner_reaches("removed")) << daemon_->log();
  auto [code, out] = ctl({"devices"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("pack2\tpack_station\tpack-station-2\tactive"), std::string::npos) << out;
  EXPECT_NE(out.find("pack2-scanner\tscanner/serial\tpack-station-2\tremoved"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace storeedge::testing
