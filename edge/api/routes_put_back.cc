// Goods going back to the shelf over HTTP: pickups past their hold, expiring one
// (allocation.expired), and the put-back work of expiries, cancellations and partial handovers
// (docs/fulfilment.md).
#include "api/api.h"
#include "api/floor_json.h"
#include "api/json_input.h"
#include "fulfil/put_back.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

json::object task_json(const fulfil::PutBackTask& t) {
  return {{"id", t.id},         {"allocation", t.allocation},
          {"sku", t.sku},       {"description", t.description},
          {"reason", t.reason}, {"location", t.location},
          {"qty", t.qty},       {"done", t.done}};
}

}  // namespace

awaitable<Response> Api::get_expired(Call& call) {
  auto page = page_of(call.query, 50, 200);
  if (!page) co_return error(page.error());
  auto rows = fulfil::expired_pickups(deps_.reader, now(), page->fetch(), page->offset);
  if (!rows) co_return error(rows.error());
  co_return page_response(*rows, *page, [](const fulfil::ExpiredPickup& e) {
    return json::object{{"id", e.id},
                        {"order", e.order},
                        {"kind", e.kind},
                        {"customer", e.customer_name},
                        {"ready_at", e.ready_at},
                        {"hold_until", e.hold_until},
                        {"staging_location", e.staging_location},
                        {"units", e.units}};
  });
}

awaitable<Response> Api::post_expire(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  FulfilChange fn = [id](store::Connection& db, const fulfil::Actor&,
                         std::string_view at) -> Result<json::object> {
    auto a = fulfil::expire(db, id, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::get_put_backs(Call& call) {
  auto page = page_of(call.query, 50, 200);
  if (!page) co_return error(page.error());
  auto rows = fulfil::open_put_backs(deps_.reader, page->fetch(), page->offset);
  if (!rows) co_return error(rows.error());
  co_return page_response(*rows, *page, task_json);
}

awaitable<Response> Api::post_put_back_scan(Call& call) {
  auto task_id = id_param(call.params[0], "put-back");
  if (!task_id) co_return error(task_id.error());
  call.target = "put-back " + call.params[0];
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto code = required_string(*body, "code");
  if (!code) co_return error(code.error());
  auto location = floor_name(*body, "location");
  if (!location) co_return error(location.error());
  auto qty = optional_int(*body, "qty", 1, 9999);
  if (!qty) co_return error(qty.error());
  FulfilChange fn = [task_id = *task_id, code = *code, location = *location,
                     qty = qty->value_or(1)](store::Connection& db, const fulfil::Actor&,
                                             std::string_view at) -> Result<json::object> {
    auto t = fulfil::put_back(db, task_id, code, location, qty, at);
    if (!t) return t.error();
    return json::object{{"put_back", task_json(*t)}, {"put_away", qty}, {"location", location}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

}  // namespace storeedge::api
