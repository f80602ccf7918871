// The real storeedged on an emulated USB HID POS scanner (an umockdev testbed this test builds
// and the daemon inherits through $UMOCKDEV_DIR and LD_PRELOAD, as under umockdev-run): udev
// discovery finds the hidraw node at start, the hidraw transport opens and enables it, its scans
// reach the live scan stream of the station it is bound to, and udev's removal and a replug into
// the same port are followed. umockdev-run cannot send uevents and replays scripts by the clock,
// so the test keeps the testbed itself. Runs under umockdev-wrapper: ctest label umockdev.
#include <unistd.h>

#include <fstream>

#include "integration/daemon_fixture.h"
#include "integration/scan_stream.h"
#include "support/hid_pos_fixtures.h"
#include "umockdev/testbed.h"

namespace storeedge::testing {
namespace {

const std::string kDevices = STOREEDGE_TEST_DEVICES;
const std::string kNode = "/dev/hidraw0";
const std::string kReplugNode = "/dev/hidraw1";
const std::string kUsbDevice = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";
const std::string kInterface = kUsbDevice + "/1-1:1.0";
const std::string kHid = kInterface + "/0003:0C2E:0B8F.0001";
const std::string kHidraw = kHid + "/hidraw/hidraw0";
const std::string kKey = "hidraw 0c2e:0b8f 21111 @1-1 if0";

class ScannerHotplugTest : public DaemonTest {
 protected:
  void TearDown() override {
    DaemonTest::TearDown();
    daemon_.reset();  // before the testbed it runs on goes
  }

  // The ioctls the Honeywell's hidraw node answers (its report descriptor, the enable feature
  // report), set up before the node exists: the daemon opens it as soon as it hears of it.
  // Replugged, it gets the next hidraw node.
  void SetUp() override {
    DaemonTest::SetUp();
    for (const auto& node : {kNode, kReplugNode})
      bed_.load_ioctl(node, bed_.write_file(node.substr(5) + ".ioctl",
                                            hidraw_ioctls(node, kHoneywellHidPosDescriptor)));
  }

  // The Honeywell 1900 in USB port 1-1: its devices, parents first, each with its "add" uevent.
  void plug_in(const std::string& description = "honeywell-hidpos-hidraw.umockdev") {
    bed_.add_from_file(kDevices + "/" + description);
  }

  // Unplugged: udev announces the removals, innermost first (each before its device goes: the
  // testbed builds a uevent from sysfs), and each device goes on its own (the testbed leaves the
  // class links of the children of a device it removes).
  void unplug() {
    for (const auto& syspath : {kHidraw, kHid, kInterface, kUsbDevice}) {
      bed_.uevent(syspath, "remove");
      bed_.remove_device(syspath);
    }
  }

  // The scanner sends reports: they are written to the other end of its node.
  void send(const std::vector<std::vector<std::uint8_t>>& reports,
            const std::string& node = kNode) {
    const int fd = bed_.device_fd(node);
    ASSERT_GE(fd, 0);
    for (const auto& r : reports)
      ASSERT_EQ(::write(fd, r.data(), r.size()), static_cast<ssize_t>(r.size()));
  }

  void start_daemon(const std::string& config) {
    std::ofstream(dir_.file("storeedged.toml")) << config;
    start({"--config", dir_.file("storeedged.toml")});
    manager_token_ = provision();
    HttpClient c(port_);
    manager_session_ = sign_in(c, manager_token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  }

  // The pack station's browser, enrolled at pack-station-2, with the manager signed in on it.
  void enrol_station() {
    auto [code, out] = ctl({"devices", "enrol", "--id", "pack2", "--kind", "pack_station", "--name",
                            "Pack station 2", "--station", "pack-station-2"});
    ASSERT_EQ(code, 0) << out;
    const auto at = out.rfind("dev_");
    station_token_ = out.substr(at, out.find('\n', at) - at);
    HttpClient c(port_);
    station_session_ = sign_in(c, station_token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  }

  boost::json::array scanners() {
    HttpClient c(port_);
    auto r = c.get("/api/v1/devices", auth_headers(manager_token_, manager_session_));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto listing = r.json();
    if (!listing.is_object()) return {};
    return listing.at("scanners").as_array();
  }

  boost::json::object scanner(const std::string& id) {
    for (const auto& s : scanners())
      if (s.at("id").as_string() == id) return s.as_object();
    return {};
  }

  // Polls the listing until the scanner `id` satisfies `done`, for at most 5 s.
  bool scanner_until(const std::string& id,
                     const std::function<bool(const boost::json::object&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto s = scanner(id);
      if (!s.empty() && done(s)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Runs `storeedgectl devices` until its output shows `text`, for at most 5 s.
  bool ctl_devices_show(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::string out;
    while (std::chrono::steady_clock::now() < deadline) {
      auto [code, printed] = ctl({"devices"});
      out = printed;
      if (code == 0 && out.find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no " << text << " in\n" << out;
    return false;
  }

  // Polls /metrics until it shows `line`, for at most 5 s.
  bool metrics_show(const std::string& line) {
    HttpClient c(port_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::string body;
    while (std::chrono::steady_clock::now() < deadline) {
      body = c.get("/metrics").body;
      if (body.find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "no " << line << " in\n" << body;
    return false;
  }

  bool scanner_reaches(const std::string& id, const std::string& state) {
    return scanner_until(id, [&](const auto& s) { return s.at("state") == state.c_str(); });
  }

  Testbed bed_;
  std::string manager_token_, manager_session_, station_token_, station_session_;
};

const char* kBoundConfig =
    "[[devices.scanner]]\n"
    "name = \"pack2-scanner\"\n"
    "station = \"pack-station-2\"\n"
    "transport = \"hidraw\"\n"
    "vid = \"0c2e\"\n"
    "pid = \"0b8f\"\n"
    "port = \"1-1\"\n";

TEST_F(ScannerHotplugTest, ABoundScannerIsFoundItsScansGoToTheStationAndUnpluggingIsSeen) {
  plug_in();
  start_daemon(kBoundConfig);
  enrol_station();
  ASSERT_TRUE(scanner_reaches("pack2-scanner", "enabled")) << daemon_->log();
  auto listed = scanner("pack2-scanner");
  EXPECT_EQ(listed.at("transport"), "hidraw");
  EXPECT_EQ(listed.at("station"), "pack-station-2");
  EXPECT_EQ(listed.at("key"), kKey.c_str());
  EXPECT_EQ(listed.at("devnode"), kNode.c_str());
  EXPECT_EQ(listed.at("vid_pid"), "0c2e:0b8f");
  EXPECT_EQ(listed.at("serial"), "21111");
  EXPECT_EQ(listed.at("port"), "1-1");
  EXPECT_EQ(listed.at("product"), "Honeywell Imaging & Mobility 1900");
  EXPECT_EQ(scanners().size(), 1u);  // the USB device itself is no scanner without a binding

  ScanStream stream(port_, station_token_, station_session_);
  ASSERT_TRUE(stream.wait_for("event: hello\ndata: {\"station\":\"pack-station-2\"}"))
      << stream.received();
  send({honeywell_report("]E0", "4006381333931", false)});
  auto ean = stream.next_scan();
  ASSERT_FALSE(ean.empty()) << stream.received() << daemon_->log();
  EXPECT_EQ(ean.at("scanner"), "pack2-scanner");
  EXPECT_EQ(ean.at("station"), "pack-station-2");
  EXPECT_EQ(ean.at("code"), "]E04006381333931");
  EXPECT_EQ(ean.at("scan").at("aim"), "]E0");
  EXPECT_EQ(ean.at("scan").at("symbology"), "EAN-13");
  EXPECT_EQ(ean.at("scan").at("gtin"), "04006381333931");

  // A GS1 DataMatrix too long for one report: one scan from its two reports.
  const std::string gs1 =
      "0109506000134352"
      "17261231"
      "10ABC123\x1d"
      "21SN0000000000000042\x1d"
      "3103000500";
  auto reports = honeywell_scan("]d2", gs1);
  ASSERT_EQ(reports.size(), 2u);
  send(reports);
  auto matrix = stream.next_scan();
  ASSERT_FALSE(matrix.empty()) << stream.received();
  EXPECT_EQ(matrix.at("code"), ("]d2" + gs1).c_str());
  EXPECT_EQ(matrix.at("scan").at("gtin"), "09506000134352");
  EXPECT_EQ(matrix.at("scan").at("hri"),
            "(01)09506000134352(17)261231(10)ABC123(21)SN0000000000000042(3103)000500");

  // Unplugged: the node stays quiet, so only udev's removal can tell the daemon.
  unplug();
  ASSERT_TRUE(scanner_reaches("pack2-scanner", "removed")) << daemon_->log();
  listed = scanner("pack2-scanner");
  EXPECT_EQ(listed.at("scans"), 2);
  // storeedgectl reads the database, where the state lands once its row commits.
  EXPECT_TRUE(ctl_devices_show("pack2-scanner\tscanner/hidraw\tpack-station-2\tremoved"));

  // Plugged into the same port again (a new USB address, the next hidraw node): the same
  // scanner, its counters kept, scanning again.
  plug_in("honeywell-hidpos-hidraw-replugged.umockdev");
  ASSERT_TRUE(scanner_reaches("pack2-scanner", "enabled")) << daemon_->log();
  EXPECT_EQ(scanner("pack2-scanner").at("devnode"), kReplugNode.c_str());
  send({honeywell_report("]E0", "5901234123457", false)}, kReplugNode);
  auto again = stream.next_scan();
  ASSERT_FALSE(again.empty()) << stream.received() << daemon_->log();
  EXPECT_EQ(again.at("code"), "]E05901234123457");
  EXPECT_TRUE(scanner_until("pack2-scanner", [](const auto& s) { return s.at("scans") == 3; }));
  EXPECT_EQ(scanners().size(), 1u);
  EXPECT_EQ(stop(), 0);
}

TEST_F(ScannerHotplugTest, AnUnboundHidPosScannerPluggedInLaterIsListedAtNoStation) {
  start_daemon("");  // devices.hid_pos_auto is on by default
  EXPECT_TRUE(scanners().empty());
  plug_in();
  ASSERT_TRUE(scanner_reaches(kKey, "enabled")) << daemon_->log();
  auto listed = scanner(kKey);
  EXPECT_TRUE(listed.at("station").is_null());
  EXPECT_EQ(listed.at("vid_pid"), "0c2e:0b8f");
  EXPECT_EQ(listed.at("port"), "1-1");

  // Its scans are recorded, and routed to no one.
  send({honeywell_report("]E0", "4006381333931", false)});
  ASSERT_TRUE(scanner_until(kKey, [](const auto& s) { return s.at("scans") == 1; }))
      << daemon_->log();
  EXPECT_NE(std::string(scanner(kKey).at("last_event").at("what").as_string())
                .find("]E0 4006381333931, bound to no station"),
            std::string::npos);
  // (counted once the scan's row has committed, just after the listing counts the scan)
  EXPECT_TRUE(metrics_show("storeedge_scans_unrouted_total 1\n"));
  EXPECT_TRUE(metrics_show("storeedge_scans_routed_total 0\n"));

  unplug();
  ASSERT_TRUE(scanner_reaches(kKey, "removed")) << daemon_->log();
  EXPECT_EQ(stop(), 0);
}

TEST_F(ScannerHotplugTest, WithoutHidPosAutoAnUnboundScannerIsLeftAlone) {
  plug_in();
  start_daemon("[devices]\nhid_pos_auto = false\n");
  // The daemon has enumerated the devices before it said READY; a bound scanner would be
  // listed (attached) by now, see the first test.
  EXPECT_TRUE(scanners().empty());
  auto [code, out] = ctl({"devices"});
  EXPECT_EQ(out.find("scanner/"), std::string::npos) << out;
  EXPECT_EQ(stop(), 0);
}

}  // namespace
}  // namespace storeedge::testing
