// POS returns (BORIS) over HTTP: looking an order up with each line's eligibility, taking a
// return (Idempotency-Key required, so a POS that retries never refunds twice), reading one
// back for its receipt, and the lead's review of returns taken offline. The rules live in pos/
// (docs/returns.md); these handlers check the request, pick the override and commit.
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/api.h"
#include "api/floor_json.h"
#include "api/json_input.h"
#include "api/return_request.h"
#include "pos/eligibility.h"
#include "pos/policy.h"
#include "pos/returns.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

constexpr int kLookupLimit = 20;

json::object order_json(const pos::OrderDocument& d, const pos::OrderEligibility& e) {
  json::array lines;
  for (const pos::OrderLine& l : d.lines) {
    const pos::LineEligibility* le = e.find(l.line);
    json::array breaches;
    if (le)
      for (const auto& b : le->breaches) breaches.emplace_back(b);
    json::array gtins;
    for (const auto& g : l.gtins) gtins.emplace_back(g);
    const std::int64_t left = le ? le->left : 0;
    lines.push_back({{"line", l.line},
                     {"sku", l.sku},
                     {"description", l.description},
                     {"gtins", std::move(gtins)},
                     {"qty", l.qty},
                     {"returned", le ? le->returned : l.returned_qty},
                     {"returnable_qty", left},
                     {"unit_paid", l.unit_paid},
                     {"returnable", l.returnable},
                     {"return_by", l.return_by},
                     {"breaches", breaches},
                     {"eligible", left > 0 && breaches.empty()}});
  }
  json::array tenders, barcodes;
  for (const auto& b : d.receipt_barcodes) barcodes.emplace_back(b);
  for (const pos::Tender& t : d.tenders)
    tenders.push_back(
        {{"tender", t.tender}, {"method", t.method}, {"last4", t.last4}, {"amount", t.amount}});
  return {{"order", d.order},
          {"source", pos::source_name(d.source)},
          {"channel", d.channel},
          {"placed_at", d.placed_at},
          {"currency", d.currency},
          {"customer", {{"name", d.customer_name}}},
          {"receipt_barcodes", std::move(barcodes)},
          {"lines", std::move(lines)},
          {"tenders", std::move(tenders)}};
}

json::object return_json(const pos::ReturnRecord& r) {
  json::array lines, tenders, breaches, jobs;
  for (const auto& l : r.lines) {
    json::object o{{"line", l.line},
                   {"sku", l.sku},
                   {"description", l.description},
                   {"qty", l.qty},
                   {"unit_refund", l.unit_refund},
                   {"refund", l.refund},
                   {"reason", l.reason},
                   {"condition", l.condition},
                   {"disposition", l.disposition}};
    if (l.location) o["location"] = *l.location;
    lines.push_back(std::move(o));
  }
  for (const auto& t : r.tenders)
    tenders.push_back(
        {{"tender", t.tender}, {"method", t.method}, {"last4", t.last4}, {"amount", t.amount}});
  for (const auto& b : r.breaches) breaches.emplace_back(b);
  for (auto j : r.print_jobs) jobs.emplace_back(j);
  auto opt = [](const std::optional<std::string>& v) -> json::value {
    if (v) return json::value(*v);
    return nullptr;
  };
  return {{"return", r.return_id},
          {"order", r.order},
          {"source", r.source},
          {"created_at", r.created_at},
          {"by", r.user_id},
          {"device", opt(r.device_id)},
          {"station", opt(r.station)},
          {"offline", r.offline},
          {"breaches", std::move(breaches)},
          {"override_by", opt(r.override_by)},
          {"override_reason", opt(r.override_reason)},
          {"refund", {{"amount", r.refund}, {"currency", r.currency}, {"tenders", tenders}}},
          {"lines", std::move(lines)},
          {"print_jobs", std::move(jobs)},
          {"review",
           {{"state", opt(r.review)},
            {"by", opt(r.reviewed_by)},
            {"at", opt(r.reviewed_at)},
            {"note", opt(r.review_note)}}}};
}

}  // namespace

bool Api::oms_online() const {
  if (!deps_.sync_status) return false;
  auto status = deps_.sync_status();
  const auto* c = status.if_contains("connected");
  return c && c->is_bool() && c->get_bool();
}

awaitable<Result<json::array>> Api::ask_oms(json::object query) {
  if (!deps_.order_lookup) co_return make_error("unavailable", "the OMS is not reachable");
  // The sync engine always completes later on the loop (answer, timeout or offline), so the
  // handler is never called inside the initiation.
  auto initiate = [this, query](auto handler) mutable {
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    deps_.order_lookup(std::move(query),
                       [h](Result<json::array> r) { std::move (*h)(std::move(r)); });
  };
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                 void(Result<json::array>)>(
      initiate, boost::asio::use_awaitable);
}

awaitable<std::optional<Response>> Api::require_pos(Call& call) {
  if (call.who.device && call.who.device->kind == "pos") co_return std::nullopt;
  co_return error(make_error("wrong_device", "returns are taken at an enrolled POS terminal"));
}

awaitable<Response> Api::get_return_orders(Call& call) {
  if (auto denied = co_await require_pos(call)) co_return std::move(*denied);
  pos::OrderQuery query;
  json::object oms_query;
  for (const auto& [key, value] : call.query) {
    std::optional<std::string>* field = key == "order"        ? &query.order
                                        : key == "receipt"    ? &query.receipt
                                        : key == "email_hash" ? &query.email_hash
                                                              : nullptr;
    if (!field)
      co_return error(make_error("invalid_request",
                                 key + ": unknown parameter; use order, receipt or email_hash"));
    if (!is_lookup_value(value))
      co_return error(make_error("invalid_request", key + ": 1-128 printable ASCII characters"));
    *field = value;
    oms_query[key] = value;
  }
  if (oms_query.empty())
    co_return error(make_error("invalid_request", "give order, receipt or email_hash"));
  if (query.order && !is_identifier(*query.order))
    co_return error(make_error("invalid_request", "order: 1-64 of A-Z a-z 0-9 . _ : -"));

  auto found = pos::find_local_orders(deps_.reader, query, kLookupLimit);
  if (!found) co_return error(found.error());
  // A document the store holds answers; otherwise the OMS is asked (when it is reachable), and
  // an order known only from this store's own fulfilment is the fallback.
  const bool has_document = std::any_of(
      found->begin(), found->end(),
      [](const pos::OrderDocument& d) { return d.source != pos::OrderSource::fulfilled_here; });
  std::string oms = "not_asked";
  if (!has_document) {
    if (!oms_online()) {
      oms = "offline";
    } else {
      auto answer = co_await ask_oms(oms_query);
      if (!answer) {
        oms = answer.error().code;
      } else {
        oms = "answered";
        const std::string at = now();
        json::array orders = std::move(*answer);
        store::WriteQueue::Change keep = [&](store::Connection& db) {
          return pos::remember_looked_up(db, orders, at);
        };
        auto kept = co_await deps_.writes.async_write(deps_.ioc.get_executor(), std::move(keep),
                                                      boost::asio::use_awaitable);
        if (!kept) co_return error(kept.error());
        auto again = pos::find_local_orders(deps_.reader, query, kLookupLimit);
        if (!again) co_return error(again.error());
        found = std::move(again);
      }
    }
  }
  auto policy = pos::load_policy(deps_.reader);
  if (!policy) co_return error(policy.error());
  auto today = pos::local_date(now(), policy->timezone);
  if (!today) co_return error(today.error());
  json::array orders;
  for (const pos::OrderDocument& d : *found) {
    auto e = pos::assess_order(deps_.reader, d, *today);
    if (!e) co_return error(e.error());
    orders.push_back(order_json(d, *e));
  }
  json::value limit = nullptr;
  if (policy->offline_limit)
    limit = json::object{{"amount", policy->offline_limit->amount},
                         {"currency", policy->offline_limit->currency}};
  co_return http::json_response(Status::ok, {{"orders", std::move(orders)},
                                             {"oms", oms},
                                             {"online", oms_online()},
                                             {"today", *today},
                                             {"timezone", policy->timezone},
                                             {"offline_limit", std::move(limit)}});
}

awaitable<Response> Api::post_return(Call& call) {
  if (auto denied = co_await require_pos(call)) co_return std::move(*denied);
  if (call.req["Idempotency-Key"].empty())
    co_return error(make_error("invalid_request",
                               "Idempotency-Key: required on returns, so a retry never refunds "
                               "twice"));
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto req = parse_return_request(*body);
  if (!req) co_return error(req.error());
  call.target = "order " + req->order;
  // A manager overrides a policy breach with their credentials on this request
  // (StoreEdge-Override), or, signed in themselves, by saying so ("override": true).
  auto self = optional_bool(*body, "override");
  if (!self) co_return error(self.error());
  if (!call.req["StoreEdge-Override"].empty()) {
    if (auto denied = co_await authorise_override(call, auth::Role::manager))
      co_return std::move(*denied);
  } else if (self->value_or(false)) {
    if (call.who.role != auth::Role::manager)
      co_return error(make_error("not_allowed_for_role",
                                 "only a manager overrides; send StoreEdge-Override with a "
                                 "manager's credentials"));
    call.who.override_by = call.who.user_id;
  }
  pos::ReturnContext ctx{deps_.config.store,         call.who.user_id.value_or(""),
                         call.who.device->device_id, call.who.device->station,
                         call.who.override_by,       oms_online()};
  FulfilChange fn = [req = std::move(*req), ctx](store::Connection& db, const fulfil::Actor&,
                                                 std::string_view at) -> Result<json::object> {
    auto r = pos::record_return(db, req, ctx, at);
    if (!r) return r.error();
    return json::object{{"return", return_json(*r)}};
  };
  auto res = co_await fulfil_change(call, std::move(fn), Status::created);
  if (res.result() == Status::created && res["Idempotency-Replayed"].empty()) {
    ++returns_taken_[ctx.online ? 0 : 1];
    if (deps_.print_wake) deps_.print_wake();
  }
  co_return res;
}

awaitable<Response> Api::get_returns(Call& call) {
  auto page = page_of(call.query, 50, 200);
  if (!page) co_return error(page.error());
  pos::ReturnFilter filter;
  for (const auto& [key, value] : call.query) {
    if (key == "limit" || key == "cursor") continue;
    if (key == "review") {
      if (value != "pending" && value != "approved" && value != "flagged")
        co_return error(make_error("invalid_request", "review: pending, approved or flagged"));
      filter.review = value;
    } else if (key == "order") {
      if (!is_identifier(value))
        co_return error(make_error("invalid_request", "order: 1-64 of A-Z a-z 0-9 . _ : -"));
      filter.order = value;
    } else if (key == "offline") {
      if (value != "true" && value != "false")
        co_return error(make_error("invalid_request", "offline: true or false"));
      filter.offline = value == "true";
    } else {
      co_return error(make_error("invalid_request", key + ": unknown parameter"));
    }
  }
  auto rows = pos::list_returns(deps_.reader, filter, page->fetch(), page->offset);
  if (!rows) co_return error(rows.error());
  co_return page_response(*rows, *page, return_json);
}

awaitable<Response> Api::get_return(Call& call) {
  const std::string id = call.params[0];
  if (!is_identifier(id)) co_return error(make_error("not_found", "no such return"));
  auto r = pos::load_return(deps_.reader, id);
  if (!r) co_return error(r.error());
  if (!*r) co_return error(make_error("not_found", "return " + id + " is not known"));
  co_return http::json_response(Status::ok, {{"return", return_json(**r)}});
}

awaitable<Response> Api::post_return_review(Call& call) {
  const std::string id = call.params[0];
  if (!is_identifier(id)) co_return error(make_error("not_found", "no such return"));
  call.target = id;
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto decision = required_string(*body, "decision");
  if (!decision) co_return error(decision.error());
  auto note = optional_string(*body, "note");
  if (!note) co_return error(note.error());
  if (*note && (*note)->size() > 500)
    co_return error(make_error("invalid_request", "note: at most 500 characters"));
  FulfilChange fn = [id, decision = *decision, note = *note](
                        store::Connection& db, const fulfil::Actor& who,
                        std::string_view at) -> Result<json::object> {
    auto r = pos::review_return(db, id, decision, note, who.user_id, at);
    if (!r) return r.error();
    return json::object{{"return", return_json(*r)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

}  // namespace storeedge::api
