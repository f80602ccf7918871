// The print queue for people: GET /api/v1/print-jobs (the jobs, newest first, with the printers
// and their state), POST /api/v1/print-jobs (a packing slip, bin or shelf label, or a package's
// shipping label on demand), POST /api/v1/print-jobs/{id}/reprint and /cancel. docs/printing.md.
#include <boost/json/array.hpp>

#include "api/api.h"
#include "api/floor_json.h"
#include "api/json_input.h"
#include "printer/print_jobs.h"
#include "printer/sscc.h"

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
      {"location", opt(j.location)},
      {"sku", opt(j.sku)},
      {"station", opt(j.station)},
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

// A location or SKU the label can carry as barcode data (printer/label.h's check_identifier):
// 1-`max` of A-Z a-z 0-9 - . / + :.
Result<void> label_identifier(std::string_view key, const std::string& v, std::size_t max) {
  bool ok = !v.empty() && v.size() <= max;
  for (char c : v)
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '/' || c == '+' || c == ':');
  if (!ok)
    return make_error("invalid_request", std::string(key) + ": 1-" + std::to_string(max) +
                                             " of A-Z a-z 0-9 - . / + : (it goes into a barcode)");
  return {};
}

// Whether a query finds a row.
Result<bool> exists(store::Connection& db, std::string_view sql,
                    const std::function<void(store::Statement&)>& bind) {
  bool found = false;
  auto r = store::each_row(db, sql, bind, [&](const store::Statement&) { found = true; });
  if (!r) return r.error();
  return found;
}

Result<void> require(store::Connection& db, std::string_view sql, const std::string& a,
                     const std::optional<std::string>& b, std::string what) {
  auto found = exists(db, sql, [&](store::Statement& s) {
    s.bind(1, a);
    if (b) s.bind(2, *b);
  });
  if (!found) return found.error();
  if (!*found) return make_error("not_found", std::move(what));
  return {};
}

// Checks an on-demand job against the store's rows and adds it. A shipping label prints the
// OMS's label when one arrived; otherwise the package gets its SSCC now (kept for reprints).
Result<std::int64_t> add_requested_job(store::Connection& db, const printer::NewPrintJob& job,
                                       const ShippingConfig& shipping, std::string_view at) {
  const std::string allocation = job.allocation_id.value_or("");
  if (job.kind == "packing_slip") {
    auto known = require(db, "SELECT 1 FROM allocations WHERE allocation_id = ?1", allocation,
                         std::nullopt, "allocation " + allocation + " is not known");
    if (!known) return known.error();
  } else if (job.kind == "bin_label") {
    auto known =
        require(db,
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM inventory WHERE location = ?1)"
                " OR EXISTS (SELECT 1 FROM catalog_items WHERE location = ?1)",
                *job.location, std::nullopt, "location " + *job.location + " is not known");
    if (!known) return known.error();
    if (job.sku) {
      known = require(db,
                      "SELECT 1 WHERE EXISTS (SELECT 1 FROM catalog_items WHERE sku = ?1)"
                      " OR EXISTS (SELECT 1 FROM inventory WHERE sku = ?1)",
                      *job.sku, std::nullopt, "SKU " + *job.sku + " is not known");
      if (!known) return known.error();
    }
  } else {
    const std::string& package = *job.package;
    auto known =
        require(db, "SELECT 1 FROM packages WHERE allocation_id = ?1 AND package = ?2", allocation,
                package, "allocation " + allocation + " has no package " + package);
    if (!known) return known.error();
    auto from_oms = exists(db,
                           "SELECT 1 FROM labels WHERE allocation_id = ?1 AND package = ?2"
                           " AND data IS NOT NULL AND format IS NOT NULL",
                           [&](store::Statement& s) { s.bind(1, allocation).bind(2, package); });
    if (!from_oms) return from_oms.error();
    if (!*from_oms) {
      auto sscc = printer::package_sscc(db, shipping, allocation, package);
      if (!sscc) return sscc.error();
    }
  }
  return printer::add_print_job(db, job, at);
}

}  // namespace

awaitable<Response> Api::post_print_job(Call& call) {
  auto body = parse_json_object(call.req);
  if (!body) co_return error(body.error());
  auto kind = required_string(*body, "kind");
  if (!kind) co_return error(kind.error());
  printer::NewPrintJob job;
  job.kind = *kind;
  if (call.who.device) job.station = call.who.device->station;
  if (job.kind == "packing_slip" || job.kind == "shipping_label") {
    auto allocation = floor_name(*body, "allocation");
    if (!allocation) co_return error(allocation.error());
    job.allocation_id = *allocation;
    call.target = *allocation;
    if (job.kind == "shipping_label") {
      auto package = floor_name(*body, "package");
      if (!package) co_return error(package.error());
      job.package = *package;
      call.target += "/" + *package;
    }
  } else if (job.kind == "bin_label") {
    auto location = floor_name(*body, "location");
    if (!location) co_return error(location.error());
    if (auto ok = label_identifier("location", *location, 16); !ok) co_return error(ok.error());
    job.location = *location;
    call.target = *location;
    if (body->contains("sku")) {
      auto sku = floor_name(*body, "sku");
      if (!sku) co_return error(sku.error());
      if (auto ok = label_identifier("sku", *sku, 24); !ok) co_return error(ok.error());
      job.sku = *sku;
      call.target += "/" + *sku;
    }
  } else {
    co_return error(make_error("invalid_request",
                               "kind must be packing_slip, bin_label or shipping_label (other "
                               "documents are printed by the actions that need them)"));
  }
  call.target = job.kind + " " + call.target;
  FulfilChange fn = [job, shipping = deps_.config.shipping](
                        store::Connection& db, const fulfil::Actor&,
                        std::string_view at) -> Result<json::object> {
    auto id = add_requested_job(db, job, shipping, at);
    if (!id) return id.error();
    auto made = printer::find_print_job(db, *id);
    if (!made) return made.error();
    return json::object{{"job", print_job_json(**made)}};
  };
  auto res = co_await fulfil_change(call, std::move(fn), Status::created);
  if (res.result() == Status::created && deps_.print_wake) deps_.print_wake();
  co_return res;
}

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
