// What the label kinds share to lay out a page: text, captions, rules and barcodes appended to
// one page's elements, with each barcode checked to fit (quiet zones included) where it is put.
// Internal to printer/; pure.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "printer/barcode.h"
#include "printer/label.h"

namespace storeedge::printer {

inline constexpr double kMmPerInch = 25.4;

// "invalid_label_input" naming the field.
Error invalid_input(std::string_view field, std::string_view why);

// A label of `width_in` × `height_in` inches on label stock, with one empty page.
Label label_stock(std::string kind, double width_in, double height_in, std::string media);

// Where a barcode went, in mm (its width and height where modules round widest).
struct PlacedSymbol {
  double x = 0, y = 0, width = 0, height = 0;
};

class PageLayout {
 public:
  PageLayout(std::vector<Element>& page, double page_width_mm, double page_height_mm)
      : page_(page), width_(page_width_mm), height_(page_height_mm) {}

  // Text shrunk to fit `width_mm` (label.h's fitted_text).
  void text(double x, double y, double width, double size, std::string value, bool bold = false,
            Align align = Align::left);
  // A small upper-case heading over a field ("SHIP TO").
  void caption(double x, double y, std::string value);
  void rule(double x, double y, double width, double thickness = 0.4);
  void outline(double x, double y, double width, double height, double line);

  // Encodes and places a barcode with its top at `y`, centred between `x0` and `x1`, at the first
  // of `modules_mm` (largest first) at which it fits; its quiet zones may reach past x0…x1 but not
  // past the page's edges. Errors: "label_overflow" naming
  // `what` when it does not fit so or runs past `y_max`; make_barcode's errors.
  [[nodiscard]] Result<PlacedSymbol> barcode_centred(Symbology symbology, std::string data,
                                                     std::vector<Gs1Field> gs1, double y,
                                                     std::initializer_list<double> modules_mm,
                                                     double height_mm, double x0, double x1,
                                                     double y_max, std::string_view what);
  // The same, right-aligned to `x1`, its quiet zone not left of `x0`.
  [[nodiscard]] Result<PlacedSymbol> barcode_right(Symbology symbology, std::string data,
                                                   std::vector<Gs1Field> gs1, double y,
                                                   std::initializer_list<double> modules_mm,
                                                   double height_mm, double x0, double x1,
                                                   double y_max, std::string_view what);

 private:
  enum class Placement { centred, right };
  void add_box(const BoxElement& box);
  Result<PlacedSymbol> place(Placement placement, Symbology symbology, std::string data,
                             std::vector<Gs1Field> gs1, double y,
                             std::initializer_list<double> modules_mm, double height_mm, double x0,
                             double x1, double y_max, std::string_view what);

  std::vector<Element>& page_;
  double width_;
  double height_;
};

}  // namespace storeedge::printer
