// The systemd service-manager protocol: READY/STATUS/STOPPING/RELOADING notifications on
// $NOTIFY_SOCKET and the watchdog interval from $WATCHDOG_USEC. Outside systemd (no socket
// set) every call is a no-op. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace storeedge::systemd {

void notify(std::string_view state);  // e.g. "READY=1\nSTATUS=serving"
// The watchdog interval when systemd asks this process for pings.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace storeedge::systemd
