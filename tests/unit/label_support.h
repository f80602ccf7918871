// What the label tests share: sample inputs for every label kind, and reading a label's barcodes
// back from a raster of it — each symbol cut out with its quiet zone (ZXing 1.4 reads at most one
// linear symbol per image) and decoded with the scanner library, as a camera scan would be.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "printer/label.h"
#include "printer/label_kinds.h"
#include "scanner/image.h"
#include "scanner/image_decode.h"

namespace storeedge::testing {

// 106141411234567897: extension 1, GS1 company prefix 0614141, serial 123456789, check digit 7.
inline const std::string kSampleSscc = "106141411234567897";

inline printer::BagLabelInput sample_bag() {
  return {"ORD-2024-000123", "AL-88412", "Zoë O'Brien", "S-04", 2, 3, "Store 0042 Springfield"};
}

inline printer::ShippingLabelInput sample_shipping() {
  printer::ShippingLabelInput in;
  in.sscc = kSampleSscc;
  in.ship_to = {"Jane Doe", "12 Harbour Street", "Springfield IL 62701", "USA"};
  in.ship_from = {"Store 0042", "1 Market Square", "Springfield IL 62702"};
  in.carrier = "UPS";
  in.service = "Ground";
  in.tracking = "1Z999AA10123456784";
  in.weight_grams = 1250;
  in.order = "ORD-2024-000123";
  return in;
}

inline printer::PackingSlipInput sample_packing_slip(int lines, printer::PageSize page) {
  printer::PackingSlipInput in;
  in.order = "ORD-2024-000777";
  in.ship_to = {"Jane Doe", "12 Harbour Street", "Springfield IL 62701"};
  in.page = page;
  for (int i = 1; i <= lines; ++i)
    in.lines.push_back(
        {"SKU-" + std::to_string(10000 + i), "Item " + std::to_string(i), i % 4 + 1});
  return in;
}

inline printer::ReturnLabelInput sample_return() {
  printer::ReturnLabelInput in;
  in.return_id = "RET-2024-0042";
  in.from_store = "Store 0042 Springfield";
  in.to_dc = {"DC North", "Returns dock 7", "400 Logistics Way", "Joliet IL 60431"};
  in.reason = "Damaged packaging";
  in.items = {{"SKU-10001", "Kettle", 1}, {"SKU-10002", "Mug", 4}, {"SKU-10003", "", 2}};
  return in;
}

// The pixel rectangle a barcode element covers at `dpi`, computed here from the label model's
// millimetres, independently of the renderers.
struct PixelBox {
  int x = 0, y = 0, width = 0, height = 0;
};

inline int px(double mm, int dpi) {
  return static_cast<int>(std::lround(mm * dpi / 25.4));
}

inline PixelBox symbol_box(const printer::BarcodeElement& b, int dpi) {
  const int module = std::max(1, px(b.module_mm, dpi));
  const bool linear = printer::is_linear(b.symbology);
  return {px(b.x_mm, dpi), px(b.y_mm, dpi), b.modules.width * module,
          linear ? px(b.height_mm, dpi) : b.modules.height * module};
}

// The image inside `box` grown by `margin_x`/`margin_y` pixels (clipped to the image).
inline scanner::GreyImage crop(const scanner::GreyImage& image, PixelBox box, int margin_x,
                               int margin_y) {
  const int x0 = std::max(0, box.x - margin_x);
  const int y0 = std::max(0, box.y - margin_y);
  const int x1 = std::min(image.width, box.x + box.width + margin_x);
  const int y1 = std::min(image.height, box.y + box.height + margin_y);
  scanner::GreyImage out;
  out.width = std::max(0, x1 - x0);
  out.height = std::max(0, y1 - y0);
  out.pixels.reserve(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x)
      out.pixels.push_back(image.pixels[static_cast<std::size_t>(y * image.width + x)]);
  return out;
}

// Decodes the one symbol of `barcode` out of `image` (a page rendered at `dpi`): the symbol with
// its quiet zone sideways, and a little above and below.
inline std::vector<scanner::ScanEvent> decode_symbol(const scanner::GreyImage& image,
                                                     const printer::BarcodeElement& barcode,
                                                     int dpi) {
  const PixelBox box = symbol_box(barcode, dpi);
  const int module = std::max(1, px(barcode.module_mm, dpi));
  const int quiet = printer::quiet_zone_modules(barcode.symbology) * module;
  const bool linear = printer::is_linear(barcode.symbology);
  return scanner::decode_barcodes(crop(image, box, quiet, linear ? 2 * module : quiet));
}

// The barcodes of one page.
inline std::vector<printer::BarcodeElement> barcodes_of(const std::vector<printer::Element>& page) {
  std::vector<printer::BarcodeElement> out;
  for (const auto& element : page)
    if (const auto* b = std::get_if<printer::BarcodeElement>(&element)) out.push_back(*b);
  return out;
}

}  // namespace storeedge::testing
