// The serial transport: a scanner on a CDC-ACM (/dev/ttyACM0) or USB-serial (/dev/ttyUSB0) port,
// raw mode 8N1, its frames cut by serial_framing.h.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "scanner/serial_framing.h"
#include "scanner/source.h"

namespace storeedge::scanner {

struct SerialOptions {
  // 1200 … 230400; 9600 is the scanners' factory default, 115200 common.
  unsigned baud = 9600;
  bool rts_cts = false;  // hardware flow control; off by default (most scanners send without it)
  SerialFraming framing;
};

// A ScanSource reading the tty `devnode`. All calls on `ex` (the loop). open() fails with
// "not_a_scanner" when the node is not a terminal and "device_io" for an unsupported baud rate;
// claim() takes flock + TIOCEXCL ("device_busy" when another process has it) and sets raw 8N1 at
// the baud rate; enable() discards what the port received before. next_event() reads only while
// it waits and fails with "device_gone" on EOF/EIO (unplugged, or a pseudo-terminal whose master
// closed; a partial frame is dropped) and "released" when release() is called meanwhile. The
// source must outlive a pending next_event().
std::unique_ptr<ScanSource> make_serial_source(boost::asio::any_io_executor ex, std::string devnode,
                                               SerialOptions options);

}  // namespace storeedge::scanner
