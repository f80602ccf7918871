// Time as an injectable seam: the daemon reads the system clock, tests drive a simulated one.
// Both clocks are safe to read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace storeedge {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SystemTime now() const override { return std::chrono::system_clock::now(); }
};

// Starts at a fixed instant and only moves when a test advances it.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(SystemTime start = SystemTime{std::chrono::seconds{1'795'000'000}})
      : now_ns_(start.time_since_epoch().count()) {}
  SystemTime now() const override { return SystemTime{SystemTime::duration{now_ns_.load()}}; }
  void advance(std::chrono::nanoseconds d) {
    now_ns_ += std::chrono::duration_cast<SystemTime::duration>(d).count();
  }

 private:
  std::atomic<SystemTime::rep> now_ns_;
};

// RFC 3339 UTC with milliseconds, the form used on every wire and in the database.
std::string format_rfc3339(SystemTime t);
// "YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)" → the instant; nullopt when malformed.
std::optional<SystemTime> parse_rfc3339(std::string_view text);

}  // namespace storeedge
