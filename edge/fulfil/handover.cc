#include "fulfil/handover.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "sync/outbox.h"

namespace storeedge::fulfil {

namespace json = boost::json;
using store::run;

namespace {

Result<Allocation> load_for_pickup(Connection& db, const std::string& id) {
  auto a = load_allocation(db, id);
  if (!a) return a;
  if (a->kind != "bopis" && a->kind != "curbside")
    return domain_error(
        "wrong_kind", "allocation " + id + " is " + a->kind + ", not a pickup (bopis or curbside)");
  if (a->state == "cancelled")
    return domain_error("allocation_cancelled", "allocation " + id + " was cancelled by the OMS");
  return a;
}

std::optional<std::string> pickup_code(const Allocation& a) {
  boost::system::error_code ec;
  auto customer = json::parse(a.customer, ec);
  if (ec || !customer.is_object()) return std::nullopt;
  const auto* code = customer.as_object().if_contains("pickup_code");
  if (!code || !code->is_string()) return std::nullopt;
  return std::string(code->as_string());
}

}  // namespace

Result<Allocation> stage(Connection& db, const std::string& id, const std::string& location,
                         const Actor& who, std::string_view at) {
  auto a = load_for_pickup(db, id);
  if (!a) return a;
  if (a->state == "ready") {  // moved to another staging location: no new fact
    auto r = run(db,
                 "UPDATE allocations SET staging_location = ?2, updated_at = ?3"
                 " WHERE allocation_id = ?1",
                 [&](store::Statement& s) { s.bind(1, id).bind(2, location).bind(3, at); });
    if (!r) return r.error();
    return a;
  }
  if (is_pickable_state(a->state))
    return domain_error("pick_incomplete", "allocation " + id + " is not picked yet");
  if (a->state != "picked")
    return domain_error("illegal_state", "allocation " + id + " is " + a->state);
  auto r = run(db,
               "UPDATE allocations SET state = 'ready', staging_location = ?2, ready_at = ?3,"
               " updated_at = ?3 WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, location).bind(3, at); });
  if (!r) return r.error();
  r = run(
      db,
      "INSERT INTO print_jobs (kind, allocation_id, state, created_at, station)"
      " VALUES ('bag_label', ?1, 'pending', ?2,"
      " (SELECT station FROM devices WHERE device_id = ?3))",
      [&](store::Statement& s) { s.bind(1, id).bind(2, at).bind(3, who.device_id.value_or("")); });
  if (!r) return r.error();
  auto seq = sync::enqueue(db, "allocation.ready",
                           {{"allocation", id}, {"staging_location", location}}, at);
  if (!seq) return seq.error();
  a->state = "ready";
  return a;
}

Result<Allocation> mark_arrived(Connection& db, const std::string& id, const std::string& bay,
                                const Actor&, std::string_view at) {
  auto a = load_for_pickup(db, id);
  if (!a) return a;
  if (a->kind != "curbside")
    return domain_error("wrong_kind", "allocation " + id + " is not a curbside pickup");
  if (!is_open_state(a->state))
    return domain_error("illegal_state", "allocation " + id + " is " + a->state);
  auto r = run(db,
               "UPDATE allocations SET arrived_at = ?2, arrival_bay = ?3, updated_at = ?2"
               " WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, at).bind(3, bay); });
  if (!r) return r.error();
  return a;
}

Result<Allocation> hand_over(Connection& db, const std::string& id, const Verification& v,
                             const std::vector<HandedLine>& requested, const Actor& who,
                             std::string_view at) {
  auto a = load_for_pickup(db, id);
  if (!a) return a;
  if (a->state == "handed_over")
    return domain_error("already_handed_over", "allocation " + id + " was handed over already");
  if (a->state != "ready")
    return domain_error("illegal_state", "allocation " + id + " is " + a->state +
                                             "; stage it before handing it over");
  if (v.method == "pickup_code") {
    const auto expected = pickup_code(*a);
    if (!expected)
      return domain_error("no_pickup_code",
                          "allocation " + id + " has no pickup code; check an ID document");
    if (!v.code || *v.code != *expected)
      return domain_error("wrong_pickup_code", "the pickup code does not match");
  } else if (v.method == "other" && (!v.note || v.note->empty())) {
    return domain_error("invalid_request", "verification.note: say how the customer was verified");
  } else if (v.method != "id_document" && v.method != "other") {
    return domain_error("invalid_request",
                        "verification.method: one of pickup_code, id_document, other");
  }
  std::map<std::string, std::int64_t> handed;
  for (const Line& l : a->lines) handed[l.line] = requested.empty() ? l.picked : 0;
  for (const HandedLine& h : requested) {
    auto it = handed.find(h.line);
    if (it == handed.end())
      return domain_error("invalid_request", "allocation " + id + " has no line " + h.line);
    it->second = h.qty;
  }
  json::array lines;
  std::int64_t total = 0;
  for (const Line& l : a->lines) {
    const std::int64_t qty = handed[l.line];
    if (qty < 0 || qty > l.picked)
      return domain_error("too_many", "line " + l.line + " has " + std::to_string(l.picked) +
                                          " picked unit(s), not " + std::to_string(qty));
    total += qty;
    if (qty > 0) lines.push_back({{"line", l.line}, {"qty", qty}});
    auto r = run(db,
                 "UPDATE allocation_lines SET handed_qty = ?3 WHERE allocation_id = ?1 AND"
                 " line = ?2",
                 [&](store::Statement& s) { s.bind(1, id).bind(2, l.line).bind(3, qty); });
    if (!r) return r.error();
    if (qty < l.picked) {  // the customer did not take these: back to the shelf
      r = run(db,
              "INSERT INTO put_back_work (allocation_id, sku, qty, created_at, reason)"
              " VALUES (?1, ?2, ?3, ?4, 'partial_handover')",
              [&](store::Statement& s) {
                s.bind(1, id).bind(2, l.substitute_sku.value_or(l.sku)).bind(3, l.picked - qty);
                s.bind(4, at);
              });
      if (!r) return r.error();
    }
  }
  if (total == 0) return domain_error("nothing_to_hand_over", "a handover needs at least one unit");
  json::object verification{{"method", v.method}};
  if (v.note) verification["note"] = *v.note;
  auto r = run(db,
               "UPDATE allocations SET state = 'handed_over', closed_at = ?2, updated_at = ?2,"
               " verification = ?3 WHERE allocation_id = ?1",
               [&](store::Statement& s) {
                 s.bind(1, id).bind(2, at).bind(3, json::serialize(verification));
               });
  if (!r) return r.error();
  auto seq = sync::enqueue(db, "allocation.handed_over",
                           {{"allocation", id},
                            {"lines", std::move(lines)},
                            {"verification", std::move(verification)},
                            {"by", who.user_id}},
                           at);
  if (!seq) return seq.error();
  a->state = "handed_over";
  for (Line& l : a->lines) l.handed = handed[l.line];
  return a;
}

}  // namespace storeedge::fulfil
