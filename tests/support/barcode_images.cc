#include "support/barcode_images.h"

// clang-format off: jpeglib.h needs <cstdio> before it.
#include <jpeglib.h>

#include <cstdio>
// clang-format on

#include <cstdlib>
#include <iostream>

#include "support/harness.h"

namespace storeedge::testing {

std::string zint_png(const std::string& dir, const std::string& name, const std::string& type,
                     const std::string& data, const std::vector<std::string>& extra) {
  const std::string path = dir + "/" + name + ".png";
  std::vector<std::string> argv = {STOREEDGE_ZINT, "-b", type, "-d", data, "-o", path};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto [code, out] = run_command(argv);
  if (code != 0) {
    std::cerr << "zint failed (" << code << "): " << out << "\n";
    return "";
  }
  return read_file(path);
}

std::string encode_jpeg(const scanner::GreyImage& image, int quality) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr errors;
  cinfo.err = jpeg_std_error(&errors);  // exits on error: fine in a test helper
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 1;
  cinfo.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    auto* row =
        const_cast<JSAMPROW>(image.pixels.data() + static_cast<std::size_t>(cinfo.next_scanline) *
                                                       static_cast<std::size_t>(image.width));
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);
  return out;
}

}  // namespace storeedge::testing
