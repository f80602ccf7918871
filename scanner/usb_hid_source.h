// A HID POS scanner through libusb: the ScanSource for a scanner the kernel's HID driver does not
// serve (or should not: auto-detach), reading its interrupt IN endpoint itself.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/hid_pos.h"
#include "scanner/source.h"

namespace storeedge::scanner {

struct UsbPortPath {
  std::uint8_t bus = 0;
  std::vector<std::uint8_t> ports;  // from the root hub down, at most 7
  bool operator==(const UsbPortPath&) const = default;
};

// "1-1.2" (the sysfs name: bus 1, root port 1, hub port 2). Errors: "bad_port_path".
[[nodiscard]] Result<UsbPortPath> parse_usb_port_path(std::string_view text);

struct UsbHidOptions {
  // Which device: a port path, or a bus number and address.
  std::optional<UsbPortPath> port_path;
  std::uint8_t bus = 0;
  std::optional<std::uint8_t> address;
  // Checked when set: another device at that place is "device_gone".
  std::optional<std::uint16_t> vendor_id;
  std::optional<std::uint16_t> product_id;
  // The HID interface; unset: the first whose report descriptor has a usage page 0x8C collection.
  std::optional<int> interface_number;
  // Detach the kernel's driver (usbhid) while claimed and re-attach it on release.
  bool auto_detach = true;
  std::chrono::milliseconds control_timeout{1000};  // GET_DESCRIPTOR, SET_REPORT
  std::chrono::milliseconds cancel_timeout{1000};   // release(): wait for a cancelled transfer
  HidPosOptions hid_pos;
};

// All calls on `ex`. One libusb context per source with one event thread, started by claim() and
// joined by release(); transfer completions are posted to `ex`. Back-pressure: one interrupt IN
// transfer is submitted only while next_event() waits, so no report is buffered here (the device
// holds it until the host polls). open() reads the report descriptor with a control transfer
// under a short claim of the interface (blocking the loop for at most control_timeout).
// Errors per devices/driver.h; LIBUSB_ERROR_NO_DEVICE and LIBUSB_TRANSFER_NO_DEVICE are
// "device_gone", LIBUSB_ERROR_BUSY "device_busy".
std::unique_ptr<ScanSource> make_usb_hid_source(boost::asio::any_io_executor ex,
                                                UsbHidOptions options);

}  // namespace storeedge::scanner
