// A thin RAII layer over SQLite: a Connection owns a sqlite3*, a Statement a prepared statement.
// Neither is thread-safe: each connection belongs to one thread (the loop reads, the writer
// thread writes). SQLite result codes become Error values with stable codes (see sqlite_error).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

namespace storeedge::store {

// Maps an SQLite result code to a stable error code: "disk_full", "io_error", "corrupt",
// "busy", "constraint", "no_memory", "readonly" or "database_error".
Error sqlite_error(int rc, std::string_view context, sqlite3* db = nullptr);

// True for errors that say the environment (disk, memory) failed rather than the request.
bool is_environment_error(const Error& e);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binds by 1-based index; chaining keeps call sites short.
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, std::nullopt_t);
  Statement& bind_optional(int i, const std::optional<std::string>& v);

  // Steps once: true = a row is available, false = done. Errors are Results.
  [[nodiscard]] Result<bool> step();
  // Steps to completion, for statements without result rows.
  [[nodiscard]] Result<void> run();
  void reset();

  std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string column_text(int i) const;
  std::optional<std::string> column_optional(int i) const;
  bool column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct OpenOptions {
  bool create = true;
  bool read_only = false;
  std::string vfs;  // empty = SQLite's default; tests pass a fault-injecting VFS
  int busy_timeout_ms = 5000;
};

class Connection {
 public:
  [[nodiscard]] static Result<Connection> open(const std::string& path, const OpenOptions& options);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  [[nodiscard]] Result<void> exec(std::string_view sql);
  // Prepared statements are cached by SQL text and reset before reuse.
  [[nodiscard]] Result<Statement*> prepare(std::string_view sql);
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  void close();
  // Looked up by the caller's string_view: no copy of the SQL text for a statement already
  // prepared (a dozen per applied message).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// Prepares `sql`, binds with `bind` and steps to completion: for statements without rows.
[[nodiscard]] Result<void> run(Connection& db, std::string_view sql,
                               const std::function<void(Statement&)>& bind = {});

// Prepares `sql`, binds with `bind` and calls `row` for each result row.
[[nodiscard]] Result<void> each_row(Connection& db, std::string_view sql,
                                    const std::function<void(Statement&)>& bind,
                                    const std::function<void(const Statement&)>& row);

}  // namespace storeedge::store
