#include "fulfil/put_back.h"

#include <boost/json/parse.hpp>

#include "fulfil/inventory.h"
#include "fulfil/item_match.h"
#include "sync/outbox.h"

namespace storeedge::fulfil {

namespace json = boost::json;
using store::each_row;
using store::run;

namespace {

constexpr std::int64_t kDefaultHoldDays = 7;

constexpr std::string_view kTaskColumns =
    "w.id, w.allocation_id, w.sku, coalesce(c.description, w.sku), w.reason,"
    " coalesce(nullif(c.location, ''), 'UNASSIGNED'), w.qty, w.done_qty, w.done_at"
    " FROM put_back_work w LEFT JOIN catalog_items c ON c.sku = w.sku";

PutBackTask task_of(const store::Statement& s) {
  return {s.column_int(0),  s.column_text(1), s.column_text(2), s.column_text(3),
          s.column_text(4), s.column_text(5), s.column_int(6),  s.column_int(7)};
}

}  // namespace

Result<std::int64_t> pickup_hold_days(Connection& db) {
  auto st = db.prepare("SELECT value FROM store_config WHERE key = 'pickup_hold_days'");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  std::int64_t days = kDefaultHoldDays;
  if (*row) {
    boost::system::error_code ec;
    auto v = json::parse((*st)->column_text(0), ec);
    if (!ec && v.is_int64() && v.as_int64() >= 0) days = v.as_int64();
  }
  (*st)->reset();
  return days;
}

Result<std::vector<ExpiredPickup>> expired_pickups(Connection& db, std::string_view now,
                                                   std::int64_t limit, std::int64_t offset) {
  auto days = pickup_hold_days(db);
  if (!days) return days.error();
  std::vector<ExpiredPickup> out;
  auto r = each_row(
      db,
      "SELECT a.allocation_id, a.order_id, a.kind, coalesce(a.customer_name, ''), a.ready_at,"
      " strftime('%Y-%m-%dT%H:%M:%fZ', a.ready_at, '+' || ?1 || ' days'),"
      " coalesce(a.staging_location, ''),"
      " (SELECT coalesce(sum(picked_qty), 0) FROM allocation_lines l"
      "  WHERE l.allocation_id = a.allocation_id)"
      " FROM allocations a WHERE a.state = 'ready'"
      " AND julianday(a.ready_at) + ?1 <= julianday(?2)"
      " ORDER BY a.ready_at, a.allocation_id LIMIT ?3 OFFSET ?4",
      [&](store::Statement& s) { s.bind(1, *days).bind(2, now).bind(3, limit).bind(4, offset); },
      [&](const store::Statement& s) {
        out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
                       s.column_text(4), s.column_text(5), s.column_text(6), s.column_int(7)});
      });
  if (!r) return r.error();
  return out;
}

Result<Allocation> expire(Connection& db, const std::string& id, std::string_view at) {
  auto a = load_allocation(db, id);
  if (!a) return a;
  if (a->state == "cancelled")
    return domain_error("allocation_cancelled", "allocation " + id + " was cancelled by the OMS");
  if (a->state != "ready")
    return domain_error("illegal_state", "allocation " + id + " is " + a->state +
                                             "; only a staged pickup can expire");
  auto days = pickup_hold_days(db);
  if (!days) return days.error();
  auto st = db.prepare(
      "SELECT julianday(ready_at) + ?2 <= julianday(?3) FROM allocations"
      " WHERE allocation_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id).bind(2, *days).bind(3, at);
  auto row = (*st)->step();
  if (!row) return row.error();
  const bool past = *row && (*st)->column_int(0) != 0;
  (*st)->reset();
  if (!past)
    return domain_error("not_expired", "allocation " + id + " is held for " +
                                           std::to_string(*days) + " day(s) after staging");
  for (const Line& l : a->lines) {
    if (l.picked == 0) continue;
    auto r = run(db,
                 "INSERT INTO put_back_work (allocation_id, sku, qty, created_at, reason)"
                 " VALUES (?1, ?2, ?3, ?4, 'expired')",
                 [&](store::Statement& s) {
                   s.bind(1, id).bind(2, l.substitute_sku.value_or(l.sku)).bind(3, l.picked);
                   s.bind(4, at);
                 });
    if (!r) return r.error();
  }
  auto r = run(db,
               "UPDATE allocations SET state = 'expired', closed_at = ?2, updated_at = ?2"
               " WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, at); });
  if (!r) return r.error();
  auto seq = sync::enqueue(db, "allocation.expired", {{"allocation", id}}, at);
  if (!seq) return seq.error();
  a->state = "expired";
  return a;
}

Result<std::vector<PutBackTask>> open_put_backs(Connection& db, std::int64_t limit,
                                                std::int64_t offset) {
  std::vector<PutBackTask> out;
  auto r = each_row(
      db,
      "SELECT " + std::string(kTaskColumns) +
          " WHERE w.done_at IS NULL ORDER BY w.id LIMIT ?1 OFFSET ?2",
      [&](store::Statement& s) { s.bind(1, limit).bind(2, offset); },
      [&](const store::Statement& s) { out.push_back(task_of(s)); });
  if (!r) return r.error();
  return out;
}

Result<PutBackTask> put_back(Connection& db, std::int64_t task_id, const std::string& code_text,
                             const std::string& location, std::int64_t qty, std::string_view at) {
  if (qty < 1 || qty > 9999) return domain_error("invalid_request", "qty: 1 to 9999");
  auto code = parse_item_code(code_text);
  if (!code) return code.error();
  std::optional<PutBackTask> task;
  std::optional<std::string> done_at;
  auto r = each_row(
      db, "SELECT " + std::string(kTaskColumns) + " WHERE w.id = ?1",
      [&](store::Statement& s) { s.bind(1, task_id); },
      [&](const store::Statement& s) {
        task = task_of(s);
        done_at = s.column_optional(8);
      });
  if (!r) return r.error();
  if (!task)
    return domain_error("not_found", "put-back " + std::to_string(task_id) + " is not known");
  if (done_at)
    return domain_error("already_done", "put-back " + std::to_string(task_id) + " is done");
  std::vector<std::string> gtins;
  r = each_row(
      db, "SELECT gtin FROM catalog_gtins WHERE sku = ?1",
      [&](store::Statement& s) { s.bind(1, task->sku); },
      [&](const store::Statement& s) { gtins.push_back(s.column_text(0)); });
  if (!r) return r.error();
  if (!code_names(*code, task->sku, gtins)) {
    auto sku = catalog_sku(db, *code);
    if (!sku) return sku.error();
    return domain_error("wrong_item",
                        (*sku ? "this is " + **sku : code->text + " is not " + task->sku) +
                            "; this put-back is " + task->sku);
  }
  if (qty > task->qty - task->done)
    return domain_error("too_many", std::to_string(task->qty - task->done) +
                                        " unit(s) are left to put back, not " +
                                        std::to_string(qty));
  task->done += qty;
  r = run(db,
          "UPDATE put_back_work SET done_qty = ?2,"
          " done_at = CASE WHEN ?2 = qty THEN ?3 ELSE NULL END WHERE id = ?1",
          [&](store::Statement& s) { s.bind(1, task_id).bind(2, task->done).bind(3, at); });
  if (!r) return r.error();
  r = adjust_stock(db, {task->sku, location, qty, "put_back", task->allocation}, at);
  if (!r) return r.error();
  task->location = location;
  return *task;
}

}  // namespace storeedge::fulfil
