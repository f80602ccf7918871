#include "auth/signin_limiter.h"

namespace storeedge::auth {

std::int64_t SigninLimiter::locked_for(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  auto now = clock_.now();
  if (it->second.locked_until <= now) return 0;
  return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now).count();
}

void SigninLimiter::record_failure(const std::string& key) {
  auto now = clock_.now();
  if (entries_.size() >= kMaxKeys && !entries_.contains(key)) prune(now);
  if (entries_.size() >= kMaxKeys) entries_.erase(entries_.begin());
  Entry& e = entries_[key];
  while (!e.failures.empty() && e.failures.front() <= now - window_) e.failures.pop_front();
  e.failures.push_back(now);
  if (e.failures.size() >= max_failures_) {
    e.locked_until = now + window_;
    e.failures.clear();
  }
}

void SigninLimiter::prune(SystemTime now) {
  std::erase_if(entries_, [&](const auto& kv) {
    const Entry& e = kv.second;
    return e.locked_until <= now && (e.failures.empty() || e.failures.back() <= now - window_);
  });
}

}  // namespace storeedge::auth
