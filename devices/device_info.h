// What the device layer knows of a device node found on the box: its subsystem and node, and
// the USB device it belongs to (VID:PID, serial number, port path). Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace storeedge::devices {

struct DeviceInfo {
  std::string subsystem;  // hidraw | input | tty | usb
  std::string devnode;    // /dev/hidraw0, /dev/input/event3, /dev/ttyACM0, /dev/bus/usb/001/004
  std::string syspath;    // the kernel's name for it; removal events carry only this
  std::optional<std::uint16_t> vid, pid;  // of the USB device the node belongs to
  std::string serial;                     // its USB serial number
  std::string port;                       // its USB port path, e.g. "1-1.2"
  std::uint8_t busnum = 0, devnum = 0;    // its USB bus and address
  int interface = -1;                     // the USB interface of the node, -1 if none
  std::string product;                    // manufacturer and product strings, for people
  std::string report_descriptor;          // hidraw: the HID report descriptor's bytes
  bool keyboard = false;                  // input: udev calls it a keyboard
};

// The registry's key: subsystem, VID:PID, serial, port path and interface for a USB device;
// subsystem and node for anything else (a built-in serial port). Stable across replugs into
// the same port.
std::string device_key(const DeviceInfo& info);

// "0c2e:0b61", or "" without a USB parent.
std::string vid_pid(const DeviceInfo& info);

}  // namespace storeedge::devices
