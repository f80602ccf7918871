// A customer's order as the returns flow sees it: the OMS's order document (contract §4) from
// the replica of returnable orders or from an order.lookup answer, or, for an order this store
// fulfilled and holds no document of, one derived from its allocations. Functions run on the
// connection the caller passes (a reader, or inside a write transaction).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::pos {

using store::Connection;

struct OrderLine {
  std::string line, sku, description;
  std::vector<std::string> gtins;
  std::int64_t qty = 0;
  std::int64_t returned_qty = 0;  // what the OMS says was returned (anywhere)
  std::int64_t unit_paid = 0;     // minor units
  bool returnable = true;
  std::string return_by;  // YYYY-MM-DD, in the store's timezone
};

struct Tender {
  std::string tender, method, last4;
  std::int64_t amount = 0;
};

// replica: returnable_orders; oms: an order.lookup answer; fulfilled_here: derived from this
// store's handed-over or shipped allocations (no tenders known).
enum class OrderSource { replica, oms, fulfilled_here };
std::string_view source_name(OrderSource s);

struct OrderDocument {
  std::string order, channel, currency, placed_at, customer_name, email_hash;
  std::vector<std::string> receipt_barcodes;
  std::vector<OrderLine> lines;
  std::vector<Tender> tenders;
  OrderSource source = OrderSource::replica;
  // The up stream's acknowledged position when the document arrived: a return of this store
  // whose return.received has a seq at or below it is counted in the lines' returned_qty.
  std::int64_t up_acked = 0;
  const OrderLine* find_line(std::string_view line) const;
};

// An order document as the contract shapes it (the codec has checked it); "bad_order_document"
// when a field is missing or of the wrong type.
[[nodiscard]] Result<OrderDocument> parse_order_document(const boost::json::object& doc,
                                                         OrderSource source, std::int64_t up_acked);

struct OrderQuery {
  std::optional<std::string> order, receipt, email_hash;  // every given field must match
};

// The store's own knowledge, without asking the OMS: the replica, then orders the OMS answered
// a lookup with, then orders fulfilled here (by order number only). At most `limit` orders.
[[nodiscard]] Result<std::vector<OrderDocument>> find_local_orders(Connection& db,
                                                                   const OrderQuery& query,
                                                                   int limit);
// One order by number, from the same sources in the same order; nullopt when none has it.
[[nodiscard]] Result<std::optional<OrderDocument>> load_order(Connection& db,
                                                              const std::string& order_id);

// Keeps the orders of an order.lookup answer (never overwriting the replica's document, which
// the sequenced stream owns). Runs inside the caller's transaction.
[[nodiscard]] Result<void> remember_looked_up(Connection& db, const boost::json::array& orders,
                                              std::string_view at);

}  // namespace storeedge::pos
