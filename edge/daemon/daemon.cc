#include "daemon/daemon.h"

#include <boost/asio/ssl/context.hpp>
#include <csignal>

#include "api/idempotency.h"
#include "core/log.h"
#include "core/systemd.h"
#include "printer/sscc.h"
#include "store/state_dir.h"

namespace storeedge::daemon {

namespace asio = boost::asio;

Daemon::Daemon(Config config, std::string config_file, ConfigOverrides overrides)
    : config_(std::move(config)),
      config_file_(std::move(config_file)),
      overrides_(std::move(overrides)) {}

Daemon::~Daemon() = default;

namespace {

Result<std::shared_ptr<asio::ssl::context>> make_tls(const HttpConfig& http) {
  if (http.tls_cert.empty()) return std::shared_ptr<asio::ssl::context>{};
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  if (ctx->use_certificate_chain_file(http.tls_cert, ec); ec)
    return make_error("config_bad_value", "http.tls_cert: " + ec.message());
  if (ctx->use_private_key_file(http.tls_key, asio::ssl::context::pem, ec); ec)
    return make_error("config_bad_value", "http.tls_key: " + ec.message());
  return ctx;
}

}  // namespace

int Daemon::run() {
  state_dir_ = resolve_state_dir(config_);
  auto lock = store::StateDirLock::acquire(state_dir_);
  if (!lock) {
    log::error("cannot use the state directory '" + state_dir_ + "': " + lock.error().message);
    return 1;
  }
  lock_.emplace(std::move(*lock));
  auto writer = store::open_store(state_dir_, config_);
  if (!writer) {
    log::error("cannot open the store in '" + state_dir_ + "': " + writer.error().message);
    return 1;
  }
  auto reader = store::open_reader(state_dir_, config_);
  if (!reader) {
    log::error("cannot open the store for reading: " + reader.error().message);
    return 1;
  }
  reader_ = std::make_unique<store::Connection>(std::move(*reader));
  writes_ = std::make_unique<store::WriteQueue>(
      std::move(*writer), store::WriteQueueOptions{config_.database.write_queue_limit,
                                                   config_.database.max_group_size});
  pool_ = std::make_unique<BlockingPool>(2, 64);
  auto tls = make_tls(config_.http);
  if (!tls) {
    log::error(tls.error().message);
    return 1;
  }
  sync_ = std::make_unique<sync::SyncEngine>(ioc_, *writes_, *reader_, clock_, config_);
  // The OMS could not make a package's carrier label: the store prints its own GS1 logistic
  // label, its job made in the same transaction as the label.failed (docs/printing.md).
  sync_->set_down_hooks({[shipping = config_.shipping](
                             store::Connection& db, const std::string& allocation,
                             const std::string& package, std::string_view at) -> Result<void> {
    auto job = printer::own_label_after_oms_failure(db, shipping, allocation, package, at);
    if (!job) return job.error();
    return {};
  }});
  // Scan numbers start from the clock, so they keep growing across restarts (a browser's
  // Last-Event-ID from before a restart then asks for nothing that was not sent).
  const auto epoch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
          .count();
  scan_router_ = std::make_unique<api::ScanRouter>(ioc_.get_executor(),
                                                   static_cast<std::uint64_t>(epoch_ms) * 1000);
  scanners_ =
      std::make_unique<ScannerService>(ioc_, *writes_, clock_, config_.devices, *scan_router_);
  printing_ = std::make_unique<Printing>(ioc_, *writes_, *reader_, clock_, config_);
  auto metrics = [this](std::string& out) {
    server_->append_metrics(out);
    writes_->append_metrics(out);
    sync_->append_metrics(out);
    scanners_->append_metrics(out);
    printing_->queue().append_metrics(out);
  };
  auto sync_status = [this] {
    const auto f = sync_->figures();
    return boost::json::object{{"connected", f.connected},
                               {"down_epoch", f.down_epoch},
                               {"applied", f.applied},
                               {"outbox_stale", f.outbox_stale}};
  };
  auto order_lookup = [this](boost::json::object query,
                             std::function<void(Result<boost::json::array>)> done) {
    sync_->lookup_order(std::move(query), std::move(done));
  };
  auto scanners = [this] { return scanners_->to_json(); };
  api_ = std::make_unique<api::Api>(api::ApiDeps{
      ioc_, *reader_, *writes_, *pool_, clock_, config_, metrics, sync_status, order_lookup,
      scan_router_.get(), scanners, [this] { return printing_->queue().printers_json(); },
      [this] { printing_->queue().wake(); },
      [this](const printer::PrintJob& job) { printing_->queue().cancel_at_printer(job); }});
  server_ = std::make_unique<http::Server>(
      ioc_, config_.http,
      [this](const http::Request& req, const http::RequestInfo& info) {
        return api_->handle(req, info);
      },
      *tls);
  auto bound = server_->listen();
  if (!bound) {
    log::error(bound.error().message);
    return 1;
  }
  listen_address_ = (*tls ? "https://" : "http://") + bound->address().to_string() + ":" +
                    std::to_string(bound->port());
  server_->start();

  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (!ec) on_signal(signo);
  });
  if (auto interval = systemd::watchdog_interval()) arm_watchdog(*interval);
  arm_housekeeping();
  arm_store_probe();

  log::notice("storeedged " STOREEDGE_VERSION " serving " + listen_address_ + " for tenant " +
              config_.tenant + " store " + config_.store + ", state in " + state_dir_);
  // The OMS link connects in the background; no broker is a normal, offline state.
  sync_->start();
  scanners_->start();
  printing_->start();
  systemd::notify("READY=1\nSTATUS=" + status_line());
  ioc_.run();

  server_.reset();
  api_.reset();
  scanners_.reset();
  printing_.reset();
  sync_.reset();
  pool_->stop();
  writes_->stop();
  writes_.reset();
  reader_.reset();
  log::notice("storeedged stopped");
  return 0;
}

std::string Daemon::status_line() const {
  const auto health = writes_->health();
  std::string s = "serving " + listen_address_ + "; store " + health.condition;
  if (!health.writable) s += " (" + health.reason + ")";
  return s;
}

void Daemon::on_signal(int signo) {
  if (signo == SIGHUP) {
    reload();
  } else if (!stopping_) {
    begin_shutdown();
  }
  signals_.async_wait([this](boost::system::error_code ec, int next) {
    if (!ec) on_signal(next);
  });
}

void Daemon::begin_shutdown() {
  stopping_ = true;
  systemd::notify("STOPPING=1\nSTATUS=stopping: finishing in-flight requests");
  log::notice("storeedged stopping: finishing in-flight requests");
  watchdog_timer_.cancel();
  housekeeping_timer_.cancel();
  probe_timer_.cancel();
  sync_->stop();
  scanners_->stop();
  printing_->stop();
  server_->shutdown(config_.http.shutdown_grace, [this] {
    // Everything the server acknowledged is committed; the remaining queue drains in stop().
    signals_.cancel();
    ioc_.stop();
  });
}

void Daemon::reload() {
  systemd::notify("RELOADING=1\nSTATUS=reloading configuration");
  auto fresh = load_config(config_file_, overrides_);
  if (!fresh) {
    log::error("reload failed, keeping the running configuration: " + fresh.error().message);
  } else {
    const Config& c = *fresh;
    if (c.state_dir != config_.state_dir || c.tenant != config_.tenant ||
        c.store != config_.store || c.http.host != config_.http.host ||
        c.http.port != config_.http.port || c.http.tls_cert != config_.http.tls_cert ||
        c.http.tls_key != config_.http.tls_key || c.mqtt_uri != config_.mqtt_uri ||
        c.http.allow_plain != config_.http.allow_plain ||
        c.http.max_connections != config_.http.max_connections ||
        c.auth.pin_hash_iterations != config_.auth.pin_hash_iterations ||
        c.database.write_queue_limit != config_.database.write_queue_limit ||
        c.database.max_group_size != config_.database.max_group_size ||
        c.database.busy_timeout != config_.database.busy_timeout)
      log::warning("reload: some changed settings take effect only after a restart");
    log::set_level(c.log_level);
    HttpConfig http = config_.http;
    http.max_header_bytes = c.http.max_header_bytes;
    http.max_body_bytes = c.http.max_body_bytes;
    http.request_timeout = c.http.request_timeout;
    http.idle_timeout = c.http.idle_timeout;
    http.shutdown_grace = c.http.shutdown_grace;
    server_->update_config(http);
    api_->reconfigure(c);
    sync_->reconfigure(c);
    config_.log_level = c.log_level;
    config_.sync.outbox_warn_age = c.sync.outbox_warn_age;
    config_.sync.lookup_timeout = c.sync.lookup_timeout;
    config_.http = http;
    const auto iterations = config_.auth.pin_hash_iterations;
    config_.auth = c.auth;
    config_.auth.pin_hash_iterations = iterations;
    log::notice("configuration reloaded");
  }
  systemd::notify("READY=1\nSTATUS=" + status_line());
}

// Pinged from the loop, so a loop that stops turning stops the pings and systemd restarts us.
void Daemon::arm_housekeeping() {
  const std::string cutoff = format_rfc3339(clock_.now() - std::chrono::hours(24));
  writes_->submit(
      [cutoff](store::Connection& db) -> Result<void> {
        auto pruned = api::prune_responses(db, cutoff);
        if (!pruned) return pruned.error();
        return {};
      },
      [](Result<void> r) {
        if (!r)
          log::warning("housekeeping: could not prune idempotency keys: " + r.error().message);
      });
  housekeeping_timer_.expires_after(std::chrono::hours(1));
  housekeeping_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) arm_housekeeping();
  });
}

void Daemon::arm_watchdog(std::chrono::microseconds interval) {
  watchdog_timer_.expires_after(interval / 2);
  watchdog_timer_.async_wait([this, interval](boost::system::error_code ec) {
    if (ec) return;
    systemd::notify("WATCHDOG=1");
    arm_watchdog(interval);
  });
}

// After disk full, a small write every few seconds finds out when space is back, so /readyz
// recovers without waiting for a client to try.
void Daemon::arm_store_probe() {
  probe_timer_.expires_after(std::chrono::seconds(5));
  probe_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    if (writes_->health().condition == "disk_full") {
      const std::string at = format_rfc3339(clock_.now());
      writes_->submit(
          [at](store::Connection& db) -> Result<void> {
            auto st = db.prepare(
                "INSERT INTO store_meta (key, value) VALUES ('last_write_probe', ?1)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            if (!st) return st.error();
            return (*st)->bind(1, at).run();
          },
          [](Result<void>) {});
    }
    arm_store_probe();
  });
}

}  // namespace storeedge::daemon
