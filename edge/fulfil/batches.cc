#include "fulfil/batches.h"

#include <algorithm>
#include <map>
#include <set>

#include "fulfil/item_match.h"

namespace storeedge::fulfil {

using store::each_row;
using store::run;

namespace {

// Slots of batches not yet done that hold `id` (an allocation leaves them when picked).
Result<std::optional<std::int64_t>> open_batch_of(Connection& db, const std::string& id) {
  std::optional<std::int64_t> batch;
  auto r = each_row(
      db,
      "SELECT s.batch_id FROM batch_slots s JOIN allocations a ON a.allocation_id ="
      " s.allocation_id JOIN batches b ON b.batch_id = s.batch_id WHERE s.allocation_id = ?1"
      " AND b.closed_at IS NULL AND a.state IN ('open', 'accepted', 'picking') LIMIT 1",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& s) { batch = s.column_int(0); });
  if (!r) return r.error();
  return batch;
}

Result<std::vector<BatchSlot>> load_slots(Connection& db, std::int64_t batch_id) {
  std::vector<BatchSlot> slots;
  auto r = each_row(
      db,
      "SELECT s.slot, s.allocation_id, a.order_id, a.state FROM batch_slots s"
      " JOIN allocations a ON a.allocation_id = s.allocation_id WHERE s.batch_id = ?1"
      " ORDER BY s.slot",
      [&](store::Statement& s) { s.bind(1, batch_id); },
      [&](const store::Statement& s) {
        slots.push_back({s.column_int(0), s.column_text(1), s.column_text(2), s.column_text(3)});
      });
  if (!r) return r.error();
  return slots;
}

}  // namespace

Result<Batch> create_batch(Connection& db, const std::vector<std::string>& ids, const Actor& who,
                           std::string_view at) {
  if (ids.size() < 2 || ids.size() > kMaxBatchSlots)
    return domain_error("invalid_request", "allocations: 2 to 12 allocations");
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second)
      return domain_error("invalid_request", "allocation " + id + " is listed twice");
    auto a = load_allocation(db, id);
    if (!a) return a.error();
    if (a->state == "cancelled")
      return domain_error("allocation_cancelled", "allocation " + id + " was cancelled by the OMS");
    if (!is_pickable_state(a->state) || a->units_to_pick() == 0)
      return domain_error("illegal_state",
                          "allocation " + id + " is " + a->state + " with nothing left to pick");
    auto other = open_batch_of(db, id);
    if (!other) return other.error();
    if (*other)
      return domain_error("in_other_batch",
                          "allocation " + id + " is already in batch " + std::to_string(**other));
  }
  auto r = run(db, "INSERT INTO batches (created_by, device_id, created_at) VALUES (?1, ?2, ?3)",
               [&](store::Statement& s) {
                 s.bind(1, who.user_id).bind_optional(2, who.device_id).bind(3, at);
               });
  if (!r) return r.error();
  const std::int64_t batch_id = sqlite3_last_insert_rowid(db.handle());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    r = run(db, "INSERT INTO batch_slots (batch_id, slot, allocation_id) VALUES (?1, ?2, ?3)",
            [&](store::Statement& s) {
              s.bind(1, batch_id).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, ids[i]);
            });
    if (!r) return r.error();
  }
  return load_batch(db, batch_id);
}

namespace {

// The batch and its slots, without the walk; state is "closed" or empty.
Result<Batch> load_header(Connection& db, std::int64_t batch_id) {
  std::optional<Batch> b;
  auto r = each_row(
      db, "SELECT created_by, created_at, closed_at IS NOT NULL FROM batches WHERE batch_id = ?1",
      [&](store::Statement& s) { s.bind(1, batch_id); },
      [&](const store::Statement& s) {
        b = Batch{
            batch_id, s.column_int(2) != 0 ? "closed" : "", s.column_text(0), s.column_text(1), {},
            {}};
      });
  if (!r) return r.error();
  if (!b) return domain_error("not_found", "batch " + std::to_string(batch_id) + " is not known");
  auto slots = load_slots(db, batch_id);
  if (!slots) return slots.error();
  b->slots = std::move(*slots);
  return std::move(*b);
}

}  // namespace

Result<Batch> load_batch(Connection& db, std::int64_t batch_id) {
  auto b = load_header(db, batch_id);
  if (!b) return b;
  if (b->state == "closed") return b;
  std::map<std::pair<std::string, std::string>, Stop> stops;  // (location, sku)
  for (const BatchSlot& slot : b->slots) {
    if (!is_pickable_state(slot.state)) continue;
    auto a = load_allocation(db, slot.allocation);
    if (!a) return a.error();
    for (const Line& l : a->lines) {
      if (l.to_pick() == 0) continue;
      Stop& stop = stops[{l.location, l.sku}];
      stop.location = l.location;
      stop.sku = l.sku;
      stop.description = l.description;
      stop.to_pick += l.to_pick();
      stop.slots.push_back({slot.slot, a->id, l.line, l.to_pick()});
    }
  }
  for (auto& [key, stop] : stops) b->stops.push_back(std::move(stop));
  b->state = b->stops.empty() ? "done" : "picking";
  return b;
}

Result<BatchPick> batch_pick(Connection& db, std::int64_t batch_id, const std::string& code_text,
                             std::int64_t qty, const Actor& who, std::string_view at) {
  if (qty < 1 || qty > 9999) return domain_error("invalid_request", "qty: 1 to 9999");
  auto code = parse_item_code(code_text);
  if (!code) return code.error();
  auto batch = load_header(db, batch_id);
  if (!batch) return batch.error();
  if (batch->state == "closed")
    return domain_error("illegal_state", "batch " + std::to_string(batch_id) + " is closed");
  bool named = false, too_few = false;
  for (const BatchSlot& slot : batch->slots) {
    if (!is_pickable_state(slot.state)) continue;
    auto a = load_allocation(db, slot.allocation);
    if (!a) return a.error();
    for (const Line& l : a->lines) {
      const bool names = code_names(*code, l.sku, l.gtins) ||
                         (l.substitute_sku && same_text(code->text, *l.substitute_sku));
      if (!names) continue;
      named = true;
      if (l.to_pick() == 0) continue;
      if (l.to_pick() < qty) {
        too_few = true;
        continue;
      }
      auto p = pick(db, a->id, code_text, qty, who, at);
      if (!p) return p.error();
      return BatchPick{slot.slot, a->id, std::move(*p)};
    }
  }
  if (too_few)
    return domain_error("too_many", "no order in this batch needs " + std::to_string(qty) +
                                        " more of this item; scan them one by one");
  if (named)
    return domain_error("already_picked", "every unit of this item in the batch is picked");
  auto sku = catalog_sku(db, *code);
  if (!sku) return sku.error();
  return domain_error("wrong_item", (*sku ? "this is " + **sku : code->text) +
                                        ", which no order in batch " + std::to_string(batch_id) +
                                        " needs");
}

Result<std::vector<Batch>> open_batches(Connection& db, std::int64_t limit, std::int64_t offset) {
  std::vector<std::int64_t> ids;
  auto r = each_row(
      db,
      "SELECT b.batch_id FROM batches b WHERE b.closed_at IS NULL AND EXISTS (SELECT 1"
      " FROM batch_slots s JOIN allocations a ON a.allocation_id = s.allocation_id"
      " WHERE s.batch_id = b.batch_id AND a.state IN ('open', 'accepted', 'picking'))"
      " ORDER BY b.batch_id DESC LIMIT ?1 OFFSET ?2",
      [&](store::Statement& s) { s.bind(1, limit).bind(2, offset); },
      [&](const store::Statement& s) { ids.push_back(s.column_int(0)); });
  if (!r) return r.error();
  std::vector<Batch> out;
  for (std::int64_t id : ids) {
    auto b = load_batch(db, id);
    if (!b) return b.error();
    out.push_back(std::move(*b));
  }
  return out;
}

Result<Batch> close_batch(Connection& db, std::int64_t batch_id, std::string_view at) {
  auto b = load_batch(db, batch_id);
  if (!b) return b;
  if (b->state == "closed")
    return domain_error("illegal_state", "batch " + std::to_string(batch_id) + " is closed");
  auto r = run(db, "UPDATE batches SET closed_at = ?2 WHERE batch_id = ?1",
               [&](store::Statement& s) { s.bind(1, batch_id).bind(2, at); });
  if (!r) return r.error();
  return load_batch(db, batch_id);
}

}  // namespace storeedge::fulfil
