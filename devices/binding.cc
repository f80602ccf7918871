#include "devices/binding.h"

namespace storeedge::devices {

std::string_view subsystem_of_transport(std::string_view transport) {
  if (transport == "hidraw") return "hidraw";
  if (transport == "usb") return "usb";
  if (transport == "evdev") return "input";
  if (transport == "serial") return "tty";
  return "";
}

namespace {

bool usb_fields_match(const DeviceInfo& info, const ScannerBinding& b) {
  if (b.vid && info.vid != b.vid) return false;
  if (b.pid && info.pid != b.pid) return false;
  if (!b.serial.empty() && info.serial != b.serial) return false;
  if (!b.port.empty() && info.port != b.port) return false;
  return true;
}

}  // namespace

const ScannerBinding* find_binding(const DeviceInfo& info,
                                   const std::vector<ScannerBinding>& bindings,
                                   std::string (*resolved_path)(const std::string&)) {
  for (const auto& b : bindings) {
    if (subsystem_of_transport(b.transport) != info.subsystem) continue;
    if (!usb_fields_match(info, b)) continue;
    if (!b.path.empty() && b.path != info.devnode && resolved_path(b.path) != info.devnode)
      continue;
    return &b;
  }
  return nullptr;
}

bool taken_by_usb_binding(const DeviceInfo& info, const std::vector<ScannerBinding>& bindings) {
  if (!info.vid || info.subsystem == "usb") return false;
  for (const auto& b : bindings)
    if (b.transport == "usb" && usb_fields_match(info, b)) return true;
  return false;
}

}  // namespace storeedge::devices
