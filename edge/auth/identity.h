// People, devices, sessions and the audit log as rows: the queries the daemon and
// storeedgectl share. Functions take the Connection they run on; writes must run inside a
// transaction the caller owns (a write-queue change, or storeedgectl's own).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::auth {

enum class Role { associate = 1, lead = 2, manager = 3 };
std::optional<Role> parse_role(std::string_view s);
std::string_view role_name(Role r);

struct User {
  std::string user_id;
  std::string display_name;
  Role role = Role::associate;
  bool active = true;
  bool has_badge = false;
  std::string created_at;
};

struct NewUser {
  std::string user_id;
  std::string display_name;
  Role role = Role::associate;
  std::optional<std::string> badge;  // the badge barcode, stored only as a hash
  std::string pin;                   // stored only as a PBKDF2 hash
};

struct Device {
  std::string device_id;
  std::string kind;  // handheld | pos | pack_station | kiosk
  std::string name;
  std::string enrolled_at;
  std::string enrolled_by;
  std::optional<std::string> revoked_at;
  std::optional<std::string> station;  // where it stands; scanners bound there send it scans
};

struct Session {
  std::string user_id;
  std::string device_id;
  std::string expires_at;
};

struct AuditEntry {
  std::string at;
  std::optional<std::string> device_id, user_id, override_by;
  std::string action;  // e.g. "POST /api/v1/users", "signin"
  std::optional<std::string> target;
  std::string result;  // "ok" or an error code
  std::optional<std::string> detail;
};

// Validation of outside input; the error names the field.
std::optional<Error> validate_new_user(const NewUser& u);
std::optional<Error> validate_device(const Device& d);
bool is_valid_device_kind(std::string_view kind);

using store::Connection;

[[nodiscard]] Result<void> insert_user(Connection& db, const NewUser& u, std::string_view pin_hash,
                                       std::string_view now);
[[nodiscard]] Result<void> update_user(Connection& db, std::string_view user_id,
                                       std::optional<Role> role, std::optional<bool> active,
                                       std::optional<std::string> pin_hash, std::string_view now);
[[nodiscard]] Result<std::vector<User>> list_users(Connection& db);
[[nodiscard]] Result<std::optional<User>> find_user(Connection& db, std::string_view user_id);
// For sign-in: the user (active or not) and the stored PIN hash, by id or by badge barcode.
struct Credentials {
  User user;
  std::string pin_hash;
};
[[nodiscard]] Result<std::optional<Credentials>> find_credentials(Connection& db,
                                                                  std::string_view user_id,
                                                                  std::string_view badge);

[[nodiscard]] Result<void> insert_device(Connection& db, const Device& d,
                                         std::string_view token_hash);
// Sets (or with nullopt clears) the station of an active device. Errors: "not_found".
[[nodiscard]] Result<void> set_device_station(Connection& db, std::string_view device_id,
                                              const std::optional<std::string>& station);
[[nodiscard]] Result<void> revoke_device(Connection& db, std::string_view device_id,
                                         std::string_view now);
[[nodiscard]] Result<std::vector<Device>> list_devices(Connection& db);
// An enrolled, unrevoked device by the SHA-256 of its token.
[[nodiscard]] Result<std::optional<Device>> find_device_by_token_hash(Connection& db,
                                                                      std::string_view hash);

[[nodiscard]] Result<void> insert_session(Connection& db, std::string_view session_hash,
                                          const Session& s, std::string_view now);
[[nodiscard]] Result<void> end_session(Connection& db, std::string_view session_hash,
                                       std::string_view now);
// A live session (not ended, not expired at `now`, user active).
[[nodiscard]] Result<std::optional<Session>> find_session(Connection& db,
                                                          std::string_view session_hash,
                                                          std::string_view now);
[[nodiscard]] Result<void> delete_expired_sessions(Connection& db, std::string_view before);

[[nodiscard]] Result<void> append_audit(Connection& db, const AuditEntry& e);
[[nodiscard]] Result<std::vector<AuditEntry>> recent_audit(Connection& db, int limit);

}  // namespace storeedge::auth
