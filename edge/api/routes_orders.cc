// Finding a customer's order for a return: the store's replica of returnable orders first (kept
// by the OMS sync, so it works offline), then the OMS itself through order.lookup when the
// store does not hold the order. POS returns (BORIS) build on this.
#include <boost/json/parse.hpp>

#include "api/api.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

constexpr const char* kQueryKeys[] = {"order", "receipt", "email_hash"};

// A query value as a scanner or a POS sends it: 1-128 printable ASCII characters.
bool valid_value(std::string_view v) {
  if (v.empty() || v.size() > 128) return false;
  for (unsigned char c : v)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

awaitable<Response> Api::get_order_lookup(Call& call) {
  json::object query;
  for (const auto& [key, value] : call.query) {
    if (std::find(std::begin(kQueryKeys), std::end(kQueryKeys), key) == std::end(kQueryKeys))
      co_return error(make_error("invalid_request",
                                 key + ": unknown parameter; use order, receipt or email_hash"));
    if (!valid_value(value))
      co_return error(make_error("invalid_request", key + ": 1-128 printable ASCII characters"));
    query[key] = value;
  }
  if (query.empty())
    co_return error(make_error("invalid_request", "give order, receipt or email_hash"));

  // Every given field must match.
  auto st = deps_.reader.prepare(
      "SELECT document FROM returnable_orders o WHERE (?1 IS NULL OR o.order_id = ?1)"
      " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM receipt_barcodes r"
      "                            WHERE r.barcode = ?2 AND r.order_id = o.order_id))"
      " AND (?3 IS NULL OR json_extract(o.document, '$.customer.email_hash') = ?3)"
      " ORDER BY o.order_id LIMIT 50");
  if (!st) co_return error(st.error());
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (const auto* v = query.if_contains(key)) return std::string(v->get_string());
    return std::nullopt;
  };
  (*st)->bind_optional(1, text("order")).bind_optional(2, text("receipt"));
  (*st)->bind_optional(3, text("email_hash"));
  json::array orders;
  while (true) {
    auto row = (*st)->step();
    if (!row) co_return error(row.error());
    if (!*row) break;
    orders.push_back(json::parse((*st)->column_text(0)));
  }
  if (!orders.empty())
    co_return http::json_response(Status::ok, {{"source", "store"}, {"orders", std::move(orders)}});

  Result<json::array> answer = co_await ask_oms(std::move(query));
  if (!answer) co_return error(answer.error());
  co_return http::json_response(Status::ok, {{"source", "oms"}, {"orders", std::move(*answer)}});
}

}  // namespace storeedge::api
