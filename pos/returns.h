// A POS return (BORIS) as one transaction: eligibility checked against the order and every
// earlier return, the refund computed per line and split over the original tenders, the
// goods' disposition (restock, damaged stock, back to the DC with a return label), the
// return.received fact for the OMS, which issues the refund, and an optional return slip.
// Offline returns are held to the store's offline limit and wait for a lead's review.
// docs/returns.md describes the rules. All functions run inside the caller's transaction (a
// write-queue change) or, for reads, on any connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pos/order_document.h"
#include "pos/refund.h"

namespace storeedge::pos {

bool is_return_reason(std::string_view s);  // changed_mind, wrong_size, defective, ...
bool is_condition(std::string_view s);      // new, opened, used, damaged, defective
bool is_disposition(std::string_view s);    // restock, damaged, return_to_dc

struct ReturnLineRequest {
  std::string line;                 // the order's line; empty for an order not found
  std::optional<std::string> code;  // the scanned item (SKU or GTIN): checked against the line
  std::int64_t qty = 1;
  std::string reason, condition, disposition;
  std::optional<std::string> location;  // restock/damaged bin; default the item's home bin
};

struct ReturnRequest {
  std::string order;
  std::vector<ReturnLineRequest> lines;  // 1-100, each order line at most once
  std::optional<std::string> override_reason;
  bool slip = false;  // print a return slip at the terminal's station
};

struct ReturnContext {
  std::string store;  // the store id, for the return's number
  std::string user_id;
  std::optional<std::string> device_id, station;
  std::optional<std::string> override_by;  // the manager who authorised breaches, if any
  bool online = true;                      // the link to the OMS is up
};

struct ReturnedLine {
  std::string line, sku, description;
  std::int64_t qty = 0, unit_refund = 0, refund = 0;
  std::string reason, condition, disposition;
  std::optional<std::string> location;
};

struct ReturnRecord {
  std::string return_id, order, source, currency, created_at, user_id;
  std::int64_t refund = 0;
  std::vector<TenderShare> tenders;
  std::vector<std::string> breaches;  // "line 2: out_of_window", "order_not_found"
  std::optional<std::string> override_by, override_reason, device_id, station;
  bool offline = false;
  std::int64_t up_seq = 0;
  std::optional<std::string> review, reviewed_by, reviewed_at, review_note;
  std::vector<ReturnedLine> lines;
  std::vector<std::int64_t> print_jobs;  // made by this return (return label, slip)
};

// Records the return. Errors: order_not_found (no override), override_required (breaches
// without an override), unknown_line, wrong_item, quantity_exceeded, disposition_mismatch,
// offline_limit_exceeded, invalid_request.
[[nodiscard]] Result<ReturnRecord> record_return(Connection& db, const ReturnRequest& request,
                                                 const ReturnContext& context, std::string_view at);

[[nodiscard]] Result<std::optional<ReturnRecord>> load_return(Connection& db,
                                                              const std::string& return_id);

struct ReturnFilter {
  std::optional<std::string> review;  // pending | approved | flagged
  std::optional<std::string> order;
  std::optional<bool> offline;
};
// Newest first, each with its lines and print jobs.
[[nodiscard]] Result<std::vector<ReturnRecord>> list_returns(Connection& db,
                                                             const ReturnFilter& filter,
                                                             std::int64_t limit,
                                                             std::int64_t offset);

// A lead's decision on an offline return: approve or flag (with a note). Errors: not_found,
// not_offline (online returns are not reviewed), already_reviewed, invalid_request.
[[nodiscard]] Result<ReturnRecord> review_return(Connection& db, const std::string& return_id,
                                                 std::string_view decision,
                                                 const std::optional<std::string>& note,
                                                 const std::string& by, std::string_view at);

}  // namespace storeedge::pos
