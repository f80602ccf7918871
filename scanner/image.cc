#include "scanner/image.h"

// clang-format off: jpeglib.h needs <cstdio> before it.
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>
// clang-format on
#include <png.h>

#include <cstring>
#include <exception>
#include <string>

namespace storeedge::scanner {

namespace {

// libjpeg's working memory (a progressive JPEG keeps every coefficient of the image) and its
// scan count (a crafted progressive file with thousands of tiny scans takes minutes to decode).
constexpr long kJpegMaxMemory = 512L << 20;
constexpr int kJpegMaxScans = 200;

Error too_large(std::uint64_t width, std::uint64_t height, const ImageLimits& limits) {
  return make_error("image_too_large",
                    "the image is " + std::to_string(width) + "x" + std::to_string(height) +
                        " pixels; at most " + std::to_string(limits.max_width) + "x" +
                        std::to_string(limits.max_height) + " and " +
                        std::to_string(limits.max_pixels) + " pixels are accepted");
}

bool within(std::uint64_t width, std::uint64_t height, const ImageLimits& limits) {
  return width > 0 && height > 0 && width <= limits.max_width && height <= limits.max_height &&
         width * height <= limits.max_pixels;
}

// libjpeg's default error handler calls exit(); this one jumps back to decode_jpeg instead.
// Warnings (corrupt data, a premature end of the file) are errors too.
struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

void jpeg_message(j_common_ptr cinfo, int level) {
  if (level < 0) jpeg_fail(cinfo);  // a warning: corrupt or truncated data
}

void jpeg_progress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kJpegMaxScans) {
    auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
    std::snprintf(errors->message, sizeof errors->message, "more than %d scans", kJpegMaxScans);
    std::longjmp(errors->jump, 1);
  }
}

enum class JpegOutcome { ok, bad, too_large };

// Only C objects live in this frame, so a longjmp out of libjpeg skips no destructor. `out` is
// owned by the caller; on `too_large`, width and height are set but nothing is allocated.
JpegOutcome decode_jpeg(const unsigned char* data, std::size_t size, const ImageLimits& limits,
                        GreyImage& out, char (&message)[JMSG_LENGTH_MAX]) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  jpeg_progress_mgr progress;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_fail;
  errors.mgr.emit_message = jpeg_message;
  errors.message[0] = '\0';
  progress.progress_monitor = jpeg_progress;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    std::memcpy(message, errors.message, sizeof message);
    return JpegOutcome::bad;
  }
  jpeg_create_decompress(&cinfo);
  cinfo.mem->max_memory_to_use = kJpegMaxMemory;
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  out.width = static_cast<int>(cinfo.image_width);
  out.height = static_cast<int>(cinfo.image_height);
  if (!within(cinfo.image_width, cinfo.image_height, limits)) {
    jpeg_destroy_decompress(&cinfo);
    return JpegOutcome::too_large;
  }
  cinfo.out_color_space = JCS_GRAYSCALE;  // the Y channel of YCbCr; CMYK is converted
  jpeg_start_decompress(&cinfo);
  out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.pixels.data() + static_cast<std::size_t>(cinfo.output_scanline) *
                                           static_cast<std::size_t>(out.width);
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return JpegOutcome::ok;
}

Result<GreyImage> load_jpeg(std::string_view bytes, const ImageLimits& limits) {
  GreyImage image;
  char message[JMSG_LENGTH_MAX] = {};
  switch (decode_jpeg(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), limits,
                      image, message)) {
    case JpegOutcome::ok:
      return image;
    case JpegOutcome::too_large:
      return too_large(static_cast<std::uint64_t>(image.width),
                       static_cast<std::uint64_t>(image.height), limits);
    case JpegOutcome::bad:
      break;
  }
  return make_error("bad_image", std::string("the JPEG cannot be read: ") + message);
}

Result<GreyImage> load_png(std::string_view bytes, const ImageLimits& limits) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  auto fail = [&](std::string_view what) -> Error {
    Error e = make_error("bad_image", std::string("the PNG cannot be read: ") + png.message);
    if (png.message[0] == '\0') e.message = std::string("the PNG cannot be read: ") + what.data();
    png_image_free(&png);
    return e;
  };
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
    return fail("bad header");
  if (!within(png.width, png.height, limits)) {
    png_image_free(&png);
    return too_large(png.width, png.height, limits);
  }
  png.format = PNG_FORMAT_GRAY;
  GreyImage image;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  image.pixels.resize(PNG_IMAGE_SIZE(png));
  // Transparent parts become white: barcodes are dark bars on a light ground.
  const png_color white{255, 255, 255};
  if (!png_image_finish_read(&png, &white, image.pixels.data(), 0, nullptr))
    return fail("bad data");
  png_image_free(&png);
  return image;
}

}  // namespace

std::optional<ImageFormat> sniff_image(std::string_view bytes) noexcept {
  if (bytes.starts_with("\xFF\xD8\xFF")) return ImageFormat::jpeg;
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) return ImageFormat::png;
  return std::nullopt;
}

Result<GreyImage> load_image(std::string_view bytes, const ImageLimits& limits) noexcept {
  try {
    const auto format = sniff_image(bytes);
    if (!format) return make_error("bad_image", "the data is neither a JPEG nor a PNG image");
    return *format == ImageFormat::jpeg ? load_jpeg(bytes, limits) : load_png(bytes, limits);
  } catch (const std::bad_alloc&) {
    return make_error("no_memory", "not enough memory to load the image");
  } catch (const std::exception& e) {
    return make_error("bad_image", e.what());
  }
}

}  // namespace storeedge::scanner
