// The MQTT link's reconnect schedule: full jitter over a window that grows with the time spent
// offline (100 ms at first, doubling as the time offline doubles, at most 30 s). Only a
// connection that stayed up starts it over. Pure (no clock, no I/O): the caller passes the
// times. Not thread-safe; the link uses it on the loop. docs/sync.md says why it is fleet-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace storeedge::sync {

struct BackoffPolicy {
  std::chrono::milliseconds first{100};      // the window while offline for less than this
  std::chrono::milliseconds cap{30'000};     // the window once offline for longer than this
  std::chrono::milliseconds stable{10'000};  // a connection up this long starts the schedule over
};

class ReconnectBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  ReconnectBackoff(BackoffPolicy policy, std::uint64_t seed);

  // The wait before the next attempt: uniform in [0, window(now)].
  std::chrono::milliseconds next_delay(Clock::time_point now);
  // The time offline so far, at least policy.first and at most policy.cap. "Offline" started
  // when the last connection that stayed up was lost (or at the first delay asked for).
  std::chrono::milliseconds window(Clock::time_point now) const;

  void connected(Clock::time_point at) { connected_at_ = at; }
  // The connection ended at `at`. A connection shorter than policy.stable does not start the
  // schedule over: a broker that accepts and drops at once, or two nodes taking the session from
  // each other, see the window keep growing instead of a retry every 100 ms.
  void lost(Clock::time_point at);

 private:
  BackoffPolicy policy_;
  std::mt19937_64 rng_;
  std::optional<Clock::time_point> offline_since_;
  std::optional<Clock::time_point> connected_at_;
};

}  // namespace storeedge::sync
