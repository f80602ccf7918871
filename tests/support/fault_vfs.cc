// FaultVfs: forwards every sqlite3_vfs and sqlite3_io_methods call to the "unix" VFS, failing
// writes, syncs and growing truncates when a test asked for it.
#include "support/fault_vfs.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace storeedge::testing {

struct FaultVfs::Glue {
  // SQLite allocates szOsFile bytes per file: this header, then the real unix file.
  struct File {
    sqlite3_file base;
    FaultVfs* owner;
  };

  static FaultVfs* owner(sqlite3_file* f) { return reinterpret_cast<File*>(f)->owner; }
  static sqlite3_file* real(sqlite3_file* f) {
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<File*>(f) + 1);
  }
  static const sqlite3_io_methods* io(sqlite3_file* f) { return real(f)->pMethods; }
  static sqlite3_vfs* real(sqlite3_vfs* v) { return static_cast<FaultVfs*>(v->pAppData)->real_; }

  static int file_close(sqlite3_file* f) { return io(f)->xClose(real(f)); }
  static int file_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    return io(f)->xRead(real(f), buf, amount, offset);
  }
  static int file_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    if (int rc = owner(f)->on_write(); rc != SQLITE_OK) return rc;
    return io(f)->xWrite(real(f), buf, amount, offset);
  }
  static int file_truncate(sqlite3_file* f, sqlite3_int64 size) {
    sqlite3_int64 current = 0;
    if (int rc = io(f)->xFileSize(real(f), &current); rc != SQLITE_OK) return rc;
    if (int rc = owner(f)->on_truncate(size > current); rc != SQLITE_OK) return rc;
    return io(f)->xTruncate(real(f), size);
  }
  static int file_sync(sqlite3_file* f, int flags) {
    if (int rc = owner(f)->on_sync(); rc != SQLITE_OK) return rc;
    return io(f)->xSync(real(f), flags);
  }
  static int file_size(sqlite3_file* f, sqlite3_int64* size) {
    return io(f)->xFileSize(real(f), size);
  }
  static int file_lock(sqlite3_file* f, int lock) { return io(f)->xLock(real(f), lock); }
  static int file_unlock(sqlite3_file* f, int lock) { return io(f)->xUnlock(real(f), lock); }
  static int file_check_reserved_lock(sqlite3_file* f, int* out) {
    return io(f)->xCheckReservedLock(real(f), out);
  }
  static int file_control(sqlite3_file* f, int op, void* arg) {
    return io(f)->xFileControl(real(f), op, arg);
  }
  static int file_sector_size(sqlite3_file* f) { return io(f)->xSectorSize(real(f)); }
  static int file_device_characteristics(sqlite3_file* f) {
    return io(f)->xDeviceCharacteristics(real(f));
  }
  // The shared-memory methods must reach the real file untouched: WAL mode depends on them.
  static int file_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return io(f)->xShmMap(real(f), region, size, extend, out);
  }
  static int file_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return io(f)->xShmLock(real(f), offset, n, flags);
  }
  static void file_shm_barrier(sqlite3_file* f) { io(f)->xShmBarrier(real(f)); }
  static int file_shm_unmap(sqlite3_file* f, int delete_flag) {
    return io(f)->xShmUnmap(real(f), delete_flag);
  }
  static int file_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return io(f)->xFetch(real(f), offset, amount, out);
  }
  static int file_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    return io(f)->xUnfetch(real(f), offset, p);
  }

  // SQLite only calls methods the table's iVersion promises, so ours must not exceed the real one.
  static constexpr sqlite3_io_methods io_methods(int version) {
    return {.iVersion = version,
            .xClose = file_close,
            .xRead = file_read,
            .xWrite = file_write,
            .xTruncate = file_truncate,
            .xSync = file_sync,
            .xFileSize = file_size,
            .xLock = file_lock,
            .xUnlock = file_unlock,
            .xCheckReservedLock = file_check_reserved_lock,
            .xFileControl = file_control,
            .xSectorSize = file_sector_size,
            .xDeviceCharacteristics = file_device_characteristics,
            .xShmMap = file_shm_map,
            .xShmLock = file_shm_lock,
            .xShmBarrier = file_shm_barrier,
            .xShmUnmap = file_shm_unmap,
            .xFetch = file_fetch,
            .xUnfetch = file_unfetch};
  }

  static int vfs_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out) {
    static constexpr sqlite3_io_methods by_version[] = {io_methods(1), io_methods(2),
                                                        io_methods(3)};
    auto* file = reinterpret_cast<File*>(f);
    file->owner = static_cast<FaultVfs*>(v->pAppData);
    int rc = real(v)->xOpen(real(v), name, real(f), flags, out);
    // A real file with methods set gets closed by SQLite even when the open failed, so it needs
    // ours set too; one without must leave ours null.
    const sqlite3_io_methods* methods = real(f)->pMethods;
    file->base.pMethods =
        methods == nullptr ? nullptr : &by_version[std::clamp(methods->iVersion, 1, 3) - 1];
    return rc;
  }
  static int vfs_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
    return real(v)->xDelete(real(v), name, sync_dir);
  }
  static int vfs_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return real(v)->xAccess(real(v), name, flags, out);
  }
  static int vfs_full_pathname(sqlite3_vfs* v, const char* name, int size, char* out) {
    return real(v)->xFullPathname(real(v), name, size, out);
  }
  static void* vfs_dl_open(sqlite3_vfs* v, const char* name) {
    return real(v)->xDlOpen(real(v), name);
  }
  static void vfs_dl_error(sqlite3_vfs* v, int size, char* out) {
    real(v)->xDlError(real(v), size, out);
  }
  using Symbol = void (*)();
  static Symbol vfs_dl_sym(sqlite3_vfs* v, void* handle, const char* symbol) {
    return real(v)->xDlSym(real(v), handle, symbol);
  }
  static void vfs_dl_close(sqlite3_vfs* v, void* handle) { real(v)->xDlClose(real(v), handle); }
  static int vfs_randomness(sqlite3_vfs* v, int size, char* out) {
    return real(v)->xRandomness(real(v), size, out);
  }
  static int vfs_sleep(sqlite3_vfs* v, int micros) { return real(v)->xSleep(real(v), micros); }
  static int vfs_current_time(sqlite3_vfs* v, double* out) {
    return real(v)->xCurrentTime(real(v), out);
  }
  static int vfs_get_last_error(sqlite3_vfs* v, int size, char* out) {
    return real(v)->xGetLastError(real(v), size, out);
  }
  static int vfs_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
    return real(v)->xCurrentTimeInt64(real(v), out);
  }
  static int vfs_set_system_call(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr call) {
    return real(v)->xSetSystemCall(real(v), name, call);
  }
  static sqlite3_syscall_ptr vfs_get_system_call(sqlite3_vfs* v, const char* name) {
    return real(v)->xGetSystemCall(real(v), name);
  }
  static const char* vfs_next_system_call(sqlite3_vfs* v, const char* name) {
    return real(v)->xNextSystemCall(real(v), name);
  }
};

FaultVfs::FaultVfs(std::string name) : name_(std::move(name)), real_(sqlite3_vfs_find("unix")) {
  if (real_ == nullptr) throw std::runtime_error("FaultVfs: SQLite has no \"unix\" VFS to wrap");
  if (sqlite3_vfs_find(name_.c_str()) != nullptr) {
    throw std::runtime_error("FaultVfs: a VFS named \"" + name_ + "\" is already registered");
  }
  // Same version as the real VFS, so SQLite never calls a version 2/3 method it lacks.
  vfs_.iVersion = std::min(real_->iVersion, 3);
  vfs_.szOsFile = static_cast<int>(sizeof(Glue::File)) + real_->szOsFile;
  vfs_.mxPathname = real_->mxPathname;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = Glue::vfs_open;
  vfs_.xDelete = Glue::vfs_delete;
  vfs_.xAccess = Glue::vfs_access;
  vfs_.xFullPathname = Glue::vfs_full_pathname;
  vfs_.xDlOpen = Glue::vfs_dl_open;
  vfs_.xDlError = Glue::vfs_dl_error;
  vfs_.xDlSym = Glue::vfs_dl_sym;
  vfs_.xDlClose = Glue::vfs_dl_close;
  vfs_.xRandomness = Glue::vfs_randomness;
  vfs_.xSleep = Glue::vfs_sleep;
  vfs_.xCurrentTime = Glue::vfs_current_time;
  vfs_.xGetLastError = Glue::vfs_get_last_error;
  vfs_.xCurrentTimeInt64 = Glue::vfs_current_time_int64;
  vfs_.xSetSystemCall = Glue::vfs_set_system_call;
  vfs_.xGetSystemCall = Glue::vfs_get_system_call;
  vfs_.xNextSystemCall = Glue::vfs_next_system_call;
  if (int rc = sqlite3_vfs_register(&vfs_, /*makeDflt=*/0); rc != SQLITE_OK) {
    throw std::runtime_error(std::string("FaultVfs: cannot register: ") + sqlite3_errstr(rc));
  }
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&vfs_);
}

void FaultVfs::fail_nth_write(int n) {
  failing_write_ = n > 0 ? writes_ + n : 0;
}

void FaultVfs::fail_nth_sync(int n) {
  failing_sync_ = n > 0 ? syncs_ + n : 0;
}

void FaultVfs::set_disk_full(bool full) {
  disk_full_ = full;
}

void FaultVfs::set_sticky(bool sticky) {
  sticky_ = sticky;
}

void FaultVfs::reset() {
  failing_write_ = 0;
  failing_sync_ = 0;
  disk_full_ = false;
  sticky_ = false;
  dead_ = false;
  writes_ = 0;
  syncs_ = 0;
  faults_fired_ = 0;
}

int FaultVfs::writes() const {
  return writes_;
}

int FaultVfs::syncs() const {
  return syncs_;
}

int FaultVfs::faults_fired() const {
  return faults_fired_;
}

int FaultVfs::on_write() {
  int n = ++writes_;
  if (dead_) return fire(SQLITE_IOERR_WRITE);
  if (disk_full_) return fire(SQLITE_FULL);
  // Each call gets its own n, so exactly one call matches, even across threads.
  return n == failing_write_ ? fire(SQLITE_IOERR_WRITE) : SQLITE_OK;
}

int FaultVfs::on_sync() {
  int n = ++syncs_;
  if (dead_) return fire(SQLITE_IOERR_FSYNC);
  return n == failing_sync_ ? fire(SQLITE_IOERR_FSYNC) : SQLITE_OK;
}

int FaultVfs::on_truncate(bool grows) {
  if (dead_) return fire(SQLITE_IOERR_TRUNCATE);
  if (grows && disk_full_) return fire(SQLITE_FULL);
  return SQLITE_OK;
}

int FaultVfs::fire(int rc) {
  ++faults_fired_;
  if (sticky_) dead_ = true;
  return rc;
}

}  // namespace storeedge::testing
