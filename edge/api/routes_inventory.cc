// Stock over HTTP: on-hand per SKU and bin, reserved and available per SKU, and cycle counts
// with a lead's approval above the store's variance limit (docs/fulfilment.md).
#include "api/api.h"
#include "api/floor_json.h"
#include "api/json_input.h"
#include "fulfil/counting.h"
#include "fulfil/inventory.h"
#include "fulfil/item_match.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

json::object bin_json(const fulfil::BinStock& b) {
  return {{"sku", b.sku},         {"description", b.description}, {"location", b.location},
          {"on_hand", b.on_hand}, {"damaged", b.damaged},         {"count_due", b.count_due}};
}

json::object count_json(const fulfil::Count& c) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? json::value(*v) : json::value(nullptr);
  };
  json::array lines;
  for (const auto& l : c.lines)
    lines.push_back({{"sku", l.sku},
                     {"expected", l.expected},
                     {"counted", l.counted},
                     {"variance", l.variance()}});
  return {{"count", c.id},
          {"location", c.location},
          {"state", c.state},
          {"counted_by", c.counted_by},
          {"created_at", c.created_at},
          {"decided_by", opt(c.decided_by)},
          {"decided_at", opt(c.decided_at)},
          {"lines", std::move(lines)}};
}

Result<std::optional<std::string>> query_value(const std::map<std::string, std::string>& q,
                                               const std::string& key) {
  auto it = q.find(key);
  if (it == q.end()) return std::optional<std::string>();
  if (it->second.empty() || it->second.size() > 64)
    return make_error("invalid_request", key + ": 1-64 characters");
  return std::optional(it->second);
}

}  // namespace

awaitable<Response> Api::get_inventory(Call& call) {
  auto page = page_of(call.query, 100, 500);
  if (!page) co_return error(page.error());
  auto sku = query_value(call.query, "sku");
  if (!sku) co_return error(sku.error());
  auto location = query_value(call.query, "location");
  if (!location) co_return error(location.error());
  auto rows = fulfil::list_stock(deps_.reader, *sku, *location, page->fetch(), page->offset);
  if (!rows) co_return error(rows.error());
  co_return page_response(*rows, *page, bin_json);
}

awaitable<Response> Api::get_inventory_item(Call& call) {
  auto sku = fulfil::known_sku(deps_.reader, call.params[0]);
  if (!sku) co_return error(sku.error());
  auto stock = fulfil::item_stock(deps_.reader, *sku);
  if (!stock) co_return error(stock.error());
  json::array locations;
  for (const auto& b : stock->locations) locations.push_back(bin_json(b));
  co_return http::json_response(Status::ok, {{"sku", stock->sku},
                                             {"description", stock->description},
                                             {"on_hand", stock->on_hand},
                                             {"damaged", stock->damaged},
                                             {"reserved", stock->reserved},
                                             {"available", stock->available},
                                             {"locations", std::move(locations)}});
}

awaitable<Response> Api::post_count(Call& call) {
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto location = floor_name(*body, "location");
  if (!location) co_return error(location.error());
  call.target = "bin " + *location;
  auto items = optional_objects(*body, "items", 1000);
  if (!items) co_return error(items.error());
  std::vector<fulfil::CountedItem> counted;
  for (const auto& item : *items) {
    auto code = required_string(item, "code");
    if (!code) co_return error(code.error());
    auto qty = optional_int(item, "qty", 0, 99'999);
    if (!qty) co_return error(qty.error());
    if (!*qty) co_return error(make_error("invalid_request", "items[].qty is required"));
    counted.push_back({*code, **qty});
  }
  const bool may_post = call.who.role >= auth::Role::lead;
  const std::int64_t limit = deps_.config.fulfil.count_approval_variance;
  FulfilChange fn = [location = *location, counted, may_post, limit](
                        store::Connection& db, const fulfil::Actor& who,
                        std::string_view at) -> Result<json::object> {
    auto c = fulfil::submit_count(db, location, counted, limit, may_post, who, at);
    if (!c) return c.error();
    return count_json(*c);
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::get_counts(Call& call) {
  auto page = page_of(call.query, 50, 200);
  if (!page) co_return error(page.error());
  auto state = query_value(call.query, "state");
  if (!state) co_return error(state.error());
  if (*state && **state != "posted" && **state != "awaiting_approval" && **state != "rejected")
    co_return error(make_error("invalid_request", "state: posted, awaiting_approval or rejected"));
  auto rows = fulfil::list_counts(deps_.reader, *state, page->fetch(), page->offset);
  if (!rows) co_return error(rows.error());
  co_return page_response(*rows, *page, count_json);
}

awaitable<Response> Api::post_count_approve(Call& call) {
  co_return co_await decide_count(call, true);
}

awaitable<Response> Api::post_count_reject(Call& call) {
  co_return co_await decide_count(call, false);
}

awaitable<Response> Api::decide_count(Call& call, bool approve) {
  auto count_id = id_param(call.params[0], "count");
  if (!count_id) co_return error(count_id.error());
  call.target = "count " + call.params[0];
  // With a manager override, the manager decides.
  const std::optional<std::string> decider = call.who.override_by;
  FulfilChange fn = [count_id = *count_id, approve, decider](
                        store::Connection& db, const fulfil::Actor& who,
                        std::string_view at) -> Result<json::object> {
    fulfil::Actor by = who;
    if (decider) by.user_id = *decider;
    auto c = fulfil::decide_count(db, count_id, approve, by, at);
    if (!c) return c.error();
    return count_json(*c);
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

}  // namespace storeedge::api
