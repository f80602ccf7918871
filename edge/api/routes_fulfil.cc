// The associate's working day over HTTP: the work queue, accept and reject, picking by scan,
// undo, completing a pick, staging, curbside arrival, the pickup search and the handover.
// Every change goes through fulfil_change(): one transaction with its facts, its audit row and
// (with an Idempotency-Key) its stored response. docs/fulfilment.md describes the workflow.
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/api.h"
#include "api/floor_json.h"
#include "api/idempotency.h"
#include "api/json_input.h"
#include "fulfil/handover.h"
#include "fulfil/picking.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

awaitable<Response> Api::fulfil_change(Call& call, FulfilChange fn, Status ok) {
  const std::string device_id = call.who.device ? call.who.device->device_id : std::string();
  auto key = idempotency_key(call.req, device_id);
  if (!key) co_return error(key.error());
  const fulfil::Actor who{call.who.user_id.value_or(""),
                          call.who.device ? std::optional(device_id) : std::nullopt};
  const std::string at = now();
  std::optional<StoredResponse> replay;
  json::object result;
  store::WriteQueue::Change change = [&](store::Connection& db) -> Result<void> {
    replay.reset();
    if (*key) {
      auto stored = find_response(db, **key);
      if (!stored) return stored.error();
      if (*stored) {
        replay = std::move(*stored);
        return {};
      }
    }
    auto r = fn(db, who, at);
    if (!r) return r.error();
    result = std::move(*r);
    if (*key) return store_response(db, **key, {static_cast<int>(ok), json::serialize(result)}, at);
    return {};
  };
  auto r = co_await commit(call, std::move(change));
  if (!r) co_return error(r.error());
  if (replay) {
    Response res{static_cast<Status>(replay->status), 11};
    res.set(http::bhttp::field::content_type, "application/json");
    res.set("Idempotency-Replayed", "true");
    res.body() = std::move(replay->body);
    res.prepare_payload();
    co_return res;
  }
  co_return http::json_response(ok, std::move(result));
}

awaitable<Response> Api::post_accept(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  FulfilChange fn = [id](store::Connection& db, const fulfil::Actor& who,
                         std::string_view at) -> Result<json::object> {
    auto a = fulfil::accept(db, id, who, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_reject(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  auto body = body_of(call.req);
  if (!body) co_return error(body.error());
  auto items = optional_objects(*body, "lines", 500);
  if (!items) co_return error(items.error());
  std::vector<fulfil::Rejection> lines;
  for (const auto& item : *items) {
    auto line = floor_name(item, "line");
    if (!line) co_return error(line.error());
    auto qty = optional_int(item, "qty", 1, 9999);
    if (!qty) co_return error(qty.error());
    auto reason = required_string(item, "reason");
    if (!reason) co_return error(reason.error());
    lines.push_back({*line, qty->value_or(0), *reason});
  }
  FulfilChange fn = [id, lines](store::Connection& db, const fulfil::Actor& who,
                                std::string_view at) -> Result<json::object> {
    // A line without qty rejects every unit of it not yet picked.
    auto current = fulfil::load_allocation(db, id);
    if (!current) return current.error();
    auto complete = lines;
    for (auto& r : complete)
      if (r.qty == 0)
        for (const auto& l : current->lines)
          if (l.line == r.line) r.qty = l.to_pick();
    auto a = fulfil::reject(db, id, complete, who, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_pick(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto code = required_string(*body, "code");
  if (!code) co_return error(code.error());
  auto qty = optional_int(*body, "qty", 1, 9999);
  if (!qty) co_return error(qty.error());
  auto line = optional_string(*body, "substitute_for_line");
  if (!line) co_return error(line.error());
  FulfilChange fn = [id, code = *code, qty = qty->value_or(1), line = *line](
                        store::Connection& db, const fulfil::Actor& who,
                        std::string_view at) -> Result<json::object> {
    auto p = line ? fulfil::substitute(db, id, *line, code, qty, who, at)
                  : fulfil::pick(db, id, code, qty, who, at);
    if (!p) return p.error();
    auto a = fulfil::load_allocation(db, id);
    if (!a) return a.error();
    return json::object{{"pick", pick_json(*p)}, {"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_undo_pick(Call& call) {
  auto pick_id = id_param(call.params[0], "pick");
  if (!pick_id) co_return error(pick_id.error());
  call.target = "pick " + call.params[0];
  FulfilChange fn = [pick_id = *pick_id](store::Connection& db, const fulfil::Actor& who,
                                         std::string_view at) -> Result<json::object> {
    auto undone = fulfil::undo_pick(db, pick_id, who, at);
    if (!undone) return undone.error();
    auto a = fulfil::load_allocation(db, undone->allocation);
    if (!a) return a.error();
    return json::object{{"undone", pick_json(*undone)}, {"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_complete_pick(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  auto body = body_of(call.req);
  if (!body) co_return error(body.error());
  auto reason = optional_string(*body, "short_reason");
  if (!reason) co_return error(reason.error());
  FulfilChange fn = [id, reason = *reason](store::Connection& db, const fulfil::Actor& who,
                                           std::string_view at) -> Result<json::object> {
    auto a = fulfil::complete_pick(db, id, reason, who, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_stage(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto location = floor_name(*body, "location");
  if (!location) co_return error(location.error());
  FulfilChange fn = [id, location = *location](store::Connection& db, const fulfil::Actor& who,
                                               std::string_view at) -> Result<json::object> {
    auto a = fulfil::stage(db, id, location, who, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}, {"staging_location", location}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_arrival(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto bay = floor_name(*body, "bay");
  if (!bay) co_return error(bay.error());
  FulfilChange fn = [id, bay = *bay](store::Connection& db, const fulfil::Actor& who,
                                     std::string_view at) -> Result<json::object> {
    auto a = fulfil::mark_arrived(db, id, bay, who, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}, {"bay", bay}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

awaitable<Response> Api::post_handover(Call& call) {
  const std::string id = call.params[0];
  call.target = id;
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  const auto* v = body->if_contains("verification");
  if (!v || !v->is_object())
    co_return error(make_error("invalid_request", "verification: an object with a method"));
  fulfil::Verification verification;
  auto method = required_string(v->as_object(), "method");
  if (!method) co_return error(method.error());
  auto code = optional_string(v->as_object(), "code");
  if (!code) co_return error(code.error());
  auto note = optional_string(v->as_object(), "note");
  if (!note) co_return error(note.error());
  if (*note && (*note)->size() > 500)
    co_return error(make_error("invalid_request", "verification.note: at most 500 characters"));
  verification = {*method, *code, *note};
  auto items = optional_objects(*body, "lines", 500);
  if (!items) co_return error(items.error());
  std::vector<fulfil::HandedLine> lines;
  for (const auto& item : *items) {
    auto line = floor_name(item, "line");
    if (!line) co_return error(line.error());
    auto qty = optional_int(item, "qty", 0, 9999);
    if (!qty) co_return error(qty.error());
    if (!*qty) co_return error(make_error("invalid_request", "lines[].qty is required"));
    lines.push_back({*line, **qty});
  }
  FulfilChange fn = [id, verification, lines](store::Connection& db, const fulfil::Actor& who,
                                              std::string_view at) -> Result<json::object> {
    auto a = fulfil::hand_over(db, id, verification, lines, who, at);
    if (!a) return a.error();
    return json::object{{"allocation", work_json(*a)}};
  };
  co_return co_await fulfil_change(call, std::move(fn));
}

}  // namespace storeedge::api
