#include "core/systemd.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace storeedge::systemd {

void notify(std::string_view state) {
  const std::string s(state);
  sd_notify(0, s.c_str());  // best effort: nothing useful to do if the manager is gone
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace storeedge::systemd
