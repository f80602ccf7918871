// Fuzz target: the camera route's upload parser (scanner/image.h) and, for what loads, the
// isolated load-and-decode the route runs. Nothing may throw or crash this process; a loaded
// image has exactly width × height pixels; a decode answers ScanEvents whose GTIN-14s are valid
// or one of the documented errors. The pixel limit keeps each input's work bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "scanner/decode_isolated.h"
#include "scanner/gtin.h"
#include "scanner/image.h"

namespace {

using namespace storeedge::scanner;

ImageLimits small_limits() {
  ImageLimits limits;
  limits.max_width = 2048;
  limits.max_height = 2048;
  limits.max_pixels = 1'000'000;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const ImageLimits limits = small_limits();
  auto image = load_image(bytes, limits);
  if (!image) {
    static const std::set<std::string> kLoadErrors = {"bad_image", "image_too_large", "no_memory"};
    if (!kLoadErrors.contains(image.error().code)) std::abort();
    return 0;
  }
  if (image->width <= 0 || image->height <= 0 ||
      image->pixels.size() !=
          static_cast<std::size_t>(image->width) * static_cast<std::size_t>(image->height) ||
      static_cast<std::uint64_t>(image->pixels.size()) > limits.max_pixels)
    std::abort();
  IsolatedDecode options;
  options.image = limits;
  options.deadline = std::chrono::seconds(5);
  auto scans = load_and_decode_isolated(bytes, options);
  if (!scans) {
    static const std::set<std::string> kDecodeErrors = {"decoder_failed", "decode_timeout",
                                                        "unavailable", "no_memory"};
    if (!kDecodeErrors.contains(scans.error().code)) std::abort();
    return 0;
  }
  for (const ScanEvent& ev : *scans)
    if (ev.gtin14 && (ev.gtin14->size() != 14 || !gs1_check_digit_valid(*ev.gtin14))) std::abort();
  return 0;
}
