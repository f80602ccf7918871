#include "devices/device_info.h"

#include <cstdio>

namespace storeedge::devices {

std::string vid_pid(const DeviceInfo& info) {
  if (!info.vid || !info.pid) return "";
  char buf[10];
  std::snprintf(buf, sizeof buf, "%04x:%04x", *info.vid, *info.pid);
  return buf;
}

std::string device_key(const DeviceInfo& info) {
  if (!info.vid) return info.subsystem + " " + info.devnode;
  std::string key = info.subsystem + " " + vid_pid(info);
  if (!info.serial.empty()) key += " " + info.serial;
  if (!info.port.empty()) key += " @" + info.port;
  if (info.interface >= 0) key += " if" + std::to_string(info.interface);
  return key;
}

}  // namespace storeedge::devices
