// Moves WAL checkpoints off the writer thread. SQLite's automatic checkpoint runs inside the
// COMMIT that crosses its threshold, so every ~1000 pages one group of changes waited, before
// its answer, for the copy of the WAL into the database file and that file's fsync. Attached to
// the writer's connection, this turns the automatic checkpoint off and installs a WAL hook that
// wakes its own thread, which checkpoints through its own connection in PASSIVE mode (it never
// blocks the writer or the readers). Durability is unchanged: every commit is in the WAL, fsynced.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/database.h"

namespace storeedge::store {

class Checkpointer {
 public:
  // Opens a second connection to the writer's database file (through the same VFS). Returns
  // nullptr, leaving SQLite's automatic checkpoint in place, when the database has no file or
  // the connection cannot be opened. Call from the thread that owns `writer`, before it writes.
  static std::unique_ptr<Checkpointer> attach(Connection& writer, int wal_pages = 1000);
  // Detaches the hook from `writer` and restores the automatic checkpoint; the writer's thread
  // must be idle (joined). Then stops the thread.
  void detach(Connection& writer);
  ~Checkpointer();

  std::uint64_t checkpoints() const { return checkpoints_; }
  std::uint64_t failures() const { return failures_; }

 private:
  Checkpointer(Connection db, int wal_pages);
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();
  void stop();

  Connection db_;
  const int wal_pages_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool due_ = false, stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0}, failures_{0};
  std::thread thread_;
};

}  // namespace storeedge::store
