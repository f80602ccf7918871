// Routing, authentication, authorisation, audit and metrics around the route handlers.
#include "api/api.h"

#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <chrono>

#include "api/request_parsing.h"
#include "auth/secrets.h"
#include "core/log.h"

namespace storeedge::api {

namespace asio = boost::asio;
using asio::use_awaitable;
using http::bhttp::verb;
using Role = auth::Role;
using http::Status;

Api::Api(ApiDeps deps)
    : deps_(std::move(deps)),
      user_limiter_(deps_.clock, deps_.config.auth.max_failed_signins, deps_.config.auth.lockout),
      device_limiter_(deps_.clock, 3 * deps_.config.auth.max_failed_signins,
                      deps_.config.auth.lockout),
      dummy_pin_hash_(auth::hash_pin("000000", deps_.config.auth.pin_hash_iterations)) {}

const std::vector<Api::Route>& Api::routes() {
  static const std::vector<Route> table = {
      {verb::get, "/", Access::open, Role::associate, &Api::get_app_index},
      {verb::get, "/app/{file}", Access::open, Role::associate, &Api::get_app_file},
      {verb::get, "/status", Access::open, Role::associate, &Api::get_status},
      {verb::get, "/healthz", Access::open, Role::associate, &Api::get_healthz},
      {verb::get, "/readyz", Access::open, Role::associate, &Api::get_readyz},
      {verb::get, "/metrics", Access::open, Role::associate, &Api::get_metrics},
      {verb::get, "/api/v1/openapi.yaml", Access::device, Role::associate, &Api::get_openapi},
      {verb::post, "/api/v1/sessions", Access::device, Role::associate, &Api::post_session},
      {verb::get, "/api/v1/sessions/current", Access::session, Role::associate, &Api::get_session},
      {verb::delete_, "/api/v1/sessions/current", Access::session, Role::associate,
       &Api::delete_session},
      {verb::get, "/api/v1/users", Access::session, Role::lead, &Api::get_users},
      {verb::post, "/api/v1/users", Access::session, Role::manager, &Api::post_user},
      {verb::patch, "/api/v1/users/{id}", Access::session, Role::manager, &Api::patch_user},
      {verb::get, "/api/v1/devices", Access::session, Role::manager, &Api::get_devices},
      {verb::post, "/api/v1/devices", Access::session, Role::manager, &Api::post_device},
      {verb::patch, "/api/v1/devices/{id}", Access::session, Role::manager, &Api::patch_device},
      {verb::delete_, "/api/v1/devices/{id}", Access::session, Role::manager, &Api::delete_device},
      {verb::get, "/api/v1/scans/stream", Access::session, Role::associate, &Api::get_scan_stream},
      {verb::get, "/api/v1/print-jobs", Access::session, Role::associate, &Api::get_print_jobs},
      {verb::post, "/api/v1/print-jobs", Access::session, Role::associate, &Api::post_print_job},
      {verb::post, "/api/v1/print-jobs/{id}/reprint", Access::session, Role::associate,
       &Api::post_print_job_reprint},
      {verb::post, "/api/v1/print-jobs/{id}/cancel", Access::session, Role::associate,
       &Api::post_print_job_cancel},
      {verb::get, "/api/v1/audit", Access::session, Role::manager, &Api::get_audit},
      {verb::get, "/api/v1/allocations", Access::session, Role::associate, &Api::get_allocations},
      {verb::get, "/api/v1/allocations/{id}", Access::session, Role::associate,
       &Api::get_allocation},
      {verb::get, "/api/v1/orders/lookup", Access::session, Role::associate,
       &Api::get_order_lookup},
      {verb::get, "/api/v1/work", Access::session, Role::associate, &Api::get_work},
      {verb::get, "/api/v1/pickups", Access::session, Role::associate, &Api::get_pickups},
      {verb::post, "/api/v1/allocations/{id}/accept", Access::session, Role::associate,
       &Api::post_accept},
      {verb::post, "/api/v1/allocations/{id}/reject", Access::session, Role::associate,
       &Api::post_reject},
      {verb::post, "/api/v1/allocations/{id}/picks", Access::session, Role::associate,
       &Api::post_pick},
      {verb::post, "/api/v1/picks/{id}/undo", Access::session, Role::associate,
       &Api::post_undo_pick},
      {verb::post, "/api/v1/allocations/{id}/complete-pick", Access::session, Role::associate,
       &Api::post_complete_pick},
      {verb::post, "/api/v1/allocations/{id}/stage", Access::session, Role::associate,
       &Api::post_stage},
      {verb::post, "/api/v1/allocations/{id}/arrival", Access::session, Role::associate,
       &Api::post_arrival},
      {verb::post, "/api/v1/allocations/{id}/handover", Access::session, Role::associate,
       &Api::post_handover},
      {verb::post, "/api/v1/allocations/{id}/packages", Access::session, Role::associate,
       &Api::post_package},
      {verb::patch, "/api/v1/allocations/{id}/packages/{package}", Access::session, Role::associate,
       &Api::patch_package},
      {verb::post, "/api/v1/allocations/{id}/packages/{package}/items", Access::session,
       Role::associate, &Api::post_package_items},
      {verb::post, "/api/v1/allocations/{id}/packages/{package}/items/remove", Access::session,
       Role::associate, &Api::post_package_items_remove},
      {verb::post, "/api/v1/allocations/{id}/pack", Access::session, Role::associate,
       &Api::post_pack},
      {verb::put, "/api/v1/allocations/{id}/packages/{package}/tracking", Access::session,
       Role::associate, &Api::put_tracking},
      {verb::post, "/api/v1/allocations/{id}/ship", Access::session, Role::associate,
       &Api::post_ship},
      {verb::get, "/api/v1/expired", Access::session, Role::associate, &Api::get_expired},
      {verb::post, "/api/v1/allocations/{id}/expire", Access::session, Role::associate,
       &Api::post_expire},
      {verb::get, "/api/v1/put-backs", Access::session, Role::associate, &Api::get_put_backs},
      {verb::post, "/api/v1/put-backs/{id}/scans", Access::session, Role::associate,
       &Api::post_put_back_scan},
      {verb::get, "/api/v1/inventory", Access::session, Role::associate, &Api::get_inventory},
      {verb::get, "/api/v1/inventory/{code}", Access::session, Role::associate,
       &Api::get_inventory_item},
      {verb::post, "/api/v1/counts", Access::session, Role::associate, &Api::post_count},
      {verb::get, "/api/v1/counts", Access::session, Role::lead, &Api::get_counts},
      {verb::post, "/api/v1/counts/{id}/approve", Access::session, Role::lead,
       &Api::post_count_approve},
      {verb::post, "/api/v1/counts/{id}/reject", Access::session, Role::lead,
       &Api::post_count_reject},
      {verb::post, "/api/v1/batches", Access::session, Role::associate, &Api::post_batch},
      {verb::get, "/api/v1/batches", Access::session, Role::associate, &Api::get_batches},
      {verb::post, "/api/v1/batches/{id}/close", Access::session, Role::associate,
       &Api::post_batch_close},
      {verb::get, "/api/v1/batches/{id}", Access::session, Role::associate, &Api::get_batch},
      {verb::post, "/api/v1/batches/{id}/picks", Access::session, Role::associate,
       &Api::post_batch_pick},
      {verb::post, "/api/v1/scans/image", Access::session, Role::associate, &Api::post_scan_image},
      {verb::get, "/api/v1/returns/orders", Access::session, Role::associate,
       &Api::get_return_orders},
      {verb::post, "/api/v1/returns", Access::session, Role::associate, &Api::post_return},
      {verb::get, "/api/v1/returns", Access::session, Role::lead, &Api::get_returns},
      {verb::get, "/api/v1/returns/{id}", Access::session, Role::associate, &Api::get_return},
      {verb::post, "/api/v1/returns/{id}/review", Access::session, Role::lead,
       &Api::post_return_review},
  };
  return table;
}

void Api::reconfigure(const Config& config) {
  const auto iterations = deps_.config.auth.pin_hash_iterations;  // not reloadable
  deps_.config.auth = config.auth;
  deps_.config.auth.pin_hash_iterations = iterations;
  deps_.config.fulfil = config.fulfil;
  user_limiter_.configure(config.auth.max_failed_signins, config.auth.lockout);
  device_limiter_.configure(3 * config.auth.max_failed_signins, config.auth.lockout);
}

namespace {

bool is_state_changing(verb v) {
  return v == verb::post || v == verb::put || v == verb::patch || v == verb::delete_;
}

Status status_for(const Error& e) {
  const std::string& c = e.code;
  if (c == "invalid_request" || c == "invalid_json" || c == "malformed_request")
    return Status::bad_request;
  if (c == "unsupported_media_type") return Status::unsupported_media_type;
  if (c == "unauthenticated" || c == "invalid_credentials" || c == "session_required")
    return Status::unauthorized;
  if (c == "forbidden" || c == "not_allowed_for_role" || c == "override_required" ||
      c == "wrong_device")
    return Status::forbidden;
  if (c == "not_found" || c == "order_not_found") return Status::not_found;
  if (c == "conflict" || c == "constraint" || c == "already_picked" ||
      c == "allocation_cancelled" || c == "illegal_state" || c == "already_undone" ||
      c == "already_handed_over" || c == "in_other_batch" || c == "label_exists" ||
      c == "already_done" || c == "no_station" || c == "already_reviewed")
    return Status::conflict;
  if (c == "wrong_item" || c == "invalid_barcode" || c == "too_many" || c == "pick_incomplete" ||
      c == "unknown_item" || c == "substitution_not_allowed" || c == "wrong_pickup_code" ||
      c == "no_pickup_code" || c == "nothing_to_hand_over" || c == "wrong_kind" ||
      c == "idempotency_key_reused" || c == "pack_incomplete" || c == "no_tracking" ||
      c == "not_expired" || c == "bad_image" || c == "image_too_large" || c == "decoder_failed" ||
      c == "decode_timeout" || c == "unknown_line" || c == "quantity_exceeded" ||
      c == "disposition_mismatch" || c == "offline_limit_exceeded" || c == "not_offline" ||
      c == "bad_order_document" || c == "not_configured")
    return Status::unprocessable_entity;
  if (c == "locked_out") return Status::too_many_requests;
  if (c == "timeout") return Status::gateway_timeout;
  if (c == "disk_full") return Status::insufficient_storage;
  if (c == "overloaded" || c == "unavailable" || c == "busy" || c == "store_failed" ||
      c == "no_memory" || c == "io_error" || c == "readonly" || c == "corrupt")
    return Status::service_unavailable;
  return Status::internal_server_error;
}

std::string bearer_token(const Request& req) {
  auto h = req[http::bhttp::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.substr(0, prefix.size()) != prefix) return {};
  return std::string(h.substr(prefix.size()));
}

}  // namespace

Response Api::error(const Error& e) const {
  if (status_for(e) == Status::internal_server_error)
    log::error("api: internal error " + e.code + ": " + e.message);
  return http::error_response(status_for(e), e.code, e.message);
}

awaitable<http::Reply> Api::handle(const Request& req, const http::RequestInfo& info) {
  const auto start = std::chrono::steady_clock::now();
  Call call{req, info, {}, {}, {}, "unmatched", {}, false, {}};
  Response res = co_await dispatch(call);
  record(call, res,
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (call.stream && res.result() == Status::ok)
    co_return http::Reply{std::move(res), std::move(call.stream)};
  co_return res;
}

awaitable<Response> Api::dispatch(Call& call) {
  auto url = boost::urls::parse_origin_form(call.req.target());
  if (!url)
    co_return http::error_response(Status::bad_request, "malformed_request",
                                   "the request target is not a valid path");
  for (auto param : url->params()) call.query[param.key] = param.value;
  const Route* found = nullptr;
  std::string allow;
  for (const Route& r : routes()) {
    std::vector<std::string> params;
    if (!match_route(r.pattern, url->segments(), params)) continue;
    if (r.method == call.req.method()) {
      found = &r;
      call.params = std::move(params);
      break;
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::bhttp::to_string(r.method));
  }
  if (!found) {
    if (allow.empty())
      co_return http::error_response(Status::not_found, "not_found", "no such resource");
    Response res =
        http::error_response(Status::method_not_allowed, "method_not_allowed", "allowed: " + allow);
    res.set(http::bhttp::field::allow, allow);
    co_return res;
  }
  call.route = found->pattern;
  // Requests refused for being rate-limited (429) are counted in /metrics but not audited: the
  // lockout exists so that a flood of attempts does not become a flood of writes.
  if (auto denied = co_await authenticate(call, *found)) {
    if (call.who.device && is_state_changing(call.req.method()) &&
        denied->result() != Status::too_many_requests)
      co_await audit_failure(call, *denied);
    co_return std::move(*denied);
  }
  Response res = co_await (this->*(found->handler))(call);
  if (!call.audited && call.who.device && is_state_changing(call.req.method()) &&
      res.result() != Status::too_many_requests)
    co_await audit_failure(call, res);
  co_return res;
}

awaitable<std::optional<Response>> Api::authenticate(Call& call, const Route& route) {
  if (route.access == Access::open) co_return std::nullopt;
  const std::string token = bearer_token(call.req);
  if (token.empty())
    co_return error(make_error("unauthenticated",
                               "this route needs a device token: Authorization: Bearer <token>"));
  auto device = auth::find_device_by_token_hash(deps_.reader, auth::sha256_hex(token));
  if (!device) co_return error(device.error());
  if (!*device)
    co_return error(make_error("unauthenticated", "the device token is unknown or revoked"));
  call.who.device = std::move(**device);

  // Device-only routes ignore a session header, so a handheld holding an expired session can
  // still sign in again.
  auto session_header = call.req["StoreEdge-Session"];
  if (route.access == Access::session && !session_header.empty()) {
    const std::string hash = auth::sha256_hex(session_header);
    auto session = auth::find_session(deps_.reader, hash, now());
    if (!session) co_return error(session.error());
    if (!*session || (*session)->device_id != call.who.device->device_id)
      co_return error(
          make_error("session_required", "the session has expired or ended; sign in again"));
    auto user = auth::find_user(deps_.reader, (*session)->user_id);
    if (!user) co_return error(user.error());
    if (!*user) co_return error(make_error("session_required", "the session's user is gone"));
    call.who.user_id = (*user)->user_id;
    call.who.role = (*user)->role;
    call.who.session_hash = hash;
    call.who.session_expires_at = (*session)->expires_at;
  }
  if (route.access == Access::device) co_return std::nullopt;
  if (!call.who.user_id)
    co_return error(make_error("session_required",
                               "this route needs an associate session: StoreEdge-Session header"));
  if (call.who.role >= route.min_role) co_return std::nullopt;
  co_return co_await authorise_override(call, route.min_role);
}

// StoreEdge-Override: user:<id>:<pin> or badge:<barcode>:<pin>, entered by a manager on the
// same device. It authorises this one request; the audit row names both people.
awaitable<std::optional<Response>> Api::authorise_override(Call& call, Role needed) {
  auto forbidden = [&] {
    return error(make_error("not_allowed_for_role", "this action needs the " +
                                                        std::string(auth::role_name(needed)) +
                                                        " role or a manager override"));
  };
  std::string_view header = call.req["StoreEdge-Override"];
  if (header.empty()) co_return forbidden();
  auto parsed = parse_override(header);
  if (!parsed) co_return error(parsed.error());
  const std::string& who = parsed->who;
  const std::string& pin = parsed->pin;
  const std::string key = "user:" + (parsed->by_badge ? auth::sha256_hex(who) : who);
  if (auto wait = user_limiter_.locked_for(key); wait > 0) {
    Response res = error(make_error(
        "locked_out", "too many failed attempts; retry in " + std::to_string(wait) + " s"));
    res.set(http::bhttp::field::retry_after, std::to_string(wait));
    co_return res;
  }
  auto creds = auth::find_credentials(deps_.reader, parsed->by_badge ? "" : who,
                                      parsed->by_badge ? who : "");
  if (!creds) co_return error(creds.error());
  auto ok = co_await verify_pin(pin, *creds ? (*creds)->pin_hash : dummy_pin_hash_);
  if (!ok) co_return error(make_error("overloaded", "too many sign-ins at once; retry"));
  if (!*creds || !*ok || !(*creds)->user.active) {
    user_limiter_.record_failure(key);
    co_return error(make_error("forbidden", "the override credentials are not valid"));
  }
  user_limiter_.record_success(key);
  const auth::User& manager = (*creds)->user;
  if (manager.role != Role::manager || manager.user_id == call.who.user_id)
    co_return error(
        make_error("forbidden", "an override must come from another user with the manager role"));
  call.who.override_by = manager.user_id;
  co_return std::nullopt;
}

awaitable<Result<void>> Api::commit(Call& call, store::WriteQueue::Change change) {
  auth::AuditEntry entry{now(),
                         call.who.device ? std::optional(call.who.device->device_id) : std::nullopt,
                         call.who.user_id,
                         call.who.override_by,
                         std::string(http::bhttp::to_string(call.req.method())) + " " + call.route,
                         call.target.empty() ? std::nullopt : std::optional(call.target),
                         "ok",
                         std::nullopt};
  // Callables are named locals, never temporaries inside a co_await: GCC 12 copies such
  // temporaries bitwise into the coroutine frame, corrupting captured strings.
  store::WriteQueue::Change with_audit = [&](store::Connection& db) -> Result<void> {
    if (auto changed = change(db); !changed) return changed;
    return auth::append_audit(db, entry);
  };
  auto r = co_await deps_.writes.async_write(deps_.ioc.get_executor(), std::move(with_audit),
                                             use_awaitable);
  call.audited = r.has_value();
  co_return r;
}

awaitable<void> Api::audit_failure(Call& call, const Response& res) {
  std::string code = "status_" + std::to_string(res.result_int());
  if (res.result_int() < 400) code = "ok";
  auth::AuditEntry entry{now(),
                         call.who.device ? std::optional(call.who.device->device_id) : std::nullopt,
                         call.who.user_id,
                         call.who.override_by,
                         std::string(http::bhttp::to_string(call.req.method())) + " " + call.route,
                         call.target.empty() ? std::nullopt : std::optional(call.target),
                         code,
                         std::nullopt};
  // Record the error code from the JSON body, not the whole body (it may echo input).
  const std::string& body = res.body();
  if (auto at = body.find("\"code\":\""); at != std::string::npos) {
    auto start = at + 8;
    auto end = body.find('"', start);
    if (end != std::string::npos && end - start <= 64)
      entry.result = body.substr(start, end - start);
  }
  store::WriteQueue::Change audit = [&](store::Connection& db) {
    return auth::append_audit(db, entry);
  };
  auto r =
      co_await deps_.writes.async_write(deps_.ioc.get_executor(), std::move(audit), use_awaitable);
  if (!r) log::warning("api: could not write audit row: " + r.error().message);
  call.audited = true;
}

awaitable<std::optional<bool>> Api::verify_pin(std::string pin, std::string hash) {
  std::function<bool()> job = [pin = std::move(pin), hash = std::move(hash)] {
    return auth::verify_pin(pin, hash);
  };
  auto ok =
      co_await deps_.pool.async_run<bool>(deps_.ioc.get_executor(), std::move(job), use_awaitable);
  co_return ok;
}

awaitable<std::optional<std::string>> Api::hash_pin(std::string pin) {
  const auto iterations = deps_.config.auth.pin_hash_iterations;
  std::function<std::string()> job = [pin = std::move(pin), iterations] {
    return auth::hash_pin(pin, iterations);
  };
  auto hash = co_await deps_.pool.async_run<std::string>(deps_.ioc.get_executor(), std::move(job),
                                                         use_awaitable);
  co_return hash;
}

void Api::record(const Call& call, const Response& res, double seconds) {
  std::string key = call.route;
  key += '\x1f';
  key += std::string(http::bhttp::to_string(call.req.method()));
  key += '\x1f';
  key += std::to_string(res.result_int());
  ++request_counts_[key];
  auto& h = latencies_[call.route];
  if (!h) h = std::make_unique<metrics::Histogram>();
  h->observe(seconds);
}

awaitable<Response> Api::get_metrics(Call&) {
  std::string out;
  metrics::append_header(out, "storeedge_http_requests_total", "counter",
                         "HTTP requests by route pattern, method and status.");
  for (const auto& [key, count] : request_counts_) {
    auto a = key.find('\x1f');
    auto b = key.find('\x1f', a + 1);
    std::string labels = "route=\"" + metrics::escape_label(key.substr(0, a)) + "\",method=\"" +
                         key.substr(a + 1, b - a - 1) + "\",status=\"" + key.substr(b + 1) + "\"";
    metrics::append_sample(out, "storeedge_http_requests_total", labels,
                           static_cast<double>(count));
  }
  metrics::append_header(out, "storeedge_http_request_duration_seconds", "histogram",
                         "Time from a request's headers being read to its response being ready.");
  for (const auto& [route, h] : latencies_)
    h->append(out, "storeedge_http_request_duration_seconds",
              "route=\"" + metrics::escape_label(route) + "\"");
  metrics::append_header(out, "storeedge_blocking_pool_in_flight", "gauge",
                         "Jobs running on the blocking pool.");
  metrics::append_sample(out, "storeedge_blocking_pool_in_flight", "",
                         static_cast<double>(deps_.pool.in_flight()));
  metrics::append_header(out, "storeedge_returns_total", "counter",
                         "POS returns taken since the daemon started, by whether offline.");
  for (int offline : {0, 1})
    metrics::append_sample(out, "storeedge_returns_total",
                           offline ? "offline=\"true\"" : "offline=\"false\"",
                           static_cast<double>(returns_taken_[offline]));
  // One look into the partial index of offline returns.
  auto pending =
      store::each_row(deps_.reader, "SELECT count(*) FROM returns WHERE review = 'pending'", {},
                      [&](const store::Statement& s) {
                        metrics::append_header(out, "storeedge_returns_pending_review", "gauge",
                                               "Offline returns a lead has not reviewed yet.");
                        metrics::append_sample(out, "storeedge_returns_pending_review", "",
                                               static_cast<double>(s.column_int(0)));
                      });
  if (!pending)
    log::warning("metrics: could not count returns to review: " + pending.error().message);
  if (deps_.extra_metrics) deps_.extra_metrics(out);
  co_return http::text_response(Status::ok, std::move(out), "text/plain; version=0.0.4");
}

}  // namespace storeedge::api
