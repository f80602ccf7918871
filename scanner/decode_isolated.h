// Loading and decoding an uploaded image in a child process, so that a fault in libjpeg, libpng
// or ZXing (ZXing 1.4 as Debian builds it aborts on some ordinary photos: docs/scanning.md)
// costs that one image, not the daemon. The child is forked (no exec), does load_image and
// decode_barcodes, writes each symbol's transmission to a pipe and exits; the parent rebuilds
// the ScanEvents with make_scan_event and kills a child that overruns its deadline.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "scanner/image.h"
#include "scanner/image_decode.h"
#include "scanner/scan_event.h"

namespace storeedge::scanner {

struct IsolatedDecode {
  ImageLimits image;
  DecodeOptions decode;
  std::chrono::milliseconds deadline{10'000};  // load + decode, then the child is killed
};

// Blocks the calling thread until the child is done (at most `deadline` and a little), so the
// daemon calls it on its blocking pool. Thread-safe: concurrent calls fork separate children;
// each child closes every descriptor but its own pipe. Never throws. Errors: load_image's
// ("bad_image", "image_too_large", "no_memory"), "decoder_failed" (the child died: a crash or
// an abort inside a library), "decode_timeout", "unavailable" (no pipe or no fork).
[[nodiscard]] Result<std::vector<ScanEvent>> load_and_decode_isolated(
    std::string_view file_bytes, const IsolatedDecode& options = {}) noexcept;

}  // namespace storeedge::scanner
