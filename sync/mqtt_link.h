// The MQTT connection to the OMS's broker (Eclipse Paho C++, async). Paho's callbacks run on
// Paho's threads and only post to the loop; every method here and every handler is called on
// the loop. MQTT 5 first, falling back to 3.1.1 when the broker refuses the protocol;
// Clean Start = false with a 7-day session; reconnect with capped exponential backoff and jitter.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>

namespace mqtt {
class async_client;
}

namespace storeedge::sync {

struct LinkOptions {
  std::string uri;        // tcp://host:port or ssl://host:port
  std::string client_id;  // edge-{tenant}-{store}
  std::string subscribe_topic;
  std::string will_topic;
  std::string will_payload;
  std::string tls_ca, tls_cert, tls_key;  // PEM files; used with ssl:// and mqtts:// URIs
  std::chrono::seconds keep_alive{30};
  std::chrono::seconds session_expiry{7 * 24 * 3600};
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30'000};
};

struct LinkHandlers {
  std::function<void()> connected;  // subscribed and ready to publish
  std::function<void(std::string reason)> disconnected;
  std::function<void(std::string payload)> message;
};

class MqttLink {
 public:
  MqttLink(boost::asio::io_context& ioc, LinkOptions options, LinkHandlers handlers);
  ~MqttLink();
  void start();
  // Stops reconnecting and disconnects (the broker then publishes nothing: a clean disconnect
  // suppresses the Will, so the caller publishes its offline status first).
  void stop();
  bool connected() const { return connected_; }
  int protocol() const { return protocol_; }  // 5 or 4 (3.1.1)

  // QoS 1. `done(true)` once the broker acknowledged it (PUBACK), false if it failed; on the loop.
  void publish(const std::string& topic, std::string payload, bool retained,
               std::function<void(bool)> done);

 private:
  class Listener;
  void connect();
  void schedule_reconnect(const std::string& why);
  void on_connect_result(bool ok, int code, const std::string& why);

  boost::asio::io_context& ioc_;
  LinkOptions options_;
  LinkHandlers handlers_;
  std::unique_ptr<mqtt::async_client> client_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posts after destruction
  boost::asio::steady_timer reconnect_timer_;
  std::mt19937 rng_{std::random_device{}()};
  int attempt_ = 0;
  int protocol_ = 5;
  bool connected_ = false;
  bool connecting_ = false;
  bool stopped_ = false;
};

}  // namespace storeedge::sync
