// Batch picking over HTTP: starting a batch of allocations, its walk by bin, and scans that
// land in the first slot needing the item (docs/fulfilment.md).
#include "api/api.h"
#include "api/floor_json.h"
#include "api/json_input.h"
#include "fulfil/batches.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

json::object batch_json(const fulfil::Batch& b) {
  json::array slots, stops;
  for (const auto& s : b.slots)
    slots.push_back(
        {{"slot", s.slot}, {"allocation", s.allocation}, {"order", s.order}, {"state", s.state}});
  for (const auto& stop : b.stops) {
    json::array need;
    for (const auto& s : stop.slots)
      need.push_back({{"slot", s.slot},
                      {"allocation", s.allocation},
                      {"line", s.line},
                      {"to_pick", s.to_pick}});
    stops.push_back({{"location", stop.location},
                     {"sku", stop.sku},
                     {"description", stop.description},
                     {"to_pick", stop.to_pick},
                     {"slots", std::move(need)}});
  }
  return {{"id", b.id},
          {"state", b.state},
          {"created_by", b.created_by},
          {"created_at", b.created_at},
          {"slots", std::move(slots)},
          {"stops", std::move(stops)}};
}

}  // namespace

awaitable<Response> Api::post_batch(Call& call) {
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  const json::value* list = body->if_contains("allocations");
  if (!list || !list->is_array() || list->as_array().size() > fulfil::kMaxBatchSlots)
    co_return error(make_error("invalid_request", "allocations: an array of 2 to 12 ids"));
  std::vector<std::string> ids;
  for (const json::value& v : list->as_array()) {
    if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 64)
      co_return error(make_error("invalid_request", "allocations: ids of 1-64 characters"));
    ids.emplace_back(v.as_string());
  }
  FulfilChange fn = [ids](store::Connection& db, const fulfil::Actor& who,
                          std::string_view at) -> Result<json::object> {
    auto b = fulfil::create_batch(db, ids, who, at);
    if (!b) return b.error();
    return json::object{{"batch", batch_json(*b)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::get_batch(Call& call) {
  auto batch_id = id_param(call.params[0], "batch");
  if (!batch_id) co_return error(batch_id.error());
  auto b = fulfil::load_batch(deps_.reader, *batch_id);
  if (!b) co_return error(b.error());
  co_return http::json_response(Status::ok, {{"batch", batch_json(*b)}});
}

awaitable<Response> Api::get_batches(Call& call) {
  auto page = page_of(call.query, 20, 100);
  if (!page) co_return error(page.error());
  auto rows = fulfil::open_batches(deps_.reader, page->fetch(), page->offset);
  if (!rows) co_return error(rows.error());
  co_return page_response(*rows, *page, batch_json);
}

awaitable<Response> Api::post_batch_close(Call& call) {
  auto batch_id = id_param(call.params[0], "batch");
  if (!batch_id) co_return error(batch_id.error());
  call.target = "batch " + call.params[0];
  FulfilChange fn = [batch_id = *batch_id](store::Connection& db, const fulfil::Actor&,
                                           std::string_view at) -> Result<json::object> {
    auto b = fulfil::close_batch(db, batch_id, at);
    if (!b) return b.error();
    return json::object{{"batch", batch_json(*b)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_batch_pick(Call& call) {
  auto batch_id = id_param(call.params[0], "batch");
  if (!batch_id) co_return error(batch_id.error());
  call.target = "batch " + call.params[0];
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto code = required_string(*body, "code");
  if (!code) co_return error(code.error());
  auto qty = optional_int(*body, "qty", 1, 9999);
  if (!qty) co_return error(qty.error());
  FulfilChange fn = [batch_id = *batch_id, code = *code, qty = qty->value_or(1)](
                        store::Connection& db, const fulfil::Actor& who,
                        std::string_view at) -> Result<json::object> {
    auto p = fulfil::batch_pick(db, batch_id, code, qty, who, at);
    if (!p) return p.error();
    return json::object{
        {"slot", p->slot}, {"allocation", p->allocation}, {"pick", pick_json(p->pick)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

}  // namespace storeedge::api
