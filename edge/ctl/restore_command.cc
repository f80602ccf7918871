#include "ctl/restore_command.h"

#include <filesystem>
#include <iostream>

#include "auth/identity.h"
#include "core/clock.h"
#include "store/state_dir.h"
#include "sync/outbox.h"

namespace storeedge::ctl {

namespace fs = std::filesystem;

namespace {

int fail(const Error& e) {
  std::cerr << "storeedgectl: " << e.code << ": " << e.message << "\n";
  return 1;
}

// The backup must be a sound database of this tenant and store.
Result<void> check_backup(const std::string& path, const Config& config) {
  if (!fs::is_regular_file(path)) return make_error("not_found", "no backup file '" + path + "'");
  store::OpenOptions options;
  options.create = false;
  options.read_only = true;
  auto db = store::Connection::open(path, options);
  if (!db) return db.error();
  auto st = db->prepare("PRAGMA integrity_check");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::string verdict = *row ? (*st)->column_text(0) : "no answer";
  (*st)->reset();
  if (verdict != "ok")
    return make_error("corrupt", "the backup fails its integrity check: " + verdict);
  for (const auto& [key, want] : {std::pair{"tenant", config.tenant}, {"store", config.store}}) {
    auto have = store::read_meta(*db, key);
    if (!have) return have.error();
    if (!*have || **have != want)
      return make_error("wrong_store", "the backup belongs to " + std::string(key) + " '" +
                                           have->value_or("?") + "', not '" + want + "'");
  }
  return {};
}

// Copies the backup into `target` with SQLite's online backup (a consistent copy, WAL and all).
Result<void> copy_database(const std::string& from, const std::string& target) {
  store::OpenOptions read;
  read.create = false;
  read.read_only = true;
  auto src = store::Connection::open(from, read);
  if (!src) return src.error();
  auto dst = store::Connection::open(target, {});
  if (!dst) return dst.error();
  sqlite3_backup* b = sqlite3_backup_init(dst->handle(), "main", src->handle(), "main");
  if (!b) return store::sqlite_error(sqlite3_errcode(dst->handle()), "backup", dst->handle());
  const int step = sqlite3_backup_step(b, -1);
  const int done = sqlite3_backup_finish(b);
  if (step != SQLITE_DONE) return store::sqlite_error(step, "backup step", dst->handle());
  if (done != SQLITE_OK) return store::sqlite_error(done, "backup finish", dst->handle());
  return {};
}

}  // namespace

int run_backup(const std::string& target, const std::string& state_dir, const Config& config) {
  if (fs::exists(target))
    return fail(make_error("exists", "'" + target + "' exists; choose a new file"));
  const fs::path db_path = fs::path(state_dir) / store::kDatabaseFile;
  if (!fs::exists(db_path))
    return fail(
        make_error("no_database", "no database in '" + state_dir + "' (check --state-dir)"));
  if (auto r = copy_database(db_path.string(), target); !r) {
    std::error_code ec;
    fs::remove(target, ec);
    return fail(r.error());
  }
  if (auto ok = check_backup(target, config); !ok) return fail(ok.error());
  std::cout << "backed up " << db_path.string() << " to " << target << " (integrity ok)\n";
  return 0;
}

int run_restore(const std::string& backup, const std::string& state_dir, const Config& config,
                const std::string& operator_name) {
  auto lock = store::StateDirLock::acquire(state_dir);
  if (!lock) {
    if (lock.error().code == "locked")
      std::cerr << "storeedgectl: storeedged is running on '" << state_dir
                << "'; stop it first (systemctl stop storeedged)\n";
    return fail(lock.error());
  }
  if (auto ok = check_backup(backup, config); !ok) return fail(ok.error());

  // The database being replaced is kept beside, untouched, until the operator removes it.
  const std::string stamp = format_rfc3339(std::chrono::system_clock::now());
  const fs::path aside = fs::path(state_dir) / ("replaced-" + stamp.substr(0, 19));
  std::error_code ec;
  fs::create_directories(aside, ec);
  if (ec) return fail(make_error("io_error", aside.string() + ": " + ec.message()));
  const fs::path db_path = fs::path(state_dir) / store::kDatabaseFile;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path p = db_path.string() + suffix;
    if (!fs::exists(p)) continue;
    fs::rename(p, aside / p.filename(), ec);
    if (ec) return fail(make_error("io_error", "moving " + p.string() + ": " + ec.message()));
  }
  if (auto r = copy_database(backup, db_path.string()); !r) return fail(r.error());

  auto db = store::open_store(state_dir, config);  // migrates an older backup
  if (!db) return fail(db.error());
  if (auto r = db->exec("BEGIN IMMEDIATE"); !r) return fail(r.error());
  auto restart = sync::restart_up_epoch(*db);
  Result<void> audit =
      restart ? auth::append_audit(*db, {stamp, std::nullopt, operator_name, std::nullopt,
                                         "ctl restore", backup, "ok", std::nullopt})
              : Result<void>(restart.error());
  if (!audit) {
    (void)db->exec("ROLLBACK");
    return fail(audit.error());
  }
  if (auto r = db->exec("COMMIT"); !r) return fail(r.error());
  std::cout << "restored " << backup << "\n"
            << "the replaced database is in " << aside.string() << "\n"
            << "new up epoch " << restart->new_epoch << " (was " << restart->old_epoch
            << "): " << restart->renumbered
            << " fact(s) not yet acknowledged renumbered from seq 1, " << restart->removed
            << " settled row(s) left the outbox\n"
            << "at its next connection the store asks the OMS to replay the down stream after"
               " what the backup had applied\n";
  return 0;
}

}  // namespace storeedge::ctl
