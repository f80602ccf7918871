#include "auth/identity.h"

#include "auth/secrets.h"
#include "core/config.h"

namespace storeedge::auth {

std::optional<Role> parse_role(std::string_view s) {
  if (s == "associate") return Role::associate;
  if (s == "lead") return Role::lead;
  if (s == "manager") return Role::manager;
  return std::nullopt;
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::associate:
      return "associate";
    case Role::lead:
      return "lead";
    case Role::manager:
      return "manager";
  }
  return "associate";
}

namespace {

bool is_printable_text(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

Error invalid(std::string field, std::string what) {
  return make_error("invalid_request", field + ": " + what);
}

User read_user(const store::Statement& st) {
  User u;
  u.user_id = st.column_text(0);
  u.display_name = st.column_text(1);
  u.role = parse_role(st.column_text(2)).value_or(Role::associate);
  u.active = st.column_int(3) != 0;
  u.has_badge = !st.column_is_null(4);
  u.created_at = st.column_text(5);
  return u;
}

Device read_device(const store::Statement& st) {
  return Device{st.column_text(0), st.column_text(1),     st.column_text(2),    st.column_text(3),
                st.column_text(4), st.column_optional(5), st.column_optional(6)};
}

constexpr std::string_view kUserColumns =
    "user_id, display_name, role, active, badge_hash, created_at";
constexpr std::string_view kDeviceColumns =
    "device_id, kind, name, enrolled_at, enrolled_by, revoked_at, station";

template <class T, class Read>
Result<std::vector<T>> collect(store::Statement& st, Read read) {
  std::vector<T> out;
  while (true) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read(st));
  }
  return out;
}

template <class T, class Read>
Result<std::optional<T>> first(store::Statement& st, Read read) {
  auto row = st.step();
  if (!row) return row.error();
  std::optional<T> out;
  if (*row) out = read(st);
  st.reset();
  return out;
}

Result<void> expect_one_change(Connection& db, std::string what) {
  if (db.changes() == 0) return make_error("not_found", what + " not found");
  return {};
}

}  // namespace

bool is_valid_device_kind(std::string_view kind) {
  return kind == "handheld" || kind == "pos" || kind == "pack_station" || kind == "kiosk";
}

std::optional<Error> validate_new_user(const NewUser& u) {
  if (!is_identifier(u.user_id)) return invalid("id", "must be 1-64 characters of [A-Za-z0-9._:-]");
  if (!is_printable_text(u.display_name, 100))
    return invalid("name", "must be 1-100 printable characters");
  if (u.badge && !is_printable_text(*u.badge, 128))
    return invalid("badge", "must be 1-128 printable characters");
  if (!is_valid_pin(u.pin)) return invalid("pin", "must be 4-12 digits");
  return std::nullopt;
}

std::optional<Error> validate_device(const Device& d) {
  if (!is_identifier(d.device_id))
    return invalid("id", "must be 1-64 characters of [A-Za-z0-9._:-]");
  if (!is_valid_device_kind(d.kind))
    return invalid("kind", "must be one of handheld, pos, pack_station, kiosk");
  if (!is_printable_text(d.name, 100)) return invalid("name", "must be 1-100 printable characters");
  if (d.station && !is_identifier(*d.station))
    return invalid("station", "must be 1-64 characters of [A-Za-z0-9._:-]");
  return std::nullopt;
}

Result<void> insert_user(Connection& db, const NewUser& u, std::string_view pin_hash,
                         std::string_view now) {
  auto st = db.prepare(
      "INSERT INTO users (user_id, display_name, role, badge_hash, pin_hash, active, created_at,"
      " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)");
  if (!st) return st.error();
  (*st)->bind(1, u.user_id).bind(2, u.display_name).bind(3, role_name(u.role));
  (*st)->bind_optional(4, u.badge ? std::optional(sha256_hex(*u.badge)) : std::nullopt);
  (*st)->bind(5, pin_hash).bind(6, now);
  auto r = (*st)->run();
  if (!r && r.error().code == "constraint")
    return make_error("conflict", "a user with this id or badge exists already");
  return r;
}

Result<void> update_user(Connection& db, std::string_view user_id, std::optional<Role> role,
                         std::optional<bool> active, std::optional<std::string> pin_hash,
                         std::string_view now) {
  auto st = db.prepare(
      "UPDATE users SET role = coalesce(?2, role), active = coalesce(?3, active),"
      " pin_hash = coalesce(?4, pin_hash), updated_at = ?5 WHERE user_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, user_id);
  (*st)->bind_optional(2, role ? std::optional(std::string(role_name(*role))) : std::nullopt);
  if (active)
    (*st)->bind(3, std::int64_t{*active ? 1 : 0});
  else
    (*st)->bind(3, std::nullopt);
  (*st)->bind_optional(4, pin_hash).bind(5, now);
  if (auto r = (*st)->run(); !r) return r;
  if (auto r = expect_one_change(db, "user"); !r) return r;
  if (active && !*active) {  // a deactivated user's sessions end now
    auto end =
        db.prepare("UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL");
    if (!end) return end.error();
    return (*end)->bind(1, user_id).bind(2, now).run();
  }
  return {};
}

Result<std::vector<User>> list_users(Connection& db) {
  auto st = db.prepare("SELECT " + std::string(kUserColumns) + " FROM users ORDER BY user_id");
  if (!st) return st.error();
  return collect<User>(**st, read_user);
}

Result<std::optional<User>> find_user(Connection& db, std::string_view user_id) {
  auto st = db.prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE user_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, user_id);
  return first<User>(**st, read_user);
}

Result<std::optional<Credentials>> find_credentials(Connection& db, std::string_view user_id,
                                                    std::string_view badge) {
  auto st = db.prepare("SELECT " + std::string(kUserColumns) +
                       ", pin_hash FROM users WHERE user_id = ?1 OR badge_hash = ?2");
  if (!st) return st.error();
  (*st)->bind(1, user_id.empty() ? std::string_view("\x01") : user_id);
  (*st)->bind(2, badge.empty() ? std::string("\x01") : sha256_hex(badge));
  return first<Credentials>(**st, [](const store::Statement& s) {
    return Credentials{read_user(s), s.column_text(6)};
  });
}

Result<void> insert_device(Connection& db, const Device& d, std::string_view token_hash) {
  auto st = db.prepare(
      "INSERT INTO devices (device_id, kind, name, token_hash, enrolled_at, enrolled_by, station)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return st.error();
  (*st)->bind(1, d.device_id).bind(2, d.kind).bind(3, d.name).bind(4, token_hash);
  (*st)->bind(5, d.enrolled_at).bind(6, d.enrolled_by).bind_optional(7, d.station);
  auto r = (*st)->run();
  if (!r && r.error().code == "constraint")
    return make_error("conflict", "a device with this id exists already");
  return r;
}

Result<void> set_device_station(Connection& db, std::string_view device_id,
                                const std::optional<std::string>& station) {
  if (station && !is_identifier(*station))
    return make_error("invalid_request", "station: must be 1-64 characters of [A-Za-z0-9._:-]");
  auto st =
      db.prepare("UPDATE devices SET station = ?2 WHERE device_id = ?1 AND revoked_at IS NULL");
  if (!st) return st.error();
  (*st)->bind(1, device_id).bind_optional(2, station);
  if (auto r = (*st)->run(); !r) return r;
  return expect_one_change(db, "active device");
}

Result<void> revoke_device(Connection& db, std::string_view device_id, std::string_view now) {
  auto st =
      db.prepare("UPDATE devices SET revoked_at = ?2 WHERE device_id = ?1 AND revoked_at IS NULL");
  if (!st) return st.error();
  if (auto r = (*st)->bind(1, device_id).bind(2, now).run(); !r) return r;
  if (auto r = expect_one_change(db, "active device"); !r) return r;
  auto end =
      db.prepare("UPDATE sessions SET ended_at = ?2 WHERE device_id = ?1 AND ended_at IS NULL");
  if (!end) return end.error();
  return (*end)->bind(1, device_id).bind(2, now).run();
}

Result<std::vector<Device>> list_devices(Connection& db) {
  auto st =
      db.prepare("SELECT " + std::string(kDeviceColumns) + " FROM devices ORDER BY device_id");
  if (!st) return st.error();
  return collect<Device>(**st, read_device);
}

Result<std::optional<Device>> find_device_by_token_hash(Connection& db, std::string_view hash) {
  auto st = db.prepare("SELECT " + std::string(kDeviceColumns) +
                       " FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL");
  if (!st) return st.error();
  (*st)->bind(1, hash);
  return first<Device>(**st, read_device);
}

Result<void> insert_session(Connection& db, std::string_view session_hash, const Session& s,
                            std::string_view now) {
  auto st = db.prepare(
      "INSERT INTO sessions (session_hash, user_id, device_id, created_at, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return st.error();
  (*st)->bind(1, session_hash).bind(2, s.user_id).bind(3, s.device_id).bind(4, now);
  return (*st)->bind(5, s.expires_at).run();
}

Result<void> end_session(Connection& db, std::string_view session_hash, std::string_view now) {
  auto st =
      db.prepare("UPDATE sessions SET ended_at = ?2 WHERE session_hash = ?1 AND ended_at IS NULL");
  if (!st) return st.error();
  return (*st)->bind(1, session_hash).bind(2, now).run();
}

Result<std::optional<Session>> find_session(Connection& db, std::string_view session_hash,
                                            std::string_view now) {
  auto st = db.prepare(
      "SELECT s.user_id, s.device_id, s.expires_at FROM sessions s JOIN users u USING (user_id)"
      " WHERE s.session_hash = ?1 AND s.ended_at IS NULL AND s.expires_at > ?2 AND u.active = 1");
  if (!st) return st.error();
  (*st)->bind(1, session_hash).bind(2, now);
  return first<Session>(**st, [](const store::Statement& s) {
    return Session{s.column_text(0), s.column_text(1), s.column_text(2)};
  });
}

Result<void> delete_expired_sessions(Connection& db, std::string_view before) {
  auto st = db.prepare("DELETE FROM sessions WHERE expires_at < ?1");
  if (!st) return st.error();
  return (*st)->bind(1, before).run();
}

Result<void> append_audit(Connection& db, const AuditEntry& e) {
  auto st = db.prepare(
      "INSERT INTO audit_log (at, device_id, user_id, override_by, action, target, result,"
      " detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return st.error();
  (*st)->bind(1, e.at).bind_optional(2, e.device_id).bind_optional(3, e.user_id);
  (*st)->bind_optional(4, e.override_by).bind(5, e.action).bind_optional(6, e.target);
  return (*st)->bind(7, e.result).bind_optional(8, e.detail).run();
}

Result<std::vector<AuditEntry>> recent_audit(Connection& db, int limit) {
  auto st = db.prepare(
      "SELECT at, device_id, user_id, override_by, action, target, result, detail"
      " FROM audit_log ORDER BY id DESC LIMIT ?1");
  if (!st) return st.error();
  (*st)->bind(1, std::int64_t{limit});
  return collect<AuditEntry>(**st, [](const store::Statement& s) {
    return AuditEntry{s.column_text(0),     s.column_optional(1), s.column_optional(2),
                      s.column_optional(3), s.column_text(4),     s.column_optional(5),
                      s.column_text(6),     s.column_optional(7)};
  });
}

}  // namespace storeedge::auth
