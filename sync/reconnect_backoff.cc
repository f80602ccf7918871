#include "sync/reconnect_backoff.h"

#include <algorithm>

namespace storeedge::sync {

ReconnectBackoff::ReconnectBackoff(BackoffPolicy policy, std::uint64_t seed)
    : policy_(policy), rng_(seed) {}

std::chrono::milliseconds ReconnectBackoff::window(Clock::time_point now) const {
  const auto offline =
      offline_since_ ? std::chrono::duration_cast<std::chrono::milliseconds>(now - *offline_since_)
                     : std::chrono::milliseconds(0);
  return std::clamp(offline, policy_.first, std::max(policy_.first, policy_.cap));
}

std::chrono::milliseconds ReconnectBackoff::next_delay(Clock::time_point now) {
  if (!offline_since_) offline_since_ = now;
  std::uniform_int_distribution<std::int64_t> jitter(0, window(now).count());
  return std::chrono::milliseconds(jitter(rng_));
}

void ReconnectBackoff::lost(Clock::time_point at) {
  if (!offline_since_ || (connected_at_ && at - *connected_at_ >= policy_.stable))
    offline_since_ = at;
  connected_at_.reset();
}

}  // namespace storeedge::sync
