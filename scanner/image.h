// Camera images as the barcode decoder takes them: a JPEG or PNG file (sniffed by its magic
// bytes, never by a client's content type) loaded from memory into 8-bit greyscale, with its
// size in pixels bounded before anything is allocated. Pure; thread-safe; no exceptions out.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace storeedge::scanner {

// One byte per pixel, rows top to bottom, no padding: pixels.size() == width * height.
struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

enum class ImageFormat { jpeg, png };

// The format the data's first bytes announce; nullopt for anything else.
std::optional<ImageFormat> sniff_image(std::string_view bytes) noexcept;

struct ImageLimits {
  std::uint32_t max_width = 16384;
  std::uint32_t max_height = 16384;
  std::uint64_t max_pixels = 40'000'000;  // a 12 MP phone photo is well inside
};

// Errors: "bad_image" (not JPEG or PNG, corrupt or truncated data — libjpeg's warnings count as
// errors, since a partly decoded photo is grey where the data ended), "image_too_large" (over a
// limit; refused from the header, before the pixels are allocated), "no_memory".
[[nodiscard]] Result<GreyImage> load_image(std::string_view bytes,
                                           const ImageLimits& limits = {}) noexcept;

}  // namespace storeedge::scanner
