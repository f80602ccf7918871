// The JSON form of a ScanEvent, shared by the HTTP API, the live scan stream and
// `storeedgectl scan decode`. Strings are made valid UTF-8 (bad bytes become U+FFFD) and the raw
// bytes are also given as hex, so a browser can show any scan.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "scanner/scan_event.h"

namespace storeedge::scanner {

// {"aim", "symbology", "scan_data_type", "text", "raw_hex", "add_on"?, "gtin"?, "gs1"?: [{"ai",
// "value", "decimals"?}], "hri"?, "error"?: {"code", "message"}}
boost::json::object scan_json(const ScanEvent& scan);

// `s` with every byte sequence that is not UTF-8 replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

}  // namespace storeedge::scanner
