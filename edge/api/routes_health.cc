// Liveness, readiness and the API description.
#include "api/api.h"
#include "api/openapi.h"

namespace storeedge::api {

using http::Status;

awaitable<Response> Api::get_healthz(Call&) {
  co_return http::json_response(Status::ok, {{"status", "ok"}});
}

// Ready = the database answers reads and accepts writes. Later issues add the sync link.
awaitable<Response> Api::get_readyz(Call&) {
  const store::StoreHealth health = deps_.writes.health();
  boost::json::object database{{"writable", health.writable}, {"condition", health.condition}};
  if (!health.reason.empty()) database["reason"] = health.reason;
  bool readable = false;
  if (auto st = deps_.reader.prepare("SELECT count(*) FROM store_meta")) {
    readable = (*st)->step().has_value();
    (*st)->reset();
  }
  database["readable"] = readable;
  const bool ready = health.writable && readable;
  boost::json::object checks{{"database", database}};
  if (deps_.sync_status) checks["sync"] = deps_.sync_status();
  co_return http::json_response(ready ? Status::ok : Status::service_unavailable,
                                {{"ready", ready}, {"checks", std::move(checks)}});
}

awaitable<Response> Api::get_openapi(Call&) {
  co_return http::text_response(Status::ok, std::string(kOpenApiYaml),
                                "application/yaml; charset=utf-8");
}

}  // namespace storeedge::api
