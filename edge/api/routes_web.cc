// The handheld web app, compiled in from web/ (edge/api/embed_web.cmake), and the server's
// status page. The app is served with ETags and revalidated on every load (no-cache), so a
// handheld picks up a new daemon's app at once and otherwise gets 304s on the store's network.
#include "api/api.h"
#include "api/web_assets.h"

namespace storeedge::api {

using http::Status;

namespace {

// The app loads only its own files and talks only to this server; nothing may frame it.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  // A comma-separated list of (possibly weak) tags.
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

Response asset_response(const Request& req, const WebAsset& asset) {
  Response res{Status::ok, 11};
  if (etag_matches(req[http::bhttp::field::if_none_match], asset.etag)) {
    res.result(Status::not_modified);
  } else {
    res.set(http::bhttp::field::content_type, asset.content_type);
    res.body() = std::string(asset.body);
  }
  res.set(http::bhttp::field::cache_control, "no-cache");
  res.set(http::bhttp::field::etag, asset.etag);
  res.set("X-Content-Type-Options", "nosniff");
  if (asset.content_type.starts_with("text/html")) {
    res.set("Content-Security-Policy", kContentSecurityPolicy);
    res.set("Referrer-Policy", "no-referrer");
  }
  res.prepare_payload();
  return res;
}

}  // namespace

awaitable<Response> Api::get_app_index(Call& call) {
  const WebAsset* index = find_web_asset("index.html");
  if (!index) co_return error(make_error("not_found", "the web app is not built in"));
  co_return asset_response(call.req, *index);
}

awaitable<Response> Api::get_app_file(Call& call) {
  const WebAsset* asset = find_web_asset(call.params[0]);
  if (!asset) co_return error(make_error("not_found", "no such file in the web app"));
  co_return asset_response(call.req, *asset);
}

// A status page for whoever looks after the store's server. It shows nothing that needs a
// credential.
awaitable<Response> Api::get_status(Call&) {
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
      "<p><a href=\"/\">Handheld app</a> · <a href=\"/readyz\">/readyz</a> · <a "
      "href=\"/metrics\">/metrics</a> · "
      "API: <code>/api/v1</code> (device token required; description at "
      "<code>/api/v1/openapi.yaml</code>)</p></body></html>";
  co_return http::text_response(Status::ok, std::move(page), "text/html; charset=utf-8");
}

}  // namespace storeedge::api
