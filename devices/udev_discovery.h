// Finds scanner-capable device nodes through udev: at start it enumerates hidraw, input event,
// tty and USB devices, then follows the udev monitor for arrivals and removals. Each node is
// described as a DeviceInfo with the USB device it belongs to. Loop thread only; the monitor's
// socket is read through the loop.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "devices/device_info.h"

struct udev;
struct udev_monitor;
struct udev_device;

namespace storeedge::devices {

class UdevDiscovery {
 public:
  struct Events {
    std::function<void(DeviceInfo)> added;
    std::function<void(std::string syspath)> removed;
  };

  UdevDiscovery(boost::asio::any_io_executor ex, Events events);
  ~UdevDiscovery();
  UdevDiscovery(const UdevDiscovery&) = delete;
  UdevDiscovery& operator=(const UdevDiscovery&) = delete;

  // Starts the monitor, then reports every device present (so none is missed between the two;
  // one seen twice is the registry's duplicate to ignore). Errors: "udev_unavailable".
  [[nodiscard]] Result<void> start();
  void stop();

  // After start(): whether arrivals and removals will be heard. libudev's monitor hears nothing
  // when udev's daemon is not running (no /run/udev/control: a container); the devices present
  // at start are still reported.
  bool hotplug() const { return hotplug_; }

 private:
  void wait_for_events();
  void on_readable();

  Events events_;
  struct udev* udev_ = nullptr;
  struct udev_monitor* monitor_ = nullptr;
  boost::asio::posix::stream_descriptor socket_;
  bool hotplug_ = false;
};

// The DeviceInfo of a udev device node; nullopt for nodes the device layer does not use (input
// devices other than event nodes, ttys without a device behind them, USB interfaces).
std::optional<DeviceInfo> describe_udev_device(struct udev_device* dev);

}  // namespace storeedge::devices
