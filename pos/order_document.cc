#include "pos/order_document.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "pos/policy.h"
#include "sync/outbox.h"

namespace storeedge::pos {

namespace json = boost::json;

namespace {

// The query's given fields become top-level terms, so that SQLite finds an order by its
// primary key and a receipt through receipt_barcodes. (One fixed statement with
// "?1 IS NULL OR o.order_id = ?1" terms hid both: every lookup and every return scanned the
// whole replica and every handed-over allocation.) An absent field stays a constant
// "?N IS NULL" term so that the parameters are bound the same way for every shape.
std::string term(bool given, std::string_view when_given, std::string_view param) {
  return given ? std::string(when_given) : std::string(param) + " IS NULL";
}

std::string replica_sql(const OrderQuery& q) {
  return "SELECT document, up_acked FROM returnable_orders o WHERE " +
         term(q.order.has_value(), "o.order_id = ?1", "?1") + " AND " +
         term(q.receipt.has_value(),
              "o.order_id IN (SELECT r.order_id FROM receipt_barcodes r WHERE r.barcode = ?2)",
              "?2") +
         " AND " +
         term(q.email_hash.has_value(), "json_extract(o.document, '$.customer.email_hash') = ?3",
              "?3") +
         " ORDER BY o.order_id LIMIT ?4";
}

// Receipt barcodes of looked-up orders are not indexed: there are few such orders.
std::string lookups_sql(const OrderQuery& q) {
  return "SELECT document, up_acked FROM looked_up_orders o WHERE " +
         term(q.order.has_value(), "o.order_id = ?1", "?1") + " AND " +
         term(q.receipt.has_value(),
              "EXISTS (SELECT 1 FROM json_each(o.document, '$.receipt_barcodes') r"
              " WHERE r.value = ?2)",
              "?2") +
         " AND " +
         term(q.email_hash.has_value(), "json_extract(o.document, '$.customer.email_hash') = ?3",
              "?3") +
         " AND NOT EXISTS (SELECT 1 FROM returnable_orders x WHERE x.order_id = o.order_id)"
         " ORDER BY o.order_id LIMIT ?4";
}

// Orders fulfilled here with no document: the units handed over or shipped, at the price the
// OMS allocated them (what was paid is not known here). No receipt barcodes. Given an order,
// the state test is kept off the index ("+a.state") so that SQLite takes allocations_by_order.
std::string fulfilled_sql(const OrderQuery& q) {
  return "SELECT DISTINCT a.order_id FROM allocations a WHERE " +
         term(q.order.has_value(), "a.order_id = ?1", "?1") + " AND " +
         (q.order ? "+a.state" : "a.state") + " IN ('handed_over', 'shipped') AND ?2 IS NULL AND " +
         term(q.email_hash.has_value(), "json_extract(a.customer, '$.email_hash') = ?3", "?3") +
         " AND NOT EXISTS (SELECT 1 FROM returnable_orders x WHERE x.order_id = a.order_id)"
         " AND NOT EXISTS (SELECT 1 FROM looked_up_orders y WHERE y.order_id = a.order_id)"
         " ORDER BY a.order_id LIMIT ?4";
}

constexpr std::string_view kFulfilledLines =
    "SELECT a.allocation_id, a.closed_at, coalesce(a.customer_name, ''),"
    " coalesce(json_extract(a.customer, '$.email_hash'), ''), a.created_at, l.line,"
    " coalesce(l.substitute_sku, l.sku), l.description, l.gtins,"
    " CASE a.state WHEN 'handed_over' THEN l.handed_qty ELSE l.picked_qty END,"
    " l.unit_price, l.currency, coalesce(c.returnable, 1)"
    " FROM allocations a JOIN allocation_lines l ON l.allocation_id = a.allocation_id"
    " LEFT JOIN catalog_items c ON c.sku = coalesce(l.substitute_sku, l.sku)"
    " WHERE a.order_id = ?1 AND a.state IN ('handed_over', 'shipped')"
    " ORDER BY a.allocation_id, l.line";

Error bad(const std::string& what) {
  return make_error("bad_order_document", "the order document's " + what + " is missing or wrong");
}

Result<std::string> text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->get_string());
  return bad(std::string(key));
}

// An optional text field: empty when absent or not text.
std::string text_or_empty(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Result<std::int64_t> integer(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v && v->is_uint64() && v->get_uint64() <= INT64_MAX)
    return static_cast<std::int64_t>(v->get_uint64());
  return bad(std::string(key));
}

const json::array* array(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

Result<OrderLine> parse_line(const json::value& v) {
  if (!v.is_object()) return bad("line");
  const auto& o = v.get_object();
  OrderLine l;
  auto line = text(o, "line");
  auto sku = text(o, "sku");
  auto qty = integer(o, "qty");
  auto returned = integer(o, "returned_qty");
  auto paid = integer(o, "unit_paid");
  auto by = text(o, "return_by");
  const auto* returnable = o.if_contains("returnable");
  if (!line || !sku || !qty || !returned || !paid || !by || !returnable || !returnable->is_bool())
    return bad("lines");
  l.line = *line;
  l.sku = *sku;
  l.qty = *qty;
  l.returned_qty = *returned;
  l.unit_paid = *paid;
  l.return_by = *by;
  l.returnable = returnable->get_bool();
  if (const auto* gtins = array(o, "gtins"))
    for (const auto& g : *gtins)
      if (g.is_string()) l.gtins.emplace_back(g.get_string());
  return l;
}

// Descriptions come from the catalogue: the order document has none.
Result<void> describe(Connection& db, OrderDocument& doc) {
  for (OrderLine& l : doc.lines) {
    if (!l.description.empty()) continue;
    auto r = store::each_row(
        db, "SELECT description FROM catalog_items WHERE sku = ?1",
        [&](store::Statement& s) { s.bind(1, l.sku); },
        [&](const store::Statement& s) { l.description = s.column_text(0); });
    if (!r) return r.error();
  }
  return {};
}

void bind_query(store::Statement& s, const OrderQuery& q, int limit) {
  s.bind_optional(1, q.order).bind_optional(2, q.receipt).bind_optional(3, q.email_hash);
  s.bind(4, std::int64_t{limit});
}

Result<void> documents_from(Connection& db, std::string_view sql, OrderSource source,
                            const OrderQuery& q, int limit, std::vector<OrderDocument>& out) {
  std::optional<Error> failed;
  auto r = store::each_row(
      db, sql, [&](store::Statement& s) { bind_query(s, q, limit); },
      [&](const store::Statement& s) {
        if (failed) return;
        boost::system::error_code ec;
        auto v = json::parse(s.column_text(0), ec);
        if (ec || !v.is_object()) {
          failed = bad("JSON");
          return;
        }
        auto doc = parse_order_document(v.get_object(), source, s.column_int(1));
        if (!doc) {
          failed = doc.error();
          return;
        }
        out.push_back(std::move(*doc));
      });
  if (!r) return r.error();
  if (failed) return *failed;
  return {};
}

Result<std::optional<OrderDocument>> fulfilled_here(Connection& db, const std::string& order_id) {
  auto policy = load_policy(db);
  if (!policy) return policy.error();
  OrderDocument doc;
  doc.order = order_id;
  doc.channel = "store_fulfilment";
  doc.source = OrderSource::fulfilled_here;
  std::map<std::string, std::size_t> by_line;
  std::optional<Error> failed;
  auto r = store::each_row(
      db, kFulfilledLines, [&](store::Statement& s) { s.bind(1, order_id); },
      [&](const store::Statement& s) {
        const std::int64_t qty = s.column_int(9);
        if (qty <= 0 || failed) return;
        doc.customer_name = s.column_text(2);
        doc.email_hash = s.column_text(3);
        if (doc.placed_at.empty() || s.column_text(4) < doc.placed_at)
          doc.placed_at = s.column_text(4);
        doc.currency = s.column_text(11);
        const std::string closed = s.column_optional(1).value_or(s.column_text(4));
        auto day = local_date(closed, policy->timezone);
        auto by =
            day ? add_days(*day, policy->return_window_days) : Result<std::string>(day.error());
        if (!by) {
          failed = by.error();
          return;
        }
        const std::string line = s.column_text(5);
        auto [it, added] = by_line.emplace(line, doc.lines.size());
        if (!added) {  // the same order line split over allocations
          OrderLine& l = doc.lines[it->second];
          l.qty += qty;
          if (*by > l.return_by) l.return_by = *by;
          return;
        }
        OrderLine l;
        l.line = line;
        l.sku = s.column_text(6);
        l.description = s.column_text(7);
        boost::system::error_code ec;
        auto gtins = json::parse(s.column_text(8), ec);
        if (!ec && gtins.is_array())
          for (const auto& g : gtins.get_array())
            if (g.is_string()) l.gtins.emplace_back(g.get_string());
        l.qty = qty;
        l.unit_paid = s.column_int(10);
        l.returnable = s.column_int(12) != 0;
        l.return_by = *by;
        doc.lines.push_back(std::move(l));
      });
  if (!r) return r.error();
  if (failed) return *failed;
  if (doc.lines.empty()) return std::optional<OrderDocument>{};
  doc.receipt_barcodes.push_back(order_id);
  return std::optional<OrderDocument>(std::move(doc));
}

}  // namespace

std::string_view source_name(OrderSource s) {
  switch (s) {
    case OrderSource::replica:
      return "replica";
    case OrderSource::oms:
      return "oms";
    case OrderSource::fulfilled_here:
      return "fulfilled_here";
  }
  return "replica";
}

const OrderLine* OrderDocument::find_line(std::string_view line) const {
  for (const OrderLine& l : lines)
    if (l.line == line) return &l;
  return nullptr;
}

Result<OrderDocument> parse_order_document(const json::object& o, OrderSource source,
                                           std::int64_t up_acked) {
  OrderDocument doc;
  doc.source = source;
  doc.up_acked = up_acked;
  auto order = text(o, "order");
  auto currency = text(o, "currency");
  if (!order || !currency) return bad("order or currency");
  doc.order = *order;
  doc.currency = *currency;
  doc.channel = text_or_empty(o, "channel");
  doc.placed_at = text_or_empty(o, "placed_at");
  if (const auto* c = o.if_contains("customer"); c && c->is_object()) {
    doc.customer_name = text_or_empty(c->get_object(), "name");
    doc.email_hash = text_or_empty(c->get_object(), "email_hash");
  }
  if (const auto* barcodes = array(o, "receipt_barcodes"))
    for (const auto& b : *barcodes)
      if (b.is_string()) doc.receipt_barcodes.emplace_back(b.get_string());
  const auto* lines = array(o, "lines");
  if (!lines || lines->empty()) return bad("lines");
  for (const auto& v : *lines) {
    auto l = parse_line(v);
    if (!l) return l.error();
    doc.lines.push_back(std::move(*l));
  }
  const auto* tenders = array(o, "tenders");
  if (!tenders) return bad("tenders");
  for (const auto& v : *tenders) {
    if (!v.is_object()) return bad("tenders");
    const auto& t = v.get_object();
    auto id = text(t, "tender");
    auto method = text(t, "method");
    auto amount = integer(t, "amount");
    if (!id || !method || !amount) return bad("tenders");
    doc.tenders.push_back({*id, *method, text_or_empty(t, "last4"), *amount});
  }
  return doc;
}

Result<std::vector<OrderDocument>> find_local_orders(Connection& db, const OrderQuery& q,
                                                     int limit) {
  std::vector<OrderDocument> out;
  // An order number names one order: the first source that has it answers (the later sources'
  // queries exclude orders the earlier ones hold anyway).
  auto found = [&] { return q.order && !out.empty(); };
  if (auto r = documents_from(db, replica_sql(q), OrderSource::replica, q, limit, out); !r)
    return r.error();
  if (!found())
    if (auto r = documents_from(db, lookups_sql(q), OrderSource::oms, q, limit, out); !r)
      return r.error();
  std::vector<std::string> fulfilled;
  if (!found()) {
    auto r = store::each_row(
        db, fulfilled_sql(q), [&](store::Statement& s) { bind_query(s, q, limit); },
        [&](const store::Statement& s) { fulfilled.push_back(s.column_text(0)); });
    if (!r) return r.error();
  }
  for (const std::string& id : fulfilled) {
    auto doc = fulfilled_here(db, id);
    if (!doc) return doc.error();
    if (*doc) out.push_back(std::move(**doc));
  }
  if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  for (OrderDocument& d : out)
    if (auto r = describe(db, d); !r) return r.error();
  return out;
}

Result<std::optional<OrderDocument>> load_order(Connection& db, const std::string& order_id) {
  auto found = find_local_orders(db, OrderQuery{order_id, std::nullopt, std::nullopt}, 1);
  if (!found) return found.error();
  if (found->empty()) return std::optional<OrderDocument>{};
  return std::optional<OrderDocument>(std::move(found->front()));
}

Result<void> remember_looked_up(Connection& db, const json::array& orders, std::string_view at) {
  auto acked = sync::acked_through(db);
  if (!acked) return acked.error();
  for (const auto& v : orders) {
    if (!v.is_object()) continue;
    const auto* id = v.get_object().if_contains("order");
    if (!id || !id->is_string()) continue;
    auto r = store::run(db,
                        "INSERT INTO looked_up_orders (order_id, document, up_acked, fetched_at)"
                        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (order_id) DO UPDATE SET"
                        " document = excluded.document, up_acked = excluded.up_acked,"
                        " fetched_at = excluded.fetched_at",
                        [&](store::Statement& s) {
                          s.bind(1, std::string_view(id->get_string())).bind(2, json::serialize(v));
                          s.bind(3, *acked).bind(4, at);
                        });
    if (!r) return r;
  }
  return {};
}

}  // namespace storeedge::pos
