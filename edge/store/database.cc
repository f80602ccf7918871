#include "store/database.h"

#include <mutex>

namespace storeedge::store {

Error sqlite_error(int rc, std::string_view context, sqlite3* db) {
  std::string code;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      code = "disk_full";
      break;
    case SQLITE_IOERR:
      code = "io_error";
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = "corrupt";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = "busy";
      break;
    case SQLITE_CONSTRAINT:
      code = "constraint";
      break;
    case SQLITE_NOMEM:
      code = "no_memory";
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      code = "readonly";
      break;
    default:
      code = "database_error";
  }
  std::string message(context);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error{std::move(code), std::move(message)};
}

bool is_environment_error(const Error& e) {
  return e.code == "disk_full" || e.code == "io_error" || e.code == "corrupt" ||
         e.code == "no_memory" || e.code == "readonly";
}

Statement& Statement::bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, std::nullopt_t) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Statement& Statement::bind_optional(int i, const std::optional<std::string>& v) {
  return v ? bind(i, std::string_view(*v)) : bind(i, std::nullopt);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = sqlite_error(rc, sqlite3_sql(stmt_), db_);
  sqlite3_reset(stmt_);
  return e;
}

Result<void> Statement::run() {
  while (true) {
    auto r = step();
    if (!r) return r.error();
    if (!*r) break;
  }
  sqlite3_reset(stmt_);
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::column_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
}

std::optional<std::string> Statement::column_optional(int i) const {
  if (column_is_null(i)) return std::nullopt;
  return column_text(i);
}

Result<Connection> Connection::open(const std::string& path, const OpenOptions& options) {
  // With memory statistics on (SQLite's default), every sqlite3_malloc and free takes a global
  // mutex to keep counts that nothing here reads (sqlite3_memory_used). Must be set before
  // SQLite initialises; if something initialised it already, it stays on, which only costs time.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread by design
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(rc, "open " + path, db);
    sqlite3_close_v2(db);
    return e;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  Connection c(db);
  // WAL lets the loop read while the writer commits; FULL makes each commit an fsync so an
  // acknowledged change survives power loss, not only a crash of the process.
  if (!options.read_only) {
    if (auto r = c.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !r) return r.error();
  }
  // The write queue runs every change in its own savepoint, and SQLite keeps the pages a
  // savepoint or statement may have to roll back in a sub-journal: a temp file by default, so a
  // group of 32 picks made ~1400 write(2) calls (~95 KiB per pick) into files nobody reads after
  // the commit. Crash recovery never needs them (the WAL does that), so they live in memory.
  if (auto r = c.exec("PRAGMA temp_store=MEMORY;"); !r) return r.error();
  if (auto r = c.exec("PRAGMA foreign_keys=ON;"); !r) return r.error();
  return c;
}

Connection::Connection(Connection&& o) noexcept : db_(o.db_), cache_(std::move(o.cache_)) {
  o.db_ = nullptr;
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    close();
    db_ = o.db_;
    cache_ = std::move(o.cache_);
    o.db_ = nullptr;
  }
  return *this;
}

Connection::~Connection() {
  close();
}

void Connection::close() {
  cache_.clear();  // statements must be finalized before the connection closes
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<void> Connection::exec(std::string_view sql) {
  std::string text(sql);
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(rc, "exec", db_);
    if (msg) e.message = "exec: " + std::string(msg);
    sqlite3_free(msg);
    return e;
  }
  return {};
}

Result<Statement*> Connection::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) {
    it->second->reset();
    return it->second.get();
  }
  std::string key(sql);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc, "prepare", db_);
  auto* raw = new Statement(db_, stmt);
  cache_.emplace(std::move(key), std::unique_ptr<Statement>(raw));
  return raw;
}

Result<void> run(Connection& db, std::string_view sql,
                 const std::function<void(Statement&)>& bind) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (bind) bind(**st);
  return (*st)->run();
}

Result<void> each_row(Connection& db, std::string_view sql,
                      const std::function<void(Statement&)>& bind,
                      const std::function<void(const Statement&)>& row) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (bind) bind(**st);
  while (true) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    row(**st);
  }
  (*st)->reset();
  return {};
}

}  // namespace storeedge::store
