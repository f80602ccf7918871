// The HTTP API: routing, authentication (device tokens, associate sessions, manager override),
// the audit log of state-changing requests, per-route metrics, and the route handlers.
// Everything here runs on the loop thread; durable changes go through the write queue and
// blocking work (PIN hashing, image decodes) through the blocking pool.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/url/params_view.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/scan_router.h"
#include "auth/identity.h"
#include "auth/signin_limiter.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "fulfil/work.h"
#include "http/message.h"
#include "http/server.h"
#include "printer/print_jobs.h"
#include "store/write_queue.h"

namespace storeedge::api {

using boost::asio::awaitable;
using http::Request;
using http::Response;

struct Principal {
  std::optional<auth::Device> device;
  std::optional<std::string> user_id;  // set when an associate session is attached
  auth::Role role = auth::Role::associate;
  std::string session_hash;
  std::string session_expires_at;
  std::optional<std::string> override_by;  // the manager who authorised this one request
};

struct Call {
  const Request& req;
  const http::RequestInfo& info;
  std::vector<std::string> params;  // values of {placeholders} in the route pattern
  std::map<std::string, std::string> query;
  Principal who;
  std::string route;   // the pattern, for metrics and the audit log
  std::string target;  // what the request acted on, for the audit log
  bool audited = false;
  http::BodyStream stream;  // set by a route that streams its body (the live scan stream)
};

struct ApiDeps {
  boost::asio::io_context& ioc;
  store::Connection& reader;  // loop-thread connection for reads
  store::WriteQueue& writes;
  BlockingPool& pool;
  const Clock& clock;
  Config config;
  // Appends the other components' metrics (HTTP server, write queue, sync) to /metrics.
  std::function<void(std::string&)> extra_metrics;
  // The OMS sync's state for /readyz (informational: offline is a normal state, not unready).
  std::function<boost::json::object()> sync_status;
  // order.lookup at the OMS (the sync engine's); completes later on the loop, never inline.
  std::function<void(boost::json::object query,
                     std::function<void(Result<boost::json::array>)> done)>
      order_lookup;
  // Scans from station-bound scanners, for the live scan streams; nullptr: no device layer.
  ScanRouter* scans = nullptr;
  // The scanners the device layer knows, as JSON (GET /api/v1/devices); empty without one.
  std::function<boost::json::array()> scanners;
  // The print queue: the printers as JSON, "a job was committed", "cancel this job at its
  // printer"; empty without printers.
  std::function<boost::json::array()> printers;
  std::function<void()> print_wake;
  std::function<void(const printer::PrintJob&)> print_cancel;
};

class Api {
 public:
  explicit Api(ApiDeps deps);
  awaitable<http::Reply> handle(const Request& req, const http::RequestInfo& info);
  // Applies the reloadable settings of a new configuration (SIGHUP).
  void reconfigure(const Config& config);

  enum class Access { open, device, session };
  using Handler = awaitable<Response> (Api::*)(Call&);
  struct Route {
    http::bhttp::verb method;
    std::string pattern;
    Access access;
    auth::Role min_role;
    Handler handler;
  };
  // Every route the API serves (docs/api/openapi.yaml documents each).
  static const std::vector<Route>& routes();

 private:
  awaitable<Response> dispatch(Call& call);
  awaitable<std::optional<Response>> authenticate(Call& call, const Route& route);
  awaitable<std::optional<Response>> authorise_override(Call& call, auth::Role needed);
  awaitable<void> audit_failure(Call& call, const Response& res);
  // Commits `change` and the audit row for this call in one transaction.
  awaitable<Result<void>> commit(Call& call, store::WriteQueue::Change change);
  // Verifies a PIN against a stored hash on the blocking pool; nullopt when the pool is full.
  awaitable<std::optional<bool>> verify_pin(std::string pin, std::string hash);
  awaitable<std::optional<std::string>> hash_pin(std::string pin);
  void record(const Call& call, const Response& res, double seconds);
  Response error(const Error& e) const;
  std::string now() const { return format_rfc3339(deps_.clock.now()); }

  awaitable<Response> get_app_index(Call&);
  awaitable<Response> get_app_file(Call&);
  awaitable<Response> get_status(Call&);
  awaitable<Response> get_healthz(Call&);
  awaitable<Response> get_readyz(Call&);
  awaitable<Response> get_metrics(Call&);
  awaitable<Response> get_openapi(Call&);
  awaitable<Response> post_session(Call&);
  awaitable<Response> get_session(Call&);
  awaitable<Response> delete_session(Call&);
  awaitable<Response> get_users(Call&);
  awaitable<Response> post_user(Call&);
  awaitable<Response> patch_user(Call&);
  awaitable<Response> get_devices(Call&);
  awaitable<Response> post_device(Call&);
  awaitable<Response> patch_device(Call&);
  awaitable<Response> delete_device(Call&);
  awaitable<Response> get_scan_stream(Call&);
  awaitable<Response> get_print_jobs(Call&);
  awaitable<Response> post_print_job(Call&);
  awaitable<Response> post_print_job_reprint(Call&);
  awaitable<Response> post_print_job_cancel(Call&);
  awaitable<Response> get_audit(Call&);
  awaitable<Response> get_allocations(Call&);
  awaitable<Response> get_allocation(Call&);
  awaitable<Response> get_order_lookup(Call&);
  awaitable<Response> get_work(Call&);
  awaitable<Response> get_pickups(Call&);
  awaitable<Response> post_accept(Call&);
  awaitable<Response> post_reject(Call&);
  awaitable<Response> post_pick(Call&);
  awaitable<Response> post_undo_pick(Call&);
  awaitable<Response> post_complete_pick(Call&);
  awaitable<Response> post_stage(Call&);
  awaitable<Response> post_arrival(Call&);
  awaitable<Response> post_handover(Call&);
  awaitable<Response> post_package(Call&);
  awaitable<Response> patch_package(Call&);
  awaitable<Response> post_package_items(Call&);
  awaitable<Response> post_package_items_remove(Call&);
  awaitable<Response> pack_scan(Call&, bool remove);
  awaitable<Response> post_pack(Call&);
  awaitable<Response> put_tracking(Call&);
  awaitable<Response> post_ship(Call&);
  awaitable<Response> get_expired(Call&);
  awaitable<Response> post_expire(Call&);
  awaitable<Response> get_put_backs(Call&);
  awaitable<Response> post_put_back_scan(Call&);
  awaitable<Response> get_inventory(Call&);
  awaitable<Response> get_inventory_item(Call&);
  awaitable<Response> post_count(Call&);
  awaitable<Response> get_counts(Call&);
  awaitable<Response> post_count_approve(Call&);
  awaitable<Response> post_count_reject(Call&);
  awaitable<Response> decide_count(Call&, bool approve);
  awaitable<Response> post_batch(Call&);
  awaitable<Response> get_batch(Call&);
  awaitable<Response> post_batch_pick(Call&);
  awaitable<Response> get_batches(Call&);
  awaitable<Response> post_batch_close(Call&);
  awaitable<Response> post_scan_image(Call&);
  awaitable<Response> get_return_orders(Call&);
  awaitable<Response> post_return(Call&);
  awaitable<Response> get_returns(Call&);
  awaitable<Response> get_return(Call&);
  awaitable<Response> post_return_review(Call&);
  // POS returns: the calling device must be a POS terminal ("wrong_device" otherwise).
  awaitable<std::optional<Response>> require_pos(Call& call);
  // Whether the link to the OMS is up (the sync engine's state).
  bool oms_online() const;
  // order.lookup at the OMS: its orders, or "unavailable" / "timeout".
  awaitable<Result<boost::json::array>> ask_oms(boost::json::object query);

  // A fulfilment change: `fn` runs in one transaction with the audit row and returns the
  // response body; with an Idempotency-Key the first response is stored and replayed.
  using FulfilChange = std::function<Result<boost::json::object>(
      store::Connection&, const fulfil::Actor&, std::string_view at)>;
  awaitable<Response> fulfil_change(Call& call, FulfilChange fn,
                                    http::Status ok = http::Status::ok);

  ApiDeps deps_;
  auth::SigninLimiter user_limiter_;
  auth::SigninLimiter device_limiter_;
  std::string dummy_pin_hash_;  // verified against when the user is unknown, to even out timing
  std::map<std::string, std::uint64_t> request_counts_;  // "route\x1fmethod\x1fstatus"
  std::map<std::string, std::unique_ptr<metrics::Histogram>> latencies_;
  std::uint64_t returns_taken_[2] = {0, 0};  // since start: [online, offline]
};

}  // namespace storeedge::api
