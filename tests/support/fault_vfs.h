// A fault-injecting SQLite VFS for tests, after SQLite's test_vfs and LevelDB's fault injection
// test: it lets a test make writes or fsyncs fail, or the disk look full, at a chosen moment.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <string>

namespace storeedge::testing {

// Wraps the default "unix" VFS so tests can make writes or fsyncs fail, or the disk look full.
// Thread-safe: the controls are atomics, read by whichever thread SQLite runs on.
// Faults apply to every file opened through the VFS (the database, its -wal and -journal).
// A failed write or sync never reaches the real file. Connections opened through the VFS must be
// closed before it is destroyed.
class FaultVfs {
 public:
  // Registers a VFS named `name` (not as default). Unregisters in the destructor.
  // Throws std::runtime_error if the name is taken or registration fails.
  explicit FaultVfs(std::string name);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;  // SQLite holds on to the address of vfs_.
  FaultVfs& operator=(const FaultVfs&) = delete;

  const std::string& name() const { return name_; }

  // From now on, the Nth (1-based) xWrite counted from this call fails with SQLITE_IOERR_WRITE;
  // 0 = never. Fires once.
  void fail_nth_write(int n);
  // From now on, the Nth xSync fails with SQLITE_IOERR_FSYNC; 0 = never. Fires once.
  void fail_nth_sync(int n);
  // While set, every xWrite, and every xTruncate that would grow a file, fails with SQLITE_FULL.
  void set_disk_full(bool full);
  // Sticky mode: once a fault fired, all later writes, syncs and truncates fail too (with
  // SQLITE_IOERR_WRITE, _FSYNC, _TRUNCATE) until reset(); models a dead disk.
  void set_sticky(bool sticky);
  // Back to the state right after construction: no faults armed, not sticky, counters zero.
  void reset();

  int writes() const;        // xWrite calls seen since construction/reset, failed ones included
  int syncs() const;         // xSync calls seen, failed ones included
  int faults_fired() const;  // errors injected, the ones from sticky mode included

 private:
  struct Glue;  // The C callbacks SQLite calls, in fault_vfs.cc.

  // Each returns the error to inject, or SQLITE_OK to let the call through.
  int on_write();
  int on_sync();
  int on_truncate(bool grows);
  int fire(int rc);

  std::string name_;
  sqlite3_vfs* real_;
  sqlite3_vfs vfs_{};
  std::atomic<int> writes_{0};
  std::atomic<int> syncs_{0};
  std::atomic<int> faults_fired_{0};
  std::atomic<int> failing_write_{0};  // value of writes_ whose xWrite fails; 0 = none
  std::atomic<int> failing_sync_{0};
  std::atomic<bool> disk_full_{false};
  std::atomic<bool> sticky_{false};
  std::atomic<bool> dead_{false};  // a fault fired while sticky
};

}  // namespace storeedge::testing
