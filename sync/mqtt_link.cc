#include "sync/mqtt_link.h"

#include <mqtt/async_client.h>

#include <boost/asio/post.hpp>

#include "core/log.h"

namespace storeedge::sync {

namespace asio = boost::asio;

// Adapts Paho's action callbacks to loop-posted std::functions.
class MqttLink::Listener : public mqtt::iaction_listener {
 public:
  using Callback = std::function<void(bool ok, int code, std::string why)>;
  Listener(asio::io_context& ioc, std::shared_ptr<bool> alive, Callback cb)
      : ioc_(ioc), alive_(std::move(alive)), cb_(std::move(cb)) {}
  void on_success(const mqtt::token&) override { post(true, 0, ""); }
  void on_failure(const mqtt::token& t) override {
    const int reason = static_cast<int>(t.get_reason_code());
    const int code = reason ? reason : t.get_return_code();
    post(false, code, "code " + std::to_string(code));
  }

 private:
  void post(bool ok, int code, std::string why) {
    // Paho owns this listener until the callback returns; the loop gets a copy of the call.
    asio::post(ioc_, [alive = alive_, cb = cb_, ok, code, why = std::move(why)] {
      if (*alive) cb(ok, code, why);
    });
    delete this;  // one listener per operation
  }
  asio::io_context& ioc_;
  std::shared_ptr<bool> alive_;
  Callback cb_;
};

MqttLink::MqttLink(asio::io_context& ioc, LinkOptions options, LinkHandlers handlers)
    : ioc_(ioc),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      reconnect_timer_(ioc) {}

// Paho refuses to change callbacks while a connect is in progress, so they stay set; `alive_`
// makes anything they post after this point a no-op, and they reach the loop without `this`.
MqttLink::~MqttLink() {
  *alive_ = false;
}

void MqttLink::start() {
  connect();
}

void MqttLink::connect() {
  if (stopped_ || connecting_) return;
  connecting_ = true;
  try {
    // No Paho persistence: the store's database is the system of record, not the client.
    client_ = std::make_unique<mqtt::async_client>(
        options_.uri, options_.client_id,
        mqtt::create_options(protocol_ == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1, 100'000), nullptr);
    auto alive = alive_;
    client_->set_connection_lost_handler([this, &ioc = ioc_, alive](const std::string& cause) {
      asio::post(ioc, [this, alive, cause] {
        if (!*alive) return;
        connected_ = false;
        if (handlers_.disconnected)
          handlers_.disconnected(cause.empty() ? "connection lost" : cause);
        schedule_reconnect("connection lost");
      });
    });
    client_->set_message_callback([this, &ioc = ioc_, alive](mqtt::const_message_ptr msg) {
      asio::post(ioc, [this, alive, payload = msg->get_payload_str()]() mutable {
        if (*alive && handlers_.message) handlers_.message(std::move(payload));
      });
    });
    mqtt::will_options will(options_.will_topic, options_.will_payload, 1, true);
    auto builder = mqtt::connect_options_builder()
                       .mqtt_version(protocol_ == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1)
                       .keep_alive_interval(options_.keep_alive)
                       .connect_timeout(std::chrono::seconds(10))
                       .max_inflight(1000)
                       .will(std::move(will));
    if (options_.uri.starts_with("ssl://") || options_.uri.starts_with("mqtts://") ||
        options_.uri.starts_with("wss://")) {
      auto ssl = mqtt::ssl_options_builder().enable_server_cert_auth(true).verify(true);
      if (!options_.tls_ca.empty()) ssl.trust_store(options_.tls_ca);
      if (!options_.tls_cert.empty())
        ssl.key_store(options_.tls_cert).private_key(options_.tls_key);
      builder.ssl(ssl.finalize());
    }
    if (protocol_ == 5) {
      builder.clean_start(false).properties({{mqtt::property::SESSION_EXPIRY_INTERVAL,
                                              static_cast<int>(options_.session_expiry.count())}});
    } else {
      builder.clean_session(false);
    }
    client_->connect(builder.finalize(), nullptr,
                     *new Listener(ioc_, alive_, [this](bool ok, int code, std::string why) {
                       on_connect_result(ok, code, why);
                     }));
  } catch (const mqtt::exception& e) {
    connecting_ = false;
    schedule_reconnect(e.what());
  }
}

void MqttLink::on_connect_result(bool ok, int code, const std::string& why) {
  connecting_ = false;
  if (!ok) {
    // 132 (MQTT 5 "unsupported protocol version") or 1 (3.1.1's "unacceptable protocol"):
    // the broker speaks only 3.1.1.
    if (protocol_ == 5 && (code == 132 || code == 1)) {
      log::notice("sync: the broker refused MQTT 5; falling back to 3.1.1");
      protocol_ = 4;
      client_.reset();
      connect();
      return;
    }
    schedule_reconnect("connect failed: " + (why.empty() ? "code " + std::to_string(code) : why));
    return;
  }
  client_->subscribe(options_.subscribe_topic, 1, nullptr,
                     *new Listener(ioc_, alive_, [this](bool sub_ok, int, std::string sub_why) {
                       if (!sub_ok) {
                         log::warning("sync: subscribe failed: " + sub_why);
                         client_->disconnect();
                         connected_ = false;
                         schedule_reconnect("subscribe failed");
                         return;
                       }
                       attempt_ = 0;
                       connected_ = true;
                       log::notice("sync: connected to " + options_.uri + " (MQTT " +
                                   (protocol_ == 5 ? "5" : "3.1.1") + ")");
                       if (handlers_.connected) handlers_.connected();
                     }));
}

void MqttLink::schedule_reconnect(const std::string& why) {
  if (stopped_) return;
  // Capped exponential backoff with "full jitter", so a store fleet does not reconnect in step.
  const auto cap = std::min<std::int64_t>(options_.reconnect_max.count(),
                                          options_.reconnect_min.count() << std::min(attempt_, 16));
  std::uniform_int_distribution<std::int64_t> jitter(cap / 2, cap);
  const auto delay = std::chrono::milliseconds(jitter(rng_));
  ++attempt_;
  if (attempt_ <= 3 || attempt_ % 20 == 0)
    log::info("sync: offline (" + why + "); retrying in " + std::to_string(delay.count()) + " ms");
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) connect();
  });
}

void MqttLink::stop() {
  stopped_ = true;
  reconnect_timer_.cancel();
  if (client_ && connected_) {
    try {
      client_->disconnect(std::chrono::milliseconds(500))->wait_for(std::chrono::seconds(1));
    } catch (const mqtt::exception&) {
      // Shutting down: a failed disconnect changes nothing.
    }
  }
  connected_ = false;
}

void MqttLink::publish(const std::string& topic, std::string payload, bool retained,
                       std::function<void(bool)> done) {
  if (!client_ || !connected_) {
    asio::post(ioc_, [done = std::move(done)] { done(false); });
    return;
  }
  try {
    auto msg = mqtt::make_message(topic, std::move(payload), 1, retained);
    client_->publish(
        msg, nullptr,
        *new Listener(ioc_, alive_,
                      [done = std::move(done)](bool ok, int, std::string) { done(ok); }));
  } catch (const mqtt::exception& e) {
    asio::post(ioc_, [done = std::move(done)] { done(false); });
  }
}

}  // namespace storeedge::sync
