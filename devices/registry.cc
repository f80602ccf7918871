#include "devices/registry.h"

#include <algorithm>

namespace storeedge::devices {

std::string_view state_name(DeviceState state) {
  switch (state) {
    case DeviceState::attached:
      return "attached";
    case DeviceState::opened:
      return "opened";
    case DeviceState::claimed:
      return "claimed";
    case DeviceState::enabled:
      return "enabled";
    case DeviceState::error:
      return "error";
    case DeviceState::removed:
      return "removed";
    case DeviceState::released:
      return "released";
  }
  return "unknown";
}

namespace {

bool present(const DeviceStatus& d) {
  return d.state != DeviceState::removed && d.state != DeviceState::released;
}

}  // namespace

DeviceStatus* DeviceRegistry::attach(DeviceInfo info, std::string transport, std::string station,
                                     std::string name) {
  std::string key = device_key(info);
  std::string id = name.empty() ? key : name;
  auto it = by_id_.find(id);
  if (it != by_id_.end() && present(it->second)) {
    if (it->second.info.devnode == info.devnode) {
      ++duplicates_;
      return nullptr;
    }
    // The binding matches a second device: keep both apart by key.
    id = key;
    it = by_id_.find(id);
    if (it != by_id_.end() && present(it->second)) {
      ++duplicates_;
      return nullptr;
    }
  }
  DeviceStatus& d = by_id_[id];
  const auto scans = d.scans, undelivered = d.undelivered, errors = d.errors;
  d = DeviceStatus{};
  d.id = id;
  d.key = std::move(key);
  d.info = std::move(info);
  d.transport = std::move(transport);
  d.station = std::move(station);
  // Counters survive a replug into the same port, so an operator sees a flaky cable's history.
  d.scans = scans;
  d.undelivered = undelivered;
  d.errors = errors;
  d.state = DeviceState::attached;
  d.since = format_rfc3339(clock_.now());
  d.last_event_at = d.since;
  d.last_event = "plugged in";
  forget_oldest_removed();
  changed(d);
  return &d;
}

DeviceStatus* DeviceRegistry::find(std::string_view id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

DeviceStatus* DeviceRegistry::find_by_syspath(std::string_view syspath) {
  for (auto& [id, d] : by_id_)
    if (d.info.syspath == syspath && present(d)) return &d;
  return nullptr;
}

void DeviceRegistry::set_state(DeviceStatus& d, DeviceState state, std::optional<Error> error) {
  if (d.state == state && !error) return;
  d.state = state;
  d.since = format_rfc3339(clock_.now());
  if (error) {
    ++d.errors;
    d.error = std::move(error);
    d.last_event_at = d.since;
    d.last_event = std::string(state_name(state)) + ": " + d.error->message;
  } else if (state == DeviceState::enabled) {
    d.error.reset();
  }
  changed(d);
}

void DeviceRegistry::record_event(DeviceStatus& d, std::string summary) {
  d.last_event_at = format_rfc3339(clock_.now());
  d.last_event = std::move(summary);
  changed(d);
}

std::vector<DeviceStatus> DeviceRegistry::list() const {
  std::vector<DeviceStatus> out;
  out.reserve(by_id_.size());
  for (const auto& [id, d] : by_id_) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [](const DeviceStatus& a, const DeviceStatus& b) {
    if (present(a) != present(b)) return present(a);
    return a.since > b.since;
  });
  return out;
}

void DeviceRegistry::changed(const DeviceStatus& d) {
  if (on_change) on_change(d);
}

void DeviceRegistry::forget_oldest_removed() {
  while (by_id_.size() > kMaxRemembered) {
    auto oldest = by_id_.end();
    for (auto it = by_id_.begin(); it != by_id_.end(); ++it)
      if (!present(it->second) &&
          (oldest == by_id_.end() || it->second.since < oldest->second.since))
        oldest = it;
    if (oldest == by_id_.end()) return;  // all present: bounded by what can be plugged in
    by_id_.erase(oldest);
  }
}

}  // namespace storeedge::devices
