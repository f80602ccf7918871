// How the evdev and serial sources name an errno from open/ioctl/read: the device layer's error
// codes (devices/driver.h). Header-only; used by the I/O sources in storeedge_scanner_io.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.h"

namespace storeedge::scanner {

// ENOENT/ENODEV/ENXIO/EIO → "device_gone", EBUSY → "device_busy", anything else "device_io".
inline Error errno_error(int err, const std::string& what) {
  std::string message = what + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case EIO:
      return make_error("device_gone", std::move(message));
    case EBUSY:
      return make_error("device_busy", std::move(message));
    default:
      return make_error("device_io", std::move(message));
  }
}

}  // namespace storeedge::scanner
