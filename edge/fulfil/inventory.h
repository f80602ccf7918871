// Stock per SKU and bin. Every change of on-hand stock is one inventory.adjusted fact in the
// outbox, written in the caller's transaction (contract §5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::fulfil {

using store::Connection;

struct StockMove {
  std::string sku;
  std::string location;
  std::int64_t delta = 0;
  std::string reason;              // pick, pick_undo, put_back, damaged, not_found, count, ...
  std::optional<std::string> ref;  // the allocation, count or return that caused it
};

// Moves on-hand stock (it may go below zero: the shelf had more than the books) and reports it.
[[nodiscard]] Result<void> adjust_stock(Connection& db, const StockMove& move, std::string_view at);
// Moves `qty` units from sellable to damaged stock at the bin; reported as reason "damaged".
[[nodiscard]] Result<void> mark_damaged(Connection& db, const std::string& sku,
                                        const std::string& location, std::int64_t qty,
                                        const std::optional<std::string>& ref, std::string_view at);
// `qty` damaged units come into the store (a damaged customer return): damaged stock at the bin
// grows, on-hand does not, so nothing is reported (inventory.adjusted is on-hand only).
[[nodiscard]] Result<void> receive_damaged(Connection& db, const std::string& sku,
                                           const std::string& location, std::int64_t qty,
                                           std::string_view at);
// The shelf was empty: on-hand at the bin becomes zero and a count is due; reported as
// reason "not_found" with the change (when there was any).
[[nodiscard]] Result<void> zero_pending_count(Connection& db, const std::string& sku,
                                              const std::string& location,
                                              const std::optional<std::string>& ref,
                                              std::string_view at);
// The bin a SKU is picked from: the catalog's location, or "UNASSIGNED".
[[nodiscard]] Result<std::string> home_location(Connection& db, const std::string& sku);

struct BinStock {
  std::string sku, description, location;
  std::int64_t on_hand = 0, damaged = 0;
  bool count_due = false;
};

// A SKU's stock: on-hand over all bins, reserved (units of allocations not yet picked) and
// available = on-hand − reserved.
struct ItemStock {
  std::string sku, description;
  std::int64_t on_hand = 0, damaged = 0, reserved = 0, available = 0;
  std::vector<BinStock> locations;
};
[[nodiscard]] Result<ItemStock> item_stock(Connection& db, const std::string& sku);

// Stock rows by SKU and bin, optionally of one SKU or one bin, in (sku, location) order.
[[nodiscard]] Result<std::vector<BinStock>> list_stock(Connection& db,
                                                       const std::optional<std::string>& sku,
                                                       const std::optional<std::string>& location,
                                                       std::int64_t limit, std::int64_t offset);

}  // namespace storeedge::fulfil
