// The libusb transport through its real code path (libusb's usbfs backend, its udev enumeration,
// the source's event thread) on an emulated Honeywell HID POS scanner: usbfs answered by
// UsbfsScanner, the device's sysfs and node by an in-process umockdev testbed.
#include <libudev.h>
#include <poll.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "scanner/usb_hid_source.h"
#include "support/hid_pos_fixtures.h"
#include "umockdev/umockdev_fixture.h"
#include "umockdev/usbfs_scanner.h"

namespace storeedge::scanner {
namespace {

using testing::honeywell_report;
using testing::honeywell_scan;
using testing::UsbfsScanner;
using namespace std::chrono_literals;

const std::string kDevice = "/honeywell-hidpos-usb.umockdev";  // 1-1, bus 1 address 2
const std::string kNode = "/dev/bus/usb/001/002";
const std::string kSecondDevice = "/honeywell-hidpos-usb-port2.umockdev";  // 1-2, address 3
const std::string kSecondNode = "/dev/bus/usb/001/003";
const std::string kSecondSyspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2";

// What udev tells about USB devices coming and going, read with libudev's monitor (the device
// layer's UdevDiscovery is not on this branch; it is built on the same monitor).
class UsbUevents {
 public:
  struct Event {
    std::string action, sysname, vendor, product;
  };
  UsbUevents()
      : udev_(udev_new()),
        monitor_(udev_ ? udev_monitor_new_from_netlink(udev_, "udev") : nullptr) {
    if (!monitor_) return;
    udev_monitor_filter_add_match_subsystem_devtype(monitor_, "usb", "usb_device");
    udev_monitor_enable_receiving(monitor_);
  }
  ~UsbUevents() {
    if (monitor_) udev_monitor_unref(monitor_);
    if (udev_) udev_unref(udev_);
  }
  bool ready() const { return monitor_ != nullptr; }

  std::optional<Event> next(std::chrono::milliseconds deadline = 3s) {
    pollfd p{udev_monitor_get_fd(monitor_), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(deadline.count())) != 1) return std::nullopt;
    udev_device* dev = udev_monitor_receive_device(monitor_);
    if (!dev) return std::nullopt;
    auto text = [](const char* s) { return std::string(s ? s : ""); };
    Event e{text(udev_device_get_action(dev)), text(udev_device_get_sysname(dev)),
            text(udev_device_get_property_value(dev, "ID_VENDOR_ID")),
            text(udev_device_get_property_value(dev, "ID_MODEL_ID"))};
    udev_device_unref(dev);
    return e;
  }

 private:
  udev* udev_;
  udev_monitor* monitor_;
};

class UsbHidUmockdev : public ::testing::Test {
 protected:
  // libusb made no request the emulation does not know (it would have failed with ENOTTY).
  void TearDown() override {
    for (const auto& s : scanners_) {
      const auto unexpected = s->state().unexpected;
      EXPECT_TRUE(unexpected.empty()) << unexpected.front();
    }
  }

  // Attaches the emulated scanner to the node, then adds the device (libusb may open it as soon
  // as it is in sysfs).
  void plug(UsbfsScanner::Options options, const std::string& file = kDevice,
            const std::string& node = kNode) {
    scanners_.push_back(std::make_unique<UsbfsScanner>(std::move(options)));
    std::string why;
    ASSERT_TRUE(scanners_.back()->attach(bed_.get(), node, why)) << why;
    bed_.add_from_file(std::string(STOREEDGE_TEST_DEVICES) + file);
  }
  UsbfsScanner& scanner(std::size_t i = 0) { return *scanners_.at(i); }

  static UsbfsScanner::Options honeywell(bool driver_bound = true) {
    return {testing::kHoneywellHidPosDescriptor, driver_bound, true};
  }

  std::unique_ptr<ScanSource> make_source(const std::string& port = "1-1",
                                          bool auto_detach = true) {
    UsbHidOptions options;
    options.port_path = parse_usb_port_path(port).value();
    options.vendor_id = 0x0c2e;
    options.product_id = 0x0b8f;
    options.auto_detach = auto_detach;
    return make_usb_hid_source(io_.get_executor(), options);
  }

  // Runs the loop until `done()`, at most `deadline` (a guard against a hang).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds deadline = 3s) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= end) return false;
      io_.run_one_for(10ms);
    }
    return true;
  }

  // A next_event() in progress on the loop.
  struct Waiting {
    std::optional<Result<ScanEvent>> result;
  };
  std::shared_ptr<Waiting> start_next(ScanSource& source) {
    auto waiting = std::make_shared<Waiting>();
    auto body = [&source, waiting]() -> boost::asio::awaitable<void> {
      waiting->result = co_await source.next_event();
    };
    boost::asio::co_spawn(io_, body, boost::asio::detached);
    return waiting;
  }

  Result<ScanEvent> next(ScanSource& source) {
    auto waiting = start_next(source);
    if (!run_until([&] { return waiting->result.has_value(); }))
      return make_error("test_timeout", "no event within the deadline");
    return *waiting->result;
  }

  void start(ScanSource& source) {
    auto opened = source.open();
    ASSERT_TRUE(opened) << opened.error().code << ": " << opened.error().message;
    auto claimed = source.claim();
    ASSERT_TRUE(claimed) << claimed.error().code << ": " << claimed.error().message;
    auto enabled = source.enable();
    ASSERT_TRUE(enabled) << enabled.error().code << ": " << enabled.error().message;
  }

  // The event thread keeps polling the node; `polls` more reaps show it ran meanwhile.
  void let_event_thread_poll(UsbfsScanner& s, long polls = 50) {
    const long from = s.state().reaps;
    ASSERT_TRUE(s.wait_until([&](const auto& st) { return st.reaps >= from + polls; }));
  }

  testing::Testbed bed_;
  std::vector<std::unique_ptr<UsbfsScanner>> scanners_;  // after bed_: detached before it goes
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
};

TEST_F(UsbHidUmockdev, SingleReportScanAfterTheEnableReportWithAutoDetach) {
  ASSERT_EQ(testing::kHoneywellHidPosDescriptor.size(), 0x90u);  // wDescriptorLength in the file
  plug(honeywell());
  scanner().queue_report(honeywell_report("]E0", "5901234123457", false));
  auto source = make_source();
  start(*source);
  EXPECT_EQ(source->describe(), "usb 1-1, interface 0, report 2");
  auto st = scanner().state();
  EXPECT_TRUE(st.claimed);
  EXPECT_FALSE(st.kernel_driver_bound);
  ASSERT_EQ(st.set_reports.size(), 1u);
  EXPECT_EQ(st.set_reports[0].value, 0x03fe);  // feature report 0xFE
  EXPECT_EQ(st.set_reports[0].index, 0);
  EXPECT_EQ(st.set_reports[0].data, (std::vector<std::uint8_t>{0xfe, 0x01}));

  auto ev = next(*source);
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_TRUE(ev->ok());
  EXPECT_EQ(ev->aim, "]E0");
  EXPECT_EQ(ev->symbology, Symbology::ean13);
  EXPECT_EQ(ev->gtin14, "05901234123457");

  source->release();
  st = scanner().state();
  EXPECT_FALSE(st.claimed);
  EXPECT_TRUE(st.kernel_driver_bound) << "usbhid is re-attached on release";
  EXPECT_EQ(st.kernel_driver_detaches, 2);  // the descriptor read in open(), then claim()
  EXPECT_EQ(st.interrupt_submits, 1);
}

TEST_F(UsbHidUmockdev, MultiReportScanAcrossTheMoreDataFlag) {
  plug(honeywell());
  std::string url = "https://id.gs1.org/01/09506000134352/10/ABC123?linkType=gs1:pip&x=";
  while (url.size() < 130) url += "X";
  auto reports = honeywell_scan("]Q1", url);
  ASSERT_EQ(reports.size(), 3u);
  reports.push_back(honeywell_report("]E4", "96385074", false));
  for (auto& r : reports) scanner().queue_report(r);
  auto source = make_source();
  start(*source);
  auto first = next(*source);
  auto second = next(*source);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->label, url);
  EXPECT_EQ(first->aim, "]Q1");
  EXPECT_EQ(first->gtin14, "09506000134352");
  EXPECT_EQ(second->symbology, Symbology::ean8);
  EXPECT_EQ(scanner().state().interrupt_submits, 4);
}

TEST_F(UsbHidUmockdev, Gs1_128WithSeparators) {
  plug(honeywell());
  scanner().queue_report(honeywell_report("]C1",
                                          "0109506000134352"
                                          "10LOT7\x1d"
                                          "3103000500",
                                          false));
  auto source = make_source();
  start(*source);
  auto ev = next(*source);
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_TRUE(ev->ok()) << ev->error->message;
  EXPECT_EQ(ev->symbology, Symbology::gs1_128);
  EXPECT_EQ(ev->hri, "(01)09506000134352(10)LOT7(3103)000500");
}

// Back-pressure: an interrupt IN URB is in flight only while next_event() waits. The scanner has
// two scans ready; between the calls the event thread keeps polling the node and no URB goes out.
TEST_F(UsbHidUmockdev, NoInterruptUrbWhileNobodyWaits) {
  plug(honeywell());
  auto source = make_source();
  start(*source);
  let_event_thread_poll(scanner());
  EXPECT_EQ(scanner().state().interrupt_submits, 0);

  scanner().queue_report(honeywell_report("]E0", "5901234123457", false));
  scanner().queue_report(honeywell_report("]E4", "96385074", false));
  auto first = next(*source);
  ASSERT_TRUE(first) << first.error().message;
  let_event_thread_poll(scanner());
  auto st = scanner().state();
  EXPECT_EQ(st.interrupt_submits, 1);
  EXPECT_FALSE(st.interrupt_in_flight);
  EXPECT_EQ(st.reports_waiting, 1u) << "the second scan stays in the scanner";

  auto second = next(*source);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->symbology, Symbology::ean8);
  EXPECT_EQ(scanner().state().interrupt_submits, 2);
}

// The scanner sends two of a scan's three reports and is unplugged while the host polls for the
// third: the URB completes with -ENODEV (libusb: LIBUSB_TRANSFER_NO_DEVICE).
TEST_F(UsbHidUmockdev, UnplugInTheMiddleOfAScan) {
  plug(honeywell());
  auto reports = honeywell_scan("]C0", std::string(120, 'Z'));
  ASSERT_EQ(reports.size(), 3u);
  scanner().queue_report(reports[0]);
  scanner().queue_report(reports[1]);
  auto source = make_source();
  start(*source);
  auto waiting = start_next(*source);
  ASSERT_TRUE(run_until([&] {
    const auto st = scanner().state();
    return st.interrupt_submits == 3 && st.interrupt_in_flight;
  }));
  ASSERT_FALSE(waiting->result) << "a scan came out of a partial scan";
  scanner().unplug();
  ASSERT_TRUE(run_until([&] { return waiting->result.has_value(); }));
  const auto& got = *waiting->result;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "device_gone");
  EXPECT_NE(got.error().message.find("dropped a scan in progress of 112 bytes"), std::string::npos)
      << got.error().message;
  source->release();
}

TEST_F(UsbHidUmockdev, ReleaseWhileWaitingCancelsTheUrb) {
  plug(honeywell());
  auto source = make_source();
  start(*source);
  auto waiting = start_next(*source);
  ASSERT_TRUE(run_until([&] { return scanner().state().interrupt_in_flight; }));
  source->release();
  ASSERT_TRUE(run_until([&] { return waiting->result.has_value(); }));
  ASSERT_FALSE(*waiting->result);
  EXPECT_EQ(waiting->result->error().code, "released");
  const auto st = scanner().state();
  EXPECT_EQ(st.discards, 1);
  EXPECT_FALSE(st.interrupt_in_flight);
  EXPECT_FALSE(st.claimed);
}

// The device layer retries a released source: the cancelled transfer's completion, still on its
// way to the loop, must not end the next session's first wait.
TEST_F(UsbHidUmockdev, ReopenRightAfterRelease) {
  plug(honeywell());
  auto source = make_source();
  start(*source);
  auto waiting = start_next(*source);
  ASSERT_TRUE(run_until([&] { return scanner().state().interrupt_in_flight; }));
  source->release();
  start(*source);
  scanner().queue_report(honeywell_report("]E4", "96385074", false));
  auto ev = next(*source);
  ASSERT_TRUE(ev) << ev.error().code << ": " << ev.error().message;
  EXPECT_EQ(ev->symbology, Symbology::ean8);
  ASSERT_TRUE(waiting->result);
  EXPECT_EQ(waiting->result->error().code, "released");
}

TEST_F(UsbHidUmockdev, WithoutAutoDetachABoundScannerIsBusy) {
  plug(honeywell(/*driver_bound=*/true));
  auto source = make_source("1-1", /*auto_detach=*/false);
  auto opened = source->open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "device_busy");
  EXPECT_TRUE(scanner().state().kernel_driver_bound);
  EXPECT_EQ(scanner().state().kernel_driver_detaches, 0);
}

TEST_F(UsbHidUmockdev, WithoutAutoDetachAnUnboundScannerWorks) {
  plug(honeywell(/*driver_bound=*/false));
  scanner().queue_report(honeywell_report("]E4", "96385074", false));
  auto source = make_source("1-1", /*auto_detach=*/false);
  start(*source);
  auto ev = next(*source);
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->symbology, Symbology::ean8);
  source->release();
  EXPECT_FALSE(scanner().state().kernel_driver_bound);
  EXPECT_FALSE(scanner().state().claimed);
}

TEST_F(UsbHidUmockdev, EnableReportMustBeAccepted) {
  plug({testing::kHoneywellHidPosDescriptor, true, /*accept_set_report=*/false});
  auto source = make_source();
  ASSERT_TRUE(source->open());
  ASSERT_TRUE(source->claim());
  auto enabled = source->enable();
  ASSERT_FALSE(enabled);
  EXPECT_EQ(enabled.error().code, "device_io");
}

TEST_F(UsbHidUmockdev, KeyboardIsRefused) {
  plug({testing::kKeyboardDescriptor, true, true});
  auto source = make_source();
  auto opened = source->open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "not_a_scanner");
}

TEST_F(UsbHidUmockdev, AnotherDeviceAtThePortIsGone) {
  plug(honeywell());
  UsbHidOptions options;
  options.port_path = parse_usb_port_path("1-1").value();
  options.vendor_id = 0x05e0;  // a Zebra scanner was configured there
  auto source = make_usb_hid_source(io_.get_executor(), options);
  auto opened = source->open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "device_gone");
}

// Hotplug on the same testbed: scanner A is in use (its source's libusb context and event thread
// running) when scanner B arrives at port 1-2; udev reports it, a source opened at the reported
// port reads a scan, then B is unplugged while its source waits: device_gone, udev reports the
// removal, and A is untouched.
TEST_F(UsbHidUmockdev, ArrivalAndRemovalWhileAnotherScannerIsInUse) {
  plug(honeywell());
  auto a = make_source("1-1");
  start(*a);
  UsbUevents uevents;
  ASSERT_TRUE(uevents.ready());

  plug(honeywell(), kSecondDevice, kSecondNode);  // the testbed sends its "add" uevent
  auto added = uevents.next();
  ASSERT_TRUE(added);
  EXPECT_EQ(added->action, "add");
  EXPECT_EQ(added->sysname, "1-2");
  EXPECT_EQ(added->vendor, "0c2e");
  EXPECT_EQ(added->product, "0b8f");

  auto b = make_source(added->sysname);
  start(*b);
  scanner(1).queue_report(honeywell_report("]E0", "5901234123457", false));
  auto scan = next(*b);
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_EQ(scan->gtin14, "05901234123457");

  auto waiting = start_next(*b);
  ASSERT_TRUE(run_until([&] { return scanner(1).state().interrupt_in_flight; }));
  scanner(1).unplug();  // what usbfs does at a disconnect, before udev hears of it
  umockdev_testbed_uevent(bed_.get(), kSecondSyspath.c_str(), "remove");
  umockdev_testbed_remove_device(bed_.get(), kSecondSyspath.c_str());
  ASSERT_TRUE(run_until([&] { return waiting->result.has_value(); }));
  ASSERT_FALSE(*waiting->result);
  EXPECT_EQ(waiting->result->error().code, "device_gone");
  auto removed = uevents.next();
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->action, "remove");
  EXPECT_EQ(removed->sysname, "1-2");
  b->release();

  auto again = make_source("1-2");
  auto reopened = again->open();
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, "device_gone");

  scanner(0).queue_report(honeywell_report("]E4", "96385074", false));
  auto from_a = next(*a);
  ASSERT_TRUE(from_a) << from_a.error().message;
  EXPECT_EQ(from_a->symbology, Symbology::ean8);
}

// Unplugged while nobody waits: the next wait finds the device gone when it submits its URB.
TEST_F(UsbHidUmockdev, RemovedBetweenScans) {
  plug(honeywell());
  auto source = make_source();
  start(*source);
  scanner().unplug();
  umockdev_testbed_uevent(bed_.get(), "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1", "remove");
  umockdev_testbed_remove_device(bed_.get(), "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1");
  auto ev = next(*source);
  ASSERT_FALSE(ev);
  EXPECT_EQ(ev.error().code, "device_gone");
  EXPECT_EQ(scanner().state().interrupt_submits, 0);
}

}  // namespace
}  // namespace storeedge::scanner
