// The print queue for people: GET /api/v1/print-jobs (the jobs, newest first, with the printers
// and their state), POST /api/v1/print-jobs/{id}/reprint and /cancel. docs/printing.md.
#include <boost/json/array.hpp>

#include "api/api.h"
#include "api/floor_json.h"
#include "printer/print_jobs.h"

namespace storeedge::api {

namespace json = boost::json;
using http::Status;

namespace {

json::value opt(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object print_job_json(const printer::PrintJob& j) {
  return json::object{
      {"id", j.id},
      {"kind", j.kind},
      {"allocation", opt(j.allocation_id)},
      {"package", opt(j.package)},
      {"return", opt(j.return_id)},
      {"state", j.state},
      {"printer", opt(j.printer)},
      {"printer_job", opt(j.printer_job)},
      {"reason", opt(j.reason)},
      {"attempts", j.attempts},
      {"next_attempt_at", opt(j.next_attempt_at)},
      {"created_at", j.created_at},
      {"updated_at", j.updated_at},
      {"done_at", opt(j.done_at)},
      {"reprint_of", j.reprint_of ? json::value(*j.reprint_of) : json::value(nullptr)},
      {"requested_by", opt(j.requested_by)}};
}

}  // namespace

awaitable<Response> Api::get_print_jobs(Call& call) {
  std::optional<std::string> state;
  if (auto it = call.query.find("state"); it != call.query.end()) {
    if (!printer::is_print_job_state(it->second))
      co_return error(make_error("invalid_request",
                                 "state must be one of pending, sending, sent, done, waiting, "
                                 "failed, cancelled, unknown"));
    state = it->second;
  }
  auto page = page_of(call.query, 50, 200);
  if (!page) co_return error(page.error());
  auto jobs = printer::list_print_jobs(deps_.reader, state, page->fetch(), page->offset);
  if (!jobs) co_return error(jobs.error());
  auto body = page_json(*jobs, *page, print_job_json);
  body["printers"] = deps_.printers ? deps_.printers() : json::array{};
  co_return http::json_response(Status::ok, body);
}

awaitable<Response> Api::post_print_job_reprint(Call& call) {
  auto id = id_param(call.params[0], "print job");
  if (!id) co_return error(id.error());
  call.target = call.params[0];
  const std::string by = "user:" + call.who.user_id.value_or("");
  FulfilChange fn = [id = *id, by](store::Connection& db, const fulfil::Actor&,
                                   std::string_view at) -> Result<json::object> {
    auto again = printer::reprint_print_job(db, id, by, at);
    if (!again) return again.error();
    auto job = printer::find_print_job(db, *again);
    if (!job) return job.error();
    return json::object{{"job", print_job_json(**job)}};
  };
  auto res = co_await fulfil_change(call, std::move(fn));
  if (res.result() == Status::ok) {
    res.result(Status::created);
    if (deps_.print_wake) deps_.print_wake();
  }
  co_return res;
}

awaitable<Response> Api::post_print_job_cancel(Call& call) {
  auto id = id_param(call.params[0], "print job");
  if (!id) co_return error(id.error());
  call.target = call.params[0];
  auto was = std::make_shared<std::optional<printer::PrintJob>>();
  FulfilChange fn = [id = *id, was](store::Connection& db, const fulfil::Actor&,
                                    std::string_view at) -> Result<json::object> {
    auto before = printer::cancel_print_job(db, id, at);
    if (!before) return before.error();
    *was = *before;
    auto job = printer::find_print_job(db, id);
    if (!job) return job.error();
    return json::object{{"job", print_job_json(**job)}};
  };
  auto res = co_await fulfil_change(call, std::move(fn));
  // A job the printer has already is cancelled there too (the worker does it in its turn).
  if (res.result() == Status::ok && *was && deps_.print_cancel) deps_.print_cancel(**was);
  co_return res;
}

}  // namespace storeedge::api
