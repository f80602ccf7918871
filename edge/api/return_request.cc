#include "api/return_request.h"

#include <cctype>

#include "api/floor_json.h"
#include "api/json_input.h"

namespace storeedge::api {

namespace json = boost::json;

namespace {

Result<pos::ReturnLineRequest> parse_line(const json::object& o) {
  pos::ReturnLineRequest l;
  auto line = optional_string(o, "line");
  if (!line) return line.error();
  if (*line && !is_identifier(**line))
    return make_error("invalid_request", "lines[].line: 1-64 of A-Z a-z 0-9 . _ : -");
  l.line = line->value_or("");
  auto code = optional_string(o, "code");
  if (!code) return code.error();
  if (*code && !is_lookup_value(**code))
    return make_error("invalid_request", "lines[].code: 1-128 printable ASCII characters");
  l.code = *code;
  auto qty = optional_int(o, "qty", 1, 9999);
  if (!qty) return qty.error();
  l.qty = qty->value_or(1);
  for (auto [key, out] : {std::pair{"reason", &l.reason}, std::pair{"condition", &l.condition},
                          std::pair{"disposition", &l.disposition}}) {
    auto v = required_string(o, key);
    if (!v) return make_error("invalid_request", std::string("lines[].") + v.error().message);
    *out = *v;
  }
  if (o.contains("location")) {
    auto loc = floor_name(o, "location");
    if (!loc) return loc.error();
    l.location = *loc;
  }
  if (l.line.empty() && !l.code)
    return make_error("invalid_request",
                      "lines[]: give the order's line (or, for an order not "
                      "found, the item's code)");
  return l;
}

}  // namespace

bool is_identifier(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-')
      return false;
  return true;
}

bool is_lookup_value(std::string_view v) {
  if (v.empty() || v.size() > 128) return false;
  for (unsigned char c : v)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

Result<pos::ReturnRequest> parse_return_request(const json::object& body) {
  pos::ReturnRequest req;
  auto order = required_string(body, "order");
  if (!order) return order.error();
  if (!is_identifier(*order))
    return make_error("invalid_request", "order: 1-64 of A-Z a-z 0-9 . _ : -");
  req.order = *order;
  auto items = optional_objects(body, "lines", 100);
  if (!items) return items.error();
  if (items->empty()) return make_error("invalid_request", "lines: at least one");
  for (const auto& item : *items) {
    auto l = parse_line(item);
    if (!l) return l.error();
    req.lines.push_back(std::move(*l));
  }
  auto reason = optional_string(body, "override_reason");
  if (!reason) return reason.error();
  if (*reason && (*reason)->size() > 200)
    return make_error("invalid_request", "override_reason: at most 200 characters");
  req.override_reason = *reason;
  auto slip = optional_bool(body, "slip");
  if (!slip) return slip.error();
  req.slip = slip->value_or(false);
  return req;
}

}  // namespace storeedge::api
