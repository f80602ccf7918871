#include "devices/scanner_rows.h"

namespace storeedge::devices {

namespace {

std::optional<std::string> maybe(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

DeviceState parse_state(std::string_view s) {
  for (auto st : {DeviceState::attached, DeviceState::opened, DeviceState::claimed,
                  DeviceState::enabled, DeviceState::error, DeviceState::removed})
    if (state_name(st) == s) return st;
  return DeviceState::released;
}

}  // namespace

Result<void> save_scanner_row(store::Connection& db, const DeviceStatus& d) {
  auto st = db.prepare(
      "INSERT INTO scanners (scanner_id, device_key, transport, station, devnode, vid_pid, serial,"
      " port, product, state, error, since, last_event_at, last_event, scans, undelivered, errors)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
      " ON CONFLICT (scanner_id) DO UPDATE SET device_key = excluded.device_key,"
      " transport = excluded.transport, station = excluded.station, devnode = excluded.devnode,"
      " vid_pid = excluded.vid_pid, serial = excluded.serial, port = excluded.port,"
      " product = excluded.product, state = excluded.state, error = excluded.error,"
      " since = excluded.since, last_event_at = excluded.last_event_at,"
      " last_event = excluded.last_event, scans = excluded.scans,"
      " undelivered = excluded.undelivered, errors = excluded.errors");
  if (!st) return st.error();
  const std::string error = d.error ? d.error->code + ": " + d.error->message : "";
  (*st)->bind(1, d.id).bind(2, d.key).bind(3, d.transport).bind_optional(4, maybe(d.station));
  (*st)->bind(5, d.info.devnode).bind_optional(6, maybe(vid_pid(d.info)));
  (*st)->bind_optional(7, maybe(d.info.serial)).bind_optional(8, maybe(d.info.port));
  (*st)->bind_optional(9, maybe(d.info.product)).bind(10, std::string(state_name(d.state)));
  (*st)->bind_optional(11, maybe(error)).bind(12, d.since);
  (*st)->bind_optional(13, maybe(d.last_event_at)).bind_optional(14, maybe(d.last_event));
  (*st)->bind(15, static_cast<std::int64_t>(d.scans));
  (*st)->bind(16, static_cast<std::int64_t>(d.undelivered));
  (*st)->bind(17, static_cast<std::int64_t>(d.errors));
  return (*st)->run();
}

Result<std::vector<DeviceStatus>> load_scanner_rows(store::Connection& db) {
  std::vector<DeviceStatus> out;
  auto r = store::each_row(
      db,
      "SELECT scanner_id, device_key, transport, station, devnode, serial, port, product, state,"
      " error, since, last_event_at, last_event, scans, undelivered, errors FROM scanners"
      " ORDER BY state IN ('removed', 'released'), since DESC",
      [](store::Statement&) {},
      [&](const store::Statement& st) {
        DeviceStatus d;
        d.id = st.column_text(0);
        d.key = st.column_text(1);
        d.transport = st.column_text(2);
        d.station = st.column_optional(3).value_or("");
        d.info.devnode = st.column_text(4);
        d.info.serial = st.column_optional(5).value_or("");
        d.info.port = st.column_optional(6).value_or("");
        d.info.product = st.column_optional(7).value_or("");
        d.state = parse_state(st.column_text(8));
        if (auto e = st.column_optional(9)) {
          const auto colon = e->find(": ");
          d.error = colon == std::string::npos
                        ? make_error(*e, "")
                        : make_error(e->substr(0, colon), e->substr(colon + 2));
        }
        d.since = st.column_text(10);
        d.last_event_at = st.column_optional(11).value_or("");
        d.last_event = st.column_optional(12).value_or("");
        d.scans = static_cast<std::uint64_t>(st.column_int(13));
        d.undelivered = static_cast<std::uint64_t>(st.column_int(14));
        d.errors = static_cast<std::uint64_t>(st.column_int(15));
        out.push_back(std::move(d));
      });
  if (!r) return r.error();
  return out;
}

Result<void> release_scanner_rows(store::Connection& db, std::string_view now) {
  auto st = db.prepare(
      "UPDATE scanners SET state = 'released', since = ?1"
      " WHERE state NOT IN ('removed', 'released')");
  if (!st) return st.error();
  (*st)->bind(1, now);
  return (*st)->run();
}

}  // namespace storeedge::devices
