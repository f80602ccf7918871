#include "sync/engine.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include "core/log.h"
#include "core/metrics.h"
#include "store/state_dir.h"
#include "sync/contract.h"
#include "sync/down_applier.h"
#include "sync/down_batch.h"
#include "sync/outbox.h"

namespace storeedge::sync {

namespace json = boost::json;

namespace {
constexpr std::size_t kMaxBatch = 2000;  // down messages per transaction
// While a stream keeps coming, the next batch starts once this many wait, or after kFillWait, or
// when no message came for kFillQuiet:
// a few large commits instead of one per hundred messages (docs/sync.md, "The ingest").
constexpr std::size_t kFillBatch = 1000;
constexpr auto kFillWait = std::chrono::milliseconds(30);
constexpr auto kFillQuiet = std::chrono::milliseconds(3);  // the stream paused: start now
constexpr std::size_t kMaxHeld = 10'000;                   // messages held behind a gap
// Down messages received and not yet applied (queued, in the batch being applied, or held behind
// a gap) while the writer is behind or failing: beyond either bound, arriving messages are
// dropped and asked for again (resync.request) once the queue has drained, so that a flood or a
// stalled disk cannot exhaust the memory.
constexpr std::size_t kMaxInbound = 100'000;
constexpr std::size_t kMaxInboundBytes = 64u << 20;
constexpr auto kFirstRetry = std::chrono::milliseconds(100);  // after a batch failed to commit
constexpr auto kLastRetry = std::chrono::milliseconds(10'000);
// A resync.request for the same position goes again after this long without progress (the
// first may have been lost with the link).
constexpr auto kResyncRepeat = std::chrono::seconds(5);
constexpr int kReadAhead = 256;               // outbox rows read per query while publishing
constexpr std::int64_t kFallbackWindow = 16;  // outbox messages in flight over MQTT 3.1.1
constexpr std::size_t kMaxLookups = 64;       // order.lookup requests waiting for the OMS
}  // namespace

SyncEngine::SyncEngine(boost::asio::io_context& ioc, store::WriteQueue& writes,
                       store::Connection& reader, const Clock& clock, const Config& config)
    : ioc_(ioc),
      writes_(writes),
      reader_(reader),
      clock_(clock),
      store_(config.store),
      sync_config_(config.sync),
      ack_timer_(ioc),
      retry_timer_(ioc),
      fill_timer_(ioc) {
  const std::string base = "oms/v1/" + config.tenant + "/stores/" + config.store;
  down_topic_ = base + "/down";
  up_topic_ = base + "/up";
  status_topic_ = base + "/status";
  if (auto identity = load_up_identity(reader_)) up_epoch_ = identity->epoch;
  if (auto pos = load_down_position(reader_)) {
    down_epoch_ = pos->epoch.value_or("");
    applied_ = pos->applied;
  }
  if (auto flag = store::read_meta(reader_, kResyncAfterRestore); flag && *flag)
    resync_on_connect_ = true;
  LinkOptions options;
  options.uri = config.mqtt_uri;
  options.client_id = "edge-" + config.tenant + "-" + config.store;
  options.subscribe_topic = down_topic_;
  options.will_topic = status_topic_;
  options.will_payload = R"({"state":"offline"})";
  options.tls_ca = config.mqtt.tls_ca;
  options.tls_cert = config.mqtt.tls_cert;
  options.tls_key = config.mqtt.tls_key;
  link_ = std::make_unique<MqttLink>(
      ioc, options,
      LinkHandlers{
          [this] { on_connected(); },
          [](std::string why) { log::info("sync: disconnected: " + why); },
          [this](std::vector<std::string> payloads) { on_messages(std::move(payloads)); }});
}

SyncEngine::~SyncEngine() = default;

void SyncEngine::start() {
  link_->start();
  arm_ack_timer();
}

void SyncEngine::stop() {
  stopping_ = true;
  ack_timer_.cancel();
  retry_timer_.cancel();
  fill_timer_.cancel();
  while (!lookups_.empty())
    finish_lookup(lookups_.begin()->first, make_error("unavailable", "the store is shutting down"));
  // A clean disconnect suppresses the Will, so say "offline" first; the disconnect lets
  // in-flight publishes finish.
  if (link_->connected()) publish_status(false);
  link_->stop();
}

void SyncEngine::on_connected() {
  // Unacknowledged rows go again from the first one; the OMS deduplicates.
  ++generation_;
  in_flight_ = 0;
  if (auto rows = pending(reader_, 1, 1); rows && !rows->empty()) send_from((*rows)[0].seq);
  publish_status(true);
  send_ack(true);
  if (resync_on_connect_ && !down_epoch_.empty()) {
    // The database was restored from a backup: the OMS sent (and we acknowledged) more than it
    // holds. Ask for everything after what it applied; duplicates are ignored.
    log::notice("sync: restored database; asking the OMS to replay from " +
                std::to_string(applied_ + 1));
    send_control("resync.request", {{"epoch", down_epoch_}, {"from", applied_ + 1}});
    resync_on_connect_ = false;
    writes_.submit(
        [](store::Connection& db) {
          return store::run(db, "DELETE FROM store_meta WHERE key = ?1",
                            [](store::Statement& s) { s.bind(1, kResyncAfterRestore); });
        },
        [](Result<void>) {});
  }
  // A gap or a drop still waiting for its replay asks again on the new connection: the request
  // may have been lost with the old one.
  resync_from_sent_ = 0;
  if (!held_.empty() || resync_after_drop_) ask_for_missing();
  publish_outbox();
}

void SyncEngine::on_messages(std::vector<std::string> payloads) {
  received_ += payloads.size();
  for (std::string& payload : payloads) {
    // Longer than the contract allows: quarantined as too_large from its first bytes alone.
    if (payload.size() > kMaxPayloadBytes + 1) payload.resize(kMaxPayloadBytes + 1);
    if (waiting_ >= kMaxInbound || waiting_bytes_ + payload.size() > kMaxInboundBytes) {
      if (dropped_++ == dropped_logged_)
        log::warning(
            "sync: the store is behind the OMS; dropping down messages and asking "
            "for them again once it has caught up");
      resync_after_drop_ = true;
      continue;
    }
    ++waiting_;
    waiting_bytes_ += payload.size();
    inbound_.push_back(std::move(payload));
  }
  if (filling_ && inbound_.size() >= kFillBatch) {
    fill_timer_.cancel();
    filling_ = false;
    applying_ = false;
  } else if (filling_) {
    wait_for_fill();  // more came: wait for the next ones, up to the deadline
  }
  if (!applying_) apply_next_batch();
}

void SyncEngine::apply_next_batch() {
  if (inbound_.empty() || stopping_) return;
  applying_ = true;
  auto batch = std::make_shared<DownBatch>();
  while (!inbound_.empty() && batch->payloads.size() < kMaxBatch) {
    batch->payloads.push_back(std::move(inbound_.front()));
    inbound_.pop_front();
  }
  const std::string at = now();
  const std::string store = store_;
  writes_.submit(
      [batch, at, store, hooks = hooks_](store::Connection& db) {
        return apply_down_batch(db, *batch, at, store, hooks);
      },
      [this, batch](Result<void> r) {
        boost::asio::post(ioc_, [this, batch, r = std::move(r)] {
          if (!r) return on_batch_failed(batch, r.error());
          on_batch_done(batch);
        });
      });
}

// Nothing of the batch took effect (the store refuses writes: disk full, a failed store): its
// messages go back to the front of the queue and are tried again later, less often each time.
void SyncEngine::on_batch_failed(const std::shared_ptr<DownBatch>& batch, const Error& why) {
  if (stopping_) return;
  if (retry_delay_.count() == 0)
    log::warning("sync: could not apply " + std::to_string(batch->payloads.size()) +
                 " down message(s), trying again: " + why.message);
  retry_delay_ = retry_delay_.count() == 0 ? kFirstRetry : std::min(retry_delay_ * 2, kLastRetry);
  for (auto it = batch->payloads.rbegin(); it != batch->payloads.rend(); ++it)
    inbound_.push_front(std::move(*it));
  retry_timer_.expires_after(retry_delay_);
  retry_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    applying_ = false;
    apply_next_batch();
  });
}

void SyncEngine::on_batch_done(const std::shared_ptr<DownBatch>& batch) {
  applying_ = false;
  waiting_ -= batch->payloads.size();
  for (const std::string& payload : batch->payloads) waiting_bytes_ -= payload.size();
  if (retry_delay_.count() != 0) {
    log::notice("sync: applying down messages again");
    retry_delay_ = {};
  }
  const bool new_epoch = batch->down_epoch != down_epoch_;
  down_epoch_ = batch->down_epoch;
  applied_ = batch->applied;
  if (new_epoch) forget_held([](std::int64_t) { return true; });
  for (std::size_t i = 0; i < batch->outcomes.size(); ++i) {
    const Outcome& o = batch->outcomes[i];
    switch (o.disposition) {
      case Disposition::applied:
        break;
      case Disposition::duplicate:
        ++duplicates_;
        acked_sent_ = -1;  // acknowledge again
        break;
      case Disposition::quarantined: {
        ++quarantined_;
        json::object nack{{"code", o.refusal->code}, {"reason", o.refusal->message}};
        if (o.cited.epoch) nack["epoch"] = *o.cited.epoch;
        if (o.cited.seq) nack["seq"] = *o.cited.seq;
        if (o.cited.id) nack["id"] = *o.cited.id;
        send_control("nack", std::move(nack));
        break;
      }
      case Disposition::gap: {
        ++gaps_;
        // Held in the epoch the batch ended in; a gap of an earlier epoch is of no use.
        const std::string& payload = batch->payloads[batch->outcome_payload[i]];
        if (held_.size() < kMaxHeld && o.cited.epoch == batch->down_epoch &&
            held_.emplace(*o.cited.seq, payload).second) {
          ++waiting_;
          waiting_bytes_ += payload.size();
        }
        break;
      }
      case Disposition::epoch_refused:
        send_control("resync.request", {{"epoch", *o.cited.epoch}, {"from", 1}});
        break;
    }
  }
  for (const auto& [type, body] : batch->controls) {
    if (type == "replay.request" && json::value_to<std::string>(body.at("epoch")) == up_epoch_) {
      send_from(std::min(next_send_, body.at("from").to_number<std::int64_t>()));
    } else if (type == "order.lookup.result") {
      finish_lookup(json::value_to<std::string>(body.at("request")), body.at("orders").as_array());
    }
  }
  // Held messages whose turn has come go back in line, in order; a remaining gap asks the OMS.
  forget_held([&](std::int64_t seq) { return seq <= applied_; });
  if (!held_.empty()) {
    if (held_.begin()->first == applied_ + 1) {
      for (auto& [seq, payload] : held_) inbound_.push_front(std::move(payload));  // still counted
      std::reverse(inbound_.begin(), inbound_.begin() + static_cast<long>(held_.size()));
      held_.clear();
    } else if (resync_from_sent_ != applied_ + 1) {
      ask_for_missing();
    }
  }
  if (batch->outbox_grew) kick();
  publish_outbox();  // acks may have freed room
  // Caught up: acknowledge now rather than on the next tick, so the OMS can settle sooner, and
  // ask again for what was dropped while the queue was full.
  if (inbound_.empty()) {
    send_ack(false);
    if (resync_after_drop_) {
      ask_for_missing();
      // Dropped control messages are not in the down stream: publishing the unacknowledged
      // facts again makes the OMS answer them again (ack, nack), as after a reconnect.
      if (auto rows = pending(reader_, 1, 1); rows && !rows->empty()) send_from((*rows)[0].seq);
    }
  }
  // More arrived while the batch committed, but few: let the batch fill for a moment. A message
  // that finds the writer idle is applied at once; one in a stream waits at most kFillWait, and
  // the last of a burst kFillQuiet.
  if (!inbound_.empty() && inbound_.size() < kFillBatch && !stopping_) {
    filling_ = true;
    applying_ = true;  // on_messages starts the batch once it is full
    fill_deadline_ = std::chrono::steady_clock::now() + kFillWait;
    wait_for_fill();
    return;
  }
  apply_next_batch();
}

// The filling batch starts when kFillQuiet passes without a message, or at its deadline.
void SyncEngine::wait_for_fill() {
  fill_timer_.expires_at(std::min(std::chrono::steady_clock::now() + kFillQuiet, fill_deadline_));
  fill_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !filling_) return;
    filling_ = false;
    applying_ = false;
    apply_next_batch();
  });
}

void SyncEngine::lookup_order(json::object query, LookupDone done) {
  auto fail = [&](const char* code, const char* message) {
    boost::asio::post(ioc_, [done = std::move(done), e = make_error(code, message)] { done(e); });
  };
  if (!link_->connected() || stopping_) return fail("unavailable", "the OMS is not reachable");
  if (lookups_.size() >= kMaxLookups)
    return fail("unavailable", "too many order lookups are waiting for the OMS; retry");
  std::string request = "lk-" + up_epoch_ + "-" + std::to_string(++control_id_);
  auto timer = std::make_unique<boost::asio::steady_timer>(ioc_, sync_config_.lookup_timeout);
  timer->async_wait([this, request](boost::system::error_code ec) {
    if (!ec)
      finish_lookup(request,
                    make_error("timeout", "the OMS did not answer the order lookup in time"));
  });
  lookups_.emplace(request, Lookup{std::move(done), std::move(timer)});
  send_control("order.lookup", {{"request", request}, {"query", std::move(query)}});
}

// Answers (or times out) a waiting lookup; an answer nobody waits for any more is dropped.
void SyncEngine::finish_lookup(const std::string& request, Result<json::array> result) {
  auto it = lookups_.find(request);
  if (it == lookups_.end()) return;
  it->second.timer->cancel();
  boost::asio::post(ioc_, [done = std::move(it->second.done), r = std::move(result)] { done(r); });
  lookups_.erase(it);
}

void SyncEngine::reconfigure(const Config& config) {
  sync_config_.outbox_warn_age = config.sync.outbox_warn_age;
  sync_config_.lookup_timeout = config.sync.lookup_timeout;
}

void SyncEngine::send_control(const std::string& type, json::object body) {
  Envelope e{type,
             up_epoch_ + "-c" + std::to_string(++control_id_) + "-" +
                 std::to_string(clock_.now().time_since_epoch().count() % 1'000'000'000),
             store_,
             up_epoch_,
             std::nullopt,
             now(),
             std::move(body)};
  link_->publish(up_topic_, serialize(e), false, [](bool) {});
}

void SyncEngine::send_ack(bool force) {
  if (!link_->connected() || down_epoch_.empty()) return;
  if (!force && acked_sent_ == applied_) return;
  acked_sent_ = applied_;
  send_control("ack", {{"epoch", down_epoch_}, {"through", applied_}});
}

// Asks the OMS to send the down stream again from applied + 1 (contract §3): behind a gap, and
// after messages were dropped while the queue was full. Only while connected; on_connected
// asks again for what is still missing.
void SyncEngine::ask_for_missing() {
  if (down_epoch_.empty() || !link_->connected()) return;
  send_control("resync.request", {{"epoch", down_epoch_}, {"from", applied_ + 1}});
  resync_from_sent_ = applied_ + 1;
  last_resync_at_ = std::chrono::steady_clock::now();
  if (resync_after_drop_) {
    resync_after_drop_ = false;
    dropped_logged_ = dropped_;
  }
}

// Drops the held messages whose seq satisfies `pred`, and their share of the queue's bound.
void SyncEngine::forget_held(const std::function<bool(std::int64_t)>& pred) {
  for (auto it = held_.begin(); it != held_.end();) {
    if (!pred(it->first)) {
      ++it;
      continue;
    }
    --waiting_;
    waiting_bytes_ -= it->second.size();
    it = held_.erase(it);
  }
}

void SyncEngine::arm_ack_timer() {
  ack_timer_.expires_after(std::chrono::seconds(1));
  ack_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    send_ack(false);
    // A replay that has not come: ask again (the request, or the replay, may have been lost).
    if ((!held_.empty() || resync_after_drop_) && inbound_.empty() && !applying_ &&
        std::chrono::steady_clock::now() - last_resync_at_ >= kResyncRepeat)
      ask_for_missing();
    resend_if_stalled();
    publish_outbox();
    housekeeping();
    arm_ack_timer();
  });
}

void SyncEngine::kick() {
  publish_outbox();
}

// Hourly: prune acknowledged rows past their retention. Every tick: warn (at most hourly) while
// the oldest unacknowledged fact is older than the warning age.
void SyncEngine::housekeeping() {
  const auto now_steady = std::chrono::steady_clock::now();
  if (last_prune_ == std::chrono::steady_clock::time_point{} ||
      now_steady - last_prune_ >= std::chrono::hours(1)) {
    last_prune_ = now_steady;
    const std::string cutoff = format_rfc3339(clock_.now() - sync_config_.outbox_retention);
    writes_.submit(
        [cutoff](store::Connection& db) -> Result<void> {
          auto pruned = prune(db, cutoff);
          if (!pruned) return pruned.error();
          return {};
        },
        [](Result<void> r) {
          if (!r) log::warning("sync: pruning the outbox failed: " + r.error().message);
        });
  }
  auto oldest = oldest_unacked_at(reader_);
  if (!oldest) return;
  outbox_stale_ = false;
  if (*oldest) {
    const std::string limit = format_rfc3339(clock_.now() - sync_config_.outbox_warn_age);
    outbox_stale_ = **oldest < limit;  // RFC 3339 UTC compares as text
  }
  if (outbox_stale_ && now_steady - last_stale_warning_ >= std::chrono::hours(1)) {
    last_stale_warning_ = now_steady;
    auto f = outbox_figures(reader_);
    log::warning("sync: " + (f ? std::to_string(f->depth) : std::string("some")) +
                 " fact(s) not acknowledged by the OMS, the oldest since " + **oldest +
                 (link_->connected() ? "" : " (offline)"));
  }
}

// A row is done only when the OMS's ack covers it. When everything sent has been PUBACKed but
// the OMS's ack has not moved for a while, the OMS lost some of it: send again from the first
// unacknowledged row (the OMS deduplicates by epoch, seq and id).
void SyncEngine::resend_if_stalled() {
  auto rows = pending(reader_, 1, 1);
  if (!rows || rows->empty()) {
    oms_stalled_since_.reset();
    return;
  }
  const std::int64_t first = (*rows)[0].seq;
  if (first != first_unacked_) {
    first_unacked_ = first;
    oms_stalled_since_ = std::chrono::steady_clock::now();
    return;
  }
  if (!oms_stalled_since_ || in_flight_ > 0 || next_send_ <= first) return;
  if (std::chrono::steady_clock::now() - *oms_stalled_since_ < std::chrono::seconds(5)) return;
  log::info("sync: the OMS has not acknowledged up seq " + std::to_string(first) +
            " for 5 s; sending again from there");
  send_from(first);
  oms_stalled_since_ = std::chrono::steady_clock::now();
}

void SyncEngine::send_from(std::int64_t seq) {
  next_send_ = seq;
  ahead_.clear();
}

// One less than the link keeps in flight (the broker's Receive Maximum), so that an ack or the
// status does not wait behind the outbox; 16 over MQTT 3.1.1, which has no Receive Maximum.
std::int64_t SyncEngine::outbox_window() const {
  if (link_->protocol() != 5) return kFallbackWindow;
  return std::max(1, link_->send_quota() - 1);
}

void SyncEngine::publish_outbox() {
  while (link_->connected() && !stopping_ && in_flight_ < outbox_window()) {
    if (ahead_.empty()) {
      auto rows = pending(reader_, next_send_, kReadAhead);
      if (!rows) {
        log::warning("sync: cannot read the outbox: " + rows.error().message);
        return;
      }
      if (rows->empty()) return;
      ahead_.assign(std::make_move_iterator(rows->begin()), std::make_move_iterator(rows->end()));
    }
    OutboxRow row = std::move(ahead_.front());
    ahead_.pop_front();
    ++in_flight_;
    next_send_ = row.seq + 1;
    link_->publish(up_topic_, std::move(row.payload), false,
                   [this, seq = row.seq, generation = generation_](bool ok) {
                     if (generation != generation_) return;  // from an earlier connection
                     --in_flight_;
                     if (ok) {
                       ++published_;
                       publish_outbox();
                     } else {
                       // Not sent: go back to it; the next tick (or reconnect) retries.
                       send_from(std::min(next_send_, seq));
                     }
                   });
  }
}

void SyncEngine::publish_status(bool online) {
  json::object status{
      {"state", online ? "online" : "offline"}, {"at", now()}, {"version", STOREEDGE_VERSION}};
  if (online) {
    status["down"] = {{"epoch", down_epoch_}, {"applied", applied_}};
    if (auto f = outbox_figures(reader_)) {
      status["up"] = {{"epoch", up_epoch_}, {"next", f->next}, {"acked", f->acked}};
      status["outbox"] = f->depth;
    }
  }
  link_->publish(status_topic_, json::serialize(status), true, [](bool) {});
}

SyncFigures SyncEngine::figures() const {
  SyncFigures f{link_->connected(), down_epoch_,
                applied_,           static_cast<std::int64_t>(held_.size()),
                in_flight_,         link_->connected() ? outbox_window() : 0,
                received_,          quarantined_,
                duplicates_,        gaps_,
                published_};
  f.dropped = dropped_;
  f.outbox_stale = outbox_stale_;
  return f;
}

void SyncEngine::append_metrics(std::string& out) const {
  using metrics::append_header;
  using metrics::append_sample;
  const SyncFigures f = figures();
  auto gauge = [&](const char* name, const char* help, double v) {
    append_header(out, name, "gauge", help);
    append_sample(out, name, "", v);
  };
  auto counter = [&](const char* name, const char* help, double v) {
    append_header(out, name, "counter", help);
    append_sample(out, name, "", v);
  };
  gauge("storeedge_sync_connected", "1 while the MQTT link to the OMS is up.", f.connected);
  gauge("storeedge_sync_down_applied", "Highest contiguously applied down seq.",
        static_cast<double>(f.applied));
  gauge("storeedge_sync_down_held", "Down messages held behind a gap.",
        static_cast<double>(f.held));
  counter("storeedge_sync_down_received_total", "Down messages received.",
          static_cast<double>(f.received));
  counter("storeedge_sync_down_quarantined_total", "Down messages refused and quarantined.",
          static_cast<double>(f.quarantined));
  counter("storeedge_sync_down_duplicates_total", "Down messages already applied.",
          static_cast<double>(f.duplicates));
  counter("storeedge_sync_down_gaps_total", "Down messages that arrived ahead of a gap.",
          static_cast<double>(f.gaps));
  counter("storeedge_sync_down_dropped_total",
          "Down messages dropped while the store was behind, and asked for again.",
          static_cast<double>(f.dropped));
  counter("storeedge_sync_up_published_total", "Outbox messages the broker accepted (PUBACK).",
          static_cast<double>(f.published));
  gauge("storeedge_sync_up_in_flight", "Outbox messages published and not yet PUBACKed.",
        static_cast<double>(f.in_flight));
  gauge("storeedge_sync_up_window",
        "Outbox messages kept in flight: the broker's Receive Maximum (0 while offline).",
        static_cast<double>(f.window));
  if (auto o = outbox_figures(reader_)) {
    gauge("storeedge_sync_outbox_depth", "Outbox messages the OMS has not acknowledged.",
          static_cast<double>(o->depth));
    gauge("storeedge_sync_outbox_exceptions", "Outbox messages the OMS refused (nack).",
          static_cast<double>(o->exceptions));
    double age = 0;
    if (o->oldest_unacked_at) {
      // RFC 3339 text to seconds: compare with now in the same form via the clock.
      std::tm tm{};
      if (strptime(o->oldest_unacked_at->c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) {
        const auto then = std::chrono::system_clock::from_time_t(timegm(&tm));
        age = std::chrono::duration<double>(clock_.now() - then).count();
      }
    }
    gauge("storeedge_sync_outbox_oldest_age_seconds",
          "Age of the oldest unacknowledged outbox message.", age);
  }
}

}  // namespace storeedge::sync
