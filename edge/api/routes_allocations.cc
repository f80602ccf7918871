// Reading the local replica of the store's allocations. The OMS sync fills it; fulfilment
// changes it.
#include <boost/json/array.hpp>
#include <charconv>
#include <map>

#include "api/api.h"
#include "api/floor_json.h"
#include "fulfil/packing.h"

namespace storeedge::api {

using http::Status;

namespace {

boost::json::value opt(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

constexpr std::string_view kColumns =
    "allocation_id, order_id, kind, state, priority, promised_by, customer_name, created_at,"
    " updated_at";

boost::json::object allocation_json(const store::Statement& st) {
  return {{"id", st.column_text(0)},
          {"order", st.column_text(1)},
          {"kind", st.column_text(2)},
          {"state", st.column_text(3)},
          {"priority", st.column_int(4)},
          {"promised_by", opt(st.column_optional(5))},
          {"customer_name", opt(st.column_optional(6))},
          {"created_at", st.column_text(7)},
          {"updated_at", st.column_text(8)}};
}

}  // namespace

awaitable<Response> Api::get_allocations(Call& call) {
  int limit = 100;
  if (auto it = call.query.find("limit"); it != call.query.end()) {
    auto [end, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
    if (ec != std::errc{} || end != it->second.data() + it->second.size() || limit < 1 ||
        limit > 500)
      co_return error(make_error("invalid_request", "limit: must be an integer from 1 to 500"));
  }
  std::optional<std::string> state, kind, after;
  if (auto it = call.query.find("state"); it != call.query.end()) state = it->second;
  if (auto it = call.query.find("kind"); it != call.query.end()) kind = it->second;
  if (auto it = call.query.find("after"); it != call.query.end()) after = it->second;
  for (const auto* v : {&state, &kind, &after})
    if (*v && ((*v)->empty() || (*v)->size() > 64))
      co_return error(make_error("invalid_request", "state, kind and after: 1-64 characters"));
  auto st = deps_.reader.prepare(
      "SELECT " + std::string(kColumns) +
      " FROM allocations WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2)"
      " AND (?3 IS NULL OR allocation_id > ?3) ORDER BY allocation_id LIMIT ?4");
  if (!st) co_return error(st.error());
  (*st)->bind_optional(1, state).bind_optional(2, kind).bind_optional(3, after);
  (*st)->bind(4, std::int64_t{limit} + 1);
  boost::json::array out;
  bool more = false;
  while (true) {
    auto row = (*st)->step();
    if (!row) co_return error(row.error());
    if (!*row) break;
    if (static_cast<int>(out.size()) == limit) {
      more = true;
      (*st)->reset();
      break;
    }
    out.push_back(allocation_json(**st));
  }
  boost::json::value next = nullptr;
  if (more) next = out.back().as_object().at("id");
  co_return http::json_response(Status::ok, {{"allocations", std::move(out)}, {"next", next}});
}

awaitable<Response> Api::get_allocation(Call& call) {
  auto st = deps_.reader.prepare("SELECT " + std::string(kColumns) +
                                 " FROM allocations WHERE allocation_id = ?1");
  if (!st) co_return error(st.error());
  (*st)->bind(1, call.params[0]);
  auto row = (*st)->step();
  if (!row) co_return error(row.error());
  if (!*row) co_return error(make_error("not_found", "no allocation " + call.params[0]));
  boost::json::object a = allocation_json(**st);
  (*st)->reset();
  auto lines = deps_.reader.prepare(
      "SELECT line, sku, description, qty, unit_price, currency FROM allocation_lines"
      " WHERE allocation_id = ?1 ORDER BY length(line), line");
  if (!lines) co_return error(lines.error());
  (*lines)->bind(1, call.params[0]);
  std::map<std::string, std::pair<std::int64_t, std::string>> prices;
  while (true) {
    auto l = (*lines)->step();
    if (!l) co_return error(l.error());
    if (!*l) break;
    prices[(*lines)->column_text(0)] = {(*lines)->column_int(4), (*lines)->column_text(5)};
  }
  // The floor's view of the allocation: line figures, pickup and packing details.
  auto work = fulfil::load_allocation(deps_.reader, call.params[0]);
  if (!work) co_return error(work.error());
  boost::json::array out;
  for (const auto& line : work->lines) {
    boost::json::object o = line_json(line);
    o["unit_price"] = prices[line.line].first;
    o["currency"] = prices[line.line].second;
    out.push_back(std::move(o));
  }
  a["lines"] = std::move(out);
  a["substitutions_allowed"] = work->substitutions_allowed;
  a["units_to_pick"] = work->units_to_pick();
  auto details = deps_.reader.prepare(
      "SELECT staging_location, arrival_bay, ready_at, carrier, service,"
      " json_extract(customer, '$.pickup_code') IS NOT NULL FROM allocations"
      " WHERE allocation_id = ?1");
  if (!details) co_return error(details.error());
  (*details)->bind(1, call.params[0]);
  if (auto d = (*details)->step(); !d) {
    co_return error(d.error());
  } else if (*d) {
    const store::Statement& s = **details;
    a["staging_location"] = opt(s.column_optional(0));
    a["arrival_bay"] = opt(s.column_optional(1));
    a["ready_at"] = opt(s.column_optional(2));
    a["carrier"] = opt(s.column_optional(3));
    a["service"] = opt(s.column_optional(4));
    a["has_pickup_code"] = s.column_int(5) != 0;
    (*details)->reset();
  }
  auto packages = fulfil::load_packages(deps_.reader, call.params[0]);
  if (!packages) co_return error(packages.error());
  a["packages"] = packages_json(*packages);
  co_return http::json_response(Status::ok, {{"allocation", std::move(a)}});
}

}  // namespace storeedge::api
