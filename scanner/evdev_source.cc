// The evdev keyboard-wedge source: open, EVIOCGRAB, read input_events while next_event() waits,
// feed the decoder with the events' timestamps, and an idle timer for bursts that just stop.
#include "scanner/evdev_source.h"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <utility>

#include "scanner/device_errors.h"

namespace storeedge::scanner {

namespace {

namespace asio = boost::asio;

constexpr std::size_t kEventsPerRead = 64;

bool test_bit(const unsigned char* bits, std::size_t bit) {
  return (bits[bit / 8] >> (bit % 8)) & 1;
}

class EvdevSource final : public ScanSource {
 public:
  EvdevSource(asio::any_io_executor ex, std::string devnode, WedgeOptions options)
      : devnode_(std::move(devnode)), decoder_(options), descriptor_(ex), idle_timer_(ex) {}
  ~EvdevSource() override { release(); }

  Result<void> open() override {
    if (descriptor_.is_open()) return {};
    const int fd = ::open(devnode_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno_error(errno, "open " + devnode_);
    if (auto keyboard = check_keyboard(fd); !keyboard) {
      ::close(fd);
      return keyboard;
    }
    // Timestamps from the monotonic clock, so a wall-clock step is not a gap between keys. Not
    // every kernel or emulation supports it; the realtime stamps work as well between steps.
    int clock = CLOCK_MONOTONIC;
    (void)::ioctl(fd, EVIOCSCLOCKID, &clock);
    boost::system::error_code ec;
    descriptor_.assign(fd, ec);
    if (ec) {
      ::close(fd);
      return make_error("device_io", "cannot watch " + devnode_ + ": " + ec.message());
    }
    gone_ = false;
    decoder_.reset();
    return {};
  }

  Result<void> claim() override {
    if (!descriptor_.is_open()) return make_error("device_io", devnode_ + " is not open");
    if (grabbed_) return {};
    if (::ioctl(descriptor_.native_handle(), EVIOCGRAB, 1) != 0) {
      if (errno == EBUSY)
        return make_error("device_busy", devnode_ + " is grabbed by another program");
      return errno_error(errno, "EVIOCGRAB " + devnode_);
    }
    grabbed_ = true;
    return {};
  }

  Result<void> enable() override {
    if (!descriptor_.is_open()) return make_error("device_io", devnode_ + " is not open");
    return {};  // a keyboard wedge always sends
  }

  asio::awaitable<Result<ScanEvent>> next_event() override {
    if (waiting_) co_return make_error("device_io", "next_event is already waiting");
    waiting_ = true;
    auto result = co_await wait_for_scan();
    waiting_ = false;
    co_return result;
  }

  void release() override {
    idle_timer_.cancel();
    if (descriptor_.is_open()) {
      if (grabbed_) (void)::ioctl(descriptor_.native_handle(), EVIOCGRAB, 0);
      boost::system::error_code ignored;
      descriptor_.close(ignored);
    }
    grabbed_ = false;
    pending_.clear();
    read_len_ = 0;
    skip_to_report_ = false;
    decoder_.reset();
  }

  std::string describe() const override { return "evdev " + devnode_ + ", keyboard wedge"; }

 private:
  enum class ReadOutcome { events, would_block, gone, failed };

  Result<void> check_keyboard(int fd) {
    std::array<unsigned char, EV_MAX / 8 + 1> types{};
    std::array<unsigned char, KEY_MAX / 8 + 1> keys{};
    if (::ioctl(fd, EVIOCGBIT(0, types.size()), types.data()) < 0)
      return make_error("not_a_scanner",
                        devnode_ + " is not an evdev node: " + std::strerror(errno));
    if (!test_bit(types.data(), EV_KEY))
      return make_error("not_a_scanner", devnode_ + " reports no keys");
    if (::ioctl(fd, EVIOCGBIT(EV_KEY, keys.size()), keys.data()) < 0)
      return errno_error(errno, "EVIOCGBIT(EV_KEY) " + devnode_);
    // A wedge scanner types at least digits and Enter; a power button or a mouse does not.
    for (const int key :
         {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_ENTER})
      if (!test_bit(keys.data(), static_cast<std::size_t>(key)))
        return make_error("not_a_scanner", devnode_ + " has no digit and Enter keys");
    return {};
  }

  asio::awaitable<Result<ScanEvent>> wait_for_scan() {
    using namespace asio::experimental::awaitable_operators;
    for (;;) {
      if (!pending_.empty()) {
        ScanEvent ev = std::move(pending_.front());
        pending_.pop_front();
        co_return ev;
      }
      if (gone_) co_return make_error("device_gone", devnode_ + " was unplugged");
      if (!descriptor_.is_open()) co_return make_error("released", devnode_ + " is not open");

      switch (read_events()) {
        case ReadOutcome::events:
          continue;
        case ReadOutcome::gone:
          co_return make_error("device_gone", devnode_ + " was unplugged");
        case ReadOutcome::failed:
          co_return read_error_;
        case ReadOutcome::would_block:
          break;
      }

      // The idle timer is only needed to emit a burst without terminator: otherwise the next
      // key's timestamp ends a burst by itself, and the loop's clock is not asked at all.
      if (!decoder_.in_burst() || !decoder_.options().emit_unterminated) {
        // An error here (EBADF after release()) shows in the next read.
        (void)co_await descriptor_.async_wait(asio::posix::descriptor_base::wait_read,
                                              asio::as_tuple(asio::use_awaitable));
        if (!descriptor_.is_open()) co_return make_error("released", "release() was called");
        continue;
      }
      // A burst is in progress: wait for the next key or until max_gap passes without one.
      idle_timer_.expires_after(decoder_.options().max_gap);
      auto readable = descriptor_.async_wait(asio::posix::descriptor_base::wait_read,
                                             asio::as_tuple(asio::use_awaitable));
      auto idle = idle_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
      const auto first = co_await (std::move(readable) || std::move(idle));
      if (!descriptor_.is_open()) co_return make_error("released", "release() was called");
      if (first.index() == 0) continue;
      // The gap passed. Keys that arrived meanwhile carry their own timestamps: read them first.
      switch (read_events()) {
        case ReadOutcome::events:
          continue;
        case ReadOutcome::gone:
          co_return make_error("device_gone", devnode_ + " was unplugged");
        case ReadOutcome::failed:
          co_return read_error_;
        case ReadOutcome::would_block:
          break;
      }
      if (auto ev = decoder_.idle()) pending_.push_back(std::move(*ev));
    }
  }

  // One read() of up to kEventsPerRead events, each fed to the decoder. Scans go to pending_,
  // so pending_ never holds more than one read's worth.
  ReadOutcome read_events() {
    const ssize_t n = ::read(descriptor_.native_handle(), read_buf_.data() + read_len_,
                             read_buf_.size() - read_len_);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return ReadOutcome::would_block;
      if (errno == ENODEV || errno == EIO) return device_gone();
      read_error_ = errno_error(errno, "read " + devnode_);
      return ReadOutcome::failed;
    }
    if (n == 0) return device_gone();
    read_len_ += static_cast<std::size_t>(n);
    std::size_t used = 0;
    for (; read_len_ - used >= sizeof(input_event); used += sizeof(input_event)) {
      input_event ev{};
      std::memcpy(&ev, read_buf_.data() + used, sizeof ev);
      handle(ev);
    }
    // evdev returns whole events; an emulation may split them.
    std::memmove(read_buf_.data(), read_buf_.data() + used, read_len_ - used);
    read_len_ -= used;
    return ReadOutcome::events;
  }

  void handle(const input_event& ev) {
    if (ev.type == EV_SYN && ev.code == SYN_DROPPED) {
      // The kernel's buffer overflowed: events up to the next SYN_REPORT are unreliable.
      decoder_.events_lost();
      skip_to_report_ = true;
      return;
    }
    if (skip_to_report_) {
      if (ev.type == EV_SYN && ev.code == SYN_REPORT) skip_to_report_ = false;
      return;
    }
    if (ev.type != EV_KEY) return;
    const auto time =
        std::chrono::seconds(ev.input_event_sec) + std::chrono::microseconds(ev.input_event_usec);
    if (auto scan = decoder_.feed({ev.code, ev.value, time})) pending_.push_back(std::move(*scan));
  }

  ReadOutcome device_gone() {
    gone_ = true;
    decoder_.reset();  // a scan in progress is dropped
    read_len_ = 0;
    return ReadOutcome::gone;
  }

  std::string devnode_;
  KeyStreamDecoder decoder_;
  asio::posix::stream_descriptor descriptor_;
  asio::steady_timer idle_timer_;
  std::deque<ScanEvent> pending_;
  std::array<unsigned char, kEventsPerRead * sizeof(input_event)> read_buf_{};
  std::size_t read_len_ = 0;
  Error read_error_;
  bool grabbed_ = false;
  bool gone_ = false;
  bool waiting_ = false;
  bool skip_to_report_ = false;
};

}  // namespace

std::unique_ptr<ScanSource> make_evdev_source(asio::any_io_executor ex, std::string devnode,
                                              WedgeOptions options) {
  return std::make_unique<EvdevSource>(std::move(ex), std::move(devnode), options);
}

}  // namespace storeedge::scanner
