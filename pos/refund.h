// How a refund is split over the order's tenders (docs/returns.md, "Refund"): the tender
// charged last is refunded first (the order lists tenders as they were charged; a split
// payment usually spends the gift card or store credit first and charges the card for the
// rest, so a partial return goes back to the card). Successive returns of one order continue
// where the earlier ones stopped, so together they never refund a tender more than it paid.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pos/order_document.h"

namespace storeedge::pos {

struct TenderShare {
  std::string tender, method, last4;
  std::int64_t amount = 0;
};

// Splits `amount` after `already` of the order was refunded the same way. The result has only
// tenders with a share; a part beyond what the tenders paid is not allocated (the caller sees
// the shares sum to less than `amount`).
std::vector<TenderShare> split_refund(const std::vector<Tender>& tenders, std::int64_t already,
                                      std::int64_t amount);

}  // namespace storeedge::pos
