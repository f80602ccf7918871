// fulfil_bench: the fulfilment API of a real storeedged under closed-loop HTTP load, each figure
// next to GET /healthz of the same server in the same run at the same concurrency.
//
//  scan   64 handhelds (each its own device token and associate session) scan their own
//         allocation's item: POST /api/v1/allocations/{id}/picks {code: GTIN, qty: 1} with a
//         fresh Idempotency-Key, closed loop. Targets: >= 5000 durable confirms/s, p99 <= 15 ms.
//         Verified after the daemon stopped: picks rows, picked units, inventory.adjusted facts
//         and stored idempotent responses each equal the number of 200 responses.
//  queue  GET /api/v1/work?limit=50 (the route's default page) with 5000 open allocations, from
//         1 and 8 handhelds. Target: p99 <= 10 ms.
//
// Setup (not timed): a temp state directory seeded through the real down-stream applier (the
// OMS's snapshot: catalog items and allocation.created), users and devices provisioned with
// storeedgectl, then storeedged on a free loopback port with no MQTT broker (offline is a
// normal state: the facts wait in the outbox). Not a ctest test: the figures depend on the
// machine and its load.
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_http.h"
#include "bench/bench_main.h"
#include "bench/bench_store.h"
#include "bench/bench_support.h"
#include "store/state_dir.h"
#include "sync/contract.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using namespace std::chrono_literals;
using namespace storeedge::bench;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

constexpr double kTargetConfirmsPerSecond = 5'000;
constexpr double kTargetScanP99Ms = 15;
constexpr double kTargetQueueP99Ms = 10;
constexpr const char* kTenant = "demo";
constexpr const char* kStore = "S042";
constexpr const char* kPin = "4821";
constexpr std::int64_t kHandheldLineQty = 1'000'000;  // scans never run out
constexpr int kCatalogItems = 500;                    // items the queue's allocations order

constexpr const char* kUsage =
    "usage: fulfil_bench [--phase scan|queue|all] [--seconds N] [--handhelds N]\n"
    "                    [--allocations N] [--page N] [--queue-clients N,N...]\n"
    "                    [--storeedged PATH] [--storeedgectl PATH]\n"
    "  --seconds N        length of every timed phase, baselines included; 5\n"
    "  --handhelds N      concurrent handhelds scanning (devices, users, sessions); 64\n"
    "  --allocations N    open allocations in the store, the handhelds' included; 5000\n"
    "  --page N           GET /api/v1/work?limit=N (default page 50, the route's maximum 200)\n"
    "  --queue-clients L  concurrent handhelds listing the queue, one phase each; 1,8\n"
    "  storeedged and storeedgectl default to ../edge/ next to this binary\n";

struct Options {
  std::string phase = "all";
  double seconds = 5;
  int handhelds = 64;
  int allocations = 5'000;
  int page = 50;
  std::vector<int> queue_clients{1, 8};
  std::string storeedged, storeedgectl;
};

// A process's I/O so far, from /proc/PID/io: bytes passed to write(2) and friends, how many
// such calls, and bytes the kernel sent to storage on its behalf.
struct IoCounters {
  double wchar = 0, syscw = 0, write_bytes = 0;
};
IoCounters io_counters(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/io");
  IoCounters c;
  std::string name;
  double value = 0;
  while (in >> name >> value) {
    if (name == "wchar:") c.wchar = value;
    if (name == "syscw:") c.syscw = value;
    if (name == "write_bytes:") c.write_bytes = value;
  }
  return c;
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// ---------------------------------------------------------------------------------------------
// The store's state: the OMS snapshot through the real down applier, then people and devices.

// A handheld's item: GTIN-13 as its scanner reads it; the OMS sends GTIN-14.
std::string handheld_gtin13(int h) {
  return gtin_with_check("400700" + pad(h, 6));
}
std::string handheld_sku(int h) {
  return "SKU-HH-" + pad(h, 3);
}
std::string handheld_allocation(int h) {
  return "H-" + pad(h, 3);
}
std::string item_gtin13(int i) {
  return gtin_with_check("400800" + pad(i, 6));
}
std::string item_sku(int i) {
  return "SKU-" + pad(10'000 + i, 5);
}

// A handheld and its picker, with the allocation it scans and that allocation's item.
struct Handheld : DeviceLogin {
  std::string allocation, gtin13;
};

json::object catalog_item(const std::string& sku, const std::string& gtin13,
                          const std::string& what, int price, const std::string& bin) {
  return {{"sku", sku},          {"gtins", json::array{"0" + gtin13}},
          {"description", what}, {"unit_price", price},
          {"currency", "EUR"},   {"returnable", true},
          {"location", bin}};
}

json::object allocation_line(const std::string& no, const std::string& sku,
                             const std::string& gtin13, const std::string& what, std::int64_t qty,
                             int price) {
  return {{"line", no},          {"sku", sku}, {"gtins", json::array{"0" + gtin13}},
          {"description", what}, {"qty", qty}, {"unit_price", price},
          {"currency", "EUR"}};
}

// Allocation n of the queue: a mix of kinds, promise times over the day, some prioritised.
json::object queue_allocation(int n) {
  const int kind_pick = n % 10;
  const std::string kind = kind_pick < 6 ? "bopis" : kind_pick < 8 ? "curbside" : "ship_from_store";
  const int minutes = 8 * 60 + (n * 37) % (12 * 60);
  const std::string promised =
      "2026-11-24T" + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2) + ":00.000Z";
  json::array lines;
  for (int l = 0; l < 1 + n % 3; ++l) {
    const int item = (n * 7 + l * 131) % kCatalogItems;
    lines.push_back(allocation_line(std::to_string(l + 1), item_sku(item), item_gtin13(item),
                                    "Item " + std::to_string(item), 1 + (n + l) % 2, 499));
  }
  json::object body{{"allocation", "A-" + pad(n, 6)},
                    {"order", "W" + std::to_string(2'000'000 + n)},
                    {"kind", kind},
                    {"priority", n % 7 == 0 ? 1 : 0},
                    {"promised_by", promised},
                    {"customer",
                     {{"name", "Customer " + std::to_string(n)},
                      {"pickup_code", pad(100'000 + n, 6)},
                      {"email_hash", "9f86d081884c7d65"},
                      {"phone_last4", "1234"}}},
                    {"pickup_person", nullptr},
                    {"ship_to", nullptr},
                    {"carrier", nullptr},
                    {"service", nullptr},
                    {"substitutions_allowed", n % 4 == 0},
                    {"lines", std::move(lines)}};
  if (kind == "ship_from_store") {
    body["ship_to"] = {{"name", "Customer " + std::to_string(n)},
                       {"line1", "1 Harbour St"},
                       {"city", "Rotterdam"},
                       {"postcode", "3011"},
                       {"country", "NL"}};
    body["carrier"] = "DHL";
    body["service"] = "parcel";
  }
  return body;
}

// A handheld's allocation: one line of its own item, in a quantity no run can pick.
json::object handheld_allocation_body(int h) {
  return {{"allocation", handheld_allocation(h)},
          {"order", "W" + std::to_string(1'000'000 + h)},
          {"kind", "bopis"},
          {"priority", 0},
          {"promised_by", "2026-11-24T12:00:00.000Z"},
          {"customer", {{"name", "Bench Customer"}, {"pickup_code", pad(900'000 + h, 6)}}},
          {"pickup_person", nullptr},
          {"ship_to", nullptr},
          {"carrier", nullptr},
          {"service", nullptr},
          {"substitutions_allowed", false},
          {"lines",
           json::array{allocation_line("1", handheld_sku(h), handheld_gtin13(h),
                                       "Bench item " + std::to_string(h), kHandheldLineQty, 100)}}};
}

// One down epoch: snapshot.begin, catalog.items, allocation.created for every open
// allocation, snapshot.end with the counts.
std::vector<std::string> snapshot_stream(const Options& o) {
  const std::string epoch = "oms-bench";
  const std::string at = "2026-11-24T07:00:00.000Z";
  std::int64_t seq = 0;
  std::vector<std::string> out;
  auto add = [&](const std::string& type, json::object body) {
    ++seq;
    out.push_back(storeedge::sync::serialize(storeedge::sync::Envelope{
        type, epoch + "-" + std::to_string(seq), kStore, epoch, seq, at, std::move(body)}));
  };
  add("snapshot.begin", {{"snapshot", "snap-bench"}});
  json::array items;
  for (int h = 1; h <= o.handhelds; ++h)
    items.push_back(catalog_item(handheld_sku(h), handheld_gtin13(h),
                                 "Bench item " + std::to_string(h), 100,
                                 "H-" + pad(h / 10, 2) + "-" + std::to_string(h % 10)));
  for (int i = 0; i < kCatalogItems; ++i) {
    items.push_back(catalog_item(item_sku(i), item_gtin13(i), "Item " + std::to_string(i), 499,
                                 "A-" + pad(i / 20, 2) + "-" + std::to_string(i % 20)));
    if (items.size() >= 200 || i + 1 == kCatalogItems) {
      add("catalog.items", {{"items", std::move(items)}});
      items = {};
    }
  }
  for (int h = 1; h <= o.handhelds; ++h) add("allocation.created", handheld_allocation_body(h));
  for (int n = 1; n <= o.allocations - o.handhelds; ++n)
    add("allocation.created", queue_allocation(n));
  add("snapshot.end", {{"snapshot", "snap-bench"},
                       {"counts",
                        {{"allocations", std::max(o.allocations, o.handhelds)},
                         {"catalog_items", o.handhelds + kCatalogItems},
                         {"returnable_orders", 0}}}});
  return out;
}

// One associate and one handheld per scanner on the floor, with storeedgectl as an operator
// would; returns them with their device tokens.
std::vector<Handheld> provision(const Options& o, const std::string& state_dir) {
  const int count =
      std::max(o.handhelds, *std::max_element(o.queue_clients.begin(), o.queue_clients.end()));
  const Storeedgectl ctl{o.storeedgectl, state_dir, kTenant, kStore};
  std::vector<Handheld> out;
  for (int h = 1; h <= count; ++h) {
    check_interrupted();
    const Enrolment e{"picker-" + pad(h, 3), "Picker " + pad(h, 3), "hh-" + pad(h, 3), "handheld",
                      "Handheld " + pad(h, 3)};
    out.push_back({enrol(ctl, e, kPin), handheld_allocation(std::min(h, o.handhelds)),
                   handheld_gtin13(std::min(h, o.handhelds))});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTTP: closed-loop clients for the timed phases (bench_http.h has the rest).

// Builds request `n` of client `client`.
using RequestFactory = std::function<HttpRequest(int client, std::uint64_t n)>;
// Checks a response with the expected status; returns what is wrong, or an empty string.
using ResponseCheck = std::function<std::string(const HttpResponse&)>;

struct LoadResult {
  int clients = 0;
  double seconds = 0;  // first request until the last response
  std::uint64_t ok = 0, unexpected = 0;
  std::map<int, std::uint64_t> statuses;
  std::string first_problem;
  std::vector<double> latency;  // seconds from writing a request until its response was read
  double server_cpu = 0, bench_cpu = 0;
  IoCounters server_io;  // this phase's share

  double rate() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  double percentile_ms(double q) const { return storeedge::bench::percentile_ms(latency, q); }
  void problem(const std::string& what) {
    ++unexpected;
    if (first_problem.empty()) first_problem = what;
  }
};

// One closed-loop client on a kept-alive connection: send, wait for the response, repeat until
// the deadline. Every client checks its first successful response with `check`.
asio::awaitable<void> client_loop(beast::tcp_stream& stream, int client, const RequestFactory& make,
                                  int expected, const ResponseCheck& check,
                                  Clock::time_point deadline, LoadResult& result) {
  beast::flat_buffer buffer;
  bool checked = !check;
  for (std::uint64_t n = 0; Clock::now() < deadline && !interrupted(); ++n) {
    HttpRequest req = make(client, n);
    const auto t0 = Clock::now();
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, kTuple);
    if (write_ec) {
      result.problem("client " + std::to_string(client) + ": write: " + write_ec.message());
      co_return;
    }
    HttpResponse res;
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, res, kTuple);
    if (read_ec) {
      result.problem("client " + std::to_string(client) + ": read: " + read_ec.message());
      co_return;
    }
    result.latency.push_back(seconds_since(t0));
    ++result.statuses[res.result_int()];
    if (static_cast<int>(res.result_int()) != expected) {
      result.problem("status " + std::to_string(res.result_int()) + ": " + tail(res.body(), 300));
    } else {
      ++result.ok;
      if (!checked) {
        checked = true;
        if (auto wrong = check(res); !wrong.empty()) result.problem(wrong);
      }
    }
    if (!res.keep_alive()) {
      result.problem("client " + std::to_string(client) + ": the server closed the connection");
      co_return;
    }
  }
}

// `clients` closed-loop clients, all on this thread's io_context, for `seconds` from the moment
// every connection is open.
LoadResult run_load(const tcp::endpoint& ep, pid_t server, int clients, double seconds,
                    const RequestFactory& make, int expected, const ResponseCheck& check = {}) {
  asio::io_context ioc{1};
  const auto streams = open_connections(ioc, ep, clients);
  LoadResult r;
  r.clients = clients;
  const double server_cpu0 = cpu_seconds(server), bench_cpu0 = own_cpu_seconds();
  const IoCounters io0 = io_counters(server);
  const auto t0 = Clock::now();
  const auto deadline =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int i = 0; i < clients; ++i)
    asio::co_spawn(
        ioc,
        client_loop(*streams[static_cast<std::size_t>(i)], i, make, expected, check, deadline, r),
        asio::detached);
  ioc.run();  // returns when every client has had its last response
  r.seconds = seconds_since(t0);
  r.server_cpu = cpu_seconds(server) - server_cpu0;
  r.bench_cpu = own_cpu_seconds() - bench_cpu0;
  const IoCounters io1 = io_counters(server);
  r.server_io = {io1.wchar - io0.wchar, io1.syscw - io0.syscw, io1.write_bytes - io0.write_bytes};
  std::sort(r.latency.begin(), r.latency.end());
  return r;
}

void print_load(const char* label, const LoadResult& r) {
  std::printf(
      "%-24s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%llu ok in %.2f s, "
      "%d clients; cpu: storeedged %.2f s, bench %.2f s)\n",
      label, r.rate(), r.percentile_ms(0.50), r.percentile_ms(0.99),
      r.latency.empty() ? 0.0 : r.latency.back() * 1e3, static_cast<unsigned long long>(r.ok),
      r.seconds, r.clients, r.server_cpu, r.bench_cpu);
  if (r.unexpected > 0) {
    std::printf("  %llu unexpected answer(s); statuses:",
                static_cast<unsigned long long>(r.unexpected));
    for (const auto& [status, n] : r.statuses)
      std::printf(" %d×%llu", status, static_cast<unsigned long long>(n));
    std::printf("; first: %s\n", r.first_problem.c_str());
  }
  std::fflush(stdout);
}

LoadResult healthz(const tcp::endpoint& ep, pid_t server, int clients, double seconds) {
  const HttpRequest req = make_request(bhttp::verb::get, "/healthz");
  RequestFactory make = [&req](int, std::uint64_t) { return req; };
  return run_load(ep, server, clients, seconds, make, 200);
}

// storeedge_store_commits_total and _changes_total from /metrics.
std::pair<double, double> commit_counters(const tcp::endpoint& ep) {
  auto res = http_call(ep, make_request(bhttp::verb::get, "/metrics"));
  if (!res || res->result_int() != 200) return {0, 0};
  auto value = [&](const std::string& name) {
    const std::string& text = res->body();
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? 0.0 : std::atof(text.c_str() + at + name.size() + 2);
  };
  return {value("storeedge_store_commits_total"), value("storeedge_store_changes_total")};
}

// ---------------------------------------------------------------------------------------------
// Verification in the database after the daemon stopped.

// Every confirmed scan is in the database: its pick, its units on the line, its
// inventory.adjusted fact in the outbox and its stored idempotent response.
bool verify_scans(const std::string& db_path, std::uint64_t confirmed) {
  const ReadOnlyDatabase db = open_read_only(db_path);
  if (!db) {
    std::printf("verify: FAILED, cannot open %s\n", db_path.c_str());
    return false;
  }
  const long long picks = db_scalar(db.get(), "SELECT count(*) FROM picks");
  const long long units = db_scalar(
      db.get(),
      "SELECT coalesce(sum(picked_qty), 0) FROM allocation_lines WHERE allocation_id LIKE 'H-%'");
  const long long facts =
      db_scalar(db.get(), "SELECT count(*) FROM outbox WHERE type = 'inventory.adjusted'");
  const long long keys = db_scalar(db.get(), "SELECT count(*) FROM idempotent_requests");
  const auto n = static_cast<long long>(confirmed);
  const bool ok = picks == n && units == n && facts == n && keys == n;
  std::printf(
      "verify: %lld confirmed scans; database after shutdown: %lld picks rows, %lld units "
      "picked, %lld inventory.adjusted facts in the outbox, %lld idempotent responses: %s\n",
      n, picks, units, facts, keys, ok ? "OK" : "FAILED");
  return ok;
}

// ---------------------------------------------------------------------------------------------

bool parse_options(int argc, char** argv, Options& o) {
  auto set = [&o](const std::string& name, const std::string& value) {
    if (name == "--phase" && (value == "scan" || value == "queue" || value == "all")) {
      o.phase = value;
    } else if (name == "--seconds") {
      o.seconds = std::stod(value);
    } else if (name == "--handhelds") {
      o.handhelds = std::stoi(value);
    } else if (name == "--allocations") {
      o.allocations = std::stoi(value);
    } else if (name == "--page") {
      o.page = std::stoi(value);
    } else if (name == "--queue-clients") {
      o.queue_clients.clear();
      std::stringstream ss(value);
      for (std::string n; std::getline(ss, n, ',');) o.queue_clients.push_back(std::stoi(n));
    } else if (name == "--storeedged") {
      o.storeedged = value;
    } else if (name == "--storeedgectl") {
      o.storeedgectl = value;
    } else {
      return false;
    }
    return true;
  };
  if (!read_options(argc, argv, set)) return false;
  const bool clients_ok =
      !o.queue_clients.empty() &&
      std::all_of(o.queue_clients.begin(), o.queue_clients.end(), [](int n) { return n > 0; });
  return o.seconds > 0 && o.handhelds > 0 && o.allocations >= o.handhelds && o.page >= 1 &&
         o.page <= 200 && clients_ok;
}

const char* verdict(bool met) {
  return met ? "MET" : "NOT MET";
}

int run(const Options& o) {
  TempDir dir("fulfil_bench");
  const std::string state = dir.file("state");
  const bool scan = o.phase != "queue", queue = o.phase != "scan";

  const auto setup0 = Clock::now();
  // As the sync engine applies the OMS's messages, in transactions of 500 messages.
  apply_down_stream(state, kTenant, kStore, snapshot_stream(o), 500);
  const double seeded = seconds_since(setup0);
  std::vector<Handheld> handhelds = provision(o, state);
  const double provisioned = seconds_since(setup0) - seeded;

  const int port = free_port();
  const tcp::endpoint ep(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
  Child daemon(
      {o.storeedged, "--state-dir", state, "--http-listen", "127.0.0.1:" + std::to_string(port),
       "--mqtt-uri", "tcp://127.0.0.1:1", "--tenant", kTenant, "--store", kStore},
      dir.file("storeedged.log"));
  wait_for_healthz(ep, daemon, 10s);
  for (Handheld& hh : handhelds) sign_in(ep, hh, kPin);
  std::printf(
      "setup: %d open allocations and %d catalog items applied through the down applier in "
      "%.1f s; %zu users and devices provisioned with storeedgectl and signed in (%.1f s); "
      "storeedged offline (no broker) on 127.0.0.1:%d\n\n",
      o.allocations, o.handhelds + kCatalogItems, seeded, handhelds.size(), provisioned, port);
  std::fflush(stdout);

  int status = 0;
  std::optional<LoadResult> scan_base, scans;
  double scan_group = 0;
  if (scan) {
    std::printf(
        "== scan to confirm: %d handhelds, POST /api/v1/allocations/{id}/picks "
        "{code: GTIN-13, qty: 1}, a fresh Idempotency-Key each, %.0f s per phase\n",
        o.handhelds, o.seconds);
    scan_base = healthz(ep, daemon.pid(), o.handhelds, o.seconds);
    print_load("GET /healthz", *scan_base);
    std::vector<std::string> targets, bodies;
    for (int h = 0; h < o.handhelds; ++h) {
      const Handheld& hh = handhelds[static_cast<std::size_t>(h)];
      targets.push_back("/api/v1/allocations/" + hh.allocation + "/picks");
      bodies.push_back(json::serialize(json::object{{"code", hh.gtin13}, {"qty", 1}}));
    }
    RequestFactory make = [&](int client, std::uint64_t n) {
      const auto c = static_cast<std::size_t>(client);
      HttpRequest req = make_request(bhttp::verb::post, targets[c], &handhelds[c], bodies[c]);
      req.set("Idempotency-Key", "scan-" + std::to_string(client) + "-" + std::to_string(n));
      return req;
    };
    ResponseCheck check = [](const HttpResponse& res) -> std::string {
      boost::system::error_code ec;
      auto v = json::parse(res.body(), ec);
      if (ec || !v.is_object() || !v.as_object().contains("pick"))
        return "a pick's response has no pick: " + tail(res.body(), 300);
      return {};
    };
    const auto [commits0, changes0] = commit_counters(ep);
    scans = run_load(ep, daemon.pid(), o.handhelds, o.seconds, make, 200, check);
    const auto [commits1, changes1] = commit_counters(ep);
    print_load("POST …/picks", *scans);
    if (commits1 > commits0) scan_group = (changes1 - changes0) / (commits1 - commits0);
    const double per = scans->ok > 0 ? 1.0 / static_cast<double>(scans->ok) : 0;
    std::printf(
        "  write queue: %.0f commits (fsyncs), %.1f changes per commit; per confirm: "
        "storeedged CPU %.0f us, %.1f KiB written (%.1f write calls), %.1f KiB to storage\n",
        commits1 - commits0, scan_group, scans->server_cpu * per * 1e6,
        scans->server_io.wchar * per / 1024, scans->server_io.syscw * per,
        scans->server_io.write_bytes * per / 1024);
    if (scans->unexpected > 0) status = 1;
    std::printf("\n");
  }

  std::vector<std::pair<LoadResult, LoadResult>> listings;  // {healthz, work} per concurrency
  if (queue) {
    const std::string target = "/api/v1/work?limit=" + std::to_string(o.page);
    std::printf("== work queue: GET %s with %d open allocations, %.0f s per phase\n",
                target.c_str(), o.allocations, o.seconds);
    const int page = std::min(o.page, o.allocations);
    ResponseCheck check = [page](const HttpResponse& res) -> std::string {
      boost::system::error_code ec;
      auto v = json::parse(res.body(), ec);
      if (ec || !v.is_object() || !v.as_object().contains("work"))
        return "the queue's response has no work: " + tail(res.body(), 300);
      const auto n = v.at("work").as_array().size();
      if (static_cast<int>(n) != page)
        return "the queue's page holds " + std::to_string(n) + " entries, not " +
               std::to_string(page);
      return {};
    };
    for (int clients : o.queue_clients) {
      check_interrupted();
      RequestFactory make = [&](int client, std::uint64_t) {
        return make_request(bhttp::verb::get, target, &handhelds[static_cast<std::size_t>(client)]);
      };
      LoadResult base = healthz(ep, daemon.pid(), clients, o.seconds);
      print_load(("GET /healthz ×" + std::to_string(clients)).c_str(), base);
      LoadResult work = run_load(ep, daemon.pid(), clients, o.seconds, make, 200, check);
      print_load(("GET /api/v1/work ×" + std::to_string(clients)).c_str(), work);
      if (work.unexpected > 0) status = 1;
      listings.emplace_back(std::move(base), std::move(work));
    }
    std::printf("\n");
  }

  const int stopped = daemon.stop(SIGTERM);
  if (stopped != 0) {
    std::printf("storeedged exited with status %d:\n%s\n", stopped, tail(daemon.log()).c_str());
    status = 1;
  }
  if (scans && !verify_scans(state + "/" + storeedge::store::kDatabaseFile, scans->ok)) status = 1;

  std::printf("\nsummary\n");
  if (scans) {
    const double rate = scans->rate(), p99 = scans->percentile_ms(0.99);
    std::printf(
        "  scan to confirm, %d handhelds: %.0f confirms/s (target >= %.0f: %s), p99 %.2f ms "
        "(target <= %.0f ms: %s); ratio to /healthz (%.0f req/s, same server, same run, %d "
        "connections): %.3f\n",
        o.handhelds, rate, kTargetConfirmsPerSecond, verdict(rate >= kTargetConfirmsPerSecond), p99,
        kTargetScanP99Ms, verdict(p99 <= kTargetScanP99Ms), scan_base->rate(), o.handhelds,
        scan_base->rate() > 0 ? rate / scan_base->rate() : 0.0);
  }
  for (const auto& [base, work] : listings) {
    const double p99 = work.percentile_ms(0.99);
    std::printf(
        "  work queue, %d open allocations, page of %d, %d client(s): %.0f req/s, p99 %.2f ms "
        "(target <= %.0f ms: %s); ratio to /healthz (%.0f req/s, p99 %.2f ms): %.3f\n",
        o.allocations, o.page, work.clients, work.rate(), p99, kTargetQueueP99Ms,
        verdict(p99 <= kTargetQueueP99Ms), base.rate(), base.percentile_ms(0.99),
        base.rate() > 0 ? work.rate() / base.rate() : 0.0);
  }
  if (interrupted()) {
    std::printf("interrupted: the figures cover a shortened run\n");
    return 130;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  return storeedged_bench_main("fulfil_bench", kUsage, o.storeedged, o.storeedgectl,
                               [&o] { return run(o); });
}
