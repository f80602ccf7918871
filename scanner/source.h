// A scanner transport is a device driver whose data events are scans (devices/driver.h).
#pragma once

#include "devices/driver.h"
#include "scanner/scan_event.h"

namespace storeedge::scanner {

using ScanSource = devices::Driver<ScanEvent>;

}  // namespace storeedge::scanner
