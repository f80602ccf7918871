#include "pos/refund.h"

#include <algorithm>

namespace storeedge::pos {

std::vector<TenderShare> split_refund(const std::vector<Tender>& tenders, std::int64_t already,
                                      std::int64_t amount) {
  std::vector<TenderShare> out;
  std::int64_t skip = std::max<std::int64_t>(already, 0);
  std::int64_t left = std::max<std::int64_t>(amount, 0);
  for (auto it = tenders.rbegin(); it != tenders.rend() && left > 0; ++it) {
    std::int64_t room = it->amount;
    const std::int64_t used = std::min(room, skip);
    skip -= used;
    room -= used;
    const std::int64_t share = std::min(room, left);
    if (share <= 0) continue;
    out.push_back({it->tender, it->method, it->last4, share});
    left -= share;
  }
  return out;
}

}  // namespace storeedge::pos
