#include "printer/layout.h"

#include <algorithm>

namespace storeedge::printer {

Error invalid_input(std::string_view field, std::string_view why) {
  return make_error("invalid_label_input", std::string(field) + ": " + std::string(why));
}

Label label_stock(std::string kind, double width_in, double height_in, std::string media) {
  Label label;
  label.kind = std::move(kind);
  label.width_mm = width_in * kMmPerInch;
  label.height_mm = height_in * kMmPerInch;
  label.stock = Stock::label;
  label.media = std::move(media);
  label.pages.emplace_back();
  return label;
}

void PageLayout::text(double x, double y, double width, double size, std::string value, bool bold,
                      Align align) {
  page_.emplace_back(std::in_place_type<TextElement>,
                     fitted_text(x, y, width, size, std::move(value), bold, align));
}

void PageLayout::caption(double x, double y, std::string value) {
  text(x, y, 40, 2.5, std::move(value));
}

// Built in place: GCC 12 at -O2 warns (maybe-uninitialized) about the string member of the
// variant's other alternative when a temporary Element is moved into the vector.
void PageLayout::add_box(const BoxElement& box) {
  page_.emplace_back(std::in_place_type<BoxElement>, box);
}

void PageLayout::rule(double x, double y, double width, double thickness) {
  add_box(BoxElement{x, y, width, thickness, 0});
}

void PageLayout::outline(double x, double y, double width, double height, double line) {
  add_box(BoxElement{x, y, width, height, line});
}

Result<PlacedSymbol> PageLayout::barcode_centred(Symbology symbology, std::string data,
                                                 std::vector<Gs1Field> gs1, double y,
                                                 std::initializer_list<double> modules_mm,
                                                 double height_mm, double x0, double x1,
                                                 double y_max, std::string_view what) {
  return place(Placement::centred, symbology, std::move(data), std::move(gs1), y, modules_mm,
               height_mm, x0, x1, y_max, what);
}

Result<PlacedSymbol> PageLayout::barcode_right(Symbology symbology, std::string data,
                                               std::vector<Gs1Field> gs1, double y,
                                               std::initializer_list<double> modules_mm,
                                               double height_mm, double x0, double x1, double y_max,
                                               std::string_view what) {
  return place(Placement::right, symbology, std::move(data), std::move(gs1), y, modules_mm,
               height_mm, x0, x1, y_max, what);
}

Result<PlacedSymbol> PageLayout::place(Placement placement, Symbology symbology, std::string data,
                                       std::vector<Gs1Field> gs1, double y,
                                       std::initializer_list<double> modules_mm, double height_mm,
                                       double x0, double x1, double y_max, std::string_view what) {
  auto barcode = make_barcode(symbology, std::move(data), std::move(gs1), 0, y,
                              modules_mm.size() > 0 ? *modules_mm.begin() : 0.33, height_mm);
  if (!barcode) return barcode.error();
  double width = 0;
  for (double module : modules_mm) {
    barcode->module_mm = module;
    width = symbol_width_mm(*barcode);
    const double height = symbol_height_mm(*barcode);
    // The quiet zone at the widest module rounding (203 or 300 dpi).
    const double quiet = quiet_zone_modules(symbology) * width / barcode->modules.width;
    const double x = placement == Placement::centred ? (x0 + x1 - width) / 2 : x1 - width;
    const bool fits =
        (placement == Placement::centred
             ? x >= x0 && x + width <= x1 && x - quiet >= 0 && x + width + quiet <= width_
             : x - quiet >= x0 && x1 + quiet <= width_) &&
        y + height <= std::min(y_max, height_);
    if (!fits) continue;
    barcode->x_mm = x;
    page_.emplace_back(std::in_place_type<BarcodeElement>, std::move(*barcode));
    return PlacedSymbol{x, y, width, height};
  }
  return make_error("label_overflow", std::string(what) + " does not fit the label (" +
                                          std::to_string(static_cast<int>(width + 0.5)) +
                                          " mm wide at the smallest module)");
}

}  // namespace storeedge::printer
