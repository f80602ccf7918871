// Picking by scan: each pick is one transaction with its inventory.adjusted fact; undo reverses
// a pick; completing the pick reports allocation.picked (and rejects units not found, which is
// how a short pick is told to the OMS). Runs inside the caller's transaction.
#pragma once

#include "fulfil/work.h"

namespace storeedge::fulfil {

struct PickOutcome {
  std::int64_t pick_id = 0;
  std::string line, sku, location;
  std::int64_t qty = 0;
  std::int64_t line_picked = 0, line_needed = 0;
  std::int64_t units_to_pick = 0;  // left on the whole allocation
  bool substitute = false;
  std::string allocation;
};

// Picks `qty` units of the item the code names (GTIN in any form, SKU, GS1 string) onto the
// first line of the allocation that still needs it. An open allocation is accepted first.
// Errors: wrong_item (the item is not on this allocation; nothing recorded), already_picked,
// too_many, allocation_cancelled, illegal_state, invalid_barcode.
[[nodiscard]] Result<PickOutcome> pick(Connection& db, const std::string& id,
                                       const std::string& code, std::int64_t qty, const Actor& who,
                                       std::string_view at);

// Picks a substitute for `line` (the allocation must allow substitutions): the code names a
// catalog item other than the line's; it is recorded on the line and counts as picked.
[[nodiscard]] Result<PickOutcome> substitute(Connection& db, const std::string& id,
                                             const std::string& line, const std::string& code,
                                             std::int64_t qty, const Actor& who,
                                             std::string_view at);

// Reverses a pick that has not been reversed, while the allocation is still being picked.
[[nodiscard]] Result<PickOutcome> undo_pick(Connection& db, std::int64_t pick_id, const Actor& who,
                                            std::string_view at);

// Ends picking: units still to pick are rejected with `short_reason` (required when there are
// any); allocation.picked reports what was picked. Nothing picked at all → "rejected".
[[nodiscard]] Result<Allocation> complete_pick(Connection& db, const std::string& id,
                                               const std::optional<std::string>& short_reason,
                                               const Actor& who, std::string_view at);

}  // namespace storeedge::fulfil
