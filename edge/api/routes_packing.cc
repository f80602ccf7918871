// Ship-from-store over HTTP after picking: packages, scanning items into them, weight and
// dimensions, finishing packing (labels requested from the OMS), typed tracking numbers, and
// shipping. Each change goes through fulfil_change() (docs/fulfilment.md).
#include "api/api.h"
#include "api/floor_json.h"
#include "api/json_input.h"

namespace storeedge::api {

namespace json = boost::json;

namespace {

json::object packed_json(const fulfil::PackOutcome& p) {
  return {{"package", p.package},
          {"line", p.line},
          {"sku", p.sku},
          {"qty", p.qty},
          {"package_units", p.package_units},
          {"units_to_pack", p.units_to_pack}};
}

// A package name as the path carries it: "P" and 1-2 digits.
bool package_name_ok(const std::string& p) {
  return p.size() >= 2 && p.size() <= 3 && p[0] == 'P' &&
         p.find_first_not_of("0123456789", 1) == std::string::npos;
}

}  // namespace

awaitable<Response> Api::post_package(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  FulfilChange fn = [id](store::Connection& db, const fulfil::Actor&,
                         std::string_view at) -> Result<json::object> {
    auto p = fulfil::open_package(db, id, at);
    if (!p) return p.error();
    auto a = fulfil::load_allocation(db, id);
    if (!a) return a.error();
    return json::object{{"package", package_json(*p)}, {"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_package_items(Call& call) {
  co_return co_await pack_scan(call, false);
}

awaitable<Response> Api::post_package_items_remove(Call& call) {
  co_return co_await pack_scan(call, true);
}

awaitable<Response> Api::pack_scan(Call& call, bool remove) {
  const std::string id = call.params[0], package = call.params[1];
  call.target = id + " " + package;
  if (!package_name_ok(package))
    co_return error(make_error("not_found", "allocation " + id + " has no package " + package));
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto code = required_string(*body, "code");
  if (!code) co_return error(code.error());
  auto qty = optional_int(*body, "qty", 1, 9999);
  if (!qty) co_return error(qty.error());
  FulfilChange fn = [id, package, code = *code, qty = qty->value_or(1), remove](
                        store::Connection& db, const fulfil::Actor&,
                        std::string_view at) -> Result<json::object> {
    auto packed = fulfil::pack_item(db, id, package, code, qty, remove, at);
    if (!packed) return packed.error();
    auto packages = fulfil::load_packages(db, id);
    if (!packages) return packages.error();
    return json::object{{"packed", packed_json(*packed)}, {"packages", packages_json(*packages)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::patch_package(Call& call) {
  const std::string id = call.params[0], package = call.params[1];
  call.target = id + " " + package;
  if (!package_name_ok(package))
    co_return error(make_error("not_found", "allocation " + id + " has no package " + package));
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto weight = optional_int(*body, "weight_g", 1, 70'000);
  if (!weight) co_return error(weight.error());
  const json::value* dims = body->if_contains("dims_mm");
  std::array<std::int64_t, 3> mm{};
  bool dims_ok = dims && dims->is_array() && dims->as_array().size() == 3;
  for (std::size_t i = 0; dims_ok && i < 3; ++i) {
    const json::value& d = dims->as_array()[i];
    dims_ok = d.is_int64() && d.as_int64() >= 1 && d.as_int64() <= 3'000;
    if (dims_ok) mm[i] = d.as_int64();
  }
  if (!*weight || !dims_ok)
    co_return error(make_error("invalid_request",
                               "weight_g (1-70000 grams) and dims_mm ([length, width, height],"
                               " 1-3000 millimetres each) are required"));
  FulfilChange fn = [id, package, weight = **weight, mm](store::Connection& db,
                                                         const fulfil::Actor&,
                                                         std::string_view) -> Result<json::object> {
    auto p = fulfil::size_package(db, id, package, weight, mm);
    if (!p) return p.error();
    return json::object{{"package", package_json(*p)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_pack(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  FulfilChange fn = [id](store::Connection& db, const fulfil::Actor&,
                         std::string_view at) -> Result<json::object> {
    auto a = fulfil::finish_packing(db, id, at);
    if (!a) return a.error();
    auto packages = fulfil::load_packages(db, id);
    if (!packages) return packages.error();
    return json::object{{"allocation", work_json(*a)}, {"packages", packages_json(*packages)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::put_tracking(Call& call) {
  const std::string id = call.params[0], package = call.params[1];
  call.target = id + " " + package;
  if (!package_name_ok(package))
    co_return error(make_error("not_found", "allocation " + id + " has no package " + package));
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto carrier = optional_string(*body, "carrier");
  if (!carrier) co_return error(carrier.error());
  auto tracking = required_string(*body, "tracking");
  if (!tracking) co_return error(tracking.error());
  FulfilChange fn = [id, package, carrier = *carrier, tracking = *tracking](
                        store::Connection& db, const fulfil::Actor&,
                        std::string_view) -> Result<json::object> {
    auto p = fulfil::type_tracking(db, id, package, carrier, tracking);
    if (!p) return p.error();
    return json::object{{"package", package_json(*p)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_ship(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  FulfilChange fn = [id](store::Connection& db, const fulfil::Actor& who,
                         std::string_view at) -> Result<json::object> {
    auto a = fulfil::ship(db, id, who, at);
    if (!a) return a.error();
    auto packages = fulfil::load_packages(db, id);
    if (!packages) return packages.error();
    return json::object{{"allocation", work_json(*a)}, {"packages", packages_json(*packages)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

}  // namespace storeedge::api
