#include "store/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "auth/secrets.h"
#include "core/clock.h"
#include "store/migrations.h"

namespace storeedge::store {

namespace fs = std::filesystem;

Result<void> check_state_dir(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec);
  if (ec) return make_error("state_dir_unusable", "state_dir '" + dir + "': " + ec.message());
  // Walk up to the first existing ancestor; it must be a writable directory.
  fs::path probe = p;
  while (!fs::exists(probe, ec)) {
    if (!probe.has_parent_path() || probe.parent_path() == probe) break;
    probe = probe.parent_path();
  }
  if (!fs::is_directory(probe, ec))
    return make_error("state_dir_unusable",
                      "state_dir '" + dir + "': '" + probe.string() + "' is not a directory");
  if (::access(probe.c_str(), W_OK | X_OK) != 0)
    return make_error("state_dir_unusable",
                      "state_dir '" + dir + "': '" + probe.string() + "' is not writable");
  return {};
}

Result<std::optional<std::string>> read_meta(Connection& db, std::string_view key) {
  auto st = db.prepare("SELECT value FROM store_meta WHERE key = ?1");
  if (!st) return st.error();
  (*st)->bind(1, key);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::optional<std::string> v;
  if (*row) v = (*st)->column_text(0);
  (*st)->reset();
  return v;
}

namespace {

Result<void> stamp_identity(Connection& db, const Config& config) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r;
  auto fail = [&](Error e) -> Result<void> {
    (void)db.exec("ROLLBACK");
    return e;
  };
  auto tenant = read_meta(db, "tenant");
  auto store = read_meta(db, "store");
  if (!tenant) return fail(tenant.error());
  if (!store) return fail(store.error());
  if (*tenant || *store) {
    if (tenant->value_or("") != config.tenant || store->value_or("") != config.store)
      return fail(make_error("state_dir_mismatch",
                             "the database belongs to tenant '" + tenant->value_or("") +
                                 "' store '" + store->value_or("") + "', not tenant '" +
                                 config.tenant + "' store '" + config.store + "'"));
    return db.exec("COMMIT");
  }
  auto st = db.prepare("INSERT INTO store_meta (key, value) VALUES (?1, ?2)");
  if (!st) return fail(st.error());
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  // The database id names this database's life; a re-created database gets a new one (and,
  // with the OMS sync, a new up-stream epoch).
  const std::pair<std::string, std::string> rows[] = {{"tenant", config.tenant},
                                                      {"store", config.store},
                                                      {"created_at", now},
                                                      {"database_id", auth::new_token("db_")}};
  for (const auto& [k, v] : rows)
    if (auto r = (*st)->bind(1, k).bind(2, v).run(); !r) return fail(r.error());
  if (auto r = db.exec("COMMIT"); !r) return fail(r.error());
  return {};
}

}  // namespace

Result<Connection> open_store(const std::string& dir, const Config& config,
                              const std::string& vfs) {
  if (auto ok = check_state_dir(dir); !ok) return ok.error();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("state_dir_unusable", "state_dir '" + dir + "': " + ec.message());
  OpenOptions options;
  options.vfs = vfs;
  options.busy_timeout_ms = static_cast<int>(config.database.busy_timeout.count());
  auto db = Connection::open((fs::path(dir) / kDatabaseFile).string(), options);
  if (!db) return db.error();
  if (auto r = migrate(*db); !r) return r.error();
  if (auto r = stamp_identity(*db, config); !r) return r.error();
  return db;
}

Result<Connection> open_reader(const std::string& dir, const Config& config,
                               const std::string& vfs) {
  OpenOptions options;
  options.create = false;
  options.vfs = vfs;
  options.busy_timeout_ms = static_cast<int>(config.database.busy_timeout.count());
  return Connection::open((fs::path(dir) / kDatabaseFile).string(), options);
}

Result<StateDirLock> StateDirLock::acquire(const std::string& dir) {
  if (auto ok = check_state_dir(dir); !ok) return ok.error();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("state_dir_unusable", "state_dir '" + dir + "': " + ec.message());
  const std::string path = (fs::path(dir) / "storeedged.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return make_error("state_dir_unusable", path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return make_error("locked", "another process (a running storeedged?) holds " + path);
    return make_error("state_dir_unusable", path + ": " + std::strerror(err));
  }
  return StateDirLock(fd);
}

StateDirLock::~StateDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace storeedge::store
