// Rate limit for failed sign-ins and manager overrides: after max_failures failures within the
// lockout window, a key (a user id or a device id) is locked out for the window. In memory and
// loop-thread only: a restart forgets the counts. Each failed attempt is audited (group-committed);
// attempts refused while locked out are not, so a flood of wrong PINs stays a trickle of writes.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace storeedge::auth {

class SigninLimiter {
 public:
  SigninLimiter(const Clock& clock, std::uint32_t max_failures, std::chrono::milliseconds window)
      : clock_(clock), max_failures_(max_failures), window_(window) {}

  void configure(std::uint32_t max_failures, std::chrono::milliseconds window) {
    max_failures_ = max_failures;
    window_ = window;
  }
  // Seconds until `key` may try again; 0 when it may try now.
  std::int64_t locked_for(const std::string& key);
  void record_failure(const std::string& key);
  void record_success(const std::string& key) { entries_.erase(key); }

 private:
  struct Entry {
    std::deque<SystemTime> failures;
    SystemTime locked_until{};
  };
  void prune(SystemTime now);

  const Clock& clock_;
  std::uint32_t max_failures_;
  std::chrono::milliseconds window_;
  std::unordered_map<std::string, Entry> entries_;
  static constexpr size_t kMaxKeys = 10'000;  // bounds memory under a spray of random user ids
};

}  // namespace storeedge::auth
