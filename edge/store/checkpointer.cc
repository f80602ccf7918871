#include "store/checkpointer.h"

#include "core/log.h"

namespace storeedge::store {

std::unique_ptr<Checkpointer> Checkpointer::attach(Connection& writer, int wal_pages) {
  const char* file = sqlite3_db_filename(writer.handle(), "main");
  if (!file || !*file) return nullptr;
  sqlite3_vfs* vfs = nullptr;
  if (sqlite3_file_control(writer.handle(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs) != SQLITE_OK ||
      !vfs)
    return nullptr;
  OpenOptions options;
  options.create = false;
  options.vfs = vfs->zName;
  auto db = Connection::open(file, options);
  if (!db) {
    log::warning("store: checkpoints stay on the writer: " + db.error().message);
    return nullptr;
  }
  std::unique_ptr<Checkpointer> c(new Checkpointer(std::move(*db), wal_pages));
  (void)writer.exec("PRAGMA wal_autocheckpoint=0");
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, c.get());
  return c;
}

Checkpointer::Checkpointer(Connection db, int wal_pages)
    : db_(std::move(db)), wal_pages_(wal_pages), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  stop();
}

void Checkpointer::detach(Connection& writer) {
  sqlite3_wal_hook(writer.handle(), nullptr, nullptr);
  (void)writer.exec("PRAGMA wal_autocheckpoint=1000");
  stop();
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

// Runs on the writer's thread after each commit, with the WAL's size in pages.
int Checkpointer::on_commit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* c = static_cast<Checkpointer*>(self);
  if (wal_pages >= c->wal_pages_) {
    {
      std::lock_guard lock(c->mu_);
      c->due_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || due_; });
      if (stopping_) return;
      due_ = false;
    }
    int log_pages = 0, done_pages = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                             &log_pages, &done_pages);
    if (rc == SQLITE_OK) {
      ++checkpoints_;
    } else if (rc != SQLITE_BUSY) {
      ++failures_;
      log::warning("store: WAL checkpoint failed: " +
                   sqlite_error(rc, "wal_checkpoint", db_.handle()).message);
    }
  }
}

}  // namespace storeedge::store
