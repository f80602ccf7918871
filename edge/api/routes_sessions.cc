// Associate sign-in on an enrolled device (badge or id plus PIN), who-am-I, and sign-out.
#include <boost/asio/use_awaitable.hpp>

#include "api/api.h"
#include "api/json_input.h"
#include "auth/secrets.h"

namespace storeedge::api {

using http::Status;

namespace {

boost::json::object user_json(const auth::User& u) {
  return {{"id", u.user_id}, {"name", u.display_name}, {"role", auth::role_name(u.role)}};
}

}  // namespace

awaitable<Response> Api::post_session(Call& call) {
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto user_id = optional_string(*body, "user");
  auto badge = optional_string(*body, "badge");
  auto pin = required_string(*body, "pin");
  if (!user_id) co_return error(user_id.error());
  if (!badge) co_return error(badge.error());
  if (!pin) co_return error(pin.error());
  if (user_id->has_value() == badge->has_value())
    co_return error(make_error("invalid_request", "give exactly one of user and badge"));
  if ((*user_id && (*user_id)->size() > 64) || (*badge && (*badge)->size() > 128) ||
      pin->size() > 64)
    co_return error(make_error("invalid_request", "user, badge or pin is too long"));

  call.target = *user_id ? **user_id : "badge";
  const std::string user_key = "user:" + (*user_id ? **user_id : auth::sha256_hex(**badge));
  const std::string device_key = "device:" + call.who.device->device_id;
  for (auto* limiter : {&user_limiter_, &device_limiter_}) {
    const std::string& key = limiter == &user_limiter_ ? user_key : device_key;
    if (auto wait = limiter->locked_for(key); wait > 0) {
      Response res = error(make_error(
          "locked_out", "too many failed sign-ins; retry in " + std::to_string(wait) + " s"));
      res.set(http::bhttp::field::retry_after, std::to_string(wait));
      co_return res;
    }
  }
  auto creds = auth::find_credentials(deps_.reader, user_id->value_or(""), badge->value_or(""));
  if (!creds) co_return error(creds.error());
  auto ok = co_await verify_pin(*pin, *creds ? (*creds)->pin_hash : dummy_pin_hash_);
  if (!ok) co_return error(make_error("overloaded", "too many sign-ins at once; retry"));
  if (!*creds || !*ok || !(*creds)->user.active) {
    user_limiter_.record_failure(user_key);
    device_limiter_.record_failure(device_key);
    co_return error(make_error("invalid_credentials", "unknown user or wrong PIN"));
  }
  user_limiter_.record_success(user_key);
  const auth::User user = (*creds)->user;
  call.target = user.user_id;
  call.who.user_id = user.user_id;

  const std::string token = auth::new_token("ses_");
  const std::string created = now();
  const std::string expires = format_rfc3339(deps_.clock.now() + deps_.config.auth.session_ttl);
  const std::string purge_before = format_rfc3339(deps_.clock.now() - std::chrono::hours(24));
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  store::WriteQueue::Change change = [&](store::Connection& db) -> Result<void> {
    if (auto purged = auth::delete_expired_sessions(db, purge_before); !purged) return purged;
    return auth::insert_session(db, auth::sha256_hex(token),
                                {user.user_id, call.who.device->device_id, expires}, created);
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  co_return http::json_response(Status::created, {{"session", token},
                                                  {"expires_at", expires},
                                                  {"user", user_json(user)},
                                                  {"device", call.who.device->device_id},
                                                  {"device_kind", call.who.device->kind}});
}

awaitable<Response> Api::get_session(Call& call) {
  auto user = auth::find_user(deps_.reader, *call.who.user_id);
  if (!user) co_return error(user.error());
  if (!*user) co_return error(make_error("session_required", "the session's user is gone"));
  co_return http::json_response(Status::ok, {{"user", user_json(**user)},
                                             {"device", call.who.device->device_id},
                                             {"device_kind", call.who.device->kind},
                                             {"expires_at", call.who.session_expires_at}});
}

awaitable<Response> Api::delete_session(Call& call) {
  call.target = *call.who.user_id;
  const std::string at = now();
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  store::WriteQueue::Change change = [&](store::Connection& db) {
    return auth::end_session(db, call.who.session_hash, at);
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  co_return http::json_response(Status::ok, {{"ended_at", at}});
}

}  // namespace storeedge::api
