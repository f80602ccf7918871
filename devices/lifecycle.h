// Runs one device through its lifecycle: open → claim → enable, then reads data events into a
// bounded queue that a second coroutine delivers from; when the queue is full the driver is not
// asked for more (back-pressure). A failure to open, claim, enable or read is retried with
// backoff while the device is plugged in; "device_gone" ends the run; stop() releases the
// driver. Loop thread only; the runner must outlive its coroutines (hold it in a shared_ptr —
// start() keeps a reference in each coroutine).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>

#include "devices/driver.h"
#include "devices/registry.h"

namespace storeedge::devices {

template <class Event>
class DeviceRunner : public std::enable_shared_from_this<DeviceRunner<Event>> {
 public:
  struct Hooks {
    // Delivers one event; the next one waits until it completes.
    std::function<boost::asio::awaitable<void>(Event)> deliver;
    // Sets the registry entry's state (the runner never touches the registry itself, so the
    // entry may be looked up afresh each time).
    std::function<void(DeviceState, std::optional<Error>)> state;
    // "removed mid-scan" and other notes for the entry's last event.
    std::function<void(std::string)> note;
  };

  DeviceRunner(boost::asio::any_io_executor ex, std::unique_ptr<Driver<Event>> driver,
               std::size_t queue_limit, Hooks hooks)
      : driver_(std::move(driver)),
        limit_(queue_limit == 0 ? 1 : queue_limit),
        hooks_(std::move(hooks)),
        retry_(ex),
        have_events_(ex),
        have_room_(ex) {}

  void start() {
    auto self = this->shared_from_this();
    auto ex = retry_.get_executor();
    boost::asio::co_spawn(
        ex, [self]() { return self->read_loop(); }, boost::asio::detached);
    boost::asio::co_spawn(
        ex, [self]() { return self->deliver_loop(); }, boost::asio::detached);
  }

  // Lets go of the device (released); a removal reported by udev passes `gone` (removed).
  void stop(bool gone) {
    if (stopped_) return;
    stopped_ = true;
    gone_ = gone;
    driver_->release();
    retry_.cancel();
    have_events_.cancel();
    have_room_.cancel();
  }

  std::size_t queued() const { return queue_.size(); }
  const Driver<Event>& driver() const { return *driver_; }

 private:
  static constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

  boost::asio::awaitable<void> read_loop() {
    std::chrono::milliseconds backoff{500};
    while (!stopped_) {
      auto failure = bring_up();
      if (!failure) {
        backoff = std::chrono::milliseconds{500};
        failure = co_await read_events();
      }
      driver_->release();
      if (stopped_) break;
      if (failure->code == "device_gone") {
        gone_ = true;
        hooks_.state(DeviceState::removed, std::move(*failure));
        stopped_ = true;
        have_events_.cancel();
        co_return;
      }
      const bool permanent = failure->code == "not_a_scanner";
      hooks_.state(DeviceState::error, std::move(*failure));
      if (permanent) co_return;
      retry_.expires_after(backoff);
      co_await retry_.async_wait(kTuple);
      backoff = std::min(backoff * 2, std::chrono::milliseconds{30'000});
    }
    hooks_.state(gone_ ? DeviceState::removed : DeviceState::released, std::nullopt);
  }

  std::optional<Error> bring_up() {
    if (auto r = driver_->open(); !r) return r.error();
    hooks_.state(DeviceState::opened, std::nullopt);
    if (auto r = driver_->claim(); !r) return r.error();
    hooks_.state(DeviceState::claimed, std::nullopt);
    if (auto r = driver_->enable(); !r) return r.error();
    hooks_.state(DeviceState::enabled, std::nullopt);
    return std::nullopt;
  }

  // Reads until the driver fails; returns the failure.
  boost::asio::awaitable<std::optional<Error>> read_events() {
    while (!stopped_) {
      while (queue_.size() >= limit_ && !stopped_) {
        have_room_.expires_at(boost::asio::steady_timer::time_point::max());
        co_await have_room_.async_wait(kTuple);
      }
      if (stopped_) break;
      auto event = co_await driver_->next_event();
      if (!event) co_return event.error();
      queue_.push_back(std::move(*event));
      have_events_.cancel();
    }
    co_return std::nullopt;
  }

  boost::asio::awaitable<void> deliver_loop() {
    for (;;) {
      while (queue_.empty()) {
        if (stopped_) co_return;
        have_events_.expires_at(boost::asio::steady_timer::time_point::max());
        co_await have_events_.async_wait(kTuple);
      }
      Event event = std::move(queue_.front());
      queue_.pop_front();
      have_room_.cancel();
      co_await hooks_.deliver(std::move(event));
    }
  }

  std::unique_ptr<Driver<Event>> driver_;
  std::size_t limit_;
  Hooks hooks_;
  std::deque<Event> queue_;
  boost::asio::steady_timer retry_, have_events_, have_room_;
  bool stopped_ = false;
  bool gone_ = false;
};

}  // namespace storeedge::devices
