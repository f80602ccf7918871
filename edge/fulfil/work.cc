#include "fulfil/work.h"

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>
#include <map>

#include "fulfil/inventory.h"
#include "sync/down_applier.h"
#include "sync/outbox.h"

namespace storeedge::fulfil {

namespace json = boost::json;
using store::run;

bool is_open_state(std::string_view s) {
  return sync::is_open_allocation_state(s);
}

bool is_pickable_state(std::string_view s) {
  return s == "open" || s == "accepted" || s == "picking";
}

bool valid_reject_reason(std::string_view r) {
  return r == "not_found" || r == "damaged" || r == "mismatch" || r == "other";
}

Error domain_error(std::string code, std::string message) {
  return make_error(std::move(code), std::move(message));
}

std::int64_t Allocation::picked_units() const {
  std::int64_t n = 0;
  for (const Line& l : lines) n += l.picked;
  return n;
}

std::int64_t Allocation::units_to_pick() const {
  std::int64_t n = 0;
  for (const Line& l : lines) n += l.to_pick();
  return n;
}

Result<Allocation> load_allocation(Connection& db, const std::string& id) {
  auto st = db.prepare(
      "SELECT allocation_id, order_id, kind, state, substitutions_allowed, customer"
      " FROM allocations WHERE allocation_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return domain_error("not_found", "allocation " + id + " is not known");
  Allocation a{(*st)->column_text(0),
               (*st)->column_text(1),
               (*st)->column_text(2),
               (*st)->column_text(3),
               (*st)->column_int(4) != 0,
               (*st)->column_text(5),
               {}};
  (*st)->reset();
  auto lines = db.prepare(
      "SELECT l.line, l.sku, l.description, l.gtins, l.qty, l.picked_qty, l.cancelled_qty,"
      " l.rejected_qty, l.handed_qty, l.substitute_sku, coalesce(nullif(c.location, ''),"
      " 'UNASSIGNED') FROM allocation_lines l LEFT JOIN catalog_items c ON c.sku = l.sku"
      " WHERE l.allocation_id = ?1 ORDER BY length(l.line), l.line");
  if (!lines) return lines.error();
  (*lines)->bind(1, id);
  while (true) {
    auto r = (*lines)->step();
    if (!r) return r.error();
    if (!*r) break;
    const store::Statement& s = **lines;
    Line l{s.column_text(0), s.column_text(1),     s.column_text(2), {},
           s.column_int(4),  s.column_int(5),      s.column_int(6),  s.column_int(7),
           s.column_int(8),  s.column_optional(9), s.column_text(10)};
    boost::system::error_code ec;
    auto gtins = json::parse(s.column_text(3), ec);
    if (!ec && gtins.is_array())
      for (const auto& g : gtins.as_array())
        if (g.is_string()) l.gtins.emplace_back(g.as_string());
    a.lines.push_back(std::move(l));
  }
  return a;
}

Result<Allocation> accept(Connection& db, const std::string& id, const Actor&,
                          std::string_view at) {
  auto a = load_allocation(db, id);
  if (!a) return a;
  if (a->state == "cancelled")
    return domain_error("allocation_cancelled", "allocation " + id + " was cancelled by the OMS");
  if (a->state != "open") {
    if (is_open_state(a->state)) return a;  // already accepted: nothing to do
    return domain_error("illegal_state", "allocation " + id + " is " + a->state);
  }
  auto r = run(db,
               "UPDATE allocations SET state = 'accepted', accepted_at = ?2, updated_at = ?2"
               " WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, at); });
  if (!r) return r.error();
  auto seq = sync::enqueue(db, "allocation.accepted", {{"allocation", id}}, at);
  if (!seq) return seq.error();
  a->state = "accepted";
  return a;
}

Result<Allocation> reject(Connection& db, const std::string& id,
                          const std::vector<Rejection>& rejections, const Actor&,
                          std::string_view at) {
  auto a = load_allocation(db, id);
  if (!a) return a;
  if (a->state == "cancelled")
    return domain_error("allocation_cancelled", "allocation " + id + " was cancelled by the OMS");
  if (!is_pickable_state(a->state))
    return domain_error("illegal_state", "allocation " + id + " is " + a->state +
                                             "; only units not yet picked can be rejected");
  if (rejections.empty()) return domain_error("invalid_request", "lines: name at least one line");
  std::map<std::string, Line*> by_line;
  for (Line& l : a->lines) by_line[l.line] = &l;
  json::array lines;
  for (const Rejection& rj : rejections) {
    auto it = by_line.find(rj.line);
    if (it == by_line.end())
      return domain_error("invalid_request", "allocation " + id + " has no line " + rj.line);
    Line& l = *it->second;
    if (!valid_reject_reason(rj.reason))
      return domain_error("invalid_request", "reason: one of not_found, damaged, mismatch, other");
    if (rj.qty < 1 || rj.qty > l.to_pick())
      return domain_error("too_many", "line " + l.line + " has " + std::to_string(l.to_pick()) +
                                          " unit(s) not yet picked, not " + std::to_string(rj.qty));
    l.rejected += rj.qty;
    auto r = run(db,
                 "UPDATE allocation_lines SET rejected_qty = rejected_qty + ?3"
                 " WHERE allocation_id = ?1 AND line = ?2",
                 [&](store::Statement& s) { s.bind(1, id).bind(2, l.line).bind(3, rj.qty); });
    if (!r) return r.error();
    Result<void> stock;
    if (rj.reason == "not_found")
      stock = zero_pending_count(db, l.sku, l.location, id, at);
    else if (rj.reason == "damaged")
      stock = mark_damaged(db, l.sku, l.location, rj.qty, id, at);
    if (!stock) return stock.error();
    lines.push_back({{"line", l.line}, {"qty", rj.qty}, {"reason", rj.reason}});
  }
  std::int64_t needed = 0;
  for (const Line& l : a->lines) needed += l.needed();
  const bool nothing_left = needed == 0;
  if (nothing_left) a->state = "rejected";
  auto r = run(db,
               "UPDATE allocations SET state = ?2, updated_at = ?3,"
               " closed_at = CASE WHEN ?2 = 'rejected' THEN ?3 ELSE closed_at END"
               " WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, a->state).bind(3, at); });
  if (!r) return r.error();
  auto seq = sync::enqueue(db, "allocation.rejected",
                           {{"allocation", id}, {"lines", std::move(lines)}}, at);
  if (!seq) return seq.error();
  return a;
}

}  // namespace storeedge::fulfil
