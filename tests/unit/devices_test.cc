// The device layer without devices: binding a found device to a configured station, the
// registry's duplicate arrivals and replugs, and the lifecycle runner driven by a scripted
// driver on a real io_context (retries, back-pressure, removal, release).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "devices/binding.h"
#include "devices/lifecycle.h"
#include "devices/registry.h"

namespace storeedge::devices {
namespace {

namespace asio = boost::asio;

std::string same(const std::string& p) {
  return p;
}

DeviceInfo hidraw_node(std::string port = "1-1.2") {
  DeviceInfo d;
  d.subsystem = "hidraw";
  d.devnode = "/dev/hidraw0";
  d.syspath = "/sys/devices/x/hidraw/hidraw0";
  d.vid = 0x0c2e;
  d.pid = 0x0b61;
  d.serial = "SN1";
  d.port = std::move(port);
  d.interface = 0;
  return d;
}

ScannerBinding binding(std::string transport, std::string station) {
  ScannerBinding b;
  b.name = station + "-scanner";
  b.transport = std::move(transport);
  b.station = std::move(station);
  return b;
}

TEST(DeviceBinding, EveryFieldThatIsSetMustMatch) {
  auto by_port = binding("hidraw", "pack-station-2");
  by_port.vid = 0x0c2e;
  by_port.pid = 0x0b61;
  by_port.port = "1-1.2";
  auto by_path = binding("serial", "pickup-desk");
  by_path.path = "/dev/ttyACM0";
  const std::vector bindings{by_port, by_path};

  EXPECT_EQ(find_binding(hidraw_node(), bindings, same), &bindings[0]);
  EXPECT_EQ(find_binding(hidraw_node("1-1.3"), bindings, same), nullptr);  // other port
  DeviceInfo other_pid = hidraw_node();
  other_pid.pid = 0x0b62;
  EXPECT_EQ(find_binding(other_pid, bindings, same), nullptr);
  DeviceInfo tty;
  tty.subsystem = "tty";
  tty.devnode = "/dev/ttyACM0";
  EXPECT_EQ(find_binding(tty, bindings, same), &bindings[1]);
  tty.devnode = "/dev/ttyACM1";
  EXPECT_EQ(find_binding(tty, bindings, same), nullptr);
  // A by-id path resolves to the node.
  auto resolve = [](const std::string&) { return std::string("/dev/ttyACM1"); };
  EXPECT_EQ(find_binding(tty, bindings, +resolve), &bindings[1]);
  // The transport decides the subsystem: a hidraw binding never opens the tty.
  DeviceInfo input = hidraw_node();
  input.subsystem = "input";
  EXPECT_EQ(find_binding(input, bindings, same), nullptr);
}

TEST(DeviceBinding, AUsbBindingTakesTheWholeDevice) {
  auto usb = binding("usb", "pack-station-1");
  usb.vid = 0x0c2e;
  usb.pid = 0x0b61;
  EXPECT_TRUE(taken_by_usb_binding(hidraw_node(), {usb}));
  DeviceInfo other = hidraw_node();
  other.vid = 0x05e0;
  EXPECT_FALSE(taken_by_usb_binding(other, {usb}));
}

TEST(DeviceRegistry, IgnoresDuplicateArrivalsAndKeepsCountersAcrossReplugs) {
  SimulatedClock clock;
  DeviceRegistry reg(clock);
  int changes = 0;
  reg.on_change = [&](const DeviceStatus&) { ++changes; };
  DeviceStatus* d = reg.attach(hidraw_node(), "hidraw", "pack-station-2", "pack2");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->id, "pack2");
  EXPECT_EQ(d->key, "hidraw 0c2e:0b61 SN1 @1-1.2 if0");
  EXPECT_EQ(reg.attach(hidraw_node(), "hidraw", "pack-station-2", "pack2"), nullptr);
  EXPECT_EQ(reg.duplicate_arrivals(), 1u);

  d->scans = 7;
  reg.set_state(*d, DeviceState::removed, make_error("device_gone", "unplugged"));
  EXPECT_EQ(d->errors, 1u);
  EXPECT_EQ(reg.find_by_syspath(hidraw_node().syspath), nullptr);  // removed ones are not found
  clock.advance(std::chrono::seconds(1));
  DeviceStatus* again = reg.attach(hidraw_node(), "hidraw", "pack-station-2", "pack2");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->scans, 7u);
  EXPECT_EQ(again->state, DeviceState::attached);
  EXPECT_GE(changes, 3);
}

TEST(DeviceRegistry, ListsPresentDevicesFirstAndForgetsOldRemovedOnes) {
  SimulatedClock clock;
  DeviceRegistry reg(clock);
  for (std::size_t i = 0; i < DeviceRegistry::kMaxRemembered + 10; ++i) {
    DeviceInfo d = hidraw_node("1-" + std::to_string(i));
    d.syspath += std::to_string(i);
    DeviceStatus* s = reg.attach(d, "hidraw", "", "");
    ASSERT_NE(s, nullptr);
    if (i % 2 == 0) reg.set_state(*s, DeviceState::removed);
    clock.advance(std::chrono::seconds(1));
  }
  const auto all = reg.list();
  EXPECT_EQ(all.size(), DeviceRegistry::kMaxRemembered);
  EXPECT_NE(all.front().state, DeviceState::removed);
  EXPECT_EQ(all.back().state, DeviceState::removed);
}

// A driver whose device is a script: open fails `open_failures` times with device_busy, then
// events are handed out from `pending`; `gone` ends the device.
struct ScriptedDevice {
  int open_failures = 0;
  int opens = 0, releases = 0, reads = 0;
  std::deque<int> pending;
  bool gone = false;
};

class ScriptedDriver final : public Driver<int> {
 public:
  ScriptedDriver(asio::any_io_executor ex, ScriptedDevice& dev) : dev_(dev), wake_(ex) {}
  Result<void> open() override {
    ++dev_.opens;
    if (dev_.open_failures > 0) {
      --dev_.open_failures;
      return make_error("device_busy", "held by another process");
    }
    open_ = true;
    return {};
  }
  Result<void> claim() override { return {}; }
  Result<void> enable() override { return {}; }
  asio::awaitable<Result<int>> next_event() override {
    for (;;) {
      if (!open_) co_return make_error("released", "released");
      if (!dev_.pending.empty()) {
        ++dev_.reads;
        int v = dev_.pending.front();
        dev_.pending.pop_front();
        co_return v;
      }
      if (dev_.gone) co_return make_error("device_gone", "unplugged");
      wake_.expires_after(std::chrono::milliseconds(1));
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
  void release() override {
    if (open_) ++dev_.releases;
    open_ = false;
    wake_.cancel();
  }
  std::string describe() const override { return "scripted"; }

 private:
  ScriptedDevice& dev_;
  asio::steady_timer wake_;
  bool open_ = false;
};

struct RunnerProbe {
  std::vector<int> delivered;
  std::vector<DeviceState> states;
  bool hold = false;  // delivery blocks while set
};

std::shared_ptr<DeviceRunner<int>> make_runner(asio::io_context& ioc, ScriptedDevice& dev,
                                               RunnerProbe& probe, std::size_t limit) {
  DeviceRunner<int>::Hooks hooks;
  hooks.deliver = [&ioc, &probe](int v) -> asio::awaitable<void> {
    asio::steady_timer t(ioc);
    while (probe.hold) {
      t.expires_after(std::chrono::milliseconds(1));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    probe.delivered.push_back(v);
  };
  hooks.state = [&probe](DeviceState s, std::optional<Error>) { probe.states.push_back(s); };
  hooks.note = [](std::string) {};
  return std::make_shared<DeviceRunner<int>>(
      ioc.get_executor(), std::make_unique<ScriptedDriver>(ioc.get_executor(), dev), limit, hooks);
}

void run_until(asio::io_context& ioc, const std::function<bool()>& done) {
  for (int i = 0; i < 20'000 && !done(); ++i) ioc.run_one_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(done());
}

TEST(DeviceRunner, RetriesABusyDeviceThenDeliversInOrderAndEndsWhenItIsGone) {
  asio::io_context ioc;
  ScriptedDevice dev;
  dev.open_failures = 1;
  dev.pending = {1, 2, 3};
  RunnerProbe probe;
  auto runner = make_runner(ioc, dev, probe, 8);
  runner->start();
  run_until(ioc, [&] { return probe.delivered.size() == 3; });
  EXPECT_EQ(probe.delivered, (std::vector{1, 2, 3}));
  EXPECT_EQ(dev.opens, 2);
  ASSERT_GE(probe.states.size(), 4u);
  EXPECT_EQ(probe.states[0], DeviceState::error);
  EXPECT_EQ(probe.states[1], DeviceState::opened);
  EXPECT_EQ(probe.states[3], DeviceState::enabled);
  dev.gone = true;
  run_until(ioc, [&] { return probe.states.back() == DeviceState::removed; });
  EXPECT_EQ(dev.releases, 1);
}

TEST(DeviceRunner, StopsReadingWhileTheQueueIsFullAndLosesNothing) {
  asio::io_context ioc;
  ScriptedDevice dev;
  for (int i = 0; i < 20; ++i) dev.pending.push_back(i);
  RunnerProbe probe;
  probe.hold = true;
  auto runner = make_runner(ioc, dev, probe, 4);
  runner->start();
  run_until(ioc, [&] { return runner->queued() == 4; });
  for (int i = 0; i < 50; ++i) ioc.run_one_for(std::chrono::milliseconds(2));
  // One event is being delivered (held), four wait in the queue: the device was read no more.
  EXPECT_EQ(dev.reads, 5);
  EXPECT_EQ(dev.pending.size(), 15u);
  probe.hold = false;
  run_until(ioc, [&] { return probe.delivered.size() == 20; });
  for (int i = 0; i < 20; ++i) EXPECT_EQ(probe.delivered[static_cast<std::size_t>(i)], i);
  runner->stop(false);
  run_until(ioc, [&] { return probe.states.back() == DeviceState::released; });
}

}  // namespace
}  // namespace storeedge::devices
