#include "sync/mqtt_link.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <system_error>
#include <utility>

#include "core/log.h"

namespace storeedge::sync {

namespace asio = boost::asio;

// Adapts Paho's action callbacks to loop-posted std::functions. For a connect it also reads the
// broker's Receive Maximum from CONNACK (0 when absent or over 3.1.1).
class MqttLink::Listener : public mqtt::iaction_listener {
 public:
  using Callback = std::function<void(bool ok, int code, std::string why, int receive_maximum)>;
  Listener(asio::io_context& ioc, std::shared_ptr<bool> alive, Callback cb)
      : ioc_(ioc), alive_(std::move(alive)), cb_(std::move(cb)) {}
  void on_success(const mqtt::token& t) override {
    int receive_maximum = 0;
    if (t.get_type() == mqtt::token::Type::CONNECT) {
      try {
        const mqtt::properties props = t.get_connect_response().get_properties();
        if (props.contains(mqtt::property::RECEIVE_MAXIMUM))
          receive_maximum = mqtt::get<std::uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM);
      } catch (const std::exception&) {
        // No response to read: the link assumes the protocol's default.
      }
    }
    post(true, 0, "", receive_maximum);
  }
  void on_failure(const mqtt::token& t) override {
    const int reason = static_cast<int>(t.get_reason_code());
    const int code = reason ? reason : t.get_return_code();
    post(false, code, "code " + std::to_string(code), 0);
  }
  // The operation was refused before Paho took this listener: fail it the same way.
  void abandon(std::string why) { post(false, -1, std::move(why), 0); }

 private:
  void post(bool ok, int code, std::string why, int receive_maximum) {
    // Paho owns this listener until the callback returns; the loop gets a copy of the call.
    asio::post(ioc_, [alive = alive_, cb = cb_, ok, code, why = std::move(why), receive_maximum] {
      if (*alive) cb(ok, code, why, receive_maximum);
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
      drain_timer_(ioc),
      reconnect_timer_(ioc),
      backoff_(options_.reconnect, std::random_device{}()) {}

// Paho refuses to change callbacks while a connect is in progress, so they stay set; `alive_`
// makes anything they post after this point a no-op, and they reach the loop without `this`.
MqttLink::~MqttLink() {
  *alive_ = false;
  if (retirer_.joinable()) retirer_.join();
}

void MqttLink::start() {
  connect();
}

int MqttLink::send_quota() const {
  if (protocol_ != 5) return kFallbackInFlight;
  return std::clamp(receive_maximum_, 1, kMaxInFlight);
}

void MqttLink::connect() {
  if (stopped_ || connecting_) return;
  if (client_ || retiring_) {
    // A new client only once the old one is gone: see retire_client.
    connect_when_retired_ = true;
    retire_client();
    return;
  }
  connecting_ = true;
  const std::uint64_t generation = ++client_generation_;
  try {
    // No Paho persistence: the store's database is the system of record, not the client.
    client_ = std::make_unique<mqtt::async_client>(
        options_.uri, options_.client_id,
        mqtt::create_options(protocol_ == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1, 100'000), nullptr);
    auto alive = alive_;
    client_->set_connection_lost_handler(
        [this, &ioc = ioc_, alive, generation](const std::string& cause) {
          asio::post(ioc, [this, alive, generation, cause] {
            if (*alive && generation == client_generation_) on_connection_lost(cause);
          });
        });
    client_->set_message_callback(
        [this, &ioc = ioc_, alive, inbox = inbox_](mqtt::const_message_ptr msg) {
          bool post = false;
          {
            std::lock_guard lock(inbox->mu);
            inbox->payloads.push_back(msg->get_payload_str());
            post = !std::exchange(inbox->draining, true);
          }
          if (post)
            asio::post(ioc, [this, alive] {
              if (*alive) drain_inbox();
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
    // Paho takes the listener only if the call does not throw (it deletes itself when called).
    auto listener = std::make_unique<Listener>(
        ioc_, alive_, [this, generation](bool ok, int code, std::string why, int rm) {
          if (generation == client_generation_) on_connect_result(ok, code, why, rm);
        });
    client_->connect(builder.finalize(), nullptr, *listener);
    listener.release();
  } catch (const mqtt::exception& e) {
    connecting_ = false;
    schedule_reconnect(e.what());
  }
}

// On the loop: hands every message that arrived since the last drain to the handler, in order,
// and looks again after kDrainInterval; a look that finds none ends the draining (Inbox).
void MqttLink::drain_inbox() {
  std::vector<std::string> payloads;
  {
    std::lock_guard lock(inbox_->mu);
    payloads.swap(inbox_->payloads);
    if (payloads.empty()) {
      inbox_->draining = false;
      return;
    }
  }
  drain_timer_.expires_after(kDrainInterval);
  drain_timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (!ec && *alive) drain_inbox();
  });
  if (handlers_.messages) handlers_.messages(std::move(payloads));
}

void MqttLink::on_connect_result(bool ok, int code, const std::string& why, int receive_maximum) {
  connecting_ = false;
  if (!ok) {
    // 132 (MQTT 5 "unsupported protocol version") or 1 (3.1.1's "unacceptable protocol"):
    // the broker speaks only 3.1.1.
    if (protocol_ == 5 && (code == 132 || code == 1)) {
      log::notice("sync: the broker refused MQTT 5; falling back to 3.1.1");
      protocol_ = 4;
      connect();
      return;
    }
    schedule_reconnect("connect failed: " + (why.empty() ? "code " + std::to_string(code) : why));
    return;
  }
  // MQTT 5: a CONNACK without Receive Maximum means 65 535.
  receive_maximum_ = protocol_ == 5 ? (receive_maximum > 0 ? receive_maximum : 65'535) : 0;
  const std::uint64_t generation = client_generation_;
  try {
    auto listener = std::make_unique<Listener>(
        ioc_, alive_, [this, generation](bool sub_ok, int, std::string sub_why, int) {
          if (generation != client_generation_) return;
          if (!sub_ok) {
            log::warning("sync: subscribe failed: " + sub_why);
            schedule_reconnect("subscribe failed");
            return;
          }
          connected_ = true;
          in_flight_ = 0;
          attempts_ = 0;
          backoff_.connected(std::chrono::steady_clock::now());
          log::notice("sync: connected to " + options_.uri + " (MQTT " +
                      (protocol_ == 5 ? "5), receive maximum " + std::to_string(receive_maximum_)
                                      : std::string("3.1.1)")) +
                      ", " + std::to_string(send_quota()) + " publishes in flight");
          if (handlers_.connected) handlers_.connected();
        });
    client_->subscribe(options_.subscribe_topic, 1, nullptr, *listener);
    listener.release();
  } catch (const mqtt::exception& e) {
    schedule_reconnect(std::string("subscribe failed: ") + e.what());
  }
}

void MqttLink::on_connection_lost(const std::string& cause) {
  connected_ = false;
  backoff_.lost(std::chrono::steady_clock::now());
  fail_waiting();
  if (handlers_.disconnected) handlers_.disconnected(cause.empty() ? "connection lost" : cause);
  schedule_reconnect("connection lost");
}

void MqttLink::schedule_reconnect(const std::string& why) {
  connected_ = false;
  if (stopped_) return;
  retire_client();  // meanwhile, so that the next attempt finds it gone
  const auto delay = backoff_.next_delay(std::chrono::steady_clock::now());
  const int attempt = ++attempts_;
  if (attempt <= 3 || attempt % 20 == 0)
    log::info("sync: offline (" + why + "); retrying in " + std::to_string(delay.count()) + " ms");
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) connect();
  });
}

// Paho runs two threads for all its clients: started by a connect, stopped when the last client
// is destroyed. While they run, a new connection is noticed only when the receive thread's poll
// returns, and that poll waits up to a second on the sockets it already had: every reconnect
// took about a second after the broker answered. A client created after the last one was
// destroyed starts the threads afresh, whose first poll waits 10 ms. Destroying waits for the
// threads to stop (100-200 ms, their own sleep), so it runs here, off the loop, while the
// reconnect delay runs; the next connect waits for it.
void MqttLink::retire_client() {
  if (!client_ || retiring_) return;
  if (retirer_.joinable()) retirer_.join();  // the last one has posted; it is returning
  retiring_ = true;
  connecting_ = false;   // its connect, if any, will not be heard of
  ++client_generation_;  // whatever the old client still reports is ignored
  try {
    retirer_ =
        std::thread([client = std::move(client_), &ioc = ioc_, alive = alive_, this]() mutable {
          client.reset();
          asio::post(ioc, [this, alive] {
            if (*alive) on_client_retired();
          });
        });
  } catch (const std::system_error& e) {
    // No thread: the client went with the refused closure, here on the loop.
    log::warning(std::string("sync: no thread to retire the MQTT client: ") + e.what());
    asio::post(ioc_, [this, alive = alive_] {
      if (*alive) on_client_retired();
    });
  }
}

void MqttLink::on_client_retired() {
  retiring_ = false;
  if (connect_when_retired_) {
    connect_when_retired_ = false;
    connect();
  }
}

void MqttLink::stop() {
  stopped_ = true;
  reconnect_timer_.cancel();
  drain_timer_.cancel();  // what arrives from now on is not wanted
  if (client_ && connected_) {
    // What still waits (the caller's offline status, when acks took the room the engine keeps
    // free) goes to Paho now: no PUBACK reaches the loop while it waits for the disconnect
    // below. Paho sends a publish beyond the broker's limit within its 1 s housekeeping, which
    // the disconnect's wait may cut short.
    while (!waiting_.empty()) {
      Waiting next = std::move(waiting_.front());
      waiting_.pop_front();
      send(std::move(next));
    }
    try {
      client_->disconnect(std::chrono::milliseconds(500))->wait_for(std::chrono::seconds(1));
    } catch (const mqtt::exception&) {
      // Shutting down: a failed disconnect changes nothing.
    }
  }
  connected_ = false;
  fail_waiting();
}

void MqttLink::publish(const std::string& topic, std::string payload, bool retained,
                       std::function<void(bool)> done) {
  if (!client_ || !connected_ ||
      ((in_flight_ >= send_quota() || !waiting_.empty()) && waiting_.size() >= kMaxWaiting)) {
    asio::post(ioc_, [done = std::move(done)] { done(false); });
    return;
  }
  Waiting w{topic, std::move(payload), retained, std::move(done)};
  if (in_flight_ >= send_quota() || !waiting_.empty()) {
    waiting_.push_back(std::move(w));
    return;
  }
  send(std::move(w));
}

void MqttLink::send(Waiting w) {
  ++in_flight_;
  const std::uint64_t generation = client_generation_;
  auto* listener = new Listener(
      ioc_, alive_, [this, generation, done = std::move(w.done)](bool ok, int, std::string, int) {
        if (generation == client_generation_) {
          --in_flight_;
          while (connected_ && !waiting_.empty() && in_flight_ < send_quota()) {
            Waiting next = std::move(waiting_.front());
            waiting_.pop_front();
            send(std::move(next));
          }
        }
        done(ok);
      });
  try {
    client_->publish(mqtt::make_message(w.topic, std::move(w.payload), 1, w.retained), nullptr,
                     *listener);
  } catch (const mqtt::exception& e) {
    listener->abandon(e.what());
  }
}

// Publishes still waiting fail; the engine sends its outbox again after reconnecting.
void MqttLink::fail_waiting() {
  while (!waiting_.empty()) {
    asio::post(ioc_, [done = std::move(waiting_.front().done)] { done(false); });
    waiting_.pop_front();
  }
}

}  // namespace storeedge::sync
