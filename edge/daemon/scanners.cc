#include "daemon/scanners.h"

#include <unistd.h>

#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <span>

#include "core/log.h"
#include "core/metrics.h"
#include "devices/binding.h"
#include "devices/scanner_rows.h"
#include "scanner/evdev_source.h"
#include "scanner/hid_descriptor.h"
#include "scanner/hidraw_source.h"
#include "scanner/scan_json.h"
#include "scanner/serial_source.h"
#include "scanner/usb_hid_source.h"

namespace storeedge::daemon {

namespace asio = boost::asio;
using devices::DeviceInfo;
using devices::DeviceState;

namespace {

std::string real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return path;
  std::string out(resolved);
  std::free(resolved);
  return out;
}

bool is_hid_pos(const DeviceInfo& info) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(info.report_descriptor.data());
  return scanner::find_hid_pos(std::span(bytes, info.report_descriptor.size())).has_value();
}

scanner::SerialOptions serial_options(const ScannerBinding& b) {
  scanner::SerialOptions o;
  o.baud = b.baud;
  if (b.framing == "stx_etx") {
    o.framing.mode = scanner::FramingMode::stx_etx;
  } else if (b.framing == "crlf") {
    o.framing.mode = scanner::FramingMode::suffix;
    o.framing.suffix = "\r\n";
  } else if (b.framing == "lf") {
    o.framing.mode = scanner::FramingMode::suffix;
    o.framing.suffix = "\n";
  } else {
    o.framing.mode = scanner::FramingMode::suffix;
    o.framing.suffix = "\r";
  }
  return o;
}

// What the station's people see of a scan in the registry's last event.
std::string scan_summary(const scanner::ScanEvent& scan) {
  std::string text = scanner::valid_utf8(scan.label.substr(0, 64));
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  std::string s = "scan " + (scan.aim.empty() ? std::string() : scan.aim + " ") + text;
  if (scan.error) s += " (" + scan.error->code + ")";
  return s;
}

}  // namespace

ScannerService::ScannerService(asio::io_context& ioc, store::WriteQueue& writes, const Clock& clock,
                               const DevicesConfig& config, api::ScanRouter& router)
    : ioc_(ioc),
      writes_(writes),
      clock_(clock),
      config_(config),
      router_(router),
      registry_(clock),
      path_check_(ioc) {
  registry_.on_change = [this](const devices::DeviceStatus& d) { persist(d); };
}

ScannerService::~ScannerService() {
  stop();
}

void ScannerService::start() {
  const std::string now = format_rfc3339(clock_.now());
  writes_.submit(
      [now](store::Connection& db) { return devices::release_scanner_rows(db, now); },
      [](Result<void> r) {
        if (!r)
          log::warning("scanners: cannot mark last run's rows released: " + r.error().message);
      });
  discovery_ = std::make_unique<devices::UdevDiscovery>(
      ioc_.get_executor(),
      devices::UdevDiscovery::Events{[this](DeviceInfo info) { on_added(std::move(info)); },
                                     [this](std::string sys) { on_removed(sys); }});
  if (auto r = discovery_->start(); !r) {
    log::warning("scanners: no device discovery (" + r.error().message +
                 "); scanners plugged into this box will not be used");
    discovery_.reset();
  } else if (!discovery_->hotplug()) {
    log::warning(
        "scanners: udev is not running (no /run/udev/control): the scanners plugged in now are "
        "used, but plugging in or out is not followed");
  }
  attach_path_bindings();
  arm_path_check();
}

void ScannerService::attach_path_bindings() {
  for (const auto& b : config_.scanners) {
    if (b.path.empty() || (b.transport != "serial" && b.transport != "evdev")) continue;
    if (const auto* d = registry_.find(b.name);
        d && d->state != DeviceState::removed && d->state != DeviceState::released)
      continue;
    const std::string node = real_path(b.path);
    if (::access(node.c_str(), F_OK) != 0) continue;
    DeviceInfo info;
    info.subsystem = std::string(devices::subsystem_of_transport(b.transport));
    info.devnode = node;
    on_added(std::move(info));
  }
}

void ScannerService::arm_path_check() {
  path_check_.expires_after(std::chrono::seconds(5));
  path_check_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    attach_path_bindings();
    arm_path_check();
  });
}

void ScannerService::stop() {
  if (stopped_) return;
  stopped_ = true;
  path_check_.cancel();
  if (discovery_) discovery_->stop();
  for (auto& [id, runner] : runners_) runner->stop(false);
  runners_.clear();
}

std::unique_ptr<scanner::ScanSource> ScannerService::make_source(const DeviceInfo& info,
                                                                 const ScannerBinding* binding,
                                                                 std::string& transport) const {
  auto ex = ioc_.get_executor();
  if (info.subsystem == "hidraw") {
    if (devices::taken_by_usb_binding(info, config_.scanners)) return nullptr;
    if (!binding && !(config_.hid_pos_auto && is_hid_pos(info))) return nullptr;
    transport = "hidraw";
    return scanner::make_hidraw_source(ex, info.devnode, scanner::HidPosOptions{});
  }
  if (!binding) return nullptr;  // wedge, serial and libusb scanners only when bound
  transport = binding->transport;
  if (info.subsystem == "input") {
    if (devices::taken_by_usb_binding(info, config_.scanners)) return nullptr;
    return scanner::make_evdev_source(ex, info.devnode, scanner::WedgeOptions{});
  }
  if (info.subsystem == "tty")
    return scanner::make_serial_source(ex, info.devnode, serial_options(*binding));
  if (info.subsystem == "usb") {
    scanner::UsbHidOptions o;
    if (auto port = scanner::parse_usb_port_path(info.port)) o.port_path = *port;
    o.bus = info.busnum;
    o.address = info.devnum;
    o.vendor_id = info.vid;
    o.product_id = info.pid;
    o.auto_detach = binding->auto_detach;
    return scanner::make_usb_hid_source(ex, o);
  }
  return nullptr;
}

void ScannerService::on_added(DeviceInfo info) {
  if (stopped_) return;
  const ScannerBinding* binding = devices::find_binding(info, config_.scanners, real_path);
  std::string transport;
  auto source = make_source(info, binding, transport);
  if (!source) return;
  const std::string description = source->describe();
  devices::DeviceStatus* d = registry_.attach(
      std::move(info), transport, binding ? binding->station : "", binding ? binding->name : "");
  if (!d) return;  // a duplicate arrival
  const std::string id = d->id;
  log::notice("scanners: " + id + " plugged in (" + description + ")" +
              (d->station.empty() ? ", bound to no station" : ", station " + d->station));
  Runner::Hooks hooks;
  hooks.deliver = [this, id](scanner::ScanEvent scan) { return deliver(id, std::move(scan)); };
  hooks.state = [this, id](DeviceState state, std::optional<Error> error) {
    if (auto* entry = registry_.find(id)) {
      if (error && state == DeviceState::error)
        log::warning("scanners: " + id + ": " + error->code + ": " + error->message);
      registry_.set_state(*entry, state, std::move(error));
    }
  };
  hooks.note = [this, id](std::string note) {
    if (auto* entry = registry_.find(id)) registry_.record_event(*entry, std::move(note));
  };
  auto runner = std::make_shared<Runner>(ioc_.get_executor(), std::move(source),
                                         config_.queue_limit, std::move(hooks));
  if (auto old = runners_.find(id); old != runners_.end()) old->second->stop(true);
  runners_[id] = runner;
  runner->start();
}

void ScannerService::on_removed(const std::string& syspath) {
  devices::DeviceStatus* d = registry_.find_by_syspath(syspath);
  if (!d) return;
  log::notice("scanners: " + d->id + " unplugged");
  if (auto it = runners_.find(d->id); it != runners_.end()) {
    it->second->stop(true);
    runners_.erase(it);
  }
}

// Records the scan (the device's row, committed) and then routes it to the station's streams.
asio::awaitable<void> ScannerService::deliver(std::string id, scanner::ScanEvent scan) {
  const devices::DeviceStatus* d = registry_.find(id);
  if (!d) co_return;
  // The entry as it will be once the scan is recorded: the registry shows it only after the
  // row committed.
  devices::DeviceStatus recorded = *d;
  ++recorded.scans;
  if (!scan.ok()) ++recorded.errors;
  const std::string station = recorded.station;
  const std::size_t listening = station.empty() ? 0 : router_.listeners(station);
  recorded.last_event_at = format_rfc3339(clock_.now());
  recorded.last_event = scan_summary(scan);
  if (station.empty()) {
    recorded.last_event += ", bound to no station";
  } else if (listening == 0) {
    ++recorded.undelivered;
    recorded.last_event += ", no one signed in at " + station;
  } else {
    recorded.last_event += " to " + station;
  }
  store::WriteQueue::Change change = [recorded](store::Connection& db) {
    return devices::save_scanner_row(db, recorded);
  };
  auto saved =
      co_await writes_.async_write(ioc_.get_executor(), std::move(change), asio::use_awaitable);
  if (!saved)
    log::warning("scanners: cannot record a scan of " + id + ": " + saved.error().message);
  if (auto* entry = registry_.find(id)) {  // its state may have changed meanwhile: not the scan's
    entry->scans = recorded.scans;
    entry->errors = recorded.errors;
    entry->undelivered = recorded.undelivered;
    entry->last_event_at = recorded.last_event_at;
    entry->last_event = recorded.last_event;
  }
  ++scans_;
  if (!scan.ok()) ++bad_scans_;
  if (station.empty()) {
    ++unrouted_;
    co_return;
  }
  boost::json::object event{{"at", recorded.last_event_at},
                            {"scanner", id},
                            {"station", station},
                            {"code", scan.aim + scan.label},
                            {"scan", scanner::scan_json(scan)}};
  if (router_.publish(station, std::move(event)).listeners > 0) ++routed_;
}

void ScannerService::persist(const devices::DeviceStatus& d) {
  writes_.submit(
      [snapshot = d](store::Connection& db) { return devices::save_scanner_row(db, snapshot); },
      [id = d.id](Result<void> r) {
        if (!r) log::warning("scanners: cannot record " + id + ": " + r.error().message);
      });
}

boost::json::array ScannerService::to_json() const {
  boost::json::array out;
  for (const auto& d : registry_.list()) {
    boost::json::object o{{"id", d.id},
                          {"kind", "scanner"},
                          {"transport", d.transport},
                          {"station", d.station.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(d.station)},
                          {"state", state_name(d.state)},
                          {"since", d.since},
                          {"key", d.key},
                          {"devnode", d.info.devnode},
                          {"vid_pid", devices::vid_pid(d.info)},
                          {"serial", d.info.serial},
                          {"port", d.info.port},
                          {"product", d.info.product},
                          {"scans", d.scans},
                          {"undelivered", d.undelivered},
                          {"errors", d.errors}};
    o["last_event"] = d.last_event_at.empty()
                          ? boost::json::value(nullptr)
                          : boost::json::value(boost::json::object{{"at", d.last_event_at},
                                                                   {"what", d.last_event}});
    o["error"] = d.error ? boost::json::value(boost::json::object{{"code", d.error->code},
                                                                  {"message", d.error->message}})
                         : boost::json::value(nullptr);
    out.push_back(std::move(o));
  }
  return out;
}

void ScannerService::append_metrics(std::string& out) const {
  using metrics::append_header;
  using metrics::append_sample;
  std::map<std::string, int> by_state;
  for (const auto& d : registry_.list()) ++by_state[std::string(state_name(d.state))];
  append_header(out, "storeedge_scanners", "gauge",
                "Scanners known to the device layer, by state.");
  for (const auto& [state, n] : by_state)
    append_sample(out, "storeedge_scanners", "state=\"" + state + "\"", n);
  append_header(out, "storeedge_scans_total", "counter", "Scans read from scanners.");
  append_sample(out, "storeedge_scans_total", "", static_cast<double>(scans_));
  append_header(out, "storeedge_scans_routed_total", "counter",
                "Scans sent to a live scan stream at the scanner's station.");
  append_sample(out, "storeedge_scans_routed_total", "", static_cast<double>(routed_));
  append_header(out, "storeedge_scans_unrouted_total", "counter",
                "Scans of scanners bound to no station.");
  append_sample(out, "storeedge_scans_unrouted_total", "", static_cast<double>(unrouted_));
  append_header(out, "storeedge_scans_bad_total", "counter", "Scans whose data could not be read.");
  append_sample(out, "storeedge_scans_bad_total", "", static_cast<double>(bad_scans_));
  append_header(out, "storeedge_scanner_duplicate_arrivals_total", "counter",
                "Arrival events of a scanner already present (ignored).");
  append_sample(out, "storeedge_scanner_duplicate_arrivals_total", "",
                static_cast<double>(registry_.duplicate_arrivals()));
}

}  // namespace storeedge::daemon
