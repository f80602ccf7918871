// The OMS sync on the loop: feeds arriving down messages through the applier in batches (one
// write-queue change, so one fsync, per batch), answers with acks, nacks and resync requests,
// and publishes the outbox in seq order with as many in flight as the broker's Receive Maximum
// allows (bounded). Loop thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "store/write_queue.h"
#include "sync/down_applier.h"
#include "sync/down_batch.h"
#include "sync/mqtt_link.h"
#include "sync/outbox.h"

namespace storeedge::sync {

struct SyncFigures {
  bool connected = false;
  std::string down_epoch;
  std::int64_t applied = 0;
  std::int64_t held = 0;
  std::int64_t in_flight = 0;
  std::int64_t window = 0;  // outbox messages kept in flight on this connection; 0 offline
  std::uint64_t received = 0, quarantined = 0, duplicates = 0, gaps = 0, published = 0;
  std::uint64_t dropped = 0;  // down messages dropped while the store was behind (asked again)
  bool outbox_stale = false;  // the oldest unacknowledged fact is older than the warning age
};

class SyncEngine {
 public:
  SyncEngine(boost::asio::io_context& ioc, store::WriteQueue& writes, store::Connection& reader,
             const Clock& clock, const Config& config);
  ~SyncEngine();
  void start();
  // Publishes the offline status and disconnects.
  void stop();
  // New outbox rows were committed: publish them when the window allows.
  void kick();
  // Applies the reloadable sync settings (SIGHUP).
  void reconfigure(const Config& config);
  // What applying the down stream also does (down_applier.h); set before start().
  void set_down_hooks(DownHooks hooks) { hooks_ = std::move(hooks); }
  // order.lookup: asks the OMS for the orders matching `query` (the contract's {order?,
  // receipt?, email_hash?}). `done` runs on the loop, later (never inside this call), with the
  // orders (possibly none), or the error "unavailable" (offline, or too many lookups waiting) or
  // "timeout" (no answer within sync.lookup_timeout).
  using LookupDone = std::function<void(Result<boost::json::array>)>;
  void lookup_order(boost::json::object query, LookupDone done);
  SyncFigures figures() const;
  void append_metrics(std::string& out) const;

 private:
  struct Lookup {
    LookupDone done;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  void finish_lookup(const std::string& request, Result<boost::json::array> result);
  void on_connected();
  void on_messages(std::vector<std::string> payloads);
  void apply_next_batch();
  void on_batch_done(const std::shared_ptr<DownBatch>& batch);
  void on_batch_failed(const std::shared_ptr<DownBatch>& batch, const Error& why);
  void wait_for_fill();
  void ask_for_missing();
  void forget_held(const std::function<bool(std::int64_t)>& pred);
  void send_control(const std::string& type, boost::json::object body);
  void send_ack(bool force);
  void publish_outbox();
  void send_from(std::int64_t seq);  // (re)start publishing at `seq`
  std::int64_t outbox_window() const;
  void resend_if_stalled();
  void housekeeping();
  void publish_status(bool online);
  void arm_ack_timer();
  std::string now() const { return format_rfc3339(clock_.now()); }

  boost::asio::io_context& ioc_;
  store::WriteQueue& writes_;
  store::Connection& reader_;
  const Clock& clock_;
  const std::string store_;
  DownHooks hooks_;
  SyncConfig sync_config_;
  std::chrono::steady_clock::time_point last_prune_{};
  std::chrono::steady_clock::time_point last_stale_warning_{};
  bool outbox_stale_ = false;
  std::string up_epoch_;
  std::string down_topic_, up_topic_, status_topic_;
  std::unique_ptr<MqttLink> link_;
  boost::asio::steady_timer ack_timer_;

  std::deque<std::string> inbound_;
  std::size_t waiting_ = 0, waiting_bytes_ = 0;  // inbound_, the batch being applied, held_
  bool applying_ = false;
  boost::asio::steady_timer retry_timer_;    // a failed batch is tried again
  std::chrono::milliseconds retry_delay_{};  // zero unless the last batch failed
  boost::asio::steady_timer fill_timer_;     // a batch waiting to fill (kFillWait)
  bool filling_ = false;
  std::chrono::steady_clock::time_point fill_deadline_{};
  bool resync_after_drop_ = false;  // ask for the dropped messages once caught up
  std::uint64_t dropped_ = 0, dropped_logged_ = 0;
  std::map<std::int64_t, std::string> held_;  // gap: seq → payload, bounded
  bool resync_on_connect_ = false;            // set by a restore (storeedgectl restore)
  std::string down_epoch_;
  std::int64_t applied_ = 0;
  std::int64_t acked_sent_ = -1;
  std::int64_t resync_from_sent_ = 0;
  std::chrono::steady_clock::time_point last_resync_at_{};

  std::int64_t next_send_ = 1;    // next outbox seq to publish
  std::deque<OutboxRow> ahead_;   // rows read ahead from next_send_ on
  std::int64_t in_flight_ = 0;    // published, not yet PUBACKed
  std::uint64_t generation_ = 0;  // counts connections; callbacks of older ones are ignored
  std::int64_t first_unacked_ = 0;
  std::optional<std::chrono::steady_clock::time_point> oms_stalled_since_;
  std::uint64_t received_ = 0, quarantined_ = 0, duplicates_ = 0, gaps_ = 0, published_ = 0;
  std::uint64_t control_id_ = 0;
  std::map<std::string, Lookup> lookups_;  // order.lookup request id → waiting caller
  bool stopping_ = false;
};

}  // namespace storeedge::sync
