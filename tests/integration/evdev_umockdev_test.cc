// The keyboard-wedge transport through umockdev: a testbed built from a device description
// (tests/devices/*.umockdev), key events replayed from an evemu file, and an ioctl handler that
// answers EVIOCGBIT from the description's capabilities and records every EVIOCGRAB. Run under
// umockdev-wrapper (LD_PRELOAD): ctest label umockdev, never in sanitizer builds.
#include <gtest/gtest.h>
#include <linux/input.h>
#include <umockdev.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "integration/scanner_io_support.h"
#include "scanner/evdev_source.h"

namespace storeedge::scanner {
namespace {

using testing::next_scan;

const std::string kDevices = STOREEDGE_TEST_DEVICES;

// A sysfs capability bitmap ("e080ffdf01cfffff fffffffffffffffe": 64-bit words, most
// significant first) as the bytes EVIOCGBIT returns.
std::vector<std::uint8_t> bitmap_bytes(const std::string& text) {
  std::vector<std::uint64_t> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) words.insert(words.begin(), std::stoull(word, nullptr, 16));
  std::vector<std::uint8_t> bytes;
  for (std::uint64_t w : words)
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
  return bytes;
}

// The first "A: capabilities/NAME=" attribute in a umockdev description.
std::string capability(const std::string& file, const std::string& name) {
  std::ifstream in(file);
  const std::string prefix = "A: capabilities/" + name + "=";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return {};
}

// What the emulated evdev node answers, and the EVIOCGRAB calls it saw. The handler runs on
// umockdev's worker thread while the test's ioctl() waits, hence the mutex.
struct EvdevIoctls {
  std::vector<std::uint8_t> ev_bits, key_bits;
  std::mutex mutex;
  std::vector<long> grabs;
  int grab_errno = 0;

  std::vector<long> grab_calls() {
    std::lock_guard lock(mutex);
    return grabs;
  }
};

void answer_bits(UMockdevIoctlClient* client, const std::vector<std::uint8_t>& bits,
                 std::size_t len) {
  GError* error = nullptr;
  UMockdevIoctlData* buffer =
      umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, len, &error);
  if (buffer == nullptr) {
    g_clear_error(&error);
    umockdev_ioctl_client_complete(client, -1, EFAULT);
    return;
  }
  std::vector<std::uint8_t> out(len, 0);
  for (std::size_t i = 0; i < len && i < bits.size(); ++i) out[i] = bits[i];
  umockdev_ioctl_data_update(buffer, 0, out.data(), static_cast<gint>(len));
  umockdev_ioctl_client_complete(client, static_cast<glong>(len), 0);
}

gboolean on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer data) {
  auto* state = static_cast<EvdevIoctls*>(data);
  const unsigned long request = umockdev_ioctl_client_get_request(client);
  if (request == EVIOCGRAB) {
    UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
    long value = 0;
    std::memcpy(&value, arg->data, sizeof value);
    std::lock_guard lock(state->mutex);
    state->grabs.push_back(value);
    if (state->grab_errno != 0 && value != 0)
      umockdev_ioctl_client_complete(client, -1, state->grab_errno);
    else
      umockdev_ioctl_client_complete(client, 0, 0);
    return TRUE;
  }
  if (request == EVIOCSCLOCKID) {
    umockdev_ioctl_client_complete(client, 0, 0);
    return TRUE;
  }
  if (_IOC_TYPE(request) == 'E' && _IOC_NR(request) == _IOC_NR(EVIOCGBIT(0, 0))) {
    answer_bits(client, state->ev_bits, _IOC_SIZE(request));
    return TRUE;
  }
  if (_IOC_TYPE(request) == 'E' && _IOC_NR(request) == _IOC_NR(EVIOCGBIT(EV_KEY, 0))) {
    answer_bits(client, state->key_bits, _IOC_SIZE(request));
    return TRUE;
  }
  // Everything else (FIONBIO, which Asio sets) runs on the real descriptor, as the kernel's
  // generic ioctls do for any evdev node. (Answering ENOTTY sends Asio 1.81 down a fallback that
  // reports failure after succeeding, and every wait then completes at once.)
  int error_number = 0;
  GError* error = nullptr;
  const int result = umockdev_ioctl_client_execute(client, &error_number, &error);
  if (error != nullptr) {
    g_clear_error(&error);
    umockdev_ioctl_client_complete(client, -1, EIO);
    return TRUE;
  }
  umockdev_ioctl_client_complete(client, result, error_number);
  return TRUE;
}

class EvdevUmockdev : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* preload = std::getenv("LD_PRELOAD");
    ASSERT_TRUE(preload != nullptr && std::strstr(preload, "umockdev") != nullptr)
        << "run this test under umockdev-wrapper";
    testbed_ = umockdev_testbed_new();
    handler_ = umockdev_ioctl_base_new();
    g_signal_connect(handler_, "handle-ioctl", G_CALLBACK(on_ioctl), &ioctls_);
  }
  void TearDown() override {
    if (handler_ != nullptr) g_object_unref(handler_);
    if (testbed_ != nullptr) g_object_unref(testbed_);
  }

  // Adds the device described in tests/devices/NAME.umockdev with its node DEVNODE.
  void add_device(const std::string& name, const std::string& devnode) {
    const std::string file = kDevices + "/" + name + ".umockdev";
    ioctls_.ev_bits = bitmap_bytes(capability(file, "ev"));
    ioctls_.key_bits = bitmap_bytes(capability(file, "key"));
    GError* error = nullptr;
    ASSERT_TRUE(umockdev_testbed_add_from_file(testbed_, file.c_str(), &error)) << error->message;
    ASSERT_TRUE(umockdev_testbed_attach_ioctl(testbed_, devnode.c_str(), handler_, &error))
        << error->message;
  }
  void replay(const std::string& devnode, const std::string& events) {
    const std::string file = kDevices + "/" + events + ".events";
    GError* error = nullptr;
    ASSERT_TRUE(umockdev_testbed_load_evemu_events(testbed_, devnode.c_str(), file.c_str(), &error))
        << error->message;
  }

  std::unique_ptr<ScanSource> open_source(WedgeOptions options = {}) {
    auto source = make_evdev_source(io.get_executor(), kScanner, options);
    auto opened = source->open();
    EXPECT_TRUE(opened) << opened.error().code << ": " << opened.error().message;
    return source;
  }

  static constexpr const char* kScanner = "/dev/input/event7";
  boost::asio::io_context io;
  EvdevIoctls ioctls_;
  UMockdevTestbed* testbed_ = nullptr;
  UMockdevIoctlBase* handler_ = nullptr;
};

TEST_F(EvdevUmockdev, ReplayedScansAreDecodedAndTypingIsNot) {
  add_device("wedge_scanner", kScanner);
  replay(kScanner, "wedge_scans");
  auto source = open_source();
  ASSERT_TRUE(source->claim());
  ASSERT_TRUE(source->enable());

  auto ean = next_scan(*source, io);
  ASSERT_TRUE(ean) << ean.error().code;
  ASSERT_TRUE(ean->ok()) << ean->error->message;
  EXPECT_EQ(ean->raw, "4006381333931");
  EXPECT_EQ(ean->gtin14, "04006381333931");

  auto gs1 = next_scan(*source, io);
  ASSERT_TRUE(gs1) << gs1.error().code;
  ASSERT_TRUE(gs1->ok()) << gs1->error->message;
  EXPECT_EQ(gs1->aim, "]C1");
  EXPECT_EQ(gs1->symbology, Symbology::gs1_128);
  EXPECT_EQ(gs1->hri, "(01)09506000134352(10)ABC(17)250101");
  EXPECT_EQ(gs1->gtin14, "09506000134352");

  auto shifted = next_scan(*source, io);
  ASSERT_TRUE(shifted) << shifted.error().code;
  EXPECT_EQ(shifted->raw, "Sku-42/AbC");

  auto repeated = next_scan(*source, io);
  ASSERT_TRUE(repeated) << repeated.error().code;
  EXPECT_EQ(repeated->raw, "12345");

  // "hello" typed by a person in between is not a scan: the next one is the last scan.
  auto last = next_scan(*source, io);
  ASSERT_TRUE(last) << last.error().code;
  EXPECT_EQ(last->raw, "96385074");

  EXPECT_EQ(ioctls_.grab_calls(), std::vector<long>{1});
  source->release();
  EXPECT_EQ(ioctls_.grab_calls(), (std::vector<long>{1, 0}));
}

TEST_F(EvdevUmockdev, ClaimIsWhatGrabs) {
  add_device("wedge_scanner", kScanner);
  auto source = open_source();
  EXPECT_TRUE(ioctls_.grab_calls().empty());  // open alone does not grab
  ASSERT_TRUE(source->claim());
  EXPECT_EQ(ioctls_.grab_calls(), std::vector<long>{1});
  source->release();
  source->release();  // twice is fine; ungrabs once
  EXPECT_EQ(ioctls_.grab_calls(), (std::vector<long>{1, 0}));
}

TEST_F(EvdevUmockdev, GrabHeldElsewhereIsBusy) {
  add_device("wedge_scanner", kScanner);
  ioctls_.grab_errno = EBUSY;
  auto source = open_source();
  auto claimed = source->claim();
  ASSERT_FALSE(claimed);
  EXPECT_EQ(claimed.error().code, "device_busy");
}

TEST_F(EvdevUmockdev, PowerButtonIsNotAScanner) {
  add_device("power_button", "/dev/input/event2");
  auto source = make_evdev_source(io.get_executor(), "/dev/input/event2", {});
  auto opened = source->open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "not_a_scanner");
}

TEST_F(EvdevUmockdev, UnterminatedScanIsEmittedWhenTheKeysStop) {
  add_device("wedge_scanner", kScanner);
  replay(kScanner, "wedge_unterminated");
  WedgeOptions options;
  options.emit_unterminated = true;
  options.max_gap = std::chrono::milliseconds(300);  // the replay's own pauses do not matter
  auto source = open_source(options);
  ASSERT_TRUE(source->claim());
  auto scan = next_scan(*source, io);
  ASSERT_TRUE(scan) << scan.error().code;
  EXPECT_EQ(scan->raw, "4006381333931");
}

TEST_F(EvdevUmockdev, ReleaseWhileWaitingCompletesWithReleased) {
  add_device("wedge_scanner", kScanner);
  auto source = open_source();
  ASSERT_TRUE(source->claim());
  std::optional<Result<ScanEvent>> result;
  boost::asio::co_spawn(io, source->next_event(), [&](std::exception_ptr, Result<ScanEvent> r) {
    result.emplace(std::move(r));
  });
  io.poll();
  ASSERT_FALSE(result);
  source->release();
  io.run_for(std::chrono::seconds(10));
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().code, "released");
}

}  // namespace
}  // namespace storeedge::scanner
