// A HID POS scanner through its Linux hidraw node (/dev/hidrawN): the ScanSource the device
// layer builds for a hidraw device whose report descriptor has a usage page 0x8C collection.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "scanner/hid_pos.h"
#include "scanner/source.h"

namespace storeedge::scanner {

// All calls on `ex` (devices/driver.h). open(): O_RDWR|O_NONBLOCK|O_CLOEXEC, then the report
// descriptor by HIDIOCGRDESCSIZE/HIDIOCGRDESC ("not_a_scanner" without a 0x8C collection).
// claim(): an exclusive flock(2) on the node, so two processes never split one scanner's reports
// ("device_busy"); hidraw itself has no exclusive open. enable(): options.enable_report by
// HIDIOCSFEATURE or write(). next_event(): reads only while it waits; ENODEV, EIO or end of file
// give "device_gone" and drop a scan in progress.
std::unique_ptr<ScanSource> make_hidraw_source(boost::asio::any_io_executor ex, std::string devnode,
                                               HidPosOptions options);

}  // namespace storeedge::scanner
