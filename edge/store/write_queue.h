// Group commit for durable writes, after LevelDB's writer queue: callers from any thread submit
// changes; one writer thread commits everything waiting as one transaction, so concurrent
// writers share one fsync (synchronous=FULL). A change's completion is called only after its
// transaction is durable, or with the error that stopped it.
//
// Each change runs in its own SAVEPOINT: a change that fails with a request error (a constraint,
// a validation) is rolled back alone; an environment error (disk full, I/O) fails the group.
// A failed write or fsync makes the queue refuse every later write until restart (sticky), since
// after a failed fsync the file's contents are unknown. Disk full is not sticky: the next commit
// that succeeds clears it.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/metrics.h"
#include "store/database.h"

namespace storeedge::store {

struct WriteQueueOptions {
  size_t limit = 10'000;     // changes waiting; more are refused with "overloaded"
  size_t max_group = 1'000;  // changes in one transaction
};

struct StoreHealth {
  bool writable = true;
  std::string condition = "ok";  // "ok" | "disk_full" | "failed"
  std::string reason;            // why not writable, for /readyz and the log
};

class WriteQueue {
 public:
  using Change = std::function<Result<void>(Connection&)>;  // runs on the writer thread
  using Done = std::function<void(Result<void>)>;           // called on the writer thread

  WriteQueue(Connection writer, WriteQueueOptions options);
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Thread-safe. `done` is always called exactly once.
  void submit(Change change, Done done);

  // Asio form: the completion (signature void(Result<void>)) runs on `ex`. With use_awaitable,
  // a coroutine may let `change` capture its locals by reference: it is suspended until done.
  template <class Executor, class Token>
  auto async_write(const Executor& ex, Change change, Token&& token) {
    return boost::asio::async_initiate<Token, void(Result<void>)>(
        [this](auto handler, const Executor& ex, Change change) {
          auto tracked = boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked);
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          // The handler must only ever be touched on `ex`: move it into the posted completion
          // so the writer thread keeps no reference to it.
          submit(std::move(change), [h = std::move(h), tracked](Result<void> r) mutable {
            boost::asio::post(tracked, [h = std::move(h), r = std::move(r)]() mutable {
              auto handler = std::move(*h);
              handler(std::move(r));
            });
          });
        },
        token, ex, std::move(change));
  }

  // Commits everything already submitted, then stops the writer thread. Later submits fail.
  void stop();

  StoreHealth health() const;
  size_t depth() const;
  void append_metrics(std::string& out) const;

 private:
  struct Pending {
    Change change;
    Done done;
  };
  void run();
  void commit_group(std::deque<Pending>& group);
  void fail_group(std::deque<Pending>& group, const Error& e);
  void note_environment_error(const Error& e);

  Connection db_;
  const WriteQueueOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;
  bool stopping_ = false;
  StoreHealth health_;
  std::uint64_t commits_ = 0, changes_ = 0, failed_commits_ = 0, refused_ = 0;
  metrics::Histogram commit_latency_;
  std::thread thread_;
};

}  // namespace storeedge::store
