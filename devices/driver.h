// A device driver as the device layer drives it, in the UnifiedPOS order: open → claim → enable
// → data events, one at a time → release. `Event` is what the device reports (a scanner's
// ScanEvent: scanner/ implements Driver<ScanEvent> for each transport). Every call is made on the
// loop (the executor the driver was built with); a driver with a thread of its own (libusb's
// event handling) posts its results to the loop.
//
// Back-pressure: the driver reads the device only while a next_event() is waiting. When the
// device layer's queue is full it stops asking, the kernel's (or the device's) buffer fills and
// the device holds further data — nothing is dropped here.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "core/error.h"

namespace storeedge::devices {

template <class Event>
class Driver {
 public:
  virtual ~Driver() = default;

  // Opens the device node or handle and reads what the transport needs (the HID report
  // descriptor, the line settings). Errors: "device_gone", "device_busy", "device_io",
  // "not_a_scanner" (e.g. a hidraw node without a usage page 0x8C collection).
  [[nodiscard]] virtual Result<void> open() = 0;
  // Takes the device for this process alone: EVIOCGRAB, libusb_claim_interface (with the
  // kernel driver detached when configured), TIOCEXCL.
  [[nodiscard]] virtual Result<void> claim() = 0;
  // Makes the scanner send: e.g. the enable feature report some HID POS scanners need.
  [[nodiscard]] virtual Result<void> enable() = 0;
  // The next data event (a complete scan). Data the device sent that is not usable is still an
  // event (a ScanEvent carrying an error). Errors are about the device: "device_gone"
  // (unplugged; a scan in progress is dropped), "device_io", "released" (release() was called
  // while waiting). One call at a time.
  virtual boost::asio::awaitable<Result<Event>> next_event() = 0;
  // Undoes enable, claim and open. Safe in any state and more than once; a waiting next_event()
  // completes with "released".
  virtual void release() = 0;
  // For status lines and logs: "hidraw /dev/hidraw3, report 2".
  virtual std::string describe() const = 0;
};

}  // namespace storeedge::devices
