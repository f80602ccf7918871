// UdevDiscovery through the real libudev on an emulated sysfs and udev (an in-process umockdev
// testbed): what is present at start and how each node is described, arrivals and removals by
// uevent, and the nodes the device layer skips.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "devices/udev_discovery.h"
#include "support/hid_pos_fixtures.h"
#include "umockdev/umockdev_fixture.h"

namespace storeedge::devices {
namespace {

using namespace std::chrono_literals;

const std::string kDevices = STOREEDGE_TEST_DEVICES;
const std::string kUsb = "/sys/devices/pci0000:00/0000:00:14.0/usb1";
const std::string kHidraw = kUsb + "/1-1/1-1:1.0/0003:0C2E:0B8F.0001/hidraw/hidraw0";
const std::string kWedge = kUsb + "/1-2/1-2:1.0/0003:05E0:1200.0003/input/input12/event7";
const std::string kAcm = kUsb + "/1-3/1-3:1.0/tty/ttyACM0";

class UdevDiscoveryUmockdev : public ::testing::Test {
 protected:
  void load(const std::string& file) { bed_.add_from_file(kDevices + "/" + file); }

  void start() {
    discovery_ = std::make_unique<UdevDiscovery>(
        io_.get_executor(),
        UdevDiscovery::Events{[this](DeviceInfo info) { added_.push_back(std::move(info)); },
                              [this](std::string sys) { removed_.push_back(std::move(sys)); }});
    auto started = discovery_->start();
    ASSERT_TRUE(started) << started.error().message;
  }

  // Runs the loop until `done`; false after 5 s (a guard against a hang: every wait here ends
  // on the event it waits for).
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.restart();
      io_.run_one_for(50ms);
    }
    return true;
  }

  const DeviceInfo* added(const std::string& syspath) const {
    for (const auto& info : added_)
      if (info.syspath == syspath) return &info;
    return nullptr;
  }

  void uevent(const std::string& syspath, const char* action) {
    umockdev_testbed_uevent(bed_.get(), syspath.c_str(), action);
  }

  testing::Testbed bed_;
  boost::asio::io_context io_;
  std::vector<DeviceInfo> added_;
  std::vector<std::string> removed_;
  std::unique_ptr<UdevDiscovery> discovery_;
};

void expect_honeywell_hidraw(const DeviceInfo& d) {
  EXPECT_EQ(d.subsystem, "hidraw");
  EXPECT_EQ(d.devnode, "/dev/hidraw0");
  EXPECT_EQ(d.syspath, kHidraw);
  EXPECT_EQ(d.vid, 0x0c2e);
  EXPECT_EQ(d.pid, 0x0b8f);
  EXPECT_EQ(d.serial, "21111");
  EXPECT_EQ(d.port, "1-1");
  EXPECT_EQ(d.busnum, 1);
  EXPECT_EQ(d.devnum, 2);
  EXPECT_EQ(d.interface, 0);
  EXPECT_EQ(d.product, "Honeywell Imaging & Mobility 1900");
  EXPECT_FALSE(d.keyboard);
  const auto& want = testing::kHoneywellHidPosDescriptor;
  EXPECT_EQ(d.report_descriptor, std::string(want.begin(), want.end()));
  EXPECT_EQ(device_key(d), "hidraw 0c2e:0b8f 21111 @1-1 if0");
}

TEST_F(UdevDiscoveryUmockdev, DevicesPresentAtStartAreDescribed) {
  load("honeywell-hidpos-hidraw.umockdev");
  load("wedge_scanner.umockdev");
  load("power_button.umockdev");
  load("datalogic-cdc-acm-tty.umockdev");
  start();

  // Enumeration is part of start(): everything present is reported before it returns.
  const DeviceInfo* hidraw = added(kHidraw);
  ASSERT_NE(hidraw, nullptr);
  expect_honeywell_hidraw(*hidraw);

  const DeviceInfo* wedge = added(kWedge);
  ASSERT_NE(wedge, nullptr);
  EXPECT_EQ(wedge->subsystem, "input");
  EXPECT_EQ(wedge->devnode, "/dev/input/event7");
  EXPECT_TRUE(wedge->keyboard);
  EXPECT_EQ(vid_pid(*wedge), "05e0:1200");
  EXPECT_EQ(wedge->serial, "S-0001");
  EXPECT_EQ(wedge->port, "1-2");
  EXPECT_EQ(wedge->interface, 0);
  EXPECT_TRUE(wedge->report_descriptor.empty());

  // The power button is an event node too, but no keyboard and on no USB device.
  const DeviceInfo* button = added("/sys/devices/LNXSYSTM:00/LNXPWRBN:00/input/input2/event2");
  ASSERT_NE(button, nullptr);
  EXPECT_FALSE(button->keyboard);
  EXPECT_FALSE(button->vid.has_value());
  EXPECT_EQ(button->port, "");
  EXPECT_EQ(button->interface, -1);
  EXPECT_EQ(device_key(*button), "input /dev/input/event2");

  const DeviceInfo* acm = added(kAcm);
  ASSERT_NE(acm, nullptr);
  EXPECT_EQ(acm->subsystem, "tty");
  EXPECT_EQ(acm->devnode, "/dev/ttyACM0");
  EXPECT_EQ(vid_pid(*acm), "05f9:4204");
  EXPECT_EQ(acm->serial, "G21K04321");
  EXPECT_EQ(acm->port, "1-3");
  EXPECT_EQ(acm->interface, 0);
  EXPECT_EQ(acm->product, "Datalogic ADC, Inc. Gryphon GD4500");

  // The Honeywell's USB device has a usbfs node (for a libusb binding) and is reported as such.
  const DeviceInfo* usb = added(kUsb + "/1-1");
  ASSERT_NE(usb, nullptr);
  EXPECT_EQ(usb->subsystem, "usb");
  EXPECT_EQ(usb->devnode, "/dev/bus/usb/001/002");
  EXPECT_EQ(vid_pid(*usb), "0c2e:0b8f");
  EXPECT_EQ(usb->port, "1-1");
  EXPECT_EQ(usb->interface, -1);

  // Nothing else: not the USB interfaces, the input devices behind the event nodes, the HID
  // device, the USB devices without a node, nor the virtual console tty.
  std::vector<std::string> reported;
  for (const auto& info : added_) reported.push_back(info.syspath);
  std::sort(reported.begin(), reported.end());
  std::vector<std::string> expected = {kHidraw, kUsb + "/1-1", kWedge, kAcm,
                                       "/sys/devices/LNXSYSTM:00/LNXPWRBN:00/input/input2/event2"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(reported, expected);
  EXPECT_TRUE(removed_.empty());
}

TEST_F(UdevDiscoveryUmockdev, ArrivalAndRemovalAfterStart) {
  load("power_button.umockdev");
  start();
  ASSERT_EQ(added_.size(), 1u);

  // The scanner is plugged in: the testbed creates its devices, parents first, and sends an
  // "add" uevent for each.
  load("honeywell-hidpos-hidraw.umockdev");
  ASSERT_TRUE(run_until([&] { return added(kHidraw) != nullptr; }));
  expect_honeywell_hidraw(*added(kHidraw));
  ASSERT_NE(added(kUsb + "/1-1"), nullptr);
  EXPECT_EQ(added_.size(), 3u);  // the power button, the USB device and the hidraw node

  // Unplugged: udev announces the removal of each node, innermost first. (The testbed builds
  // a uevent from the device's sysfs directory, so the events go before the directory.)
  uevent(kHidraw, "remove");
  uevent(kUsb + "/1-1/1-1:1.0", "remove");
  uevent(kUsb + "/1-1", "remove");
  umockdev_testbed_remove_device(bed_.get(), (kUsb + "/1-1").c_str());
  ASSERT_TRUE(run_until([&] { return removed_.size() == 3; }));
  EXPECT_EQ(removed_[0], kHidraw);
  EXPECT_EQ(removed_[2], kUsb + "/1-1");
  EXPECT_EQ(added_.size(), 3u);
}

TEST_F(UdevDiscoveryUmockdev, AWedgeAndASerialScannerPluggedInAfterStart) {
  start();
  EXPECT_TRUE(added_.empty());
  load("wedge_scanner.umockdev");
  load("datalogic-cdc-acm-tty.umockdev");
  ASSERT_TRUE(run_until([&] { return added(kWedge) && added(kAcm); }));
  EXPECT_EQ(added_.size(), 2u);
  EXPECT_TRUE(added(kWedge)->keyboard);
  EXPECT_EQ(added(kWedge)->port, "1-2");
  EXPECT_EQ(vid_pid(*added(kAcm)), "05f9:4204");
  EXPECT_EQ(added(kAcm)->serial, "G21K04321");
}

}  // namespace
}  // namespace storeedge::devices
