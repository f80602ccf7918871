// Barcodes in a camera image, read with ZXing-cpp restricted to the retail symbologies, each
// turned into a ScanEvent through make_scan_event with the symbology identifier ZXing reports —
// the same path a hardware scanner's data takes. In-process: ZXing 1.4 as Debian builds it keeps
// its assertions and can abort the process on some images (docs/scanning.md), so the daemon and
// storeedgectl call it through decode_isolated.h; the benchmark and tests call it directly.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scanner/image.h"
#include "scanner/scan_event.h"

namespace storeedge::scanner {

struct DecodeOptions {
  // How many symbols to look for. Linear symbols: at most one per image whatever this says
  // (ZXing 1.4's multi-symbol search over linear codes hits its assertion); matrix symbols (QR
  // Code, Data Matrix) up to this many. 1 = the first symbol found, the camera fallback's need.
  std::size_t max_symbols = 1;
};

// Reads the image with a fast pass (no try-harder, no rotation) and, when that finds nothing, a
// try-harder pass (every row, 90° rotation, downscaled copies). Never throws; a symbol whose data
// is not valid for its symbology (a GS1 error) comes back as a ScanEvent carrying that error.
// Thread-safe (each call has its own ZXing state).
std::vector<ScanEvent> decode_barcodes(const GreyImage& image, const DecodeOptions& options = {});

// What a scanner would transmit for a ZXing result: AIM identifier + data, with ZXing 1.4's
// differences from the AIM transmission undone — GS1 DataBar's GTIN gets its AI (01) back, and
// DataBar Expanded's bracketed "(01)…" becomes the raw element string (FNC1 as GS). Exposed
// for tests.
std::string transmission(std::string_view symbology_identifier, std::string_view text,
                         bool databar);

}  // namespace storeedge::scanner
