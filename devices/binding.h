// Which configured binding ([[devices.scanner]]) a device found on the box is. Pure.
#pragma once

#include <string_view>
#include <vector>

#include "core/config.h"
#include "devices/device_info.h"

namespace storeedge::devices {

// The subsystem whose nodes a transport opens: hidraw → hidraw, usb → usb, evdev → input,
// serial → tty.
std::string_view subsystem_of_transport(std::string_view transport);

// The first binding whose transport fits the device's subsystem and whose every set field
// (vid, pid, serial, port, path) matches; nullptr when none does. `resolved_path` maps a
// binding's path to the node it names (symlinks such as /dev/serial/by-id followed); the
// daemon passes realpath, tests pass the identity.
const ScannerBinding* find_binding(const DeviceInfo& info,
                                   const std::vector<ScannerBinding>& bindings,
                                   std::string (*resolved_path)(const std::string&));

// A binding with transport "usb" takes the whole USB device: its hidraw and input nodes are not
// opened beside it.
bool taken_by_usb_binding(const DeviceInfo& info, const std::vector<ScannerBinding>& bindings);

}  // namespace storeedge::devices
