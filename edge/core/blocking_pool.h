// A small bounded thread pool for blocking work (PIN hashing today; CUPS calls and image
// decodes later). Work past the bound is refused at once instead of queueing without limit.
// submit() is thread-safe; results are posted back to the caller's executor.
#pragma once

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>

namespace storeedge {

class BlockingPool {
 public:
  BlockingPool(size_t threads, size_t max_in_flight)
      : pool_(threads), max_in_flight_(max_in_flight) {}
  ~BlockingPool() { stop(); }

  // Runs `fn` on the pool; completes with nullopt when max_in_flight jobs are running already.
  // Completion signature: void(std::optional<T>), delivered on `ex`.
  template <class T, class Executor, class Token>
  auto async_run(const Executor& ex, std::function<T()> fn, Token&& token) {
    return boost::asio::async_initiate<Token, void(std::optional<T>)>(
        [this](auto handler, const Executor& ex, std::function<T()> fn) {
          auto tracked = boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked);
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          if (in_flight_.fetch_add(1) >= max_in_flight_) {
            in_flight_.fetch_sub(1);
            boost::asio::post(tracked, [h = std::move(h)]() mutable {
              auto handler = std::move(*h);
              handler(std::optional<T>{});
            });
            return;
          }
          // The handler must only ever be touched on `ex`: move it into the posted completion
          // so no reference to it stays behind on the pool thread.
          boost::asio::post(pool_, [this, h = std::move(h), tracked, fn = std::move(fn)]() mutable {
            std::optional<T> result{fn()};
            in_flight_.fetch_sub(1);
            boost::asio::post(tracked, [h = std::move(h), r = std::move(result)]() mutable {
              auto handler = std::move(*h);
              handler(std::move(r));
            });
          });
        },
        token, ex, std::move(fn));
  }

  void stop() {
    pool_.stop();
    pool_.join();
  }
  size_t in_flight() const { return in_flight_.load(); }

 private:
  boost::asio::thread_pool pool_;
  const size_t max_in_flight_;
  std::atomic<size_t> in_flight_{0};
};

}  // namespace storeedge
