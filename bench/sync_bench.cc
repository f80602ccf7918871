// sync_bench: throughput of the OMS sync through a real mosquitto, each phase against a plain
// Paho baseline measured in the same run on a fresh broker.
//
//  ingest  The OMS publishes snapshot.begin, snapshot.end (empty) and N allocation.created
//          (3 lines each) in one down epoch; timed from the first publish until the store's
//          `ack` on the up topic covers the last seq. Baseline: the same publisher code sending
//          the same stream to a plain QoS 1 subscriber, until it has every message. Also the
//          store's RSS after the ingest and `storeedgectl sync status` (down applied == N+2).
//  drain   Setup (not timed): the store ingests N created + N cancelled, so its outbox holds N
//          cancellation.applied facts that nobody acknowledges; then the broker is killed.
//          Timed: a fresh broker on the same port, an OMS that receives the up stream and acks
//          it every 100 ms (highest contiguous seq), until the store's outbox has no
//          unacknowledged row. Baseline: a plain Paho QoS 1 publisher sending the same N payloads
//          (read from the store's outbox) to a plain subscriber on a fresh broker.
//
// A phase runs --runs times (3), each store run followed by its baseline, so both see the same
// moment of a shared machine; the verdict is on the median of the runs' ratios, and every run
// is printed. Every run uses a fresh mosquitto on a free loopback port and a fresh temp
// directory (removed at exit). Not a ctest test: the figures depend on the machine and its load.
#include <arpa/inet.h>
#include <fcntl.h>
#include <mqtt/async_client.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_http.h"
#include "bench/bench_store.h"
#include "bench/bench_support.h"
#include "sync/contract.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace storeedge::bench;

constexpr double kTargetRatio = 0.8;
constexpr double kTargetRssMiB = 64;
constexpr const char* kStore = "S042";
const std::string kDown = "oms/v1/demo/stores/S042/down";
const std::string kUp = "oms/v1/demo/stores/S042/up";
const std::string kStatus = "oms/v1/demo/stores/S042/status";
constexpr const char* kAt = "2026-11-24T10:00:00.000Z";

constexpr const char* kUsage =
    "usage: sync_bench [--phase ingest|drain|all] [--messages N] [--runs N]\n"
    "                  [--timeout SECONDS] [--window N] [--sync-log] [--storeedged PATH]\n"
    "                  [--storeedgectl PATH] [--mosquitto PATH]\n"
    "  --messages N    allocation.created messages (ingest) and up facts (drain); 100000\n"
    "  --runs N        store and baseline runs per phase, interleaved; the verdict is on the\n"
    "                  median of their ratios; 3\n"
    "  --timeout S     give up on a timed phase after S seconds; 60\n"
    "  --window N      diagnostic: cap the bench's own publishers at N messages in flight\n"
    "                  (default: the broker's Receive Maximum, at most 1000)\n"
    "  --sync-log      diagnostic: print storeedged's sync log lines of the drain, and the\n"
    "                  wall-clock time the broker was started again\n"
    "  storeedged and storeedgectl default to ../edge/ next to this binary, mosquitto to\n"
    "  /usr/sbin/mosquitto (or the first one on PATH)\n";

struct Options {
  std::string phase = "all";
  long messages = 100'000;
  int runs = 3;
  double timeout = 60;
  int window = 1000;
  bool sync_log = false;
  std::string storeedged, storeedgectl, mosquitto;
  std::string self;  // this program, run again as the baseline's subscriber
};
int g_window_cap = 1000;  // --window

// A mosquitto on 127.0.0.1:port with the configuration the integration tests use.
class Broker {
 public:
  Broker(const Options& o, const TempDir& dir, int port, const std::string& name) : port_(port) {
    const std::string conf = dir.file(name + ".conf");
    std::ofstream(conf) << "listener " << port
                        << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                           "max_queued_messages 1000000\n";
    child_ = std::make_unique<Child>(std::vector<std::string>{o.mosquitto, "-c", conf},
                                     dir.file(name + ".log"));
    const auto deadline = Clock::now() + 10s;
    while (!port_accepts(port_)) {
      check_interrupted();
      if (!child_->alive() || Clock::now() > deadline)
        throw Failure("mosquitto did not start on port " + std::to_string(port_) + ":\n" +
                      tail(child_->log()));
      std::this_thread::sleep_for(2ms);
    }
  }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  void kill9() { child_->stop(SIGKILL); }
  pid_t pid() const { return child_->pid(); }

 private:
  int port_;
  std::unique_ptr<Child> child_;
};

class Store {
 public:
  Store(const Options& o, const TempDir& dir, const std::string& broker_uri)
      : http_port_(free_port()) {
    state_dir_ = dir.file("state");
    child_ = std::make_unique<Child>(
        std::vector<std::string>{o.storeedged, "--state-dir", state_dir_, "--http-listen",
                                 "127.0.0.1:" + std::to_string(http_port_), "--mqtt-uri",
                                 broker_uri, "--store", kStore},
        dir.file("storeedged.log"));
  }
  int http_port() const { return http_port_; }
  pid_t pid() const { return child_->pid(); }
  bool alive() { return child_->alive(); }
  std::string log() const { return child_->log(); }
  const std::string& state_dir() const { return state_dir_; }
  std::string db_path() const { return state_dir_ + "/storeedge.db"; }
  int stop() { return child_->stop(SIGTERM); }

 private:
  int http_port_;
  std::string state_dir_;
  std::unique_ptr<Child> child_;
};

// VmRSS / VmHWM of a process in KiB.
std::pair<long, long> rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  long rss = -1, hwm = -1;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stol(line.substr(6));
  }
  return {rss, hwm};
}

// The value of an unlabelled sample in the store's /metrics (plain HTTP/1.0 on loopback), or -1.
double metric(int port, const std::string& name) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string response;
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buf[16384];
    ssize_t n;
    while (response.size() < (4u << 20) && (n = recv(fd, buf, sizeof buf, 0)) > 0)
      response.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  const auto at = response.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::atof(response.c_str() + at + name.size() + 2);
}

// Runs a command, returns its exit status and stdout.
std::pair<int, std::string> run_command(const std::vector<std::string>& argv, const TempDir& dir) {
  const std::string out = dir.file("command.out");
  std::error_code ec;
  fs::remove(out, ec);
  Child c(argv, out);
  const auto deadline = Clock::now() + 30s;
  while (c.alive() && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  const int status = c.stop(SIGKILL, 0ms);
  return {status, read_file(out)};
}

// "down applied:    100002" → 100002 (or -1).
long long status_field(const std::string& status, const std::string& name) {
  const auto at = status.find(name + ":");
  if (at == std::string::npos) return -1;
  return std::atoll(status.c_str() + at + name.size() + 1);
}

// ---------------------------------------------------------------------------------------------
// The store's database, read-only, for polling progress (a primary-key or partial-index lookup,
// cheap enough to run every few milliseconds beside the store).

class DbReader {
 public:
  explicit DbReader(const std::string& path) {
    const auto deadline = Clock::now() + 10s;
    while (!fs::exists(path) && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      throw Failure("cannot open " + path);
    sqlite3_busy_timeout(db_, 1000);
  }
  ~DbReader() { sqlite3_close(db_); }
  DbReader(const DbReader&) = delete;
  DbReader& operator=(const DbReader&) = delete;

  std::optional<long long> scalar(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return std::nullopt;
    std::optional<long long> v;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  long long down_applied() {
    return scalar("SELECT applied FROM sync_down WHERE id = 1").value_or(-1);
  }
  long long outbox_depth() {
    return scalar("SELECT count(*) FROM outbox WHERE acked_at IS NULL").value_or(-1);
  }
  bool outbox_empty() {
    return scalar("SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE acked_at IS NULL)").value_or(0) ==
           1;
  }
  std::vector<std::string> outbox_payloads() {
    std::vector<std::string> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT payload FROM outbox ORDER BY seq", -1, &st, nullptr) !=
        SQLITE_OK)
      return rows;
    while (sqlite3_step(st) == SQLITE_ROW)
      rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                        static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// The down stream.

std::string envelope(const std::string& type, const std::string& epoch, std::int64_t seq,
                     json::object body) {
  return storeedge::sync::serialize(storeedge::sync::Envelope{
      type, epoch + "-" + std::to_string(seq), kStore, epoch, seq, kAt, std::move(body)});
}

json::object created_body(long n) {
  static const std::string gtin3 = gtin_with_check("400638133393");  // 4006381333931
  auto line = [](const char* no, const char* sku, const std::string& gtin, const char* what,
                 int qty, int price) {
    return json::object{{"line", no},          {"sku", sku}, {"gtins", json::array{gtin}},
                        {"description", what}, {"qty", qty}, {"unit_price", price},
                        {"currency", "EUR"}};
  };
  return {{"allocation", "A-" + std::to_string(n)},
          {"order", "W" + std::to_string(1'000'000 + n)},
          {"kind", "bopis"},
          {"priority", 0},
          {"promised_by", "2026-11-24T16:00:00.000Z"},
          {"customer",
           {{"name", "Ada Byron"},
            {"pickup_code", std::to_string(100000 + n % 900000)},
            {"email_hash", "9f86d081884c7d65"},
            {"phone_last4", "1234"}}},
          {"pickup_person", nullptr},
          {"ship_to", nullptr},
          {"carrier", nullptr},
          {"service", nullptr},
          {"substitutions_allowed", false},
          {"lines", json::array{line("1", "SKU-1001", "05901234123457", "Blue mug", 2, 1299),
                                line("2", "SKU-3003", "00012345678905", "Tea towel", 1, 599),
                                line("3", "SKU-5005", gtin3, "Oak board", 1, 2499)}}};
}

// seq 1 snapshot.begin, seq 2 snapshot.end (nothing open), then `created` allocation.created
// and, with `cancel`, as many allocation.cancelled.
std::vector<std::string> down_stream(const std::string& epoch, long created, bool cancel) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(2 + created * (cancel ? 2 : 1)));
  out.push_back(envelope("snapshot.begin", epoch, 1, {{"snapshot", "snap-" + epoch}}));
  out.push_back(
      envelope("snapshot.end", epoch, 2,
               {{"snapshot", "snap-" + epoch},
                {"counts", {{"allocations", 0}, {"catalog_items", 0}, {"returnable_orders", 0}}}}));
  std::int64_t seq = 2;
  for (long n = 1; n <= created; ++n)
    out.push_back(envelope("allocation.created", epoch, ++seq, created_body(n)));
  if (cancel)
    for (long n = 1; n <= created; ++n)
      out.push_back(
          envelope("allocation.cancelled", epoch, ++seq,
                   {{"allocation", "A-" + std::to_string(n)}, {"reason", "customer_request"}}));
  // Fail early on a stream the store would quarantine.
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{2}, out.size() - 1}) {
    if (i >= out.size()) continue;
    auto m = storeedge::sync::parse_message(out[i], storeedge::sync::Direction::down, kStore);
    if (!m)
      throw Failure("generated down message " + std::to_string(i) +
                    " breaks the contract: " + m.error().message);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paho clients.

struct Connected {
  std::unique_ptr<mqtt::async_client> client;
  int receive_maximum = 65535;  // the broker's, from CONNACK (MQTT 5)
};

// Creates the client first, so that `on_message` may refer to it before the connect returns.
Connected make_client(const std::string& uri, const std::string& id) {
  Connected c;
  c.client = std::make_unique<mqtt::async_client>(
      uri, id, mqtt::create_options(MQTTVERSION_5, 1'000'000), nullptr);
  return c;
}

void connect(Connected& c, std::function<void(mqtt::const_message_ptr)> on_message,
             const std::vector<std::string>& topics) {
  const std::string id = c.client->get_client_id();
  if (on_message) c.client->set_message_callback(std::move(on_message));
  auto token = c.client->connect(mqtt::connect_options_builder()
                                     .mqtt_version(MQTTVERSION_5)
                                     .clean_start(true)
                                     .keep_alive_interval(30s)
                                     .max_inflight(1000)
                                     .finalize());
  if (!token->wait_for(10s)) throw Failure(id + ": connect timed out");
  const auto props = token->get_connect_response().get_properties();
  if (props.contains(mqtt::property::RECEIVE_MAXIMUM))
    c.receive_maximum = mqtt::get<std::uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM);
  for (const auto& t : topics)
    if (!c.client->subscribe(t, 1)->wait_for(10s)) throw Failure(id + ": subscribe timed out");
}

Connected connect_client(const std::string& uri, const std::string& id,
                         std::function<void(mqtt::const_message_ptr)> on_message,
                         const std::vector<std::string>& topics) {
  Connected c = make_client(uri, id);
  connect(c, std::move(on_message), topics);
  return c;
}

void disconnect(Connected& c) {
  try {
    if (c.client && c.client->is_connected()) c.client->disconnect()->wait_for(5s);
  } catch (const mqtt::exception&) {
  }
}

// Publishes QoS 1 with at most `window` messages not yet PUBACKed: the broker's Receive Maximum
// (beyond it Paho parks messages until its next housekeeping pass) and at most 1000.
class Publisher : public mqtt::iaction_listener {
 public:
  Publisher(mqtt::async_client& client, int receive_maximum)
      : client_(client), window_(std::min({1000, receive_maximum, g_window_cap})) {}
  int window() const { return window_; }
  // Returns the seconds until the last PUBACK.
  double publish_all(const std::string& topic, const std::vector<std::string>& payloads,
                     double timeout) {
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::duration<double>(timeout);
    auto wait = [&](auto pred) {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, 50ms, pred)) {
        check_interrupted();
        if (Clock::now() > deadline) throw Failure("timed out publishing to " + topic);
      }
    };
    for (const auto& p : payloads) {
      wait([&] { return in_flight_ < window_; });
      {
        std::lock_guard lock(mu_);
        ++in_flight_;
      }
      try {
        client_.publish(mqtt::make_message(topic, p, 1, false), nullptr, *this);
      } catch (const mqtt::exception& e) {
        throw Failure(std::string("publish: ") + e.what());
      }
    }
    wait([&] { return in_flight_ == 0; });
    if (failures_ > 0) throw Failure(std::to_string(failures_) + " publish(es) failed");
    return seconds_since(t0);
  }

 private:
  void on_success(const mqtt::token&) override { done(false); }
  void on_failure(const mqtt::token&) override { done(true); }
  void done(bool failed) {
    std::lock_guard lock(mu_);
    --in_flight_;
    if (failed) ++failures_;
    cv_.notify_all();
  }
  mqtt::async_client& client_;
  const int window_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  long failures_ = 0;
};

// Waits until `pred` holds (polled every `step`), or throws after `timeout` seconds.
template <class Pred>
void wait_until(Pred pred, double timeout, const std::string& what,
                std::chrono::milliseconds step = 2ms) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout);
  while (!pred()) {
    check_interrupted();
    if (Clock::now() > deadline) throw Failure("timed out waiting for " + what);
    std::this_thread::sleep_for(step);
  }
}

bool is_online(const mqtt::message& m) {
  boost::system::error_code ec;
  auto v = json::parse(m.get_payload_str(), ec);
  return !ec && v.is_object() && v.as_object().contains("state") &&
         v.as_object().at("state") == "online";
}

// A plain QoS 1 subscriber that counts what it receives.
// The plain subscriber runs in a process of its own, as the store does, so that it does not
// share Paho's two threads (Paho C runs one pair for all clients of a process) with the
// publisher: `sync_bench --subscriber URI TOPIC N` connects like the other clients, writes
// "ready" once subscribed and, when it has N messages, "done <ns>" with the steady clock
// (CLOCK_MONOTONIC, which every process shares); then it waits to be stopped, so that its CPU
// time can still be read.
int subscriber_main(const std::string& uri, const std::string& topic, long n) {
  std::atomic<long> received{0};
  std::atomic<std::int64_t> done_ns{0};
  auto sub = connect_client(uri, "bench-subscriber",
                            [&](mqtt::const_message_ptr) {
                              if (++received == n)
                                done_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              Clock::now().time_since_epoch())
                                              .count();
                            },
                            {topic});
  std::printf("ready\n");
  std::fflush(stdout);
  while (done_ns.load() == 0 && !interrupted()) std::this_thread::sleep_for(1ms);
  std::printf("done %lld\n", static_cast<long long>(done_ns.load()));
  std::fflush(stdout);
  while (!interrupted()) std::this_thread::sleep_for(10ms);
  disconnect(sub);
  return 0;
}

// Same publisher code, same stream, a plain subscriber (its own process) instead of the store.
struct BaselineResult {
  double seconds = 0, publish_seconds = 0;
  double broker_cpu = 0;      // mosquitto's CPU seconds during the timed part
  double bench_cpu = 0;       // this process (the publisher) meanwhile
  double subscriber_cpu = 0;  // the subscriber's process meanwhile
  int window = 0;
};
BaselineResult run_baseline(const Options& o, const std::string& name, const std::string& topic,
                            const std::vector<std::string>& payloads) {
  TempDir dir("sync_bench_" + name);
  Broker broker(o, dir, free_port(), "mosquitto");
  Child subscriber({o.self, "--subscriber", broker.uri(), topic, std::to_string(payloads.size())},
                   dir.file("subscriber.log"));
  wait_until([&] { return subscriber.log().find("ready\n") != std::string::npos; }, 15,
             name + ": the subscriber to subscribe");
  auto pub = connect_client(broker.uri(), "bench-publisher", nullptr, {});
  Publisher publisher(*pub.client, pub.receive_maximum);
  const double broker_cpu0 = cpu_seconds(broker.pid()), bench_cpu0 = cpu_seconds(getpid()),
               subscriber_cpu0 = cpu_seconds(subscriber.pid());
  const auto t0 = Clock::now();
  BaselineResult r;
  r.window = publisher.window();
  r.publish_seconds = publisher.publish_all(topic, payloads, o.timeout);
  std::size_t at = std::string::npos;
  wait_until(
      [&] {
        const std::string log = subscriber.log();
        at = log.find("done ");
        return at != std::string::npos && log.find('\n', at) != std::string::npos;
      },
      o.timeout, name + ": the subscriber");
  r.broker_cpu = cpu_seconds(broker.pid()) - broker_cpu0;
  r.bench_cpu = cpu_seconds(getpid()) - bench_cpu0;
  r.subscriber_cpu = cpu_seconds(subscriber.pid()) - subscriber_cpu0;
  const Clock::time_point done_at{
      std::chrono::nanoseconds(std::stoll(subscriber.log().substr(at + 5)))};
  r.seconds = seconds_since(t0, done_at);
  disconnect(pub);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Phase 1: ingest.

struct IngestResult {
  double ack_seconds = 0, applied_seconds = 0, publish_seconds = 0;
  long rss_kib = 0, hwm_kib = 0;
  long long applied = 0, quarantined = -1;
  double store_cpu = 0, broker_cpu = 0;  // CPU seconds during the timed part
  double bench_cpu = 0;                  // this process (the OMS's publisher) meanwhile
  double commits = -1;                   // the store's write-queue commits meanwhile
  int window = 0;
};

IngestResult run_ingest_store(const Options& o, const std::vector<std::string>& payloads) {
  TempDir dir("sync_bench_ingest");
  Broker broker(o, dir, free_port(), "mosquitto");
  Store store(o, dir, broker.uri());
  const std::int64_t last = static_cast<std::int64_t>(payloads.size());
  std::atomic<bool> online{false}, acked{false};
  std::atomic<std::int64_t> through{0};
  Clock::time_point acked_at{};
  auto oms = connect_client(broker.uri(), "oms-bench",
                            [&](mqtt::const_message_ptr m) {
                              if (m->get_topic() == kStatus) {
                                if (is_online(*m)) online = true;
                                return;
                              }
                              boost::system::error_code ec;
                              auto v = json::parse(m->get_payload_str(), ec);
                              if (ec || !v.is_object() || v.at("type") != "ack") return;
                              const auto t = v.at("body").at("through").to_number<std::int64_t>();
                              through = std::max<std::int64_t>(through, t);
                              if (t >= last && !acked) {
                                acked_at = Clock::now();
                                acked = true;
                              }
                            },
                            {kUp, kStatus});
  wait_until([&] { return online.load() || !store.alive(); }, 15, "the store's birth message");
  if (!store.alive()) throw Failure("storeedged exited:\n" + tail(store.log()));

  DbReader db(store.db_path());
  Publisher publisher(*oms.client, oms.receive_maximum);
  IngestResult r;
  r.window = publisher.window();
  const double commits0 = metric(store.http_port(), "storeedge_store_commits_total");
  const double store_cpu0 = cpu_seconds(store.pid()), broker_cpu0 = cpu_seconds(broker.pid());
  const double bench_cpu0 = cpu_seconds(getpid());
  const auto t0 = Clock::now();
  // Polls the store's applied position beside the publisher.
  std::atomic<bool> stop_poll{false};
  Clock::time_point applied_at{};
  std::thread poller([&] {
    while (!stop_poll) {
      if (db.down_applied() >= last) {
        applied_at = Clock::now();
        return;
      }
      std::this_thread::sleep_for(5ms);
    }
  });
  try {
    r.publish_seconds = publisher.publish_all(kDown, payloads, o.timeout);
    wait_until([&] { return acked.load() || !store.alive(); }, o.timeout,
               "the store's ack through " + std::to_string(last) + " (acked through " +
                   std::to_string(through) + ")",
               5ms);
  } catch (...) {
    stop_poll = true;
    poller.join();
    throw;
  }
  stop_poll = true;
  poller.join();
  if (!store.alive()) throw Failure("storeedged exited:\n" + tail(store.log()));
  r.store_cpu = cpu_seconds(store.pid()) - store_cpu0;
  r.broker_cpu = cpu_seconds(broker.pid()) - broker_cpu0;
  r.bench_cpu = cpu_seconds(getpid()) - bench_cpu0;
  if (const double commits = metric(store.http_port(), "storeedge_store_commits_total");
      commits >= 0 && commits0 >= 0)
    r.commits = commits - commits0;
  r.ack_seconds = seconds_since(t0, acked_at);
  r.applied_seconds =
      applied_at == Clock::time_point{} ? r.ack_seconds : seconds_since(t0, applied_at);
  std::tie(r.rss_kib, r.hwm_kib) = rss_kib(store.pid());

  auto [code, status] = run_command(
      {o.storeedgectl, "--state-dir", store.state_dir(), "--store", kStore, "sync", "status"}, dir);
  std::printf("storeedgectl sync status (exit %d):\n%s", code, status.c_str());
  r.applied = status_field(status, "down applied");
  r.quarantined = status_field(status, "quarantined");
  disconnect(oms);
  store.stop();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Phase 2: drain.

// The OMS side of the up stream: records seqs, acks the highest contiguous every 100 ms, asks
// for a replay when it sees a gap.
class UpAcker {
 public:
  explicit UpAcker(std::int64_t last)
      : seen_(static_cast<std::size_t>(last) + 2, false), last_(last) {}
  void on_message(mqtt::async_client& client, const mqtt::message& m) {
    if (m.get_topic() == kStatus) {
      if (is_online(m) && !online_) {
        online_at_ = Clock::now();
        online_ = true;
      }
      return;
    }
    boost::system::error_code ec;
    auto v = json::parse(m.get_payload_str(), ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const auto* seq_v = o.if_contains("seq");
    if (!seq_v) return;  // control messages
    const auto seq = seq_v->to_number<std::int64_t>();
    std::string epoch;
    std::int64_t replay_from = 0;
    {
      std::lock_guard lock(mu_);
      if (epoch_.empty()) epoch_ = std::string(o.at("epoch").as_string());
      if (received_ == 0) first_at_ = Clock::now();
      ++received_;
      if (seq < 1 || seq > last_ || seen_[static_cast<std::size_t>(seq)]) {
        ++duplicates_;
        return;
      }
      seen_[static_cast<std::size_t>(seq)] = true;
      while (contiguous_ < last_ && seen_[static_cast<std::size_t>(contiguous_ + 1)]) ++contiguous_;
      if (contiguous_ == last_ && all_at_ == Clock::time_point{}) all_at_ = Clock::now();
      if (seq > contiguous_ + 1 && replay_asked_ != contiguous_ + 1) {
        replay_asked_ = contiguous_ + 1;
        ++replays_;
        replay_from = contiguous_ + 1;
        epoch = epoch_;
      }
    }
    // Never publish under mu_: Paho's own lock is taken in publish and held around callbacks.
    if (replay_from > 0)
      control(client, "replay.request", {{"epoch", epoch}, {"from", replay_from}});
  }
  // One tick: ack the highest contiguous seq when it moved.
  void tick(mqtt::async_client& client) {
    std::string epoch;
    std::int64_t through = 0;
    {
      std::lock_guard lock(mu_);
      if (epoch_.empty() || contiguous_ == acked_sent_) return;
      acked_sent_ = through = contiguous_;
      epoch = epoch_;
    }
    control(client, "ack", {{"epoch", epoch}, {"through", through}});
  }
  bool online() const { return online_; }
  Clock::time_point online_at() const { return online_at_; }
  Clock::time_point first_at() {
    std::lock_guard lock(mu_);
    return first_at_;
  }
  Clock::time_point all_at() {
    std::lock_guard lock(mu_);
    return all_at_;
  }
  std::int64_t contiguous() {
    std::lock_guard lock(mu_);
    return contiguous_;
  }
  long received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  long duplicates() {
    std::lock_guard lock(mu_);
    return duplicates_;
  }
  long replays() {
    std::lock_guard lock(mu_);
    return replays_;
  }

 private:
  void control(mqtt::async_client& client, const std::string& type, json::object body) {
    const std::string id = "oms-bench-c" + std::to_string(++controls_);
    client.publish(mqtt::make_message(
        kDown,
        storeedge::sync::serialize(storeedge::sync::Envelope{type, id, kStore, "oms-bench-drain",
                                                             std::nullopt, kAt, std::move(body)}),
        1, false));
  }
  std::mutex mu_;
  std::vector<bool> seen_;
  const std::int64_t last_;
  std::string epoch_;
  std::int64_t contiguous_ = 0, acked_sent_ = 0, replay_asked_ = 0;
  long received_ = 0, duplicates_ = 0, replays_ = 0;
  std::atomic<std::uint64_t> controls_{0};
  std::atomic<bool> online_{false};
  Clock::time_point online_at_{}, first_at_{}, all_at_{};
};

// The store's "sync:" log lines (UTC wall clock), after the time the broker was started again.
void print_sync_log(const std::string& log, std::chrono::system_clock::time_point broker_start) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(broker_start.time_since_epoch())
          .count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%H:%M:%S", &tm);
  std::printf("storeedged's sync log (the broker was started again at %s.%03lldZ):\n", when,
              static_cast<long long>(ms % 1000));
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line))
    if (line.find("sync:") != std::string::npos) std::printf("  %s\n", line.c_str());
}

struct DrainResult {
  double setup_seconds = 0;
  long long depth_before = 0;
  double seconds = 0;            // broker start → outbox empty
  double reconnect_seconds = 0;  // broker start → the store's birth message
  double first_seconds = 0;      // broker start → the OMS has the first fact
  double received_seconds = 0;   // broker start → the OMS has every seq
  long received = 0, duplicates = 0, replays = 0;
  long long depth_after = -1;
  double store_cpu = 0, broker_cpu = 0;  // CPU seconds during the timed part
  std::vector<std::string> payloads;     // the outbox, for the baseline
};

DrainResult run_drain_store(const Options& o) {
  TempDir dir("sync_bench_drain");
  const int port = free_port();
  auto broker = std::make_unique<Broker>(o, dir, port, "mosquitto-1");
  Store store(o, dir, broker->uri());
  DrainResult r;

  // Setup: N created + N cancelled; nobody acknowledges the N cancellation.applied facts.
  {
    std::atomic<bool> online{false};
    auto oms = connect_client(broker->uri(), "oms-bench",
                              [&](mqtt::const_message_ptr m) {
                                if (m->get_topic() == kStatus && is_online(*m)) online = true;
                              },
                              {kStatus});
    wait_until([&] { return online.load() || !store.alive(); }, 15, "the store's birth message");
    if (!store.alive()) throw Failure("storeedged exited:\n" + tail(store.log()));
    const auto stream = down_stream("oms-bench-drain", o.messages, true);
    const auto last = static_cast<long long>(stream.size());
    DbReader db(store.db_path());
    Publisher publisher(*oms.client, oms.receive_maximum);
    const auto t0 = Clock::now();
    publisher.publish_all(kDown, stream, 3 * o.timeout);
    wait_until([&] { return db.down_applied() >= last || !store.alive(); }, 3 * o.timeout,
               "the store to apply the drain setup", 20ms);
    r.setup_seconds = seconds_since(t0);
    const double dropped = metric(store.http_port(), "storeedge_sync_down_dropped_total");
    disconnect(oms);
    broker->kill9();
    broker.reset();
    r.depth_before = db.outbox_depth();
    std::printf(
        "setup: %lld down messages applied in %.1f s (%.0f msgs/s, the store publishing "
        "its up facts unacknowledged meanwhile; %.0f dropped while behind); broker killed; "
        "outbox depth %lld\n",
        last, r.setup_seconds, static_cast<double>(last) / r.setup_seconds, dropped,
        r.depth_before);
    std::fflush(stdout);
  }
  if (r.depth_before < o.messages)
    throw Failure("the outbox holds " + std::to_string(r.depth_before) + " rows, expected " +
                  std::to_string(o.messages));
  std::this_thread::sleep_for(1s);  // offline for a moment: the store sees the connection lost

  // Timed: the broker returns; an OMS acks the up stream every 100 ms.
  DbReader db(store.db_path());
  UpAcker acker(o.messages);
  const double store_cpu0 = cpu_seconds(store.pid());
  const auto t0 = Clock::now();
  const auto wall_t0 = std::chrono::system_clock::now();
  broker = std::make_unique<Broker>(o, dir, port, "mosquitto-2");
  Connected oms = make_client(broker->uri(), "oms-bench");
  mqtt::async_client& oms_client = *oms.client;
  connect(oms, [&](mqtt::const_message_ptr m) { acker.on_message(oms_client, *m); },
          {kUp, kStatus});
  std::atomic<bool> stop_ticks{false};
  std::thread ticker([&] {
    while (!stop_ticks) {
      std::this_thread::sleep_for(100ms);
      try {
        acker.tick(*oms.client);
      } catch (const mqtt::exception&) {
        // The next tick acks again.
      }
    }
  });
  Clock::time_point empty_at{};
  try {
    wait_until(
        [&] {
          if (!store.alive()) return true;
          if (!db.outbox_empty()) return false;
          empty_at = Clock::now();
          return true;
        },
        o.timeout,
        "the outbox to empty (the OMS has seqs 1.." + std::to_string(acker.contiguous()) + ")",
        10ms);
  } catch (...) {
    stop_ticks = true;
    ticker.join();
    throw;
  }
  stop_ticks = true;
  ticker.join();
  if (!store.alive()) throw Failure("storeedged exited:\n" + tail(store.log()));
  r.seconds = seconds_since(t0, empty_at);
  r.store_cpu = cpu_seconds(store.pid()) - store_cpu0;
  r.broker_cpu = cpu_seconds(broker->pid());
  if (acker.online()) r.reconnect_seconds = seconds_since(t0, acker.online_at());
  if (acker.first_at() != Clock::time_point{})
    r.first_seconds = seconds_since(t0, acker.first_at());
  if (acker.all_at() != Clock::time_point{}) r.received_seconds = seconds_since(t0, acker.all_at());
  r.received = acker.received();
  r.duplicates = acker.duplicates();
  r.replays = acker.replays();
  auto [code, status] = run_command(
      {o.storeedgectl, "--state-dir", store.state_dir(), "--store", kStore, "sync", "status"}, dir);
  std::printf("storeedgectl sync status (exit %d):\n%s", code, status.c_str());
  r.depth_after = status_field(status, "outbox depth");
  r.payloads = db.outbox_payloads();
  disconnect(oms);
  store.stop();
  if (o.sync_log) print_sync_log(store.log(), wall_t0);
  return r;
}

// ---------------------------------------------------------------------------------------------

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--help") return false;
    if (name == "--sync-log") {
      o.sync_log = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    try {
      if (name == "--phase" && (value == "ingest" || value == "drain" || value == "all"))
        o.phase = value;
      else if (name == "--messages")
        o.messages = std::stol(value);
      else if (name == "--runs")
        o.runs = std::stoi(value);
      else if (name == "--timeout")
        o.timeout = std::stod(value);
      else if (name == "--window")
        o.window = std::stoi(value);
      else if (name == "--storeedged")
        o.storeedged = value;
      else if (name == "--storeedgectl")
        o.storeedgectl = value;
      else if (name == "--mosquitto")
        o.mosquitto = value;
      else
        return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return o.messages > 0 && o.runs > 0 && o.timeout > 0 && o.window > 0;
}

const char* verdict(bool met) {
  return met ? "MET" : "NOT MET";
}

// The median of `v` (not empty).
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// "0.81 1.05 0.76" (per run).
std::string list(const std::vector<double>& v) {
  std::string out;
  char buf[32];
  for (double x : v) {
    std::snprintf(buf, sizeof buf, "%s%.2f", out.empty() ? "" : " ", x);
    out += buf;
  }
  return out;
}

// Phase 1: `o.runs` times the store's ingest, each followed by the baseline on the same stream.
int ingest_phase(const Options& o) {
  const auto stream = down_stream("oms-bench-ingest", o.messages, false);
  const double total = static_cast<double>(stream.size());
  std::size_t bytes = 0;
  for (const auto& p : stream) bytes += p.size();
  std::printf(
      "\n== ingest: snapshot.begin, snapshot.end, %ld allocation.created (3 lines, %zu bytes "
      "each on average), %d run(s)\n",
      o.messages, bytes / stream.size(), o.runs);
  std::fflush(stdout);
  std::vector<double> ratios, store_rates, base_rates;
  double worst_rss = 0, worst_hwm = 0;
  int status = 0;
  for (int run = 1; run <= o.runs; ++run) {
    const IngestResult s = run_ingest_store(o, stream);
    const BaselineResult b = run_baseline(o, "ingest_baseline", kDown, stream);
    const double store_rate = total / s.ack_seconds, base_rate = total / b.seconds;
    std::printf("-- run %d of %d\n", run, o.runs);
    std::printf(
        "store:    %.0f msgs in %.2f s until the store's ack through %.0f: %.0f msgs/s "
        "(applied in the database after %.2f s; last PUBACK after %.2f s; publisher "
        "window %d)\n",
        total, s.ack_seconds, total, store_rate, s.applied_seconds, s.publish_seconds, s.window);
    std::printf(
        "baseline: %.0f msgs in %.2f s until a plain subscriber (its own process) had all: "
        "%.0f msgs/s "
        "(last PUBACK after %.2f s; publisher window %d)\n",
        total, b.seconds, base_rate, b.publish_seconds, b.window);
    std::printf(
        "cpu:      storeedged %.2f s (%.0f us a message), mosquitto %.2f s and the bench (the "
        "OMS) %.2f s while timed; baseline's mosquitto %.2f s, publisher %.2f s and "
        "subscriber %.2f s\n",
        s.store_cpu, s.store_cpu * 1e6 / total, s.broker_cpu, s.bench_cpu, b.broker_cpu,
        b.bench_cpu, b.subscriber_cpu);
    if (s.commits > 0)
      std::printf("commits:  %.0f transactions (fsyncs) while timed, %.0f messages each\n",
                  s.commits, total / s.commits);
    const double rss_mib = static_cast<double>(s.rss_kib) / 1024.0;
    const double hwm_mib = static_cast<double>(s.hwm_kib) / 1024.0;
    std::printf(
        "ratio store/baseline: %.2f; storeedged RSS after the ingest %.1f MiB (peak %.1f "
        "MiB)\n",
        store_rate / base_rate, rss_mib, hwm_mib);
    const bool ok = s.applied == static_cast<long long>(total) && s.quarantined == 0;
    std::printf("verify: down applied %lld (expected %.0f), quarantined %lld: %s\n", s.applied,
                total, s.quarantined, ok ? "OK" : "FAILED");
    std::fflush(stdout);
    if (!ok) status = 1;
    ratios.push_back(store_rate / base_rate);
    store_rates.push_back(store_rate);
    base_rates.push_back(base_rate);
    worst_rss = std::max(worst_rss, rss_mib);
    worst_hwm = std::max(worst_hwm, hwm_mib);
  }
  const double ratio = median(ratios);
  std::printf("-- ingest over %d run(s)\n", o.runs);
  std::printf("median: store %.0f msgs/s, baseline %.0f msgs/s\n", median(store_rates),
              median(base_rates));
  std::printf("ratio store/baseline: median %.2f (per run: %s) (target >= %.1f: %s)\n", ratio,
              list(ratios).c_str(), kTargetRatio, verdict(ratio >= kTargetRatio));
  std::printf(
      "storeedged RSS after the ingest: at most %.1f MiB (peak %.1f MiB) (target <= %.0f MiB: "
      "%s)\n",
      worst_rss, worst_hwm, kTargetRssMiB, verdict(worst_rss <= kTargetRssMiB));
  std::fflush(stdout);
  return status;
}

// Phase 2: `o.runs` times the store's drain, each followed by the baseline on its payloads.
int drain_phase(const Options& o) {
  const double n = static_cast<double>(o.messages);
  std::printf(
      "\n== drain: %ld unacknowledged cancellation.applied in the outbox, the broker returns, "
      "%d run(s)\n",
      o.messages, o.runs);
  std::fflush(stdout);
  std::vector<double> ratios, after_birth_ratios, store_rates, base_rates;
  int status = 0;
  for (int run = 1; run <= o.runs; ++run) {
    const DrainResult s = run_drain_store(o);
    std::size_t bytes = 0;
    for (const auto& p : s.payloads) bytes += p.size();
    const BaselineResult b = run_baseline(o, "drain_baseline", kUp, s.payloads);
    const double store_rate = n / s.seconds, base_rate = n / b.seconds;
    const double after_birth = s.seconds - s.reconnect_seconds;
    std::printf("-- run %d of %d\n", run, o.runs);
    std::printf(
        "store:    %.0f facts in %.2f s from broker start until the outbox was empty: "
        "%.0f msgs/s\n"
        "          (store back online after %.2f s; from then %.2f s = %.0f msgs/s; "
        "OMS had the first fact after %.2f s and every seq after %.2f s; %ld received, "
        "%ld duplicates, %ld replay requests)\n",
        n, s.seconds, store_rate, s.reconnect_seconds, after_birth, n / after_birth,
        s.first_seconds, s.received_seconds, s.received, s.duplicates, s.replays);
    std::printf(
        "baseline: %zu payloads (%zu bytes each on average) in %.2f s until a plain "
        "subscriber had all: %.0f msgs/s (publisher window %d)\n",
        s.payloads.size(), s.payloads.empty() ? 0 : bytes / s.payloads.size(), b.seconds, base_rate,
        b.window);
    std::printf(
        "cpu:      storeedged %.2f s and mosquitto %.2f s while timed; baseline's "
        "mosquitto %.2f s and subscriber %.2f s\n",
        s.store_cpu, s.broker_cpu, b.broker_cpu, b.subscriber_cpu);
    std::printf("ratio store/baseline: %.2f; excluding the reconnect: %.2f\n",
                store_rate / base_rate, (n / after_birth) / base_rate);
    const bool ok = s.depth_after == 0;
    std::printf("verify: outbox depth %lld after the drain: %s\n", s.depth_after,
                ok ? "OK" : "FAILED");
    std::fflush(stdout);
    if (!ok) status = 1;
    ratios.push_back(store_rate / base_rate);
    after_birth_ratios.push_back((n / after_birth) / base_rate);
    store_rates.push_back(store_rate);
    base_rates.push_back(base_rate);
  }
  const double ratio = median(ratios);
  std::printf("-- drain over %d run(s)\n", o.runs);
  std::printf("median: store %.0f msgs/s, baseline %.0f msgs/s\n", median(store_rates),
              median(base_rates));
  std::printf(
      "ratio store/baseline: median %.2f (per run: %s) (target >= %.1f: %s); excluding the "
      "reconnect: median %.2f\n",
      ratio, list(ratios).c_str(), kTargetRatio, verdict(ratio >= kTargetRatio),
      median(after_birth_ratios));
  std::fflush(stdout);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--subscriber") {
    install_signal_handlers();
    try {
      return subscriber_main(argv[2], argv[3], std::stol(argv[4]));
    } catch (const std::exception& e) {
      std::printf("FAILED: %s\n", e.what());
      return 1;
    }
  }
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::error_code ec;
  const fs::path here = fs::canonical("/proc/self/exe", ec).parent_path();
  if (o.storeedged.empty()) o.storeedged = (here / ".." / "edge" / "storeedged").lexically_normal();
  if (o.storeedgectl.empty())
    o.storeedgectl = (here / ".." / "edge" / "storeedgectl").lexically_normal();
  if (o.mosquitto.empty()) o.mosquitto = find_mosquitto();
  o.self = fs::canonical("/proc/self/exe", ec).string();
  g_window_cap = o.window;
  for (const auto& exe : {o.storeedged, o.storeedgectl, o.mosquitto}) {
    if (access(exe.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "sync_bench: %s is not executable; build first, or pass its path\n%s",
                   exe.c_str(), kUsage);
      return 2;
    }
  }
  install_signal_handlers();
  std::signal(SIGPIPE, SIG_IGN);

  int status = 0;
  std::printf(
      "sync_bench: %ld messages per phase, mosquitto on loopback (QoS 1, MQTT 5), "
      "storeedged %s\n",
      o.messages, o.storeedged.c_str());
  std::fflush(stdout);
  try {
    if (o.phase == "ingest" || o.phase == "all") status |= ingest_phase(o);
    if (o.phase == "drain" || o.phase == "all") status |= drain_phase(o);
  } catch (const std::exception& e) {
    std::printf("FAILED: %s\n", e.what());
    return interrupted() ? 130 : 1;
  }
  return status;
}
