// The running daemon: wires the store, the API and the HTTP server onto one io_context and
// handles signals, systemd notifications and the watchdog. Only main() constructs it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>

#include "api/api.h"
#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/config.h"
#include "daemon/printing.h"
#include "daemon/scanners.h"
#include "http/server.h"
#include "store/state_dir.h"
#include "store/write_queue.h"
#include "sync/engine.h"

namespace storeedge::daemon {

class Daemon {
 public:
  Daemon(Config config, std::string config_file, ConfigOverrides overrides);
  ~Daemon();
  // Opens the store, binds the listener, announces readiness and runs until SIGTERM/SIGINT.
  // Returns the process exit code.
  int run();

 private:
  void on_signal(int signo);
  void reload();
  void begin_shutdown();
  void arm_watchdog(std::chrono::microseconds interval);
  // Hourly: forgets idempotency keys older than 24 hours.
  void arm_housekeeping();
  void arm_store_probe();
  std::string status_line() const;

  Config config_;
  const std::string config_file_;
  const ConfigOverrides overrides_;
  std::string state_dir_;
  std::optional<store::StateDirLock> lock_;  // held while the daemon runs
  boost::asio::io_context ioc_{1};
  boost::asio::signal_set signals_{ioc_};
  boost::asio::steady_timer watchdog_timer_{ioc_};
  boost::asio::steady_timer housekeeping_timer_{ioc_};
  boost::asio::steady_timer probe_timer_{ioc_};
  SystemClock clock_;
  std::unique_ptr<store::Connection> reader_;
  std::unique_ptr<store::WriteQueue> writes_;
  std::unique_ptr<BlockingPool> pool_;
  std::unique_ptr<sync::SyncEngine> sync_;
  std::unique_ptr<api::ScanRouter> scan_router_;
  std::unique_ptr<ScannerService> scanners_;
  std::unique_ptr<Printing> printing_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<http::Server> server_;
  std::string listen_address_;
  bool stopping_ = false;
};

}  // namespace storeedge::daemon
