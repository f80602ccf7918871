// Users, devices and the audit log: what a store manager administers from a handheld or the
// back office. storeedgectl covers the same ground for operators on the machine.
#include <boost/json/array.hpp>
#include <charconv>

#include "api/api.h"
#include "api/json_input.h"
#include "auth/secrets.h"

namespace storeedge::api {

using http::Status;

namespace {

boost::json::object user_json(const auth::User& u) {
  return {{"id", u.user_id},    {"name", u.display_name},   {"role", auth::role_name(u.role)},
          {"active", u.active}, {"has_badge", u.has_badge}, {"created_at", u.created_at}};
}

boost::json::object device_json(const auth::Device& d) {
  boost::json::object o{{"id", d.device_id},
                        {"kind", d.kind},
                        {"name", d.name},
                        {"enrolled_at", d.enrolled_at},
                        {"enrolled_by", d.enrolled_by}};
  o["revoked_at"] = d.revoked_at ? boost::json::value(*d.revoked_at) : nullptr;
  o["station"] = d.station ? boost::json::value(*d.station) : nullptr;
  o["state"] = d.revoked_at ? "revoked" : "active";
  return o;
}

Result<int> limit_param(const std::map<std::string, std::string>& query, int fallback, int max) {
  auto it = query.find("limit");
  if (it == query.end()) return fallback;
  int v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || end != it->second.data() + it->second.size() || v < 1 || v > max)
    return make_error("invalid_request",
                      "limit: must be an integer from 1 to " + std::to_string(max));
  return v;
}

}  // namespace

awaitable<Response> Api::get_users(Call&) {
  auto users = auth::list_users(deps_.reader);
  if (!users) co_return error(users.error());
  boost::json::array out;
  for (const auto& u : *users) out.push_back(user_json(u));
  co_return http::json_response(Status::ok, {{"users", std::move(out)}});
}

awaitable<Response> Api::post_user(Call& call) {
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auth::NewUser u;
  auto id = required_string(*body, "id");
  auto name = required_string(*body, "name");
  auto role = required_string(*body, "role");
  auto badge = optional_string(*body, "badge");
  auto pin = required_string(*body, "pin");
  for (const Result<std::string>* r : {&id, &name, &role, &pin})
    if (!*r) co_return error(r->error());
  if (!badge) co_return error(badge.error());
  u.user_id = *id;
  u.display_name = *name;
  u.badge = *badge;
  u.pin = *pin;
  call.target = u.user_id;
  auto parsed_role = auth::parse_role(*role);
  if (!parsed_role)
    co_return error(make_error("invalid_request", "role: must be associate, lead or manager"));
  u.role = *parsed_role;
  if (auto invalid = auth::validate_new_user(u)) co_return error(*invalid);
  auto pin_hash = co_await hash_pin(u.pin);
  if (!pin_hash) co_return error(make_error("overloaded", "the server is busy; retry"));
  const std::string at = now();
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  store::WriteQueue::Change change = [&](store::Connection& db) {
    return auth::insert_user(db, u, *pin_hash, at);
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  auto created = auth::find_user(deps_.reader, u.user_id);
  if (!created || !*created) co_return error(make_error("internal", "user vanished after insert"));
  co_return http::json_response(Status::created, {{"user", user_json(**created)}});
}

awaitable<Response> Api::patch_user(Call& call) {
  call.target = call.params[0];
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto role_text = optional_string(*body, "role");
  auto active = optional_bool(*body, "active");
  auto pin = optional_string(*body, "pin");
  if (!role_text) co_return error(role_text.error());
  if (!active) co_return error(active.error());
  if (!pin) co_return error(pin.error());
  std::optional<auth::Role> role;
  if (*role_text) {
    role = auth::parse_role(**role_text);
    if (!role)
      co_return error(make_error("invalid_request", "role: must be associate, lead or manager"));
  }
  if (*pin && !auth::is_valid_pin(**pin))
    co_return error(make_error("invalid_request", "pin: must be 4-12 digits"));
  if (!role && !*active && !*pin)
    co_return error(make_error("invalid_request", "give at least one of role, active, pin"));
  if (call.params[0] == *call.who.user_id &&
      ((role && *role != auth::Role::manager) || (*active && !**active)))
    co_return error(make_error("conflict", "managers cannot demote or deactivate themselves"));
  std::optional<std::string> pin_hash;
  if (*pin) {
    pin_hash = co_await hash_pin(**pin);
    if (!pin_hash) co_return error(make_error("overloaded", "the server is busy; retry"));
  }
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  store::WriteQueue::Change change = [&, at = now()](store::Connection& db) {
    return auth::update_user(db, call.params[0], role, *active, pin_hash, at);
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  auto updated = auth::find_user(deps_.reader, call.params[0]);
  if (!updated || !*updated) co_return error(make_error("not_found", "user not found"));
  co_return http::json_response(Status::ok, {{"user", user_json(**updated)}});
}

awaitable<Response> Api::get_devices(Call&) {
  auto devices = auth::list_devices(deps_.reader);
  if (!devices) co_return error(devices.error());
  boost::json::array out;
  for (const auto& d : *devices) out.push_back(device_json(d));
  boost::json::array scanners = deps_.scanners ? deps_.scanners() : boost::json::array{};
  co_return http::json_response(Status::ok,
                                {{"devices", std::move(out)}, {"scanners", std::move(scanners)}});
}

awaitable<Response> Api::post_device(Call& call) {
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto id = required_string(*body, "id");
  auto kind = required_string(*body, "kind");
  auto name = required_string(*body, "name");
  for (const Result<std::string>* r : {&id, &kind, &name})
    if (!*r) co_return error(r->error());
  auto station = optional_string(*body, "station");
  if (!station) co_return error(station.error());
  auth::Device d{*id, *kind, *name, now(), "user:" + *call.who.user_id, std::nullopt, *station};
  call.target = d.device_id;
  if (auto invalid = auth::validate_device(d)) co_return error(*invalid);
  const std::string token = auth::new_token("dev_");
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  store::WriteQueue::Change change = [&](store::Connection& db) {
    return auth::insert_device(db, d, auth::sha256_hex(token));
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  // The token is shown once, here; only its hash is stored.
  co_return http::json_response(Status::created, {{"device", device_json(d)}, {"token", token}});
}

// Sets where a device stands: {"station": "pack-station-2"} or {"station": null}.
awaitable<Response> Api::patch_device(Call& call) {
  call.target = call.params[0];
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  const auto* field = body->if_contains("station");
  if (!field || body->size() != 1 || !(field->is_string() || field->is_null()))
    co_return error(make_error("invalid_request",
                               "the body must be {\"station\": \"ID\"} or {\"station\": null}"));
  std::optional<std::string> station;
  if (field->is_string()) station = std::string(field->as_string());
  store::WriteQueue::Change change = [&](store::Connection& db) {
    return auth::set_device_station(db, call.params[0], station);
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  co_return http::json_response(
      Status::ok,
      {{"id", call.params[0]}, {"station", station ? boost::json::value(*station) : nullptr}});
}

awaitable<Response> Api::delete_device(Call& call) {
  call.target = call.params[0];
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  store::WriteQueue::Change change = [&, at = now()](store::Connection& db) {
    return auth::revoke_device(db, call.params[0], at);
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  co_return http::json_response(Status::ok, {{"revoked", call.params[0]}});
}

awaitable<Response> Api::get_audit(Call& call) {
  auto limit = limit_param(call.query, 100, 1000);
  if (!limit) co_return error(limit.error());
  auto rows = auth::recent_audit(deps_.reader, *limit);
  if (!rows) co_return error(rows.error());
  boost::json::array out;
  auto opt = [](const std::optional<std::string>& s) {
    return s ? boost::json::value(*s) : boost::json::value(nullptr);
  };
  for (const auto& e : *rows)
    out.push_back({{"at", e.at},
                   {"device", opt(e.device_id)},
                   {"user", opt(e.user_id)},
                   {"override_by", opt(e.override_by)},
                   {"action", e.action},
                   {"target", opt(e.target)},
                   {"result", e.result}});
  co_return http::json_response(Status::ok, {{"entries", std::move(out)}});
}

}  // namespace storeedge::api
