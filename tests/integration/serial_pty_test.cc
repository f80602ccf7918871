// The serial transport through a real pseudo-terminal: the test plays the scanner on the master
// side, the real make_serial_source reads the slave on an io_context.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "integration/scanner_io_support.h"
#include "scanner/serial_source.h"

namespace storeedge::scanner {
namespace {

using testing::next_scan;

class PseudoTerminal {
 public:
  PseudoTerminal() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
    slave_path_ = ::ptsname(master_);
  }
  ~PseudoTerminal() { close_master(); }

  bool ok() const { return master_ >= 0 && !slave_path_.empty(); }
  const std::string& slave_path() const { return slave_path_; }
  int master() const { return master_; }

  void write_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
      ASSERT_GT(n, 0) << std::strerror(errno);
      done += static_cast<std::size_t>(n);
    }
  }
  void close_master() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }

 private:
  int master_ = -1;
  std::string slave_path_;
};

class SerialPty : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(pty.ok()) << std::strerror(errno); }

  std::unique_ptr<ScanSource> start(SerialOptions options = {}) {
    auto source = make_serial_source(io.get_executor(), pty.slave_path(), std::move(options));
    auto opened = source->open();
    EXPECT_TRUE(opened) << opened.error().code << ": " << opened.error().message;
    auto claimed = source->claim();
    EXPECT_TRUE(claimed) << claimed.error().code << ": " << claimed.error().message;
    auto enabled = source->enable();
    EXPECT_TRUE(enabled) << enabled.error().code << ": " << enabled.error().message;
    return source;
  }

  boost::asio::io_context io;
  PseudoTerminal pty;
};

TEST_F(SerialPty, LineFramesBecomeScans) {
  auto source = start();
  pty.write_all(
      "4006381333931\r\n]C10109506000134352"
      "10ABC\x1d"
      "17250101\r\n");
  auto first = next_scan(*source, io);
  ASSERT_TRUE(first) << first.error().code;
  EXPECT_TRUE(first->ok());
  EXPECT_EQ(first->gtin14, "04006381333931");
  auto second = next_scan(*source, io);
  ASSERT_TRUE(second) << second.error().code;
  ASSERT_TRUE(second->ok()) << second->error->message;
  EXPECT_EQ(second->hri, "(01)09506000134352(10)ABC(17)250101");
  EXPECT_EQ(source->describe(), "serial " + pty.slave_path() + ", 9600 8N1");
}

TEST_F(SerialPty, StxEtxFramesAtTheConfiguredBaudInRawMode) {
  SerialOptions options;
  options.baud = 115200;
  options.framing.mode = FramingMode::stx_etx;
  auto source = start(options);

  termios tio{};
  ASSERT_EQ(::tcgetattr(pty.master(), &tio), 0);
  EXPECT_EQ(::cfgetispeed(&tio), static_cast<speed_t>(B115200));
  EXPECT_EQ(tio.c_lflag & (ICANON | ECHO), 0u);
  EXPECT_EQ(tio.c_iflag & (ICRNL | IXON), 0u);  // a CR in the data stays a CR
  EXPECT_EQ(tio.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));

  pty.write_all(
      "\r\n\x02"
      "]E04006381333931\x03"
      "\x02"
      "ABC\r123\x03");
  auto first = next_scan(*source, io);
  ASSERT_TRUE(first) << first.error().code;
  EXPECT_EQ(first->raw, "]E04006381333931");
  EXPECT_EQ(first->symbology, Symbology::ean13);
  auto second = next_scan(*source, io);
  ASSERT_TRUE(second) << second.error().code;
  EXPECT_EQ(second->raw, "ABC\r123");
}

TEST_F(SerialPty, MasterClosedIsDeviceGone) {
  auto source = start();
  pty.write_all("12345678\r\n");
  auto first = next_scan(*source, io);
  ASSERT_TRUE(first) << first.error().code;
  EXPECT_EQ(first->raw, "12345678");
  // Half a scan, then the "cable" is pulled: the half is not a scan. (What the slave had not
  // read when the master closed is discarded by the kernel, as with a CDC-ACM unplug.)
  pty.write_all("4006381");
  pty.close_master();
  auto gone = next_scan(*source, io);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "device_gone");
  auto again = next_scan(*source, io);  // and it stays gone
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "device_gone");
}

// Nothing is read while nobody asks: the kernel's buffer fills, the "scanner" is held back (its
// writes would block), and once the scans are asked for, every one arrives, in order.
TEST_F(SerialPty, BackPressureLosesNothing) {
  auto source = start();
  constexpr int kScans = 20000;
  std::string stream;
  for (int i = 0; i < kScans; ++i) {
    char frame[32];
    std::snprintf(frame, sizeof frame, "SCAN%06d\r\n", i);
    stream += frame;
  }
  const int flags = ::fcntl(pty.master(), F_GETFL);
  ASSERT_EQ(::fcntl(pty.master(), F_SETFL, flags | O_NONBLOCK), 0);
  std::size_t accepted = 0;
  bool held_back = false;
  while (accepted < stream.size()) {
    const ssize_t n = ::write(pty.master(), stream.data() + accepted, stream.size() - accepted);
    if (n < 0 && errno == EAGAIN) {
      held_back = true;
      break;
    }
    ASSERT_GT(n, 0) << std::strerror(errno);
    accepted += static_cast<std::size_t>(n);
  }
  ASSERT_TRUE(held_back) << "the pty took all " << stream.size() << " bytes without a reader";
  ASSERT_LT(accepted, stream.size());
  ASSERT_EQ(::fcntl(pty.master(), F_SETFL, flags), 0);

  std::thread writer([&] { pty.write_all(stream.substr(accepted)); });
  int mismatches = 0;
  for (int i = 0; i < kScans; ++i) {
    auto scan = next_scan(*source, io);
    ASSERT_TRUE(scan) << "scan " << i << ": " << scan.error().code;
    char expected[32];
    std::snprintf(expected, sizeof expected, "SCAN%06d", i);
    if (scan->raw != expected && ++mismatches < 5)
      ADD_FAILURE() << "scan " << i << " is " << scan->raw;
  }
  writer.join();
  EXPECT_EQ(mismatches, 0);
  std::printf("back-pressure: the pty held %zu of %zu bytes before the first read\n", accepted,
              stream.size());
}

TEST_F(SerialPty, SecondClaimIsBusy) {
  auto source = start();
  auto other = make_serial_source(io.get_executor(), pty.slave_path(), {});
  auto opened = other->open();
  // TIOCEXCL refuses the open (EBUSY) unless we are root; then flock refuses the claim.
  if (opened) {
    auto claimed = other->claim();
    ASSERT_FALSE(claimed);
    EXPECT_EQ(claimed.error().code, "device_busy");
  } else {
    EXPECT_EQ(opened.error().code, "device_busy");
  }
  // After release the port can be taken again.
  source->release();
  other->release();
  auto third = make_serial_source(io.get_executor(), pty.slave_path(), {});
  ASSERT_TRUE(third->open());
  EXPECT_TRUE(third->claim());
}

TEST_F(SerialPty, ReleaseWhileWaitingCompletesWithReleased) {
  auto source = start();
  std::optional<Result<ScanEvent>> result;
  boost::asio::co_spawn(io, source->next_event(), [&](std::exception_ptr, Result<ScanEvent> r) {
    result.emplace(std::move(r));
  });
  io.poll();  // the read is now pending
  ASSERT_FALSE(result);
  source->release();
  io.run_for(std::chrono::seconds(10));
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().code, "released");
  source->release();  // twice is fine
}

TEST(SerialSource, NotATerminalAndBadBaud) {
  boost::asio::io_context io;
  auto null = make_serial_source(io.get_executor(), "/dev/null", {});
  auto opened = null->open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "not_a_scanner");
  SerialOptions odd;
  odd.baud = 12345;
  auto bad = make_serial_source(io.get_executor(), "/dev/null", odd);
  auto refused = bad->open();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "device_io");
  auto missing = make_serial_source(io.get_executor(), "/dev/ttyACM-storeedge-missing", {});
  auto absent = missing->open();
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, "device_gone");
}

}  // namespace
}  // namespace storeedge::scanner
