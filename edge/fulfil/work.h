// An allocation as the floor works it, and the first decisions on it: accept, or reject lines
// (the OMS reallocates those units). Every function runs inside the caller's transaction and
// writes its facts to the outbox there; a domain error changes nothing (the caller rolls back).
//
// Quantities of a line: qty (ordered) = needed + cancelled (by the OMS) + rejected (by the
// store); needed = picked + still to pick; handed = given to the customer or shipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::fulfil {

using store::Connection;

// Who acts: the signed-in associate on a device.
struct Actor {
  std::string user_id;
  std::optional<std::string> device_id;
};

struct Line {
  std::string line, sku, description;
  std::vector<std::string> gtins;  // as the OMS sent them
  std::int64_t qty = 0, picked = 0, cancelled = 0, rejected = 0, handed = 0;
  std::optional<std::string> substitute_sku;
  std::string location;  // the bin to pick from
  std::int64_t needed() const { return qty - cancelled - rejected; }
  std::int64_t to_pick() const { return needed() - picked; }
};

struct Allocation {
  std::string id, order, kind, state;
  bool substitutions_allowed = false;
  std::string customer;  // the contract's customer object, as JSON text
  std::vector<Line> lines;
  std::int64_t picked_units() const;
  std::int64_t units_to_pick() const;
};

// States in which the floor still works on an allocation.
bool is_open_state(std::string_view state);
bool is_pickable_state(std::string_view state);  // open, accepted, picking

// Domain errors: "not_found", "allocation_cancelled", "illegal_state", "invalid_request", ...
Error domain_error(std::string code, std::string message);

[[nodiscard]] Result<Allocation> load_allocation(Connection& db, const std::string& id);

// open → accepted (allocation.accepted). Accepting again is a no-op.
[[nodiscard]] Result<Allocation> accept(Connection& db, const std::string& id, const Actor& who,
                                        std::string_view at);

struct Rejection {
  std::string line;
  std::int64_t qty = 0;
  std::string reason;  // not_found, damaged, mismatch, other
};
// Rejects units not yet picked (allocation.rejected). not_found zeroes the SKU's on-hand at its
// bin pending a count; damaged moves the units to damaged stock. An allocation with nothing
// left becomes "rejected".
[[nodiscard]] Result<Allocation> reject(Connection& db, const std::string& id,
                                        const std::vector<Rejection>& lines, const Actor& who,
                                        std::string_view at);
bool valid_reject_reason(std::string_view reason);

}  // namespace storeedge::fulfil
