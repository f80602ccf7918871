// The MQTT connection to the OMS's broker (Eclipse Paho C++, async). Paho's callbacks run on
// Paho's threads and only post to the loop; every method here and every handler is called on
// the loop. MQTT 5 first, falling back to 3.1.1 when the broker refuses the protocol;
// Clean Start = false with a 7-day session; reconnect with full jitter over a window that grows
// with the time offline (reconnect_backoff.h); at most the broker's Receive Maximum of publishes
// in flight.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sync/reconnect_backoff.h"

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
  BackoffPolicy reconnect;
};

struct LinkHandlers {
  std::function<void()> connected;  // subscribed and ready to publish
  std::function<void(std::string reason)> disconnected;
  // The messages that arrived since the last call, in order (usually one; more under load).
  std::function<void(std::vector<std::string> payloads)> messages;
};

class MqttLink {
 public:
  // Publishes in flight at most: a broker may grant up to 65 535; more than this brings nothing
  // on a store's link and holds that many payloads in Paho's memory.
  static constexpr int kMaxInFlight = 256;
  // In flight over MQTT 3.1.1, which has no Receive Maximum: mosquitto's default limit.
  static constexpr int kFallbackInFlight = 20;
  // Publishes waiting for room in flight (control messages beside the outbox's window).
  static constexpr std::size_t kMaxWaiting = 4096;

  MqttLink(boost::asio::io_context& ioc, LinkOptions options, LinkHandlers handlers);
  ~MqttLink();  // joins the thread that may still be destroying an old Paho client
  void start();
  // Stops reconnecting and disconnects (the broker then publishes nothing: a clean disconnect
  // suppresses the Will, so the caller publishes its offline status first).
  void stop();
  bool connected() const { return connected_; }
  int protocol() const { return protocol_; }  // 5 or 4 (3.1.1)
  // The broker's Receive Maximum from CONNACK (65 535 when an MQTT 5 broker sends none); 0 over
  // 3.1.1 or while never connected.
  int receive_maximum() const { return receive_maximum_; }
  // Publishes this connection keeps in flight (sent, not yet PUBACKed): the Receive Maximum, at
  // most kMaxInFlight; kFallbackInFlight over 3.1.1. Paho holds back a publish beyond the
  // broker's limit until its once-a-second housekeeping, so the link never gives it one.
  int send_quota() const;

  // QoS 1. `done(true)` once the broker acknowledged it (PUBACK), false if it failed (offline,
  // the connection lost, or kMaxWaiting already waiting); on the loop, never inside this call.
  // Beyond send_quota() a publish waits in the link, in order, for a PUBACK to make room.
  void publish(const std::string& topic, std::string payload, bool retained,
               std::function<void(bool)> done);

 private:
  class Listener;
  // Messages on their way from Paho's thread to the loop. Waking the loop costs both threads a
  // system call and a context switch, as much as a tenth of the store's CPU during an ingest if
  // done per message. So the first message after a quiet spell is posted at once; while more
  // keep coming, the loop collects them every kDrainInterval instead. Shared with Paho's
  // callback, which may outlive the link.
  struct Inbox {
    std::mutex mu;
    std::vector<std::string> payloads;  // guarded by mu
    bool draining = false;  // guarded by mu: the loop will collect (a post or the timer is due)
  };
  static constexpr std::chrono::milliseconds kDrainInterval{1};
  void drain_inbox();
  struct Waiting {
    std::string topic, payload;
    bool retained;
    std::function<void(bool)> done;
  };
  void connect();
  void schedule_reconnect(const std::string& why);
  void on_connect_result(bool ok, int code, const std::string& why, int receive_maximum);
  void on_connection_lost(const std::string& cause);
  void send(Waiting w);
  void fail_waiting();
  void retire_client();
  void on_client_retired();

  boost::asio::io_context& ioc_;
  LinkOptions options_;
  LinkHandlers handlers_;
  std::unique_ptr<mqtt::async_client> client_;
  std::uint64_t client_generation_ = 0;  // callbacks of an older client are ignored
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posts after destruction
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  boost::asio::steady_timer drain_timer_;
  boost::asio::steady_timer reconnect_timer_;
  ReconnectBackoff backoff_;
  // Destroys a finished client off the loop (see retire_client); one at a time.
  std::thread retirer_;
  bool retiring_ = false;
  bool connect_when_retired_ = false;
  int attempts_ = 0;  // since the last connection, for the log
  int protocol_ = 5;
  int receive_maximum_ = 0;
  int in_flight_ = 0;  // this connection's publishes not yet completed on the loop
  std::deque<Waiting> waiting_;
  bool connected_ = false;
  bool connecting_ = false;
  bool stopped_ = false;
};

}  // namespace storeedge::sync
