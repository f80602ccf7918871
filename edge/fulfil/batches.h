// Batch picking: several allocations picked in one walk through the store, ordered by bin,
// each into its own numbered slot (tote) on the cart. A scan is offered to the allocations in
// slot order and recorded as an ordinary pick (fulfil/picking.h) of the first one that needs
// it; the answer names the slot the unit goes into. Runs inside the caller's transaction.
#pragma once

#include "fulfil/picking.h"

namespace storeedge::fulfil {

struct BatchSlot {
  std::int64_t slot = 0;
  std::string allocation, order, state;
};

struct StopSlot {
  std::int64_t slot = 0;
  std::string allocation, line;
  std::int64_t to_pick = 0;
};

// One stop of the walk: an item at a bin, with what each slot still needs of it.
struct Stop {
  std::string location, sku, description;
  std::int64_t to_pick = 0;
  std::vector<StopSlot> slots;
};

struct Batch {
  std::int64_t id = 0;
  std::string state;  // picking while any allocation still needs units, else done; or closed
  std::string created_by, created_at;
  std::vector<BatchSlot> slots;
  std::vector<Stop> stops;  // by bin, then SKU; only what is still to pick
};

inline constexpr std::size_t kMaxBatchSlots = 12;

// Starts a batch of 2 to 12 pickable allocations (slots 1… in the given order); an allocation
// can be in one unfinished batch at a time. Errors: in_other_batch, illegal_state,
// allocation_cancelled, not_found, invalid_request.
[[nodiscard]] Result<Batch> create_batch(Connection& db, const std::vector<std::string>& ids,
                                         const Actor& who, std::string_view at);

[[nodiscard]] Result<Batch> load_batch(Connection& db, std::int64_t batch_id);

// Batches still being picked (not done, not closed), newest first.
[[nodiscard]] Result<std::vector<Batch>> open_batches(Connection& db, std::int64_t limit,
                                                      std::int64_t offset);

// Ends a batch before its walk is done: its allocations are free to be picked alone or in
// another batch; what was picked stays picked. Errors: not_found, illegal_state (closed).
[[nodiscard]] Result<Batch> close_batch(Connection& db, std::int64_t batch_id, std::string_view at);

struct BatchPick {
  std::int64_t slot = 0;
  std::string allocation;
  PickOutcome pick;
};
// Picks the scanned item for the first slot that needs it. Errors: wrong_item (no allocation
// of the batch has it), already_picked, too_many.
[[nodiscard]] Result<BatchPick> batch_pick(Connection& db, std::int64_t batch_id,
                                           const std::string& code, std::int64_t qty,
                                           const Actor& who, std::string_view at);

}  // namespace storeedge::fulfil
