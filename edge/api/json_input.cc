#include "api/json_input.h"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>

namespace storeedge::api {

Result<boost::json::object> parse_json_object(const http::Request& req) {
  // Media types are case-insensitive and may carry parameters: "Application/JSON; charset=utf-8".
  std::string_view ct = req[http::bhttp::field::content_type];
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  if (!boost::beast::iequals(ct, "application/json"))
    return make_error("unsupported_media_type", "the body must be application/json");
  boost::json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  auto v = boost::json::parse(req.body(), ec, {}, opts);
  if (ec) return make_error("invalid_json", "the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return make_error("invalid_request", "the body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<std::string>> optional_string(const boost::json::object& o,
                                                   std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string())
    return make_error("invalid_request", std::string(key) + ": must be a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> required_string(const boost::json::object& o, std::string_view key) {
  auto v = optional_string(o, key);
  if (!v) return v.error();
  if (!*v) return make_error("invalid_request", std::string(key) + ": is required");
  std::string s = std::move(**v);
  return s;
}

Result<std::optional<bool>> optional_bool(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<bool>{};
  if (!v->is_bool())
    return make_error("invalid_request", std::string(key) + ": must be true or false");
  return std::optional<bool>(v->as_bool());
}

}  // namespace storeedge::api
