// The serial source: open with O_NOCTTY, flock + TIOCEXCL, termios raw mode, read while
// next_event() waits, deframe.
#include "scanner/serial_source.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <utility>

#include "scanner/device_errors.h"

namespace storeedge::scanner {

namespace {

namespace asio = boost::asio;

constexpr std::size_t kReadSize = 256;

std::optional<speed_t> speed_for(unsigned baud) {
  switch (baud) {
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    default:
      return std::nullopt;
  }
}

class SerialSource final : public ScanSource {
 public:
  SerialSource(asio::any_io_executor ex, std::string devnode, SerialOptions options)
      : devnode_(std::move(devnode)),
        options_(std::move(options)),
        deframer_(options_.framing),
        descriptor_(std::move(ex)) {}
  ~SerialSource() override { release(); }

  Result<void> open() override {
    if (descriptor_.is_open()) return {};
    if (!speed_for(options_.baud))
      return make_error("device_io", "unsupported baud rate " + std::to_string(options_.baud));
    const int fd = ::open(devnode_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno_error(errno, "open " + devnode_);
    if (!::isatty(fd)) {
      ::close(fd);
      return make_error("not_a_scanner", devnode_ + " is not a serial port");
    }
    boost::system::error_code ec;
    descriptor_.assign(fd, ec);
    if (ec) {
      ::close(fd);
      return make_error("device_io", "cannot watch " + devnode_ + ": " + ec.message());
    }
    gone_ = false;
    deframer_.reset();
    return {};
  }

  Result<void> claim() override {
    if (!descriptor_.is_open()) return make_error("device_io", devnode_ + " is not open");
    if (claimed_) return {};
    const int fd = descriptor_.native_handle();
    // flock for programs that cooperate (ModemManager, other daemons); TIOCEXCL makes the
    // kernel refuse further opens of the port by anyone but root.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return make_error("device_busy", devnode_ + " is locked");
      return errno_error(errno, "flock " + devnode_);
    }
    if (::ioctl(fd, TIOCEXCL) != 0) return errno_error(errno, "TIOCEXCL " + devnode_);
    if (auto configured = configure(fd); !configured) return configured;
    claimed_ = true;
    return {};
  }

  Result<void> enable() override {
    if (!descriptor_.is_open()) return make_error("device_io", devnode_ + " is not open");
    // What arrived before the port was ours is stale (a scan nobody was waiting for).
    (void)::tcflush(descriptor_.native_handle(), TCIFLUSH);
    deframer_.reset();
    return {};
  }

  asio::awaitable<Result<ScanEvent>> next_event() override {
    if (waiting_) co_return make_error("device_io", "next_event is already waiting");
    waiting_ = true;
    auto result = co_await wait_for_scan();
    waiting_ = false;
    co_return result;
  }

  void release() override {
    if (descriptor_.is_open()) {
      if (claimed_) (void)::ioctl(descriptor_.native_handle(), TIOCNXCL);
      boost::system::error_code ignored;
      descriptor_.close(ignored);  // also drops the flock
    }
    claimed_ = false;
    pending_.clear();
    deframer_.reset();
  }

  std::string describe() const override {
    return "serial " + devnode_ + ", " + std::to_string(options_.baud) + " 8N1";
  }

 private:
  Result<void> configure(int fd) {
    termios tio{};
    if (::tcgetattr(fd, &tio) != 0) return errno_error(errno, "tcgetattr " + devnode_);
    ::cfmakeraw(&tio);
    const speed_t speed = *speed_for(options_.baud);
    ::cfsetispeed(&tio, speed);
    ::cfsetospeed(&tio, speed);
    tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
    tio.c_cflag |= CS8 | CLOCAL | CREAD;
    if (options_.rts_cts) tio.c_cflag |= CRTSCTS;
    tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &tio) != 0) return errno_error(errno, "tcsetattr " + devnode_);
    return {};
  }

  asio::awaitable<Result<ScanEvent>> wait_for_scan() {
    for (;;) {
      if (!pending_.empty()) {
        ScanEvent ev = std::move(pending_.front());
        pending_.pop_front();
        co_return ev;
      }
      if (gone_) co_return make_error("device_gone", devnode_ + " is gone");
      if (!descriptor_.is_open()) co_return make_error("released", devnode_ + " is not open");
      auto [ec, n] = co_await descriptor_.async_read_some(asio::buffer(buf_),
                                                          asio::as_tuple(asio::use_awaitable));
      if (!descriptor_.is_open()) co_return make_error("released", "release() was called");
      if (ec == asio::error::eof || ec.value() == EIO || ec.value() == ENODEV ||
          ec.value() == ENXIO) {
        gone_ = true;
        deframer_.reset();  // a partial frame is dropped
        continue;           // scans completed before are still delivered
      }
      if (ec) co_return make_error("device_io", "read " + devnode_ + ": " + ec.message());
      auto scans =
          deframer_.feed(std::string_view(buf_.data(), n), std::chrono::steady_clock::now());
      for (auto& s : scans) pending_.push_back(std::move(s));
    }
  }

  std::string devnode_;
  SerialOptions options_;
  SerialDeframer deframer_;
  asio::posix::stream_descriptor descriptor_;
  std::deque<ScanEvent> pending_;  // at most one read's worth (kReadSize bytes)
  std::array<char, kReadSize> buf_{};
  bool claimed_ = false;
  bool gone_ = false;
  bool waiting_ = false;
};

}  // namespace

std::unique_ptr<ScanSource> make_serial_source(asio::any_io_executor ex, std::string devnode,
                                               SerialOptions options) {
  return std::make_unique<SerialSource>(std::move(ex), std::move(devnode), std::move(options));
}

}  // namespace storeedge::scanner
