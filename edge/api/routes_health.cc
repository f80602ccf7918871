// Liveness, readiness and the API description.
#include "api/api.h"
#include "api/openapi.h"

namespace storeedge::api {

using http::Status;

// A status page for whoever opens the daemon's address in a browser. It shows nothing that
// needs a credential; the associate UI arrives with store fulfilment.
awaitable<Response> Api::get_home(Call&) {
  const store::StoreHealth health = deps_.writes.health();
  std::string page =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>StoreEdge " +
      deps_.config.store +
      "</title>"
      "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:40rem}"
      "dt{font-weight:600}dd{margin:0 0 .6rem 0}.ok{color:#176f2c}.bad{color:#a11}</style>"
      "</head><body><h1>StoreEdge</h1><dl>"
      "<dt>Store</dt><dd>" +
      deps_.config.store + " (tenant " + deps_.config.tenant +
      ")</dd>"
      "<dt>Version</dt><dd>storeedged " STOREEDGE_VERSION
      "</dd>"
      "<dt>Database</dt><dd class=\"" +
      std::string(health.writable ? "ok" : "bad") + "\">" + health.condition +
      "</dd></dl>"
      "<p><a href=\"/readyz\">/readyz</a> · <a href=\"/metrics\">/metrics</a> · "
      "API: <code>/api/v1</code> (device token required; description at "
      "<code>/api/v1/openapi.yaml</code>)</p></body></html>";
  co_return http::text_response(Status::ok, std::move(page), "text/html; charset=utf-8");
}

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
