// The devices on the box as the daemon sees them: one entry per device key (VID:PID, serial,
// port path), its binding (name, station), its lifecycle state and its last event. Duplicate
// arrivals of a node already present are ignored. Removed devices stay listed (bounded) so an
// operator sees what was unplugged. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "devices/device_info.h"

namespace storeedge::devices {

// The UnifiedPOS-like lifecycle: attached → opened → claimed → enabled (data events flow);
// error (opening, claiming or reading failed; retried while plugged in); removed (unplugged);
// released (the daemon let go of it, e.g. at shutdown).
enum class DeviceState { attached, opened, claimed, enabled, error, removed, released };
std::string_view state_name(DeviceState state);

struct DeviceStatus {
  std::string id;  // the binding's name, else the key
  std::string key;
  DeviceInfo info;
  std::string transport;  // hidraw | usb | evdev | serial
  std::string station;    // "" when no binding names one
  DeviceState state = DeviceState::attached;
  std::optional<Error> error;     // why it is in state error, or why it was last removed
  std::string since;              // when it reached its state (RFC 3339)
  std::string last_event_at;      // "" before the first event
  std::string last_event;         // "scan ]E0 4006381333931 to pack-station-2", "removed mid-scan"
  std::uint64_t scans = 0;        // data events read
  std::uint64_t undelivered = 0;  // scans no one was signed in at the station for
  std::uint64_t errors = 0;       // device errors and scans with bad data
};

class DeviceRegistry {
 public:
  static constexpr std::size_t kMaxRemembered = 256;

  explicit DeviceRegistry(const Clock& clock) : clock_(clock) {}

  // A device found (at start or plugged in). Returns nullptr for a duplicate arrival: the same
  // node is present and not removed.
  DeviceStatus* attach(DeviceInfo info, std::string transport, std::string station,
                       std::string name);
  DeviceStatus* find(std::string_view id);
  DeviceStatus* find_by_syspath(std::string_view syspath);

  void set_state(DeviceStatus& d, DeviceState state, std::optional<Error> error = std::nullopt);
  void record_event(DeviceStatus& d, std::string summary);

  // Every entry, present ones first, then removed ones, newest first within each.
  std::vector<DeviceStatus> list() const;
  std::uint64_t duplicate_arrivals() const { return duplicates_; }

  // Called after every change (state, event), e.g. to persist the entry.
  std::function<void(const DeviceStatus&)> on_change;

 private:
  void changed(const DeviceStatus& d);
  void forget_oldest_removed();

  const Clock& clock_;
  std::map<std::string, DeviceStatus, std::less<>> by_id_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace storeedge::devices
