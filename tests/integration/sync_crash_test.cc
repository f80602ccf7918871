// Black-box: kill -9 the daemon at random moments while 10 000 down messages (5000 allocations,
// each created then cancelled) and 5000 up facts (their cancellation.applied) cross a real
// mosquitto. Afterwards the OMS holds every up message exactly once by (epoch, seq) and by id,
// and the store applied every down message exactly once. STOREEDGE_CRASH_CYCLES sets the
// number of kills (20 by default; the soak label runs 200).
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "integration/sync_fixture.h"

namespace storeedge::testing {
namespace {

// The test's OMS: publishes the down stream (replaying from where the store asks), records the
// up stream and acknowledges it.
class CrashOms {
 public:
  CrashOms(const std::string& uri, int allocations)
      : client_(uri, "oms-crash", mqtt::create_options(MQTTVERSION_DEFAULT, 100'000), nullptr) {
    for (int i = 1; i <= allocations; ++i) {
      const std::string id = "A-" + std::to_string(i);
      down_.push_back(created(id));
    }
    for (int i = 1; i <= allocations; ++i)
      down_.push_back(message("allocation.cancelled",
                              {{"allocation", "A-" + std::to_string(i)}, {"reason", "test"}}));
    client_.set_message_callback([this](mqtt::const_message_ptr m) { on_up(*m); });
    client_
        .connect(mqtt::connect_options_builder().clean_session(true).max_inflight(1000).finalize())
        ->wait();
    client_.subscribe(SyncTest::kUp, 1)->wait();
    publisher_ = std::thread([this] { publish_loop(); });
    acker_ = std::thread([this] { ack_loop(); });
  }
  ~CrashOms() {
    stop_ = true;
    publisher_.join();
    acker_.join();
    client_.disconnect()->wait();
  }
  std::int64_t total() const { return static_cast<std::int64_t>(down_.size()); }
  std::int64_t store_acked() const { return store_acked_; }
  // Up messages by seq: the id and payload body first seen, and how often each came.
  struct Seen {
    std::string id, body;
    int times = 0;
  };
  std::map<std::int64_t, Seen> up() {
    std::lock_guard lock(mu_);
    return up_;
  }
  std::set<std::string> up_epochs() {
    std::lock_guard lock(mu_);
    return epochs_;
  }
  int inconsistent() const { return inconsistent_; }

 private:
  boost::json::object created(const std::string& id) {
    return message("allocation.created",
                   {{"allocation", id},
                    {"order", "W" + id},
                    {"kind", "bopis"},
                    {"customer", {{"name", "Ada"}}},
                    {"lines", boost::json::array{{{"line", "1"},
                                                  {"sku", "SKU-1001"},
                                                  {"gtins", boost::json::array{"05901234123457"}},
                                                  {"description", "Blue mug"},
                                                  {"qty", 1},
                                                  {"unit_price", 1299},
                                                  {"currency", "EUR"}}}}});
  }
  boost::json::object message(const std::string& type, boost::json::object body) {
    const auto seq = static_cast<std::int64_t>(down_.size() + 3);  // after the snapshot (1, 2)
    return {{"v", 1},
            {"type", type},
            {"id", "d-" + std::to_string(seq)},
            {"store", "S042"},
            {"epoch", "oms-crash"},
            {"seq", seq},
            {"at", "2026-11-24T10:00:00.000Z"},
            {"body", std::move(body)}};
  }
  std::string down_payload(std::int64_t seq) {
    if (seq == 1)
      return R"({"v":1,"type":"snapshot.begin","id":"d-1","store":"S042","epoch":"oms-crash","seq":1,"at":"2026-11-24T10:00:00.000Z","body":{"snapshot":"s"}})";
    if (seq == 2)
      return R"({"v":1,"type":"snapshot.end","id":"d-2","store":"S042","epoch":"oms-crash","seq":2,"at":"2026-11-24T10:00:00.000Z","body":{"snapshot":"s","counts":{"allocations":0,"catalog_items":0,"returnable_orders":0}}})";
    return boost::json::serialize(down_[static_cast<std::size_t>(seq - 3)]);
  }
  void publish_loop() {
    const std::int64_t last = total() + 2;
    auto progress_at = std::chrono::steady_clock::now();
    std::int64_t seen_acked = 0;
    while (!stop_) {
      // At-least-once until acknowledged: when the store's ack stops moving short of what was
      // sent (it lost delivered-but-uncommitted messages in a crash and nothing later shows it
      // the gap), send again from its position.
      if (store_acked_ != seen_acked) {
        seen_acked = store_acked_;
        progress_at = std::chrono::steady_clock::now();
      } else if (seen_acked < next_ - 1 &&
                 std::chrono::steady_clock::now() - progress_at > std::chrono::milliseconds(1500)) {
        cursor_ = seen_acked + 1;
        progress_at = std::chrono::steady_clock::now();
      }
      std::int64_t from = cursor_.exchange(0);
      if (from == 0) from = next_;
      if (from > last || store_acked_ >= last) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      // Publish a chunk, then wait for its last PUBACK: bounded in flight.
      mqtt::delivery_token_ptr token;
      std::int64_t seq = from;
      for (; seq <= last && seq < from + 200; ++seq)
        token = client_.publish(mqtt::make_message(SyncTest::kDown, down_payload(seq), 1, false));
      token->wait();
      next_ = seq;
    }
  }
  void control(const std::string& type, boost::json::object body) {
    boost::json::object m{{"v", 1},
                          {"type", type},
                          {"id", "c-" + std::to_string(++controls_)},
                          {"store", "S042"},
                          {"epoch", "oms-crash"},
                          {"at", "2026-11-24T10:00:00.000Z"},
                          {"body", std::move(body)}};
    client_.publish(mqtt::make_message(SyncTest::kDown, boost::json::serialize(m), 1, false));
  }
  void on_up(const mqtt::message& msg) {
    boost::system::error_code ec;
    auto v = boost::json::parse(msg.get_payload_str(), ec);
    if (ec || !v.is_object()) return;
    const auto& m = v.as_object();
    const std::string type(m.at("type").as_string());
    const auto& body = m.at("body").as_object();
    if (type == "ack") {
      store_acked_ = body.at("through").as_int64();
      return;
    }
    if (type == "resync.request") {
      // Replay from where the store stands (lowering the cursor only).
      const auto from = body.at("from").as_int64();
      cursor_ = from;
      return;
    }
    if (!m.contains("seq")) return;
    std::lock_guard lock(mu_);
    epochs_.insert(std::string(m.at("epoch").as_string()));
    const auto seq = m.at("seq").as_int64();
    Seen& s = up_[seq];
    const std::string id(m.at("id").as_string());
    const std::string b = boost::json::serialize(body);
    if (s.times == 0) {
      s.id = id;
      s.body = b;
    } else if (s.id != id || s.body != b) {
      ++inconsistent_;  // the same seq resent with another id or content
    }
    ++s.times;
    while (up_.contains(up_through_ + 1)) ++up_through_;
    // A gap in the up stream: ask for a replay (once per position), as the contract expects.
    if (seq > up_through_ + 1 && replay_asked_ != up_through_ + 1) {
      replay_asked_ = up_through_ + 1;
      control("replay.request", {{"epoch", m.at("epoch")}, {"from", up_through_ + 1}});
    }
  }
  // Acknowledges the up stream every 100 ms, as an OMS batching its acks would.
  void ack_loop() {
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::string epoch;
      std::int64_t through = 0;
      {
        std::lock_guard lock(mu_);
        if (epochs_.empty()) continue;
        epoch = *epochs_.begin();
        through = up_through_;
      }
      try {
        control("ack", {{"epoch", epoch}, {"through", through}});
      } catch (const mqtt::exception&) {
        // The broker is busy; the next tick acks again.
      }
    }
  }

  mqtt::async_client client_;
  std::vector<boost::json::object> down_;
  std::thread publisher_, acker_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> next_{1}, cursor_{0}, store_acked_{0};
  std::atomic<int> inconsistent_{0};
  std::atomic<std::uint64_t> controls_{0};
  std::mutex mu_;
  std::map<std::int64_t, Seen> up_;
  std::int64_t up_through_ = 0;
  std::int64_t replay_asked_ = 0;
  std::set<std::string> epochs_;
};

int cycles_from_env() {
  const char* v = std::getenv("STOREEDGE_CRASH_CYCLES");
  return v ? std::max(1, std::atoi(v)) : 20;
}

TEST_F(SyncTest, KillNineAtRandomMomentsLosesNothingAndDoublesNothing) {
  constexpr int kAllocations = 5000;
  const int cycles = cycles_from_env();
  start_store();
  CrashOms oms("tcp://127.0.0.1:" + std::to_string(broker_port_), kAllocations);
  std::mt19937 rng(12345);
  int kills = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 250));
    daemon_->signal(SIGKILL);
    daemon_->wait(std::chrono::seconds(5));
    ++kills;
    start({"--store", "S042", "--mqtt-uri", "tcp://127.0.0.1:" + std::to_string(broker_port_)});
  }
  // Let the exchange finish: every down message applied and every up fact acknowledged.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    status = ctl({"--store", "S042", "sync", "status"}).second;
    if (oms.store_acked() >= oms.total() + 2 &&
        status.find("outbox depth:    0\n") != std::string::npos &&
        static_cast<int>(oms.up().size()) >= kAllocations)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(kills, cycles);
  EXPECT_EQ(oms.store_acked(), oms.total() + 2) << status;
  EXPECT_NE(status.find("down applied:    " + std::to_string(oms.total() + 2) + "\n"),
            std::string::npos)
      << status;
  EXPECT_NE(status.find("quarantined:     0\n"), std::string::npos) << status;  // nothing twice
  EXPECT_NE(status.find("outbox depth:    0\n"), std::string::npos) << status;

  // The OMS side: every up seq 1..N exactly once after deduplication, one epoch, stable ids.
  auto up = oms.up();
  EXPECT_EQ(oms.up_epochs().size(), 1u);
  EXPECT_EQ(static_cast<int>(up.size()), kAllocations);
  std::set<std::string> ids, allocations;
  for (std::int64_t seq = 1; seq <= kAllocations; ++seq) {
    auto it = up.find(seq);
    ASSERT_NE(it, up.end()) << "up seq " << seq << " never arrived";
    ids.insert(it->second.id);
    allocations.insert(
        std::string(boost::json::parse(it->second.body).as_object().at("allocation").as_string()));
  }
  EXPECT_EQ(static_cast<int>(ids.size()), kAllocations);
  EXPECT_EQ(static_cast<int>(allocations.size()), kAllocations);  // one fact per cancellation
  EXPECT_EQ(oms.inconsistent(), 0);
}

}  // namespace
}  // namespace storeedge::testing
