// An emulated HID POS scanner behind a usbfs node of an in-process umockdev testbed: it answers
// libusb's usbfs ioctls as the kernel and the scanner would (claim, kernel-driver detach, control
// transfers, interrupt IN URBs completed from queued reports, unplug as -ENODEV).
#pragma once

#include <umockdev.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace storeedge::testing {

// umockdev calls the ioctl handler on its own worker thread; every member is safe to call from
// the test's threads. Attach it before the device is added to the testbed; destroy it after the
// sources using the node are released (it disconnects from the handler, later ioctls fail).
class UsbfsScanner {
 public:
  struct Options {
    std::vector<std::uint8_t> report_descriptor;
    bool kernel_driver_bound = true;  // usbhid holds interface 0 until detached
    bool accept_set_report = true;    // false: SET_REPORT stalls (-EPIPE)
  };

  // A SET_REPORT control transfer as the scanner received it.
  struct SetReport {
    std::uint16_t value = 0;  // report type << 8 | report id
    std::uint16_t index = 0;  // interface
    std::vector<std::uint8_t> data;
  };

  // What the test can observe; a snapshot under the lock.
  struct State {
    int interrupt_submits = 0;  // interrupt IN URBs submitted, ever
    bool interrupt_in_flight = false;
    int discards = 0;
    long reaps = 0;  // REAPURB(NDELAY) calls answered, with or without an URB
    bool claimed = false;
    bool kernel_driver_bound = false;
    int kernel_driver_detaches = 0;
    std::size_t reports_waiting = 0;  // queued reports the host has not polled yet
    std::vector<SetReport> set_reports;
    std::vector<std::string> unexpected;  // ioctls the emulation does not know
  };

  explicit UsbfsScanner(Options options);
  ~UsbfsScanner();
  UsbfsScanner(const UsbfsScanner&) = delete;
  UsbfsScanner& operator=(const UsbfsScanner&) = delete;

  // Serves `devnode` ("/dev/bus/usb/001/002") of `bed`. Returns false with the reason in `why`.
  bool attach(UMockdevTestbed* bed, const std::string& devnode, std::string& why);

  // The scanner has this input report to send at the next interrupt IN poll.
  void queue_report(std::vector<std::uint8_t> report);
  // From now on the device is gone: an interrupt URB in flight completes with -ENODEV and every
  // later ioctl fails with ENODEV, as usbfs does after a disconnect.
  void unplug();

  State state() const;
  // Waits until `done(state)` holds, at most `deadline`; true when it did.
  bool wait_until(const std::function<bool(const State&)>& done,
                  std::chrono::milliseconds deadline = std::chrono::seconds(3)) const;

 private:
  struct Urb;
  static gboolean on_ioctl(UMockdevIoctlBase* handler, UMockdevIoctlClient* client, gpointer self);
  bool handle(UMockdevIoctlClient* client);
  bool submit(UMockdevIoctlClient* client);
  bool reap(UMockdevIoctlClient* client);
  bool discard(UMockdevIoctlClient* client);
  void complete_interrupt_if_ready();
  void answer_control(Urb& urb);

  Options options_;
  UMockdevIoctlBase* handler_ = nullptr;
  gulong signal_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  State state_;
  std::deque<std::vector<std::uint8_t>> reports_;
  std::deque<Urb*> done_;     // completed, waiting to be reaped
  Urb* interrupt_ = nullptr;  // the interrupt IN URB in flight
  bool unplugged_ = false;
};

}  // namespace storeedge::testing
