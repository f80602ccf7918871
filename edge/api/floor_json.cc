#include "api/floor_json.h"

#include <charconv>

#include "api/json_input.h"

namespace storeedge::api {

namespace json = boost::json;

namespace {

// An integer query parameter from `min` to `max`; absent = `fallback`.
Result<int> int_param(const std::map<std::string, std::string>& q, const std::string& key,
                      int fallback, int min, int max) {
  auto it = q.find(key);
  if (it == q.end()) return fallback;
  int v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || end != it->second.data() + it->second.size() || v < min || v > max)
    return make_error("invalid_request", key + ": an integer from " + std::to_string(min) + " to " +
                                             std::to_string(max));
  return v;
}

}  // namespace

json::object line_json(const fulfil::Line& l) {
  json::object o{{"line", l.line},
                 {"sku", l.sku},
                 {"description", l.description},
                 {"location", l.location},
                 {"qty", l.qty},
                 {"picked", l.picked},
                 {"to_pick", l.to_pick()},
                 {"cancelled", l.cancelled},
                 {"rejected", l.rejected},
                 {"handed", l.handed}};
  json::array gtins;
  for (const auto& g : l.gtins) gtins.emplace_back(g);
  o["gtins"] = std::move(gtins);
  o["substitute_sku"] = l.substitute_sku ? json::value(*l.substitute_sku) : json::value(nullptr);
  return o;
}

json::object work_json(const fulfil::Allocation& a) {
  json::array lines;
  for (const auto& l : a.lines) lines.push_back(line_json(l));
  return {{"id", a.id},
          {"order", a.order},
          {"kind", a.kind},
          {"state", a.state},
          {"substitutions_allowed", a.substitutions_allowed},
          {"units_to_pick", a.units_to_pick()},
          {"lines", std::move(lines)}};
}

json::object pick_json(const fulfil::PickOutcome& p) {
  return {{"pick_id", p.pick_id},
          {"line", p.line},
          {"sku", p.sku},
          {"location", p.location},
          {"qty", p.qty},
          {"line_picked", p.line_picked},
          {"line_needed", p.line_needed},
          {"units_to_pick", p.units_to_pick},
          {"substitute", p.substitute},
          {"allocation", p.allocation}};
}

json::object package_json(const fulfil::Package& p) {
  auto opt = [](const auto& v) { return v ? json::value(*v) : json::value(nullptr); };
  json::array lines;
  for (const auto& l : p.lines) lines.push_back({{"line", l.line}, {"sku", l.sku}, {"qty", l.qty}});
  json::value dims = nullptr;
  if (p.dims_mm) dims = json::array{(*p.dims_mm)[0], (*p.dims_mm)[1], (*p.dims_mm)[2]};
  return {{"package", p.package},
          {"weight_g", opt(p.weight_g)},
          {"dims_mm", dims},
          {"units", p.units()},
          {"lines", std::move(lines)},
          {"label_state", p.label_state},
          {"label_error", opt(p.label_error)},
          {"carrier", opt(p.carrier)},
          {"tracking", opt(p.tracking)},
          {"tracking_source", opt(p.tracking_source)}};
}

json::array packages_json(const std::vector<fulfil::Package>& packages) {
  json::array out;
  for (const auto& p : packages) out.push_back(package_json(p));
  return out;
}

// A path or body value naming a thing on the floor: 1-64 printable ASCII characters.
Result<std::string> floor_name(const json::object& body, std::string_view key) {
  auto v = required_string(body, key);
  if (!v) return v;
  bool ok = !v->empty() && v->size() <= 64;
  for (unsigned char c : *v) ok = ok && c >= 0x20 && c <= 0x7e;
  if (!ok) return make_error("invalid_request", std::string(key) + ": 1-64 printable characters");
  return v;
}

Result<json::object> body_of(const http::Request& req) {
  if (req.body().empty()) return json::object{};
  return parse_json_object(req);
}

Result<Page> page_of(const std::map<std::string, std::string>& query, int fallback, int max) {
  auto limit = int_param(query, "limit", fallback, 1, max);
  if (!limit) return limit.error();
  auto offset = int_param(query, "cursor", 0, 0, 1'000'000);
  if (!offset) return offset.error();
  return Page{*limit, *offset};
}

Result<std::int64_t> id_param(const std::string& p, std::string_view what) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), id);
  if (ec != std::errc{} || end != p.data() + p.size() || id < 1)
    return make_error("not_found", "no " + std::string(what) + " " + p);
  return id;
}

}  // namespace storeedge::api
