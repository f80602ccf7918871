// Opening the store's database in its state directory: create the directory, open in WAL mode,
// apply migrations, and stamp (or check) which tenant and store the database belongs to, so a
// state directory can never be served under another store's identity.
#pragma once

#include <string>

#include "core/config.h"
#include "store/database.h"

namespace storeedge::store {

inline constexpr const char* kDatabaseFile = "storeedge.db";

// Checks that `dir` exists and is writable, or can be created; does not create it.
[[nodiscard]] Result<void> check_state_dir(const std::string& dir);

// Creates `dir` if needed and opens the database there, migrated to the latest schema and
// stamped with tenant/store. `vfs` selects a test VFS (empty = default).
[[nodiscard]] Result<Connection> open_store(const std::string& dir, const Config& config,
                                            const std::string& vfs = "");

// A value of the store_meta table (tenant, store, database_id, up_epoch, ...), if present.
[[nodiscard]] Result<std::optional<std::string>> read_meta(Connection& db, std::string_view key);

// An exclusive lock on the state directory (flock on its "storeedged.lock"): the daemon holds it
// while it runs, so a second daemon on the same directory, or a restore under a running daemon,
// is refused with "locked". Released when destroyed (or when the process dies).
class StateDirLock {
 public:
  [[nodiscard]] static Result<StateDirLock> acquire(const std::string& dir);
  StateDirLock(StateDirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  StateDirLock& operator=(StateDirLock&&) = delete;
  ~StateDirLock();

 private:
  explicit StateDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// A second connection to the same database (for reads on the loop thread).
[[nodiscard]] Result<Connection> open_reader(const std::string& dir, const Config& config,
                                             const std::string& vfs = "");

}  // namespace storeedge::store
