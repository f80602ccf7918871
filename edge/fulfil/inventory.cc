#include "fulfil/inventory.h"

#include "sync/outbox.h"

namespace storeedge::fulfil {

namespace json = boost::json;
using store::run;

namespace {

Result<std::int64_t> on_hand(Connection& db, const std::string& sku, const std::string& location) {
  auto st = db.prepare("SELECT on_hand FROM inventory WHERE sku = ?1 AND location = ?2");
  if (!st) return st.error();
  (*st)->bind(1, sku).bind(2, location);
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::int64_t n = *row ? (*st)->column_int(0) : 0;
  (*st)->reset();
  return n;
}

Result<void> report(Connection& db, const StockMove& m, std::string_view at) {
  json::object body{{"sku", m.sku}, {"delta", m.delta}, {"reason", m.reason}};
  if (m.ref) body["ref"] = *m.ref;
  body["location"] = m.location;
  auto seq = sync::enqueue(db, "inventory.adjusted", std::move(body), at);
  if (!seq) return seq.error();
  return {};
}

}  // namespace

Result<void> adjust_stock(Connection& db, const StockMove& m, std::string_view at) {
  if (m.delta == 0) return {};
  auto r = run(db,
               "INSERT INTO inventory (sku, location, on_hand, updated_at) VALUES (?1, ?2, ?3, ?4)"
               " ON CONFLICT (sku, location) DO UPDATE SET on_hand = on_hand + ?3, updated_at = ?4",
               [&](store::Statement& s) {
                 s.bind(1, m.sku).bind(2, m.location).bind(3, m.delta).bind(4, at);
               });
  if (!r) return r;
  return report(db, m, at);
}

Result<void> mark_damaged(Connection& db, const std::string& sku, const std::string& location,
                          std::int64_t qty, const std::optional<std::string>& ref,
                          std::string_view at) {
  if (qty <= 0) return {};
  auto r =
      run(db,
          "INSERT INTO inventory (sku, location, on_hand, damaged, updated_at)"
          " VALUES (?1, ?2, -?3, ?3, ?4) ON CONFLICT (sku, location) DO UPDATE"
          " SET on_hand = on_hand - ?3, damaged = damaged + ?3, updated_at = ?4",
          [&](store::Statement& s) { s.bind(1, sku).bind(2, location).bind(3, qty).bind(4, at); });
  if (!r) return r;
  return report(db, {sku, location, -qty, "damaged", ref}, at);
}

Result<void> receive_damaged(Connection& db, const std::string& sku, const std::string& location,
                             std::int64_t qty, std::string_view at) {
  if (qty <= 0) return {};
  return run(
      db,
      "INSERT INTO inventory (sku, location, damaged, updated_at) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (sku, location) DO UPDATE"
      " SET damaged = damaged + ?3, updated_at = ?4",
      [&](store::Statement& s) { s.bind(1, sku).bind(2, location).bind(3, qty).bind(4, at); });
}

Result<void> zero_pending_count(Connection& db, const std::string& sku, const std::string& location,
                                const std::optional<std::string>& ref, std::string_view at) {
  auto before = on_hand(db, sku, location);
  if (!before) return before.error();
  auto r = run(db,
               "INSERT INTO inventory (sku, location, on_hand, count_due, updated_at)"
               " VALUES (?1, ?2, 0, 1, ?3) ON CONFLICT (sku, location) DO UPDATE"
               " SET on_hand = 0, count_due = 1, updated_at = ?3",
               [&](store::Statement& s) { s.bind(1, sku).bind(2, location).bind(3, at); });
  if (!r) return r;
  if (*before == 0) return {};
  return report(db, {sku, location, -*before, "not_found", ref}, at);
}

Result<std::string> home_location(Connection& db, const std::string& sku) {
  auto st = db.prepare("SELECT location FROM catalog_items WHERE sku = ?1");
  if (!st) return st.error();
  (*st)->bind(1, sku);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::optional<std::string> location;
  if (*row) location = (*st)->column_optional(0);
  (*st)->reset();
  return location && !location->empty() ? *location : std::string("UNASSIGNED");
}

Result<std::vector<BinStock>> list_stock(Connection& db, const std::optional<std::string>& sku,
                                         const std::optional<std::string>& location,
                                         std::int64_t limit, std::int64_t offset) {
  std::vector<BinStock> out;
  auto r = store::each_row(
      db,
      "SELECT i.sku, coalesce(c.description, ''), i.location, i.on_hand, i.damaged, i.count_due"
      " FROM inventory i LEFT JOIN catalog_items c ON c.sku = i.sku"
      " WHERE (?1 IS NULL OR i.sku = ?1) AND (?2 IS NULL OR i.location = ?2)"
      " ORDER BY i.sku, i.location LIMIT ?3 OFFSET ?4",
      [&](store::Statement& s) {
        s.bind_optional(1, sku).bind_optional(2, location).bind(3, limit).bind(4, offset);
      },
      [&](const store::Statement& s) {
        out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_int(3),
                       s.column_int(4), s.column_int(5) != 0});
      });
  if (!r) return r.error();
  return out;
}

Result<ItemStock> item_stock(Connection& db, const std::string& sku) {
  ItemStock stock{sku, "", 0, 0, 0, 0, {}};
  auto bins = list_stock(db, sku, std::nullopt, 10'000, 0);
  if (!bins) return bins.error();
  for (const BinStock& b : *bins) {
    stock.on_hand += b.on_hand;
    stock.damaged += b.damaged;
  }
  stock.locations = std::move(*bins);
  auto r = store::each_row(
      db,
      "SELECT (SELECT description FROM catalog_items WHERE sku = ?1),"
      " (SELECT coalesce(sum(l.qty - l.cancelled_qty - l.rejected_qty - l.picked_qty), 0)"
      "  FROM allocation_lines l JOIN allocations a ON a.allocation_id = l.allocation_id"
      "  WHERE l.sku = ?1 AND a.state IN ('open', 'accepted', 'picking'))",
      [&](store::Statement& s) { s.bind(1, sku); },
      [&](const store::Statement& s) {
        stock.description = s.column_optional(0).value_or("");
        stock.reserved = s.column_int(1);
      });
  if (!r) return r.error();
  stock.available = stock.on_hand - stock.reserved;
  return stock;
}

}  // namespace storeedge::fulfil
