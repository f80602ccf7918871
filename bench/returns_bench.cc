// returns_bench: POS returns through a real storeedged, online (a real mosquitto and an OMS that
// acknowledges the up stream), under closed-loop load from 16 terminals. Each step of a terminal
// is one customer at the till: GET /api/v1/returns/orders?order=… (the order from the replica
// with each line's eligibility) and POST /api/v1/returns of one unit (a fresh Idempotency-Key;
// one durable transaction with the return, return.received, the restock and its
// inventory.adjusted). Target: p99 of lookup + commit <= 20 ms.
//
// Baseline, same server, same run, same terminals and sessions: GET /healthz + POST
// /api/v1/allocations/{id}/picks of one unit (the fulfil bench's durable scan-to-confirm), so
// the ratio says what a return costs over the same HTTP and commit machinery. Setup (not timed):
// the OMS's snapshot (store.config, catalogue, one allocation per terminal and --orders
// returnable orders of 2 lines x 2 units) applied through the real down applier; users and POS
// devices provisioned with storeedgectl. Checked after the daemon stopped: returns, their
// return.received facts and restock facts each equal the 201 responses.
#include <arpa/inet.h>
#include <mqtt/async_client.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
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
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
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
namespace fs = std::filesystem;
namespace json = boost::json;
using asio::ip::tcp;
using namespace std::chrono_literals;
using namespace storeedge::bench;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

constexpr double kTargetP99Ms = 20;
constexpr const char* kTenant = "demo";
constexpr const char* kStore = "S042";
constexpr const char* kDownEpoch = "oms-bench";
constexpr const char* kAt = "2026-11-24T07:00:00.000Z";
constexpr const char* kPin = "4821";
constexpr int kUnitsPerOrder = 4;  // 2 lines x 2 units: a terminal returns one per step
const std::string kUp = "oms/v1/demo/stores/S042/up";
const std::string kDown = "oms/v1/demo/stores/S042/down";
const std::string kStatus = "oms/v1/demo/stores/S042/status";

constexpr const char* kUsage =
    "usage: returns_bench [--seconds N] [--terminals N] [--orders N]\n"
    "                     [--storeedged PATH] [--storeedgectl PATH] [--mosquitto PATH]\n"
    "  --seconds N    length of each timed phase (baseline, returns); 5\n"
    "  --terminals N  concurrent POS terminals (devices, users, sessions); 16\n"
    "  --orders N     returnable orders in the replica, 4 units each; 8000\n"
    "  storeedged and storeedgectl default to ../edge/ next to this binary\n";

struct Options {
  double seconds = 5;
  int terminals = 16;
  int orders = 8'000;
  std::string storeedged, storeedgectl, mosquitto;
};

using Terminal = DeviceLogin;  // a POS terminal and the associate at the till

// Terminal t's order k (0-based) and which line and unit step n of the terminal returns.
std::string order_id(int t, int k) {
  return "W-" + pad(t, 2) + "-" + pad(k, 5);
}
std::string base_sku(int t) {
  return "SKU-BASE-" + pad(t, 2);
}
std::string base_gtin13(int t) {
  return gtin_with_check("400900" + pad(t, 6));
}

std::string utc_date(int offset_days) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(system_clock::now()) + days(offset_days)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// The store's state: the OMS's snapshot through the real down applier.

json::object returnable_order(int t, int k, const std::string& return_by) {
  json::array lines;
  for (int l = 1; l <= 2; ++l)
    lines.push_back({{"line", std::to_string(l)},
                     {"sku", "SKU-RET-" + std::to_string(l)},
                     {"gtins", json::array{"0" + gtin_with_check("400800" + pad(l, 6))}},
                     {"qty", 2},
                     {"returned_qty", 0},
                     {"unit_paid", 1000 + 250 * l},
                     {"returnable", true},
                     {"return_by", return_by}});
  return {{"order", order_id(t, k)},
          {"channel", "web"},
          {"placed_at", "2026-11-01T09:12:00.000Z"},
          {"currency", "EUR"},
          {"customer", {{"name", "Customer " + order_id(t, k)}, {"email_hash", "bench"}}},
          {"receipt_barcodes", json::array{order_id(t, k), "RCPT-" + order_id(t, k)}},
          {"lines", std::move(lines)},
          {"tenders", json::array{{{"tender", "T1"},
                                   {"method", "card"},
                                   {"last4", "4242"},
                                   {"amount", 2 * 1250 + 2 * 1500}}}}};
}

std::vector<std::string> snapshot_stream(const Options& o) {
  std::int64_t seq = 0;
  std::vector<std::string> out;
  auto add = [&](const std::string& type, json::object body) {
    ++seq;
    out.push_back(storeedge::sync::serialize(
        storeedge::sync::Envelope{type, std::string(kDownEpoch) + "-" + std::to_string(seq), kStore,
                                  kDownEpoch, seq, kAt, std::move(body)}));
  };
  add("snapshot.begin", {{"snapshot", "snap-returns"}});
  add("store.config", {{"timezone", "Europe/Amsterdam"},
                       {"return_window_days", 30},
                       {"offline_return_limit", {{"amount", 20000}, {"currency", "EUR"}}}});
  json::array items;
  for (int l = 1; l <= 2; ++l)
    items.push_back({{"sku", "SKU-RET-" + std::to_string(l)},
                     {"gtins", json::array{"0" + gtin_with_check("400800" + pad(l, 6))}},
                     {"description", "Returned item " + std::to_string(l)},
                     {"unit_price", 1000 + 250 * l},
                     {"currency", "EUR"},
                     {"returnable", true},
                     {"location", "R-0" + std::to_string(l) + "-1"}});
  for (int t = 0; t < o.terminals; ++t)
    items.push_back({{"sku", base_sku(t)},
                     {"gtins", json::array{"0" + base_gtin13(t)}},
                     {"description", "Baseline item " + std::to_string(t)},
                     {"unit_price", 100},
                     {"currency", "EUR"},
                     {"returnable", true},
                     {"location", "B-" + pad(t, 2) + "-1"}});
  add("catalog.items", {{"items", std::move(items)}});
  for (int t = 0; t < o.terminals; ++t)
    add("allocation.created",
        {{"allocation", "B-" + pad(t, 2)},
         {"order", "WB-" + pad(t, 2)},
         {"kind", "bopis"},
         {"priority", 0},
         {"promised_by", "2026-11-24T12:00:00.000Z"},
         {"customer", {{"name", "Baseline"}, {"pickup_code", pad(700'000 + t, 6)}}},
         {"pickup_person", nullptr},
         {"ship_to", nullptr},
         {"carrier", nullptr},
         {"service", nullptr},
         {"substitutions_allowed", false},
         {"lines", json::array{{{"line", "1"},
                                {"sku", base_sku(t)},
                                {"gtins", json::array{"0" + base_gtin13(t)}},
                                {"description", "Baseline item"},
                                {"qty", 1'000'000},
                                {"unit_price", 100},
                                {"currency", "EUR"}}}}});
  const std::string return_by = utc_date(20);
  const int per_terminal = o.orders / o.terminals;
  json::array orders;
  for (int t = 0; t < o.terminals; ++t)
    for (int k = 0; k < per_terminal; ++k) {
      orders.push_back(returnable_order(t, k, return_by));
      if (orders.size() == 200) add("returnable_orders", {{"orders", std::exchange(orders, {})}});
    }
  if (!orders.empty()) add("returnable_orders", {{"orders", std::move(orders)}});
  add("snapshot.end", {{"snapshot", "snap-returns"},
                       {"counts",
                        {{"allocations", o.terminals},
                         {"catalog_items", 2 + o.terminals},
                         {"returnable_orders", per_terminal * o.terminals}}}});
  return out;
}

std::vector<Terminal> provision(const Options& o, const std::string& state_dir) {
  const Storeedgectl ctl{o.storeedgectl, state_dir, kTenant, kStore};
  std::vector<Terminal> out;
  for (int t = 0; t < o.terminals; ++t) {
    check_interrupted();
    const std::string device = "pos-" + pad(t, 2), user = "till-" + pad(t, 2);
    out.push_back(enrol(ctl, {user, user, device, "pos", device}, kPin));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The OMS: a mosquitto, and a client that acknowledges the store's up stream every 100 ms.

class Oms {
 public:
  explicit Oms(const std::string& uri)
      : client_(uri, "oms-returns-bench", mqtt::create_options(MQTTVERSION_5, 100'000), nullptr) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) { on_message(*m); });
    auto token = client_.connect(
        mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true).finalize());
    if (!token->wait_for(10s)) throw Failure("the OMS's client did not connect");
    for (const auto& topic : {kUp, kStatus})
      if (!client_.subscribe(topic, 1)->wait_for(10s)) throw Failure("subscribe " + topic);
    ticker_ = std::thread([this] { tick_loop(); });
  }
  ~Oms() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    ticker_.join();
    try {
      if (client_.is_connected()) client_.disconnect()->wait_for(5s);
    } catch (const mqtt::exception&) {
    }
  }
  // Waits (bounded) for the store's birth message.
  void wait_online(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [this] { return online_ || interrupted(); }))
      throw Failure("the store did not come online at the broker");
  }
  std::int64_t acked() {
    std::lock_guard lock(mu_);
    return acked_sent_;
  }

 private:
  void on_message(const mqtt::message& m) {
    boost::system::error_code ec;
    auto v = json::parse(m.get_payload_str(), ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    std::lock_guard lock(mu_);
    if (m.get_topic() == kStatus) {
      online_ = online_ || (o.contains("state") && o.at("state") == "online");
      cv_.notify_all();
      return;
    }
    const auto* seq = o.if_contains("seq");
    if (!seq) return;
    if (epoch_.empty()) epoch_ = std::string(o.at("epoch").as_string());
    ahead_.insert(seq->to_number<std::int64_t>());
    while (!ahead_.empty() && *ahead_.begin() <= contiguous_ + 1) {
      contiguous_ = std::max(contiguous_, *ahead_.begin());
      ahead_.erase(ahead_.begin());
    }
  }
  void tick_loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, 100ms, [this] { return stop_; });
      if (stop_ || epoch_.empty() || contiguous_ == acked_sent_) continue;
      acked_sent_ = contiguous_;
      const std::string payload = storeedge::sync::serialize(storeedge::sync::Envelope{
          "ack", "oms-ack-" + std::to_string(acked_sent_), kStore, kDownEpoch, std::nullopt, kAt,
          json::object{{"epoch", epoch_}, {"through", acked_sent_}}});
      lock.unlock();  // never publish under mu_: Paho calls on_message under its own lock
      client_.publish(mqtt::make_message(kDown, payload, 1, false));
      lock.lock();
    }
  }

  mqtt::async_client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool online_ = false, stop_ = false;
  std::string epoch_;
  std::int64_t contiguous_ = 0, acked_sent_ = 0;
  std::set<std::int64_t> ahead_;
  std::thread ticker_;
};

// ---------------------------------------------------------------------------------------------
// HTTP: closed-loop terminals for the timed phases (bench_http.h has the rest).

// One step of a terminal: two requests, each with the status it must get and a check of the
// answer (an empty string when it is right).
struct Exchange {
  HttpRequest request;
  int expected = 200;
  std::function<std::string(const HttpResponse&)> check;
};
using StepFactory = std::function<std::vector<Exchange>(int terminal, std::uint64_t step)>;

struct PhaseResult {
  int terminals = 0;
  double seconds = 0, server_cpu = 0;
  std::uint64_t steps = 0, unexpected = 0;
  std::string first_problem;
  std::vector<double> step_latency, first_latency, second_latency;  // seconds

  double rate() const { return seconds > 0 ? static_cast<double>(steps) / seconds : 0; }
  double p(double q) const { return percentile_ms(step_latency, q); }
  void problem(const std::string& what) {
    ++unexpected;
    if (first_problem.empty()) first_problem = what;
  }
};

asio::awaitable<void> terminal_loop(beast::tcp_stream& stream, int terminal,
                                    const StepFactory& make, Clock::time_point deadline,
                                    PhaseResult& result) {
  beast::flat_buffer buffer;
  for (std::uint64_t n = 0; Clock::now() < deadline && !interrupted(); ++n) {
    std::vector<Exchange> step = make(terminal, n);
    if (step.empty()) co_return;  // the terminal has nothing left to do
    const auto t0 = Clock::now();
    bool ok = true;
    for (std::size_t i = 0; i < step.size() && ok; ++i) {
      const auto ti = Clock::now();
      auto [write_ec, written] = co_await bhttp::async_write(stream, step[i].request, kTuple);
      if (write_ec) {
        result.problem("terminal " + std::to_string(terminal) + ": write: " + write_ec.message());
        co_return;
      }
      HttpResponse res;
      auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, res, kTuple);
      if (read_ec) {
        result.problem("terminal " + std::to_string(terminal) + ": read: " + read_ec.message());
        co_return;
      }
      (i == 0 ? result.first_latency : result.second_latency).push_back(seconds_since(ti));
      std::string wrong;
      if (static_cast<int>(res.result_int()) != step[i].expected)
        wrong = "status " + std::to_string(res.result_int()) + ": " + tail(res.body(), 300);
      else if (step[i].check)
        wrong = step[i].check(res);
      if (!wrong.empty()) {
        result.problem(wrong);
        ok = false;
      }
      if (!res.keep_alive()) {
        result.problem("terminal " + std::to_string(terminal) + ": connection closed");
        co_return;
      }
    }
    if (!ok) continue;
    result.step_latency.push_back(seconds_since(t0));
    ++result.steps;
  }
}

PhaseResult run_phase(const tcp::endpoint& ep, pid_t server, int terminals, double seconds,
                      const StepFactory& make) {
  asio::io_context ioc{1};
  const auto streams = open_connections(ioc, ep, terminals);
  PhaseResult r;
  r.terminals = terminals;
  const double cpu0 = cpu_seconds(server);
  const auto t0 = Clock::now();
  const auto deadline =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int i = 0; i < terminals; ++i)
    asio::co_spawn(ioc, terminal_loop(*streams[static_cast<std::size_t>(i)], i, make, deadline, r),
                   asio::detached);
  ioc.run();
  r.seconds = seconds_since(t0);
  r.server_cpu = cpu_seconds(server) - cpu0;
  for (auto* v : {&r.step_latency, &r.first_latency, &r.second_latency})
    std::sort(v->begin(), v->end());
  return r;
}

void print_phase(const char* label, const char* first, const char* second, const PhaseResult& r) {
  std::printf(
      "%-22s %7.0f steps/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%llu steps in %.2f s, %d "
      "terminals, storeedged CPU %.2f s)\n",
      label, r.rate(), r.p(0.50), r.p(0.99),
      r.step_latency.empty() ? 0 : r.step_latency.back() * 1e3,
      static_cast<unsigned long long>(r.steps), r.seconds, r.terminals, r.server_cpu);
  std::printf("  %-20s p50 %6.2f ms  p99 %6.2f ms\n  %-20s p50 %6.2f ms  p99 %6.2f ms\n", first,
              percentile_ms(r.first_latency, 0.5), percentile_ms(r.first_latency, 0.99), second,
              percentile_ms(r.second_latency, 0.5), percentile_ms(r.second_latency, 0.99));
  if (r.unexpected > 0)
    std::printf("  %llu unexpected answer(s); first: %s\n",
                static_cast<unsigned long long>(r.unexpected), r.first_problem.c_str());
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------

// Every 201 is a return in the database with its return.received and restock facts.
bool verify(const std::string& db_path, std::uint64_t created) {
  const ReadOnlyDatabase db = open_read_only(db_path);
  if (!db) {
    std::printf("verify: FAILED, cannot open %s\n", db_path.c_str());
    return false;
  }
  const long long returns = db_scalar(db.get(), "SELECT count(*) FROM returns");
  const long long units = db_scalar(db.get(), "SELECT coalesce(sum(qty), 0) FROM return_lines");
  const long long received =
      db_scalar(db.get(), "SELECT count(*) FROM outbox WHERE type = 'return.received'");
  const long long restocks =
      db_scalar(db.get(),
                "SELECT count(*) FROM outbox WHERE type = 'inventory.adjusted'"
                " AND json_extract(payload, '$.body.reason') = 'return_restock'");
  const auto n = static_cast<long long>(created);
  const bool ok = returns == n && units == n && received == n && restocks == n;
  std::printf(
      "verify: %lld returns answered 201; database after shutdown: %lld returns, %lld units, "
      "%lld return.received and %lld return_restock facts in the outbox: %s\n",
      n, returns, units, received, restocks, ok ? "OK" : "FAILED");
  return ok;
}

bool parse_options(int argc, char** argv, Options& o) {
  auto set = [&o](const std::string& name, const std::string& value) {
    if (name == "--seconds") {
      o.seconds = std::stod(value);
    } else if (name == "--terminals") {
      o.terminals = std::stoi(value);
    } else if (name == "--orders") {
      o.orders = std::stoi(value);
    } else if (name == "--storeedged") {
      o.storeedged = value;
    } else if (name == "--storeedgectl") {
      o.storeedgectl = value;
    } else if (name == "--mosquitto") {
      o.mosquitto = value;
    } else {
      return false;
    }
    return true;
  };
  if (!read_options(argc, argv, set)) return false;
  return o.seconds > 0 && o.terminals > 0 && o.terminals <= 99 && o.orders >= o.terminals &&
         o.orders <= 1'000'000;
}

int run(const Options& o) {
  TempDir dir("returns_bench");
  const std::string state = dir.file("state");
  const auto setup0 = Clock::now();
  // As the sync engine applies the OMS's messages, all in one transaction.
  apply_down_stream(state, kTenant, kStore, snapshot_stream(o),
                    std::numeric_limits<std::size_t>::max());
  const double seeded = seconds_since(setup0);
  std::vector<Terminal> terminals = provision(o, state);

  const int broker_port = free_port();
  const std::string conf = dir.file("mosquitto.conf");
  std::ofstream(conf) << "listener " << broker_port
                      << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                         "max_queued_messages 1000000\n";
  Child broker({o.mosquitto, "-c", conf}, dir.file("mosquitto.log"));
  for (const auto deadline = Clock::now() + 10s; !port_accepts(broker_port);) {
    check_interrupted();
    if (!broker.alive() || Clock::now() > deadline)
      throw Failure("mosquitto did not start:\n" + tail(broker.log()));
    std::this_thread::sleep_for(5ms);
  }
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(broker_port);
  Oms oms(uri);

  const int port = free_port();
  const tcp::endpoint ep(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
  Child daemon(
      {o.storeedged, "--state-dir", state, "--http-listen", "127.0.0.1:" + std::to_string(port),
       "--mqtt-uri", uri, "--tenant", kTenant, "--store", kStore},
      dir.file("storeedged.log"));
  wait_for_healthz(ep, daemon, 10s);
  oms.wait_online(20s);
  for (Terminal& t : terminals) sign_in(ep, t, kPin);
  const int per_terminal = o.orders / o.terminals;
  std::printf(
      "setup: %d returnable orders (2 lines x 2 units), %d allocations applied through the down "
      "applier in %.1f s; %d POS terminals enrolled and signed in; storeedged online through "
      "mosquitto on 127.0.0.1:%d, the OMS acknowledging every 100 ms\n\n",
      per_terminal * o.terminals, o.terminals, seeded, o.terminals, broker_port);
  std::fflush(stdout);

  // Baseline: GET /healthz + a durable pick of one unit.
  StepFactory baseline = [&](int t, std::uint64_t n) {
    const Terminal& term = terminals[static_cast<std::size_t>(t)];
    std::vector<Exchange> step;
    step.push_back({make_request(bhttp::verb::get, "/healthz"), 200, {}});
    HttpRequest pick =
        make_request(bhttp::verb::post, "/api/v1/allocations/B-" + pad(t, 2) + "/picks", &term,
                     json::serialize(json::object{{"code", base_gtin13(t)}, {"qty", 1}}));
    pick.set("Idempotency-Key", "pick-" + std::to_string(t) + "-" + std::to_string(n));
    step.push_back({std::move(pick), 200, {}});
    return step;
  };
  // Returns: the terminal's next unit: order n / 4, line 1 or 2.
  StepFactory returns = [&](int t, std::uint64_t n) {
    const Terminal& term = terminals[static_cast<std::size_t>(t)];
    std::vector<Exchange> step;
    const auto k = static_cast<int>(n / kUnitsPerOrder);
    if (k >= per_terminal) return step;
    const std::string order = order_id(t, k);
    const std::string line = n % kUnitsPerOrder < 2 ? "1" : "2";
    const std::int64_t left = 2 - static_cast<std::int64_t>(n % 2);
    step.push_back({make_request(bhttp::verb::get, "/api/v1/returns/orders?order=" + order, &term),
                    200, [order, line, left](const HttpResponse& res) -> std::string {
                      boost::system::error_code ec;
                      auto v = json::parse(res.body(), ec);
                      if (ec || !v.is_object() || v.at("oms") != "not_asked" ||
                          v.at("orders").as_array().size() != 1)
                        return "lookup of " + order + ": " + tail(res.body(), 300);
                      for (const auto& l : v.at("orders").at(0).at("lines").as_array())
                        if (l.at("line").as_string() == line && l.at("returnable_qty") != left)
                          return "lookup of " + order + " line " + line + ": " +
                                 json::serialize(l) + ", expected " + std::to_string(left) +
                                 " left";
                      return {};
                    }});
    HttpRequest commit = make_request(
        bhttp::verb::post, "/api/v1/returns", &term,
        json::serialize(json::object{{"order", order},
                                     {"lines", json::array{{{"line", line},
                                                            {"qty", 1},
                                                            {"reason", "changed_mind"},
                                                            {"condition", "new"},
                                                            {"disposition", "restock"}}}}}));
    commit.set("Idempotency-Key", "ret-" + std::to_string(t) + "-" + std::to_string(n));
    step.push_back({std::move(commit), 201, [](const HttpResponse& res) -> std::string {
                      if (res.body().find("\"offline\":false") == std::string::npos)
                        return "the return was not taken online: " + tail(res.body(), 300);
                      return {};
                    }});
    return step;
  };

  std::printf("== %d terminals, %.0f s per phase\n", o.terminals, o.seconds);
  const PhaseResult base = run_phase(ep, daemon.pid(), o.terminals, o.seconds, baseline);
  print_phase("healthz + pick", "GET /healthz", "POST …/picks", base);
  const PhaseResult ret = run_phase(ep, daemon.pid(), o.terminals, o.seconds, returns);
  print_phase("lookup + return", "GET …/returns/orders", "POST /api/v1/returns", ret);
  const bool exhausted =
      ret.steps >= static_cast<std::uint64_t>(per_terminal) * kUnitsPerOrder * o.terminals;
  if (exhausted) std::printf("  (the terminals ran out of orders: raise --orders)\n");

  int status = base.unexpected + ret.unexpected > 0 ? 1 : 0;
  const int stopped = daemon.stop(SIGTERM);
  if (stopped != 0) {
    std::printf("storeedged exited with status %d:\n%s\n", stopped, tail(daemon.log()).c_str());
    status = 1;
  }
  if (!verify(state + "/" + storeedge::store::kDatabaseFile, ret.steps)) status = 1;

  const double p99 = ret.p(0.99);
  std::printf(
      "\nsummary: lookup + return, %d terminals: %.0f returns/s, p50 %.2f ms, p99 %.2f ms, max "
      "%.2f ms (target p99 <= %.0f ms: %s); baseline healthz + pick %.0f steps/s, p99 %.2f ms; "
      "ratio returns/baseline: throughput %.3f, p99 %.2f\n",
      o.terminals, ret.rate(), ret.p(0.5), p99,
      ret.step_latency.empty() ? 0 : ret.step_latency.back() * 1e3, kTargetP99Ms,
      p99 <= kTargetP99Ms ? "MET" : "NOT MET", base.rate(), base.p(0.99),
      base.rate() > 0 ? ret.rate() / base.rate() : 0, base.p(0.99) > 0 ? p99 / base.p(0.99) : 0);
  if (interrupted()) return 130;
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (o.mosquitto.empty()) o.mosquitto = find_mosquitto();
  return storeedged_bench_main("returns_bench", kUsage, o.storeedged, o.storeedgectl,
                               [&o] { return run(o); });
}
