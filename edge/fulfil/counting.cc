#include "fulfil/counting.h"

#include <map>

#include "fulfil/inventory.h"
#include "fulfil/item_match.h"

namespace storeedge::fulfil {

using store::each_row;
using store::run;

namespace {

// Posts the count's variances and clears the bin's count-due marks.
Result<void> post(Connection& db, const Count& c, std::string_view at) {
  const std::string ref = "count-" + std::to_string(c.id);
  for (const CountLine& l : c.lines) {
    auto r = adjust_stock(db, {l.sku, c.location, l.variance(), "count", ref}, at);
    if (!r) return r;
  }
  return run(db, "UPDATE inventory SET count_due = 0, updated_at = ?2 WHERE location = ?1",
             [&](store::Statement& s) { s.bind(1, c.location).bind(2, at); });
}

Result<void> load_lines(Connection& db, Count& c) {
  return each_row(
      db, "SELECT sku, expected, counted FROM count_lines WHERE count_id = ?1 ORDER BY sku",
      [&](store::Statement& s) { s.bind(1, c.id); },
      [&](const store::Statement& s) {
        c.lines.push_back({s.column_text(0), s.column_int(1), s.column_int(2)});
      });
}

constexpr std::string_view kCountColumns =
    "count_id, location, state, counted_by, created_at, decided_by, decided_at FROM counts";

Count count_of(const store::Statement& s) {
  return {s.column_int(0),  s.column_text(1),     s.column_text(2),     s.column_text(3),
          s.column_text(4), s.column_optional(5), s.column_optional(6), {}};
}

}  // namespace

Result<Count> submit_count(Connection& db, const std::string& location,
                           const std::vector<CountedItem>& items, std::int64_t variance_limit,
                           bool may_post, const Actor& who, std::string_view at) {
  if (items.size() > 1000) return domain_error("invalid_request", "items: at most 1000");
  std::map<std::string, CountLine> lines;
  auto r = each_row(
      db, "SELECT sku, on_hand FROM inventory WHERE location = ?1",
      [&](store::Statement& s) { s.bind(1, location); },
      [&](const store::Statement& s) {
        lines[s.column_text(0)] = {s.column_text(0), s.column_int(1), 0};
      });
  if (!r) return r.error();
  for (const CountedItem& item : items) {
    if (item.qty < 0 || item.qty > 99'999)
      return domain_error("invalid_request", "items[].qty: 0 to 99999");
    auto sku = known_sku(db, item.code);
    if (!sku) return sku.error();
    CountLine& l = lines[*sku];
    l.sku = *sku;
    l.counted += item.qty;
  }
  bool over_limit = false;
  for (const auto& [sku, l] : lines) {
    const std::int64_t v = l.variance();
    over_limit |= (v < 0 ? -v : v) > variance_limit;
  }
  Count c{0,
          location,
          over_limit && !may_post ? "awaiting_approval" : "posted",
          who.user_id,
          std::string(at),
          std::nullopt,
          std::nullopt,
          {}};
  if (c.state == "posted") {
    c.decided_by = who.user_id;
    c.decided_at = std::string(at);
  }
  r = run(db,
          "INSERT INTO counts (location, state, counted_by, device_id, created_at, decided_by,"
          " decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
          [&](store::Statement& s) {
            s.bind(1, location).bind(2, c.state).bind(3, who.user_id);
            s.bind_optional(4, who.device_id).bind(5, at);
            s.bind_optional(6, c.decided_by).bind_optional(7, c.decided_at);
          });
  if (!r) return r.error();
  c.id = sqlite3_last_insert_rowid(db.handle());
  for (const auto& entry : lines) {
    // Not a structured binding: clang 14 (the fuzz preset) cannot capture those in a lambda.
    const auto& sku = entry.first;
    const auto& l = entry.second;
    r = run(db,
            "INSERT INTO count_lines (count_id, sku, expected, counted) VALUES (?1, ?2, ?3, ?4)",
            [&](store::Statement& s) {
              s.bind(1, c.id).bind(2, sku).bind(3, l.expected).bind(4, l.counted);
            });
    if (!r) return r.error();
    c.lines.push_back(l);
  }
  if (c.state == "posted") {
    r = post(db, c, at);
    if (!r) return r.error();
  }
  return c;
}

Result<Count> load_count(Connection& db, std::int64_t count_id) {
  std::optional<Count> c;
  auto r = each_row(
      db, "SELECT " + std::string(kCountColumns) + " WHERE count_id = ?1",
      [&](store::Statement& s) { s.bind(1, count_id); },
      [&](const store::Statement& s) { c = count_of(s); });
  if (!r) return r.error();
  if (!c) return domain_error("not_found", "count " + std::to_string(count_id) + " is not known");
  r = load_lines(db, *c);
  if (!r) return r.error();
  return *c;
}

Result<std::vector<Count>> list_counts(Connection& db, const std::optional<std::string>& state,
                                       std::int64_t limit, std::int64_t offset) {
  std::vector<Count> out;
  auto r = each_row(
      db,
      "SELECT " + std::string(kCountColumns) +
          " WHERE ?1 IS NULL OR state = ?1 ORDER BY count_id DESC LIMIT ?2 OFFSET ?3",
      [&](store::Statement& s) { s.bind_optional(1, state).bind(2, limit).bind(3, offset); },
      [&](const store::Statement& s) { out.push_back(count_of(s)); });
  if (!r) return r.error();
  for (Count& c : out)
    if (auto lr = load_lines(db, c); !lr) return lr.error();
  return out;
}

Result<Count> decide_count(Connection& db, std::int64_t count_id, bool approve, const Actor& who,
                           std::string_view at) {
  auto c = load_count(db, count_id);
  if (!c) return c;
  if (c->state != "awaiting_approval")
    return domain_error("illegal_state", "count " + std::to_string(count_id) + " is " + c->state);
  if (c->counted_by == who.user_id)
    return domain_error("not_allowed_for_role", "a count must be approved by someone else");
  c->state = approve ? "posted" : "rejected";
  c->decided_by = who.user_id;
  c->decided_at = std::string(at);
  auto r =
      run(db, "UPDATE counts SET state = ?2, decided_by = ?3, decided_at = ?4 WHERE count_id = ?1",
          [&](store::Statement& s) {
            s.bind(1, count_id).bind(2, c->state).bind(3, who.user_id).bind(4, at);
          });
  if (!r) return r.error();
  if (approve) {
    r = post(db, *c, at);
    if (!r) return r.error();
  }
  return c;
}

}  // namespace storeedge::fulfil
