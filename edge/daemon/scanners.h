// The daemon's scanners: udev discovery feeds the device registry; each scanner found (a HID
// POS scanner, or a bound wedge, serial or libusb one) gets its transport from scanner/ and a
// lifecycle runner; each scan is recorded in the `scanners` table and then routed to the
// station's live scan streams. Loop thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/json/array.hpp>
#include <map>
#include <memory>
#include <string>

#include "api/scan_router.h"
#include "core/clock.h"
#include "core/config.h"
#include "devices/lifecycle.h"
#include "devices/registry.h"
#include "devices/udev_discovery.h"
#include "scanner/source.h"
#include "store/write_queue.h"

namespace storeedge::daemon {

class ScannerService {
 public:
  ScannerService(boost::asio::io_context& ioc, store::WriteQueue& writes, const Clock& clock,
                 const DevicesConfig& config, api::ScanRouter& router);
  ~ScannerService();

  // Marks the rows of the last run released, then starts discovery. Without udev (a container)
  // the daemon runs on without scanners and says so.
  void start();
  // Releases every device (state released) and stops discovery.
  void stop();

  boost::json::array to_json() const;
  void append_metrics(std::string& out) const;

 private:
  using Runner = devices::DeviceRunner<scanner::ScanEvent>;

  void on_added(devices::DeviceInfo info);
  // Bindings by path (a built-in serial port, a pseudo-terminal) need not be known to udev:
  // their nodes are opened directly, and looked for again every few seconds while absent.
  void attach_path_bindings();
  void arm_path_check();
  void on_removed(const std::string& syspath);
  // The transport for a device, or nullptr when the device is not one to open.
  std::unique_ptr<scanner::ScanSource> make_source(const devices::DeviceInfo& info,
                                                   const ScannerBinding* binding,
                                                   std::string& transport) const;
  boost::asio::awaitable<void> deliver(std::string id, scanner::ScanEvent scan);
  void persist(const devices::DeviceStatus& d);

  boost::asio::io_context& ioc_;
  store::WriteQueue& writes_;
  const Clock& clock_;
  DevicesConfig config_;
  api::ScanRouter& router_;
  devices::DeviceRegistry registry_;
  std::unique_ptr<devices::UdevDiscovery> discovery_;
  boost::asio::steady_timer path_check_;
  std::map<std::string, std::shared_ptr<Runner>> runners_;  // by registry id
  std::uint64_t scans_ = 0, routed_ = 0, unrouted_ = 0, bad_scans_ = 0;
  bool stopped_ = false;
};

}  // namespace storeedge::daemon
