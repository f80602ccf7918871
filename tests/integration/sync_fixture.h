// A real mosquitto on a free loopback port, storeedged connected to it as store S042, and a
// Paho client playing the central OMS on the store's topics.
#pragma once

#include <mqtt/client.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <thread>

#include "integration/daemon_fixture.h"
#include "support/contract_examples.h"

namespace storeedge::testing {

class SyncTest : public DaemonTest {
 public:
  static constexpr const char* kDown = "oms/v1/demo/stores/S042/down";
  static constexpr const char* kUp = "oms/v1/demo/stores/S042/up";
  static constexpr const char* kStatus = "oms/v1/demo/stores/S042/status";

 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    broker_port_ = free_port();
    start_broker();
    oms_ = std::make_unique<mqtt::client>("tcp://127.0.0.1:" + std::to_string(broker_port_),
                                          "oms-test", nullptr);
    auto opts = mqtt::connect_options_builder().clean_session(true).finalize();
    oms_->connect(opts);
    subscribe();
  }
  void TearDown() override {
    try {
      if (oms_ && oms_->is_connected()) oms_->disconnect();
    } catch (const mqtt::exception&) {
    }
    DaemonTest::TearDown();
  }

  void subscribe() {
    oms_->subscribe(std::string(kUp), 1);
    oms_->subscribe(std::string(kStatus), 1);
  }
  void start_broker() {
    write_file(dir_.file("mosquitto.conf"),
               "listener " + std::to_string(broker_port_) +
                   " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                   "max_queued_messages 1000000\n" +
                   broker_extra_config_);
    broker_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", dir_.file("mosquitto.conf")},
        std::vector<std::string>{}, dir_.file("mosquitto.log"));
    // Ready when the port accepts connections.
    for (int i = 0; i < 500; ++i) {
      if (port_accepts(broker_port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "mosquitto did not start: " << broker_->log();
  }
  static bool port_accepts(int port) {
    try {
      HttpClient probe(port);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  // Starts the store and waits for its birth message: only then is it subscribed (a brand-new
  // session has no subscription for the broker to queue messages against).
  std::optional<boost::json::object> start_store(std::vector<std::string> extra_args = {}) {
    std::vector<std::string> args = {"--store", "S042", "--mqtt-uri",
                                     "tcp://127.0.0.1:" + std::to_string(broker_port_)};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    start(args);
    auto birth = wait_for(kStatus, [](const auto& m) { return m.at("state") == "online"; });
    EXPECT_TRUE(birth) << "no birth message";
    return birth;
  }

  static boost::json::object example(const std::string& file) { return contract_example(file); }
  void send(boost::json::object m, std::int64_t seq, const std::string& epoch = "oms-e1") {
    m["epoch"] = epoch;
    m["seq"] = seq;
    send_raw(boost::json::serialize(m));
  }
  void send_raw(const std::string& payload) {
    oms_->publish(mqtt::make_message(kDown, payload, 1, false));
  }
  // The snapshot of the examples: 2 allocations, 2 catalog items, 1 returnable order (seq 1..7).
  void send_snapshot() {
    const char* files[] = {"down.snapshot.begin.json",         "down.store.config.json",
                           "down.catalog.items.json",          "down.allocation.created.json",
                           "down.allocation.created-sfs.json", "down.returnable_orders.json"};
    std::int64_t seq = 0;
    for (const char* f : files) send(example(f), ++seq);
    auto end = example("down.snapshot.end.json");
    end["body"].as_object()["snapshot"] = example(files[0])["body"].as_object()["snapshot"];
    end["body"].as_object()["counts"] = {
        {"allocations", 2}, {"catalog_items", 2}, {"returnable_orders", 1}};
    send(end, ++seq);
  }
  // Waits for a message on `topic` whose payload satisfies `pred`.
  std::optional<boost::json::object> wait_for(
      const std::string& topic, const std::function<bool(const boost::json::object&)>& pred,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      mqtt::const_message_ptr msg;
      if (!oms_->try_consume_message_for(&msg, std::chrono::milliseconds(100)) || !msg) continue;
      if (msg->get_topic() != topic) continue;
      boost::system::error_code ec;
      auto v = boost::json::parse(msg->get_payload_str(), ec);
      if (!ec && v.is_object() && pred(v.as_object())) return v.as_object();
    }
    return std::nullopt;
  }
  std::optional<boost::json::object> wait_up(
      const std::string& type, const std::function<bool(const boost::json::object&)>& body_pred =
                                   [](const auto&) { return true; }) {
    return wait_for(kUp, [&](const boost::json::object& m) {
      return m.at("type").as_string() == type && body_pred(m.at("body").as_object());
    });
  }
  // The store's sync figure `name` from /metrics (-1 when absent).
  static double sync_metric(int http_port, const std::string& name) {
    HttpClient c(http_port);
    const std::string body = c.get("/metrics").body;
    const auto at = body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stod(body.substr(at + name.size() + 2));
  }
  static std::function<bool(const boost::json::object&)> through(std::int64_t n) {
    return [n](const boost::json::object& b) { return b.at("through").as_int64() == n; };
  }

  int broker_port_ = 0;
  std::string broker_extra_config_;  // more mosquitto.conf lines, set before SetUp
  std::unique_ptr<Process> broker_;
  std::unique_ptr<mqtt::client> oms_;
};

}  // namespace storeedge::testing
