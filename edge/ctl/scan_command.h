// storeedgectl scan decode FILE...: the barcodes in image files, as the daemon's camera route
// reads them, one JSON object per line. Needs no database and no running daemon.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace storeedge::ctl {

// Prints, per barcode found, scan_json plus "file"; per file that could not be read, is not an
// image, failed to decode or holds no barcode, {"file", "error": {"code", "message"}}. Returns
// the exit code: 0 when every file gave at least one barcode, 1 otherwise.
int run_scan_decode(const std::vector<std::string>& files, std::ostream& out);

}  // namespace storeedge::ctl
