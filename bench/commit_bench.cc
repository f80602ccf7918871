// commit_bench: durable commits per second through the WriteQueue (synchronous=FULL). Baseline:
// one closed-loop writer, so every change is its own fsync; then N concurrent closed-loop writers
// whose changes the queue groups into shared commits. Verifies every acknowledged row is there.
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "store/database.h"
#include "store/state_dir.h"
#include "store/write_queue.h"

namespace {

namespace fs = std::filesystem;
using storeedge::Config;
using storeedge::Result;
using storeedge::store::Connection;
using storeedge::store::WriteQueue;
using Clock = std::chrono::steady_clock;

constexpr double kTargetCommitsPerSecond = 20'000;
constexpr const char* kUsage =
    "usage: commit_bench [--dir DIR] [--seconds N] [--writers 64] [--clients loop|threads]\n"
    "  --clients loop     writers are callbacks on one io_context thread, completions posted\n"
    "                     there by WriteQueue::async_write, as in storeedged (default)\n"
    "  --clients threads  one OS thread per writer, blocking on its own completion\n";

std::atomic<bool> interrupted{false};

void on_signal(int) {
  interrupted.store(true);
}

struct Options {
  std::string dir;  // empty = a fresh temp directory, removed at exit
  double seconds = 5;
  int writers = 64;
  bool threads = false;  // --clients threads
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    try {
      if (name == "--dir") {
        o.dir = value;
      } else if (name == "--seconds") {
        o.seconds = std::stod(value);
      } else if (name == "--writers") {
        o.writers = std::stoi(value);
      } else if (name == "--clients" && (value == "loop" || value == "threads")) {
        o.threads = value == "threads";
      } else {
        return false;
      }
    } catch (const std::exception&) {
      return false;
    }
  }
  return o.seconds > 0 && o.writers > 0;
}

// Removes the temp directory on every return path of main.
class TempDirGuard {
 public:
  explicit TempDirGuard(std::string dir) : dir_(std::move(dir)) {}
  ~TempDirGuard() {
    if (dir_.empty()) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempDirGuard(const TempDirGuard&) = delete;
  TempDirGuard& operator=(const TempDirGuard&) = delete;

 private:
  std::string dir_;
};

struct QueueCounters {
  double commits = 0;  // groups, each one transaction and one fsync
  double changes = 0;
};

double metric_value(const std::string& text, const std::string& name) {
  const std::string prefix = name + " ";
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, prefix.size(), prefix) == 0)
      return std::stod(text.substr(at + prefix.size(), end - at - prefix.size()));
    at = end + 1;
  }
  return 0;
}

QueueCounters read_counters(const WriteQueue& queue) {
  std::string text;
  queue.append_metrics(text);
  return {metric_value(text, "storeedge_store_commits_total"),
          metric_value(text, "storeedge_store_changes_total")};
}

struct PhaseResult {
  std::uint64_t acked = 0;
  std::uint64_t failed = 0;
  std::string first_error;
  double seconds = 0;
  QueueCounters counters;       // this phase's share of the queue's totals
  std::vector<double> latency;  // seconds from submit to the writer seeing its completion

  double commits_per_second() const { return seconds > 0 ? acked / seconds : 0; }
  double groups_per_second() const { return seconds > 0 ? counters.commits / seconds : 0; }
  double mean_group() const {
    return counters.commits > 0 ? counters.changes / counters.commits : 0;
  }
  double percentile_ms(double q) const {
    if (latency.empty()) return 0;
    auto rank = static_cast<size_t>(q * static_cast<double>(latency.size()));
    return latency[std::min(rank, latency.size() - 1)] * 1e3;
  }
};

struct WriterStats {
  std::uint64_t acked = 0, failed = 0;
  std::string first_error;
  std::vector<double> latency;

  // Returns whether the writer may go on.
  bool record(const Result<void>& r, Clock::time_point submitted) {
    latency.push_back(std::chrono::duration<double>(Clock::now() - submitted).count());
    if (r) {
      ++acked;
      return true;
    }
    if (failed++ == 0) first_error = r.error().code + ": " + r.error().message;
    return false;
  }
};

// Inserts one row: the small durable change every writer submits.
WriteQueue::Change make_change(std::int64_t writer_id, std::int64_t n, const std::string& payload) {
  return [writer_id, n, &payload](Connection& db) -> Result<void> {
    auto st = db.prepare("INSERT INTO bench_rows (writer, n, payload) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    return (*st)->bind(1, writer_id).bind(2, n).bind(3, std::string_view(payload)).run();
  };
}

Clock::time_point deadline_after(Clock::time_point start, double seconds) {
  return start +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// One closed-loop client on its own thread: submit a change, block until its completion, repeat.
void run_thread_writer(WriteQueue& queue, std::int64_t writer_id, const std::string& payload,
                       std::latch& start, const Clock::time_point& deadline, WriterStats& stats) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Result<void> result;
  start.arrive_and_wait();
  for (std::int64_t n = 0; Clock::now() < deadline && !interrupted.load(); ++n) {
    const auto submitted = Clock::now();
    done = false;
    queue.submit(make_change(writer_id, n, payload), [&](Result<void> r) {
      // Notify under the lock: the waiter may return and destroy `cv` as soon as it is released.
      std::lock_guard lock(mu);
      result = std::move(r);
      done = true;
      cv.notify_one();
    });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    if (!stats.record(result, submitted)) break;
  }
}

void run_threads(WriteQueue& queue, int writers, double seconds, std::int64_t id_base,
                 const std::string& payload, std::vector<WriterStats>& stats,
                 Clock::time_point& began) {
  stats.resize(static_cast<size_t>(writers));
  std::latch start(writers + 1);
  Clock::time_point deadline;
  std::vector<std::thread> threads;
  threads.reserve(stats.size());
  for (int i = 0; i < writers; ++i)
    threads.emplace_back([&, i] {
      run_thread_writer(queue, id_base + i, payload, start, deadline,
                        stats[static_cast<size_t>(i)]);
    });
  began = Clock::now();
  deadline = deadline_after(began, seconds);
  start.arrive_and_wait();  // publishes `deadline` to the writers
  for (auto& t : threads) t.join();
}

// Closed-loop clients as storeedged runs them: callbacks on one io_context thread, each issuing
// its next change from the completion of the last (async_write posts completions to the loop).
class LoopWriters {
 public:
  LoopWriters(WriteQueue& queue, const std::string& payload, WriterStats& stats)
      : queue_(queue), payload_(payload), stats_(stats) {}

  void run(int writers, double seconds, std::int64_t id_base, Clock::time_point& began) {
    began = Clock::now();
    deadline_ = deadline_after(began, seconds);
    for (int i = 0; i < writers; ++i) issue(id_base + i, 0);
    ioc_.run();  // returns once every writer has stopped and its last completion has run
  }

 private:
  void issue(std::int64_t writer_id, std::int64_t n) {
    const auto submitted = Clock::now();
    queue_.async_write(
        ioc_.get_executor(), make_change(writer_id, n, payload_),
        [this, writer_id, n, submitted](Result<void> r) {
          if (stats_.record(r, submitted) && Clock::now() < deadline_ && !interrupted.load())
            issue(writer_id, n + 1);
        });
  }

  WriteQueue& queue_;
  const std::string& payload_;
  WriterStats& stats_;
  boost::asio::io_context ioc_{1};
  Clock::time_point deadline_;
};

PhaseResult run_phase(WriteQueue& queue, int writers, double seconds, std::int64_t id_base,
                      const std::string& payload, bool threads) {
  std::vector<WriterStats> stats;
  Clock::time_point began;
  const QueueCounters before = read_counters(queue);
  if (threads) {
    run_threads(queue, writers, seconds, id_base, payload, stats, began);
  } else {
    stats.resize(1);
    LoopWriters(queue, payload, stats[0]).run(writers, seconds, id_base, began);
  }
  PhaseResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - began).count();
  const QueueCounters after = read_counters(queue);
  r.counters = {after.commits - before.commits, after.changes - before.changes};
  for (auto& s : stats) {
    r.acked += s.acked;
    r.failed += s.failed;
    if (r.first_error.empty()) r.first_error = s.first_error;
    r.latency.insert(r.latency.end(), s.latency.begin(), s.latency.end());
  }
  std::sort(r.latency.begin(), r.latency.end());
  return r;
}

Result<std::int64_t> scalar(Connection& db, const char* sql) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::int64_t v = *row ? (*st)->column_int(0) : -1;
  (*st)->reset();
  return v;
}

void print_phase(const char* label, const PhaseResult& r) {
  std::printf(
      "%s: %.0f commits/s (%llu changes in %.2f s; %.0f groups/s, mean group %.1f; "
      "p50 %.2f ms, p99 %.2f ms)\n",
      label, r.commits_per_second(), static_cast<unsigned long long>(r.acked), r.seconds,
      r.groups_per_second(), r.mean_group(), r.percentile_ms(0.50), r.percentile_ms(0.99));
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  std::string dir = options.dir;
  std::string temp_dir;
  if (dir.empty()) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/commit_bench.XXXXXX";
    if (!mkdtemp(pattern.data())) {
      std::perror("commit_bench: mkdtemp");
      return 1;
    }
    dir = temp_dir = pattern;
  }
  TempDirGuard guard(temp_dir);

  Config config;
  auto db = storeedge::store::open_store(dir, config);
  if (!db) {
    std::fprintf(stderr, "commit_bench: cannot open the store in %s: %s\n", dir.c_str(),
                 db.error().message.c_str());
    return 1;
  }
  if (auto r =
          db->exec("CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, writer INTEGER,"
                   " n INTEGER, payload TEXT)");
      !r) {
    std::fprintf(stderr, "commit_bench: create table: %s\n", r.error().message.c_str());
    return 1;
  }
  auto synchronous = scalar(*db, "PRAGMA synchronous");
  auto rows_before = scalar(*db, "SELECT count(*) FROM bench_rows");
  if (!synchronous || !rows_before) {
    std::fprintf(stderr, "commit_bench: cannot read the database\n");
    return 1;
  }
  if (*synchronous != 2) {
    std::fprintf(stderr, "commit_bench: PRAGMA synchronous is %lld, expected 2 (FULL)\n",
                 static_cast<long long>(*synchronous));
    return 1;
  }
  const std::string payload(100, 'x');
  std::printf(
      "commit_bench: %s%s, SQLite %s, WAL, synchronous=FULL, %zu-byte payload, %.1f s/phase, "
      "clients: %s\n",
      dir.c_str(), temp_dir.empty() ? "" : " (temp, removed at exit)", sqlite3_libversion(),
      payload.size(), options.seconds,
      options.threads ? "one thread each" : "callbacks on one io_context thread");

  PhaseResult single, grouped;
  {
    WriteQueue queue(std::move(*db),
                     storeedge::store::WriteQueueOptions{config.database.write_queue_limit,
                                                         config.database.max_group_size});
    single = run_phase(queue, 1, options.seconds, 0, payload, options.threads);
    print_phase("single writer", single);
    std::fflush(stdout);
    grouped = run_phase(queue, options.writers, options.seconds, 1'000, payload, options.threads);
    const std::string label = std::to_string(options.writers) + " writers";
    print_phase(label.c_str(), grouped);
    queue.stop();  // commits anything still queued; every completion has already run
  }

  int status = 0;
  if (single.failed + grouped.failed > 0) {
    std::printf("FAILED: %llu change(s) failed, first: %s\n",
                static_cast<unsigned long long>(single.failed + grouped.failed),
                (single.first_error.empty() ? grouped.first_error : single.first_error).c_str());
    status = 1;
  }
  auto reader = storeedge::store::open_reader(dir, config);
  Result<std::int64_t> rows_after =
      reader ? scalar(*reader, "SELECT count(*) FROM bench_rows") : reader.error();
  const auto acked = static_cast<std::int64_t>(single.acked + grouped.acked);
  if (!rows_after) {
    std::printf("verify: FAILED, cannot count rows: %s\n", rows_after.error().message.c_str());
    status = 1;
  } else if (*rows_after - *rows_before != acked) {
    std::printf("verify: FAILED, %lld new rows but %lld acknowledged changes\n",
                static_cast<long long>(*rows_after - *rows_before), static_cast<long long>(acked));
    status = 1;
  } else {
    std::printf("verify: %lld new rows == %lld acknowledged changes (fresh connection): OK\n",
                static_cast<long long>(*rows_after - *rows_before), static_cast<long long>(acked));
  }
  const double ratio = single.commits_per_second() > 0
                           ? grouped.commits_per_second() / single.commits_per_second()
                           : 0;
  std::printf("ratio grouped/single: %.1fx\n", ratio);
  if (interrupted.load()) {
    std::printf("interrupted: the figures cover a shortened run; target not judged\n");
    return status ? status : 130;
  }
  std::printf("target >= %.0f commits/s: %s\n", kTargetCommitsPerSecond,
              grouped.commits_per_second() >= kTargetCommitsPerSecond ? "MET" : "NOT MET");
  return status;
}
