#include "scanner/hidraw_source.h"

#include <fcntl.h>
#include <linux/hidraw.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

namespace storeedge::scanner {

namespace {

namespace asio = boost::asio;

Error errno_error(int err, const std::string& what) {
  const std::string message = what + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case EIO:
    case ESHUTDOWN:
      return make_error("device_gone", message);
    case EBUSY:
    case EWOULDBLOCK:
      return make_error("device_busy", message);
    default:
      return make_error("device_io", message);
  }
}

class HidrawSource final : public ScanSource {
 public:
  HidrawSource(asio::any_io_executor ex, std::string devnode, HidPosOptions options)
      : stream_(ex), devnode_(std::move(devnode)), options_(std::move(options)) {}
  ~HidrawSource() override {
    *alive_ = false;
    release();
  }

  Result<void> open() override {
    if (stream_.is_open()) return {};
    const int fd = ::open(devnode_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno_error(errno, "open " + devnode_);
    auto descriptor = read_descriptor(fd);
    if (!descriptor) {
      ::close(fd);
      return descriptor.error();
    }
    boost::system::error_code ec;
    stream_.assign(fd, ec);
    if (ec) {
      ::close(fd);
      return make_error("device_io", "cannot watch " + devnode_ + ": " + ec.message());
    }
    descriptor_ = std::move(*descriptor);
    assembler_.emplace(descriptor_.scanned_data);
    buffer_.resize(std::max<std::size_t>(descriptor_.max_input_report_bytes, 1));
    released_ = false;
    return {};
  }

  Result<void> claim() override {
    if (!stream_.is_open()) return make_error("device_io", "claim before open");
    if (::flock(stream_.native_handle(), LOCK_EX | LOCK_NB) != 0)
      return errno_error(errno, "lock " + devnode_);
    return {};
  }

  Result<void> enable() override {
    if (!stream_.is_open()) return make_error("device_io", "enable before open");
    if (!should_send_enable(options_, descriptor_)) return {};
    std::vector<std::uint8_t> report = options_.enable_report;
    const int fd = stream_.native_handle();
    const long done = options_.enable_kind == EnableReportKind::feature
                          ? ::ioctl(fd, HIDIOCSFEATURE(report.size()), report.data())
                          : ::write(fd, report.data(), report.size());
    if (done < 0) return errno_error(errno, "enable report to " + devnode_);
    return {};
  }

  asio::awaitable<Result<ScanEvent>> next_event() override {
    const std::shared_ptr<bool> alive = alive_;  // `this` may be gone once released
    for (;;) {
      if (released_ || !stream_.is_open()) co_return make_error("released", "released");
      // Wait for readiness, then read(2) once: hidraw hands out one report per read.
      auto [ec] = co_await stream_.async_wait(asio::posix::stream_descriptor::wait_read,
                                              asio::as_tuple(asio::use_awaitable));
      if (!*alive || released_ || ec == asio::error::operation_aborted)
        co_return make_error("released", "released while waiting for a scan");
      if (ec) co_return make_error("device_io", "wait on " + devnode_ + ": " + ec.message());
      const ssize_t n = ::read(stream_.native_handle(), buffer_.data(), buffer_.size());
      if (n == 0) co_return gone("end of file");
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        Error e = errno_error(errno, "read " + devnode_);
        if (e.code == "device_gone") co_return gone(e.message);
        co_return e;
      }
      if (auto ev = assembler_->feed(std::span(buffer_.data(), static_cast<std::size_t>(n))))
        co_return std::move(*ev);
    }
  }

  void release() override {
    released_ = true;
    if (!stream_.is_open()) return;
    boost::system::error_code ignored;
    stream_.cancel(ignored);
    stream_.close(ignored);  // also drops the flock
  }

  std::string describe() const override {
    std::string out = "hidraw " + devnode_;
    if (assembler_) out += ", report " + std::to_string(descriptor_.scanned_data.report_id);
    return out;
  }

 private:
  Result<HidPosDescriptor> read_descriptor(int fd) const {
    int size = 0;
    if (::ioctl(fd, HIDIOCGRDESCSIZE, &size) < 0)
      return errno_error(errno, "report descriptor size of " + devnode_);
    if (size <= 0 || static_cast<std::size_t>(size) > HID_MAX_DESCRIPTOR_SIZE)
      return make_error("device_io", "report descriptor size " + std::to_string(size));
    hidraw_report_descriptor desc{};
    desc.size = static_cast<std::uint32_t>(size);
    if (::ioctl(fd, HIDIOCGRDESC, &desc) < 0)
      return errno_error(errno, "report descriptor of " + devnode_);
    return find_hid_pos(std::span<const std::uint8_t>(desc.value, desc.size));
  }

  Error gone(const std::string& why) {
    const std::size_t dropped = assembler_ ? assembler_->drop_partial() : 0;
    std::string message = devnode_ + " went away (" + why + ")";
    if (dropped > 0)
      message += "; dropped a scan in progress of " + std::to_string(dropped) + " bytes";
    return make_error("device_gone", message);
  }

  asio::posix::stream_descriptor stream_;
  std::string devnode_;
  HidPosOptions options_;
  HidPosDescriptor descriptor_;
  std::optional<HidPosAssembler> assembler_;
  std::vector<std::uint8_t> buffer_;
  bool released_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ScanSource> make_hidraw_source(boost::asio::any_io_executor ex, std::string devnode,
                                               HidPosOptions options) {
  return std::make_unique<HidrawSource>(std::move(ex), std::move(devnode), std::move(options));
}

}  // namespace storeedge::scanner
