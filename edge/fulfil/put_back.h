// Goods going back to the shelf: pickups not collected within the store's pickup_hold_days
// (allocation.expired), and the put-back work that expiry, cancellations (contract §6) and
// partial handovers leave. Staff scan each item, then the bin it goes into; every unit put
// back is an inventory.adjusted with reason put_back. Runs inside the caller's transaction.
#pragma once

#include "fulfil/work.h"

namespace storeedge::fulfil {

// The store's hold in days (store.config pickup_hold_days; 7 when the OMS sent none).
[[nodiscard]] Result<std::int64_t> pickup_hold_days(Connection& db);

struct ExpiredPickup {
  std::string id, order, kind, customer_name, ready_at, hold_until, staging_location;
  std::int64_t units = 0;
};
// Ready pickups whose hold ended before `now`, oldest first.
[[nodiscard]] Result<std::vector<ExpiredPickup>> expired_pickups(Connection& db,
                                                                 std::string_view now,
                                                                 std::int64_t limit,
                                                                 std::int64_t offset);

// ready (past its hold) → expired: reports allocation.expired and turns every held unit into
// put-back work. Errors: not_expired, illegal_state.
[[nodiscard]] Result<Allocation> expire(Connection& db, const std::string& id, std::string_view at);

struct PutBackTask {
  std::int64_t id = 0;
  std::string allocation, sku, description, reason, location;  // location: the SKU's home bin
  std::int64_t qty = 0, done = 0;
};
// Put-back work not yet done, oldest first.
[[nodiscard]] Result<std::vector<PutBackTask>> open_put_backs(Connection& db, std::int64_t limit,
                                                              std::int64_t offset);

// Puts `qty` units of the task's item back at `location` (the scanned bin).
// Errors: wrong_item, too_many, already_done, not_found.
[[nodiscard]] Result<PutBackTask> put_back(Connection& db, std::int64_t task_id,
                                           const std::string& code, const std::string& location,
                                           std::int64_t qty, std::string_view at);

}  // namespace storeedge::fulfil
