#include "devices/udev_discovery.h"

#include <fcntl.h>
#include <libudev.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>

#include "core/log.h"

namespace storeedge::devices {

namespace {

constexpr const char* kSubsystems[] = {"hidraw", "input", "tty", "usb"};

std::string attr(udev_device* dev, const char* name) {
  const char* v = dev ? udev_device_get_sysattr_value(dev, name) : nullptr;
  return v ? v : "";
}

std::optional<std::uint16_t> hex16(const std::string& text) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (ec != std::errc{} || text.empty() || v > 0xFFFF) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The report descriptor the kernel exposes for a HID device, read from sysfs (small: HID
// descriptors are at most 4 KiB by the kernel's own limit; more is not read).
std::string report_descriptor(udev_device* hidraw) {
  udev_device* hid = udev_device_get_parent_with_subsystem_devtype(hidraw, "hid", nullptr);
  if (!hid) return "";
  const char* sys = udev_device_get_syspath(hid);
  if (!sys) return "";
  std::ifstream in(std::string(sys) + "/report_descriptor", std::ios::binary);
  std::string bytes(4096, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

}  // namespace

std::optional<DeviceInfo> describe_udev_device(udev_device* dev) {
  const char* subsystem = udev_device_get_subsystem(dev);
  const char* devnode = udev_device_get_devnode(dev);
  const char* syspath = udev_device_get_syspath(dev);
  if (!subsystem || !devnode || !syspath) return std::nullopt;
  DeviceInfo info;
  info.subsystem = subsystem;
  info.devnode = devnode;
  info.syspath = syspath;
  const std::string sysname = udev_device_get_sysname(dev) ? udev_device_get_sysname(dev) : "";
  udev_device* usb = nullptr;
  if (info.subsystem == "usb") {
    const char* type = udev_device_get_devtype(dev);
    if (!type || std::string_view(type) != "usb_device") return std::nullopt;
    usb = dev;
  } else {
    if (info.subsystem == "input") {
      if (sysname.rfind("event", 0) != 0) return std::nullopt;
      const char* kb = udev_device_get_property_value(dev, "ID_INPUT_KEYBOARD");
      info.keyboard = kb && std::string_view(kb) == "1";
    }
    if (info.subsystem == "tty" && !udev_device_get_parent(dev)) return std::nullopt;  // virtual
    if (info.subsystem != "hidraw" && info.subsystem != "input" && info.subsystem != "tty")
      return std::nullopt;
    usb = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
    if (udev_device* iface =
            udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_interface")) {
      if (auto n = hex16(trimmed(attr(iface, "bInterfaceNumber")))) info.interface = *n;
    }
    if (info.subsystem == "hidraw") info.report_descriptor = report_descriptor(dev);
  }
  if (usb) {
    info.vid = hex16(trimmed(attr(usb, "idVendor")));
    info.pid = hex16(trimmed(attr(usb, "idProduct")));
    info.serial = trimmed(attr(usb, "serial"));
    info.port = udev_device_get_sysname(usb) ? udev_device_get_sysname(usb) : "";
    int bus = 0, address = 0;
    const std::string b = trimmed(attr(usb, "busnum")), a = trimmed(attr(usb, "devnum"));
    std::from_chars(b.data(), b.data() + b.size(), bus);
    std::from_chars(a.data(), a.data() + a.size(), address);
    info.busnum = static_cast<std::uint8_t>(bus);
    info.devnum = static_cast<std::uint8_t>(address);
    info.product =
        trimmed(trimmed(attr(usb, "manufacturer")) + " " + trimmed(attr(usb, "product")));
  }
  return info;
}

UdevDiscovery::UdevDiscovery(boost::asio::any_io_executor ex, Events events)
    : events_(std::move(events)), socket_(ex) {}

UdevDiscovery::~UdevDiscovery() {
  stop();
}

Result<void> UdevDiscovery::start() {
  udev_ = udev_new();
  if (!udev_) return make_error("udev_unavailable", "cannot create a udev context");
  monitor_ = udev_monitor_new_from_netlink(udev_, "udev");
  if (!monitor_) return make_error("udev_unavailable", "cannot open the udev monitor");
  for (const char* s : kSubsystems)
    udev_monitor_filter_add_match_subsystem_devtype(monitor_, s, nullptr);
  if (udev_monitor_enable_receiving(monitor_) < 0)
    return make_error("udev_unavailable", "cannot receive udev events");
  // The loop owns a duplicate of the monitor's socket (libudev closes its own); close-on-exec
  // like the original, so no child process inherits it.
  const int fd = ::fcntl(udev_monitor_get_fd(monitor_), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return make_error("udev_unavailable", "cannot duplicate the udev monitor socket");
  boost::system::error_code ec;
  socket_.assign(fd, ec);
  if (ec) {
    ::close(fd);
    return make_error("udev_unavailable", "udev monitor socket: " + ec.message());
  }
  hotplug_ = ::access("/run/udev/control", F_OK) == 0;  // the test libudev makes, too
  wait_for_events();

  udev_enumerate* en = udev_enumerate_new(udev_);
  for (const char* s : kSubsystems) udev_enumerate_add_match_subsystem(en, s);
  udev_enumerate_scan_devices(en);
  udev_list_entry* entry = nullptr;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en)) {
    udev_device* dev = udev_device_new_from_syspath(udev_, udev_list_entry_get_name(entry));
    if (!dev) continue;
    if (auto info = describe_udev_device(dev)) events_.added(std::move(*info));
    udev_device_unref(dev);
  }
  udev_enumerate_unref(en);
  return {};
}

void UdevDiscovery::stop() {
  boost::system::error_code ec;
  socket_.close(ec);
  if (monitor_) udev_monitor_unref(monitor_);
  monitor_ = nullptr;
  if (udev_) udev_unref(udev_);
  udev_ = nullptr;
}

void UdevDiscovery::wait_for_events() {
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this](boost::system::error_code ec) {
                       if (ec) return;
                       on_readable();
                       wait_for_events();
                     });
}

void UdevDiscovery::on_readable() {
  // The monitor socket is non-blocking: receive until it is empty.
  while (udev_device* dev = udev_monitor_receive_device(monitor_)) {
    const char* action = udev_device_get_action(dev);
    const std::string_view what = action ? action : "";
    if (what == "remove") {
      if (const char* sys = udev_device_get_syspath(dev)) events_.removed(sys);
    } else if (what == "add" || what == "change" || what == "bind") {
      if (auto info = describe_udev_device(dev)) events_.added(std::move(*info));
    }
    udev_device_unref(dev);
  }
}

}  // namespace storeedge::devices
