// Cycle counts: an associate scans everything in one bin and submits the count. Each SKU's
// variance (counted − on-hand) is posted as an inventory.adjusted with reason count — at once
// when every variance is within the store's limit or a lead counted, otherwise after a lead
// approves. A rejected count posts nothing. Runs inside the caller's transaction.
#pragma once

#include "fulfil/work.h"

namespace storeedge::fulfil {

struct CountedItem {
  std::string code;  // as scanned or typed: SKU, GTIN, GS1
  std::int64_t qty = 0;
};

struct CountLine {
  std::string sku;
  std::int64_t expected = 0, counted = 0;
  std::int64_t variance() const { return counted - expected; }
};

struct Count {
  std::int64_t id = 0;
  std::string location, state;  // posted, awaiting_approval, rejected
  std::string counted_by, created_at;
  std::optional<std::string> decided_by, decided_at;
  std::vector<CountLine> lines;
};

// Counts the whole bin: SKUs on the books at `location` that were not scanned count as zero.
// `may_post` is whether the counter may post any variance (a lead); otherwise variances
// above `variance_limit` units wait for approval. Errors: unknown_item, invalid_barcode.
[[nodiscard]] Result<Count> submit_count(Connection& db, const std::string& location,
                                         const std::vector<CountedItem>& items,
                                         std::int64_t variance_limit, bool may_post,
                                         const Actor& who, std::string_view at);

// A lead's decision on a count awaiting approval: approve posts its variances, reject drops
// them. Errors: not_found, illegal_state (already decided), not_allowed_for_role (own count).
[[nodiscard]] Result<Count> decide_count(Connection& db, std::int64_t count_id, bool approve,
                                         const Actor& who, std::string_view at);

[[nodiscard]] Result<Count> load_count(Connection& db, std::int64_t count_id);
[[nodiscard]] Result<std::vector<Count>> list_counts(Connection& db,
                                                     const std::optional<std::string>& state,
                                                     std::int64_t limit, std::int64_t offset);

}  // namespace storeedge::fulfil
