// Human durations in configuration: "250ms", "30s", "5m", "2h", "7d".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace storeedge {

using Duration = std::chrono::milliseconds;

// Returns nothing for anything but a non-negative integer followed by one unit.
std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration d);

}  // namespace storeedge
