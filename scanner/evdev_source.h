// The keyboard-wedge transport: a scanner that shows up as a keyboard (/dev/input/eventN), grabbed
// with EVIOCGRAB so its scans do not also type into the console, decoded by key_stream.h.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "scanner/key_stream.h"
#include "scanner/source.h"

namespace storeedge::scanner {

// A ScanSource reading the evdev node `devnode`. All calls on `ex` (the loop). open() fails with
// "not_a_scanner" when the node reports no EV_KEY keys (not keyboard-like), "device_gone" when it
// does not exist, "device_busy"/"device_io" otherwise; claim() with "device_busy" when another
// process holds the grab. next_event() reads the device only while it waits and fails with
// "device_gone" when the device is unplugged (ENODEV; a scan in progress is dropped), "released"
// when release() is called meanwhile. The source must outlive a pending next_event().
std::unique_ptr<ScanSource> make_evdev_source(boost::asio::any_io_executor ex, std::string devnode,
                                              WedgeOptions options);

}  // namespace storeedge::scanner
