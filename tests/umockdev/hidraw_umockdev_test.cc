// The hidraw transport through its real code path on an emulated Honeywell HID POS hidraw node:
// the report descriptor and the enable feature report by ioctl replay, reports by script replay.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "scanner/hidraw_source.h"
#include "support/hid_pos_fixtures.h"
#include "umockdev/umockdev_fixture.h"

namespace storeedge::scanner {
namespace {

using testing::honeywell_report;
using testing::honeywell_scan;
using testing::script_read;

const std::string kNode = "/dev/hidraw0";

class HidrawUmockdev : public ::testing::Test {
 protected:
  void SetUp() override {
    bed_.add_from_file(std::string(STOREEDGE_TEST_DEVICES) + "/honeywell-hidpos-hidraw.umockdev");
  }

  // The ioctls the scanner answers: its descriptor, and the enable report it accepts.
  void answer_ioctls(const std::vector<std::uint8_t>& descriptor, bool enable = true) {
    bed_.load_ioctl(
        kNode, bed_.write_file("hidraw.ioctl", testing::hidraw_ioctls(kNode, descriptor, enable)));
  }

  void replay(const std::vector<std::vector<std::uint8_t>>& reports) {
    std::string script;
    for (const auto& r : reports) script += script_read(r);
    bed_.load_script(kNode, bed_.write_file("hidraw.script", script));
  }

  testing::Run run(std::size_t max_events, HidPosOptions options = {}) {
    auto source = make_hidraw_source(io_.get_executor(), kNode, options);
    auto result = testing::drive(io_, *source, max_events);
    EXPECT_EQ(source->describe(), "hidraw /dev/hidraw0, report 2");
    return result;
  }

  testing::Testbed bed_;
  boost::asio::io_context io_;
};

void expect_started(const testing::Run& r) {
  ASSERT_TRUE(r.opened) << r.opened.error().message;
  ASSERT_TRUE(r.claimed) << r.claimed.error().message;
  ASSERT_TRUE(r.enabled) << r.enabled.error().message;
}

TEST_F(HidrawUmockdev, SingleReportScan) {
  replay({honeywell_report("]E0", "5901234123457", false)});
  answer_ioctls(testing::kHoneywellHidPosDescriptor);
  auto r = run(1);
  expect_started(r);
  ASSERT_EQ(r.events.size(), 1u);
  ASSERT_TRUE(r.events[0]) << r.events[0].error().message;
  const ScanEvent& ev = *r.events[0];
  EXPECT_TRUE(ev.ok());
  EXPECT_EQ(ev.aim, "]E0");
  EXPECT_EQ(ev.symbology, Symbology::ean13);
  EXPECT_EQ(ev.gtin14, "05901234123457");
}

TEST_F(HidrawUmockdev, MultiReportScanAcrossTheMoreDataFlag) {
  answer_ioctls(testing::kHoneywellHidPosDescriptor);
  std::string url = "https://id.gs1.org/01/09506000134352/10/ABC123?linkType=gs1:pip&x=";
  while (url.size() < 130) url += "X";
  auto reports = honeywell_scan("]Q1", url);
  ASSERT_EQ(reports.size(), 3u);
  reports.push_back(honeywell_report("]E4", "96385074", false));
  replay(reports);
  auto r = run(2);
  expect_started(r);
  ASSERT_EQ(r.events.size(), 2u);
  ASSERT_TRUE(r.events[0] && r.events[1]);
  // One event for the three reports, with all of the data, then the next scan on its own.
  EXPECT_EQ(r.events[0]->label, url);
  EXPECT_EQ(r.events[0]->aim, "]Q1");
  EXPECT_EQ(r.events[0]->gtin14, "09506000134352");
  EXPECT_EQ(r.events[1]->symbology, Symbology::ean8);
}

TEST_F(HidrawUmockdev, Gs1_128WithSeparators) {
  answer_ioctls(testing::kHoneywellHidPosDescriptor);
  replay({honeywell_report("]C1",
                           "0109506000134352"
                           "10LOT7\x1d"
                           "3103000500",
                           false)});
  auto r = run(1);
  expect_started(r);
  ASSERT_EQ(r.events.size(), 1u);
  ASSERT_TRUE(r.events[0]);
  EXPECT_TRUE(r.events[0]->ok()) << r.events[0]->error->message;
  EXPECT_EQ(r.events[0]->symbology, Symbology::gs1_128);
  EXPECT_EQ(r.events[0]->hri, "(01)09506000134352(10)LOT7(3103)000500");
}

TEST_F(HidrawUmockdev, BadScanIsAnErrorEvent) {
  answer_ioctls(testing::kHoneywellHidPosDescriptor);
  replay({honeywell_report("]E0", "5901234123458", false), honeywell_report("]C0", "OK", false)});
  auto r = run(2);
  expect_started(r);
  ASSERT_EQ(r.events.size(), 2u);
  ASSERT_TRUE(r.events[0] && r.events[1]);
  ASSERT_FALSE(r.events[0]->ok());
  EXPECT_EQ(r.events[0]->error->code, "bad_check_digit");
  EXPECT_EQ(r.events[1]->label, "OK");
}

// The scanner sends two of a scan's three reports, then goes away: the reports are written to
// the node's pty master, and once the source has read them the master is closed (a hangup:
// reads give end of file). A second descriptor on the node tells when its input is consumed.
TEST_F(HidrawUmockdev, UnplugInTheMiddleOfAScan) {
  answer_ioctls(testing::kHoneywellHidPosDescriptor);
  const int master = umockdev_testbed_get_dev_fd(bed_.get(), kNode.c_str());
  ASSERT_GE(master, 0);
  auto reports = honeywell_scan("]C0", std::string(120, 'Z'));
  reports.pop_back();
  for (const auto& r : reports)
    ASSERT_EQ(::write(master, r.data(), r.size()), static_cast<ssize_t>(r.size()));
  const int probe = ::open(kNode.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(probe, 0);
  pollfd pending{probe, POLLIN, 0};
  ASSERT_EQ(::poll(&pending, 1, 5000), 1);  // the reports reached the node

  auto source = make_hidraw_source(io_.get_executor(), kNode, {});
  ASSERT_TRUE(source->open());
  ASSERT_TRUE(source->claim());
  ASSERT_TRUE(source->enable());
  std::optional<Result<ScanEvent>> got;
  auto body = [&]() -> boost::asio::awaitable<void> { got = co_await source->next_event(); };
  boost::asio::co_spawn(io_, body, boost::asio::detached);
  // Run the loop until the source has read everything and waits again.
  for (int i = 0; i < 1000 && !got; ++i) {
    io_.run_one();
    pollfd p{probe, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) break;
  }
  ASSERT_FALSE(got) << "a scan came out of a partial scan";
  // Unplug: replace the testbed's master with /dev/null, so the pty hangs up.
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(::dup2(null_fd, master), 0);
  ::close(null_fd);
  ::close(probe);
  for (int i = 0; i < 1000 && !got; ++i) io_.run_one();
  ASSERT_TRUE(got);
  ASSERT_FALSE(*got);
  EXPECT_EQ(got->error().code, "device_gone");
  EXPECT_NE(got->error().message.find("dropped a scan in progress of 112 bytes"), std::string::npos)
      << got->error().message;
  source->release();
}

TEST_F(HidrawUmockdev, EnableReportMustBeAccepted) {
  answer_ioctls(testing::kHoneywellHidPosDescriptor, /*enable=*/false);
  replay({});
  auto r = run(1);
  ASSERT_TRUE(r.opened);
  ASSERT_TRUE(r.claimed);
  ASSERT_FALSE(r.enabled);
  EXPECT_EQ(r.enabled.error().code, "device_io");
}

TEST_F(HidrawUmockdev, KeyboardIsRefused) {
  answer_ioctls(testing::kKeyboardDescriptor, /*enable=*/false);
  auto source = make_hidraw_source(io_.get_executor(), kNode, {});
  auto opened = source->open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "not_a_scanner");
}

}  // namespace
}  // namespace storeedge::scanner
