#include "fulfil/picking.h"

#include <algorithm>

#include "fulfil/barcode.h"
#include "fulfil/inventory.h"
#include "fulfil/item_match.h"
#include "sync/outbox.h"

namespace storeedge::fulfil {

namespace json = boost::json;
using store::run;

namespace {

Result<void> check_pickable(const Allocation& a) {
  if (a.state == "cancelled")
    return domain_error("allocation_cancelled", "allocation " + a.id + " was cancelled by the OMS");
  if (a.state == "picked" || a.state == "ready" || a.state == "packing" || a.state == "packed")
    return domain_error("already_picked", "allocation " + a.id + " is already picked");
  if (!is_pickable_state(a.state))
    return domain_error("illegal_state", "allocation " + a.id + " is " + a.state);
  return {};
}

// Records a pick of `qty` units of `sku` onto `line`, with its stock movement.
Result<PickOutcome> record_pick(Connection& db, Allocation& a, Line& line, const std::string& sku,
                                const std::string& code, std::int64_t qty, const Actor& who,
                                std::string_view at) {
  if (a.state == "open") {
    auto accepted = accept(db, a.id, who, at);
    if (!accepted) return accepted.error();
  }
  auto location = sku == line.sku ? Result<std::string>(line.location) : home_location(db, sku);
  if (!location) return location.error();
  auto r = run(db,
               "UPDATE allocation_lines SET picked_qty = picked_qty + ?3"
               " WHERE allocation_id = ?1 AND line = ?2",
               [&](store::Statement& s) { s.bind(1, a.id).bind(2, line.line).bind(3, qty); });
  if (!r) return r.error();
  // Only the first pick moves the state: setting it again on every scan would rewrite the
  // allocation's entries in allocations_by_state and allocations_work_queue for nothing.
  r = run(
      db,
      a.state == "picking"
          ? "UPDATE allocations SET updated_at = ?2 WHERE allocation_id = ?1"
          : "UPDATE allocations SET state = 'picking', updated_at = ?2 WHERE allocation_id = ?1",
      [&](store::Statement& s) { s.bind(1, a.id).bind(2, at); });
  if (!r) return r.error();
  r = run(
      db,
      "INSERT INTO picks (allocation_id, line, sku, qty, location, code, user_id, device_id, at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      [&](store::Statement& s) {
        s.bind(1, a.id).bind(2, line.line).bind(3, sku).bind(4, qty).bind(5, *location);
        s.bind(6, code).bind(7, who.user_id).bind_optional(8, who.device_id).bind(9, at);
      });
  if (!r) return r.error();
  const std::int64_t pick_id = sqlite3_last_insert_rowid(db.handle());
  r = adjust_stock(db, {sku, *location, -qty, "pick", a.id}, at);
  if (!r) return r.error();
  line.picked += qty;
  a.state = "picking";
  return PickOutcome{
      pick_id,           line.line,       sku, *location, qty, line.picked, line.needed(),
      a.units_to_pick(), sku != line.sku, a.id};
}

}  // namespace

Result<PickOutcome> pick(Connection& db, const std::string& id, const std::string& code_text,
                         std::int64_t qty, const Actor& who, std::string_view at) {
  if (qty < 1 || qty > 9999) return domain_error("invalid_request", "qty: 1 to 9999");
  auto code = parse_item_code(code_text);
  if (!code) return code.error();
  auto a = load_allocation(db, id);
  if (!a) return a.error();
  if (auto ok = check_pickable(*a); !ok) return ok.error();
  Line* matched = nullptr;
  bool named = false;
  for (Line& l : a->lines) {
    const bool names_original = code_names(*code, l.sku, l.gtins);
    const bool names_substitute = l.substitute_sku && same_text(code->text, *l.substitute_sku);
    if (!names_original && !names_substitute) continue;
    named = true;
    if (l.to_pick() > 0) {
      matched = &l;
      break;
    }
  }
  if (!matched) {
    if (named)
      return domain_error("already_picked",
                          "every unit of this item on allocation " + id + " is already picked");
    auto sku = catalog_sku(db, *code);
    if (!sku) return sku.error();
    return domain_error("wrong_item",
                        *sku ? "this is " + **sku + ", which is not on allocation " + id
                             : code->text + " is not an item on allocation " + id);
  }
  if (qty > matched->to_pick())
    return domain_error("too_many", "line " + matched->line + " needs " +
                                        std::to_string(matched->to_pick()) + " more, not " +
                                        std::to_string(qty));
  const std::string sku = matched->substitute_sku && same_text(code->text, *matched->substitute_sku)
                              ? *matched->substitute_sku
                              : matched->sku;
  return record_pick(db, *a, *matched, sku, code->text, qty, who, at);
}

Result<PickOutcome> substitute(Connection& db, const std::string& id, const std::string& line,
                               const std::string& code_text, std::int64_t qty, const Actor& who,
                               std::string_view at) {
  if (qty < 1 || qty > 9999) return domain_error("invalid_request", "qty: 1 to 9999");
  auto code = parse_item_code(code_text);
  if (!code) return code.error();
  auto a = load_allocation(db, id);
  if (!a) return a.error();
  if (auto ok = check_pickable(*a); !ok) return ok.error();
  if (!a->substitutions_allowed)
    return domain_error("substitution_not_allowed",
                        "the customer of allocation " + id + " does not accept substitutes");
  auto it =
      std::find_if(a->lines.begin(), a->lines.end(), [&](const Line& l) { return l.line == line; });
  if (it == a->lines.end())
    return domain_error("not_found", "allocation " + id + " has no line " + line);
  if (code_names(*code, it->sku, it->gtins))
    return domain_error("invalid_request", "that is the ordered item itself; pick it normally");
  auto sku = catalog_sku(db, *code);
  if (!sku) return sku.error();
  if (!*sku) return domain_error("unknown_item", code->text + " is not in the store's catalog");
  if (it->substitute_sku && *it->substitute_sku != **sku)
    return domain_error("conflict",
                        "line " + line + " already has substitute " + *it->substitute_sku);
  if (qty > it->to_pick())
    return domain_error("too_many", "line " + line + " needs " + std::to_string(it->to_pick()) +
                                        " more, not " + std::to_string(qty));
  auto r = run(db,
               "UPDATE allocation_lines SET substitute_sku = ?3 WHERE allocation_id = ?1 AND"
               " line = ?2",
               [&](store::Statement& s) { s.bind(1, id).bind(2, line).bind(3, **sku); });
  if (!r) return r.error();
  it->substitute_sku = **sku;
  return record_pick(db, *a, *it, **sku, code->text, qty, who, at);
}

Result<PickOutcome> undo_pick(Connection& db, std::int64_t pick_id, const Actor&,
                              std::string_view at) {
  auto st = db.prepare(
      "SELECT allocation_id, line, sku, qty, location, undone_at FROM picks WHERE pick_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, pick_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return domain_error("not_found", "pick " + std::to_string(pick_id) + " is not known");
  const std::string id = (*st)->column_text(0), line = (*st)->column_text(1),
                    sku = (*st)->column_text(2), location = (*st)->column_text(4);
  const std::int64_t qty = (*st)->column_int(3);
  const bool undone = !(*st)->column_is_null(5);
  (*st)->reset();
  if (undone)
    return domain_error("already_undone", "pick " + std::to_string(pick_id) + " was undone");
  auto a = load_allocation(db, id);
  if (!a) return a.error();
  if (auto ok = check_pickable(*a); !ok) return ok.error();
  auto it =
      std::find_if(a->lines.begin(), a->lines.end(), [&](const Line& l) { return l.line == line; });
  if (it == a->lines.end() || it->picked < qty)
    return domain_error("illegal_state", "the units of pick " + std::to_string(pick_id) +
                                             " are no longer on the line");
  auto r = run(db, "UPDATE picks SET undone_at = ?2 WHERE pick_id = ?1",
               [&](store::Statement& s) { s.bind(1, pick_id).bind(2, at); });
  if (!r) return r.error();
  r = run(db,
          "UPDATE allocation_lines SET picked_qty = picked_qty - ?3,"
          " substitute_sku = CASE WHEN picked_qty - ?3 = 0 THEN NULL ELSE substitute_sku END"
          " WHERE allocation_id = ?1 AND line = ?2",
          [&](store::Statement& s) { s.bind(1, id).bind(2, line).bind(3, qty); });
  if (!r) return r.error();
  r = adjust_stock(db, {sku, location, qty, "pick_undo", id}, at);
  if (!r) return r.error();
  it->picked -= qty;
  return PickOutcome{
      pick_id,        line, sku, location, qty, it->picked, it->needed(), a->units_to_pick(),
      sku != it->sku, id};
}

Result<Allocation> complete_pick(Connection& db, const std::string& id,
                                 const std::optional<std::string>& short_reason, const Actor& who,
                                 std::string_view at) {
  auto a = load_allocation(db, id);
  if (!a) return a;
  if (auto ok = check_pickable(*a); !ok) return ok.error();
  std::vector<Rejection> missing;
  for (const Line& l : a->lines)
    if (l.to_pick() > 0) missing.push_back({l.line, l.to_pick(), short_reason.value_or("")});
  if (!missing.empty()) {
    if (!short_reason)
      return domain_error("pick_incomplete",
                          std::to_string(a->units_to_pick()) +
                              " unit(s) are still to pick; pick them or give a short-pick reason");
    auto rejected = reject(db, id, missing, who, at);
    if (!rejected) return rejected;
    a = std::move(rejected);
    if (a->state == "rejected") return a;
  }
  json::array lines;
  for (const Line& l : a->lines) {
    if (l.needed() == 0) continue;
    json::object line{{"line", l.line}, {"qty", l.picked}};
    if (l.substitute_sku) line["substitute_sku"] = *l.substitute_sku;
    lines.push_back(std::move(line));
  }
  auto r = run(db,
               "UPDATE allocations SET state = 'picked', picked_at = ?2, updated_at = ?2"
               " WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, at); });
  if (!r) return r.error();
  auto seq =
      sync::enqueue(db, "allocation.picked",
                    {{"allocation", id}, {"lines", std::move(lines)}, {"by", who.user_id}}, at);
  if (!seq) return seq.error();
  a->state = "picked";
  return a;
}

}  // namespace storeedge::fulfil
