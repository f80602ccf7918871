#include "store/write_queue.h"

#include <chrono>

#include "core/log.h"

namespace storeedge::store {

WriteQueue::WriteQueue(Connection writer, WriteQueueOptions options)
    : db_(std::move(writer)), options_(options), thread_([this] { run(); }) {}

WriteQueue::~WriteQueue() {
  stop();
}

void WriteQueue::submit(Change change, Done done) {
  std::unique_lock lock(mu_);
  Error refusal;
  if (stopping_) {
    refusal = make_error("unavailable", "the store is shutting down");
  } else if (health_.condition == "failed") {
    refusal = make_error("store_failed", "the store refuses writes: " + health_.reason);
  } else if (pending_.size() >= options_.limit) {
    refusal = make_error("overloaded", "the write queue is full");
  } else {
    pending_.push_back({std::move(change), std::move(done)});
    lock.unlock();
    cv_.notify_one();
    return;
  }
  ++refused_;
  lock.unlock();
  done(refusal);
}

void WriteQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

StoreHealth WriteQueue::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

size_t WriteQueue::depth() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void WriteQueue::run() {
  while (true) {
    std::deque<Pending> group;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping and drained
      size_t n = std::min(pending_.size(), options_.max_group);
      for (size_t i = 0; i < n; ++i) {
        group.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    commit_group(group);
  }
}

void WriteQueue::fail_group(std::deque<Pending>& group, const Error& e) {
  if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
  note_environment_error(e);
  for (auto& p : group) p.done(e);
}

void WriteQueue::note_environment_error(const Error& e) {
  std::lock_guard lock(mu_);
  ++failed_commits_;
  // Only a failed write or fsync (or corruption) leaves the file in doubt; busy, no memory or a
  // read-only file fail this group and the next one may succeed.
  if (health_.condition == "failed" ||
      (e.code != "disk_full" && e.code != "io_error" && e.code != "corrupt")) {
    if (e.code != "disk_full" && e.code != "io_error" && e.code != "corrupt")
      log::warning("store: a group commit failed: " + e.code + ": " + e.message);
    return;
  }
  health_.writable = false;
  if (e.code == "disk_full") {
    health_.condition = "disk_full";
    health_.reason = "disk full: " + e.message;
    log::error("store: disk full, writes fail until space is freed: " + e.message);
  } else {
    health_.condition = "failed";
    health_.reason = e.code + ": " + e.message;
    log::error("store: write failed, refusing all writes until restart: " + health_.reason);
  }
}

void WriteQueue::commit_group(std::deque<Pending>& group) {
  {
    std::lock_guard lock(mu_);
    if (health_.condition == "failed") {
      Error e = make_error("store_failed", "the store refuses writes: " + health_.reason);
      for (auto& p : group) p.done(e);
      return;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) {
    if (is_environment_error(r.error())) return fail_group(group, r.error());
    for (auto& p : group) p.done(r.error());  // busy: another process holds the lock too long
    return;
  }
  std::vector<Result<void>> results;
  results.reserve(group.size());
  for (auto& p : group) {
    // Savepoint per change so one bad change does not sink its neighbours. The savepoint
    // statements are prepared once (run, not exec, which would parse them for every change).
    if (auto r = store::run(db_, "SAVEPOINT change"); !r) return fail_group(group, r.error());
    Result<void> r = p.change(db_);
    if (r) {
      if (auto rel = store::run(db_, "RELEASE change"); !rel) return fail_group(group, rel.error());
    } else if (is_environment_error(r.error()) || !db_.in_transaction()) {
      return fail_group(group, r.error());
    } else {
      (void)store::run(db_, "ROLLBACK TO change");
      (void)store::run(db_, "RELEASE change");
    }
    results.push_back(std::move(r));
  }
  if (auto r = db_.exec("COMMIT"); !r) return fail_group(group, r.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  commit_latency_.observe(seconds);
  {
    std::lock_guard lock(mu_);
    ++commits_;
    changes_ += group.size();
    if (health_.condition == "disk_full") {
      health_ = StoreHealth{};
      log::notice("store: writes succeed again after disk full");
    }
  }
  for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
}

void WriteQueue::append_metrics(std::string& out) const {
  std::uint64_t commits, changes, failed, refused;
  size_t depth;
  bool writable;
  {
    std::lock_guard lock(mu_);
    commits = commits_;
    changes = changes_;
    failed = failed_commits_;
    refused = refused_;
    depth = pending_.size();
    writable = health_.writable;
  }
  using metrics::append_header;
  using metrics::append_sample;
  append_header(out, "storeedge_store_commits_total", "counter",
                "Transactions committed by the write queue (each one fsync).");
  append_sample(out, "storeedge_store_commits_total", "", static_cast<double>(commits));
  append_header(out, "storeedge_store_changes_total", "counter",
                "Changes committed through the write queue (grouped into commits).");
  append_sample(out, "storeedge_store_changes_total", "", static_cast<double>(changes));
  append_header(out, "storeedge_store_failed_commits_total", "counter",
                "Group commits that failed on a disk or I/O error.");
  append_sample(out, "storeedge_store_failed_commits_total", "", static_cast<double>(failed));
  append_header(out, "storeedge_store_refused_writes_total", "counter",
                "Changes refused before running (queue full, store failed, shutting down).");
  append_sample(out, "storeedge_store_refused_writes_total", "", static_cast<double>(refused));
  append_header(out, "storeedge_store_write_queue_depth", "gauge",
                "Changes waiting for the writer thread.");
  append_sample(out, "storeedge_store_write_queue_depth", "", static_cast<double>(depth));
  append_header(out, "storeedge_store_writable", "gauge", "1 when the store accepts writes.");
  append_sample(out, "storeedge_store_writable", "", writable ? 1 : 0);
  append_header(out, "storeedge_store_commit_duration_seconds", "histogram",
                "Time from BEGIN to durable COMMIT of one group.");
  commit_latency_.append(out, "storeedge_store_commit_duration_seconds", "");
}

}  // namespace storeedge::store
