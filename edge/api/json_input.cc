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

Result<std::optional<std::int64_t>> optional_int(const boost::json::object& o, std::string_view key,
                                                 std::int64_t min, std::int64_t max) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::int64_t>{};
  if (!v->is_int64() && !v->is_uint64())
    return make_error("invalid_request", std::string(key) + ": must be an integer");
  const auto n = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
  if ((v->is_uint64() && v->as_uint64() > static_cast<std::uint64_t>(max)) || n < min || n > max)
    return make_error("invalid_request", std::string(key) + ": must be from " +
                                             std::to_string(min) + " to " + std::to_string(max));
  return std::optional<std::int64_t>(n);
}

Result<std::vector<boost::json::object>> optional_objects(const boost::json::object& o,
                                                          std::string_view key,
                                                          std::size_t max_items) {
  std::vector<boost::json::object> out;
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > max_items)
    return make_error("invalid_request", std::string(key) + ": must be a list of at most " +
                                             std::to_string(max_items) + " objects");
  for (const auto& item : v->as_array()) {
    if (!item.is_object())
      return make_error("invalid_request", std::string(key) + ": every item must be an object");
    out.push_back(item.as_object());
  }
  return out;
}

}  // namespace storeedge::api
