// Reading the floor's work: the queue of open allocations by promise time and priority, with
// due-in and overdue figures, and the search a handover starts with (order number, pickup code,
// customer name, or a scanned order barcode).
#include <boost/json/array.hpp>
#include <charconv>
#include <set>

#include "api/api.h"
#include "api/floor_json.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

// The columns of a queue entry; the page is chosen first (index order), the line figures are
// computed only for the rows on it.
constexpr std::string_view kQueueSelect =
    "SELECT a.allocation_id, a.order_id, a.kind, a.state, a.priority, a.promised_by,"
    " a.customer_name, a.staging_location, a.arrival_bay, a.arrived_at,"
    " (SELECT count(*) FROM allocation_lines l WHERE l.allocation_id = a.allocation_id),"
    " (SELECT coalesce(sum(qty - cancelled_qty - rejected_qty), 0) FROM allocation_lines l"
    "  WHERE l.allocation_id = a.allocation_id),"
    " (SELECT coalesce(sum(picked_qty), 0) FROM allocation_lines l"
    "  WHERE l.allocation_id = a.allocation_id)";

json::object queue_entry(const store::Statement& s, SystemTime now) {
  auto opt = [&](int i) {
    auto v = s.column_optional(i);
    return v ? json::value(*v) : json::value(nullptr);
  };
  json::object o{{"id", s.column_text(0)},          {"order", s.column_text(1)},
                 {"kind", s.column_text(2)},        {"state", s.column_text(3)},
                 {"priority", s.column_int(4)},     {"promised_by", opt(5)},
                 {"customer_name", opt(6)},         {"staging_location", opt(7)},
                 {"arrival_bay", opt(8)},           {"arrived_at", opt(9)},
                 {"lines", s.column_int(10)},       {"units", s.column_int(11)},
                 {"units_picked", s.column_int(12)}};
  json::value due = nullptr;
  bool overdue = false;
  if (auto promised = s.column_optional(5))
    if (auto t = parse_rfc3339(*promised)) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*t - now).count();
      due = seconds;
      overdue = seconds < 0;
    }
  o["due_in_seconds"] = due;
  o["overdue"] = overdue;
  return o;
}

}  // namespace

awaitable<Response> Api::get_work(Call& call) {
  auto page = page_of(call.query, 50, 200);
  if (!page) co_return error(page.error());
  std::optional<std::string> kind, state;
  if (auto it = call.query.find("kind"); it != call.query.end()) kind = it->second;
  if (auto it = call.query.find("state"); it != call.query.end()) state = it->second;
  if (kind && *kind != "bopis" && *kind != "curbside" && *kind != "ship_from_store")
    co_return error(make_error("invalid_request", "kind: bopis, curbside or ship_from_store"));
  static const std::set<std::string> kStates = {"open",  "accepted", "picking", "picked",
                                                "ready", "packing",  "packed"};
  if (state && !kStates.contains(*state))
    co_return error(
        make_error("invalid_request",
                   "state: one of open, accepted, picking, picked, ready, packing, packed"));
  // The page comes from allocations_work_queue in index order (docs/schema.md, version 4).
  // Without statistics SQLite's planner prefers allocations_by_state and sorts every open
  // allocation, hence INDEXED BY; its WHERE must keep the index's state list word for word.
  auto st = deps_.reader.prepare(
      std::string(kQueueSelect) +
      " FROM (SELECT allocation_id FROM allocations INDEXED BY allocations_work_queue"
      "       WHERE state IN ('open', 'accepted', 'picking', 'picked', 'ready', 'packing',"
      "       'packed')"
      "       AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR state = ?2)"
      "       ORDER BY promised_by IS NULL, promised_by, priority DESC, allocation_id"
      "       LIMIT ?3 OFFSET ?4) page"
      " JOIN allocations a ON a.allocation_id = page.allocation_id"
      " ORDER BY a.promised_by IS NULL, a.promised_by, a.priority DESC, a.allocation_id");
  if (!st) co_return error(st.error());
  (*st)->bind_optional(1, kind).bind_optional(2, state);
  (*st)->bind(3, page->fetch()).bind(4, std::int64_t{page->offset});
  const SystemTime now = deps_.clock.now();
  json::array out;
  bool more = false;
  while (true) {
    auto row = (*st)->step();
    if (!row) co_return error(row.error());
    if (!*row) break;
    if (static_cast<int>(out.size()) == page->limit) {
      more = true;
      (*st)->reset();
      break;
    }
    out.push_back(queue_entry(**st, now));
  }
  json::value next = nullptr;
  if (more) next = std::to_string(page->offset + page->limit);
  co_return http::json_response(Status::ok, {{"work", std::move(out)}, {"next", next}});
}

awaitable<Response> Api::get_pickups(Call& call) {
  auto it = call.query.find("q");
  if (it == call.query.end() || it->second.empty() || it->second.size() > 128)
    co_return error(make_error("invalid_request", "q: 1-128 characters"));
  std::string q = it->second;
  // A scanned barcode may carry an AIM prefix ("]C0…").
  if (q.size() > 3 && q[0] == ']') q = q.substr(3);
  auto st = deps_.reader.prepare(
      std::string(kQueueSelect) +
      " FROM allocations a WHERE a.kind IN ('bopis', 'curbside')"
      " AND a.state IN ('open', 'accepted', 'picking', 'picked', 'ready')"
      " AND (a.order_id = ?1 COLLATE NOCASE OR a.allocation_id = ?1 COLLATE NOCASE"
      "      OR json_extract(a.customer, '$.pickup_code') = ?1"
      "      OR a.customer_name LIKE '%' || ?2 || '%' ESCAPE '\\'"
      "      OR a.pickup_person LIKE '%' || ?2 || '%' ESCAPE '\\')"
      " ORDER BY a.state = 'ready' DESC, a.promised_by, a.allocation_id LIMIT 20");
  if (!st) co_return error(st.error());
  std::string like;
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') like += '\\';
    like += c;
  }
  (*st)->bind(1, q).bind(2, q.size() >= 3 ? like : std::string("\x01"));
  const SystemTime now = deps_.clock.now();
  json::array out;
  while (true) {
    auto row = (*st)->step();
    if (!row) co_return error(row.error());
    if (!*row) break;
    out.push_back(queue_entry(**st, now));
  }
  co_return http::json_response(Status::ok, {{"pickups", std::move(out)}});
}

}  // namespace storeedge::api
