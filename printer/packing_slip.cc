// The packing slip (label_kinds.h): A4 or Letter, a header with the order's Code 128 and the
// ship-to address on the first page, then the lines as a table over as many pages as they need,
// a total on the last, "Page n of m" on each.
#include "printer/label_kinds.h"
#include "printer/layout.h"

namespace storeedge::printer {

namespace {

constexpr double kMargin = 15;
constexpr double kRowStep = 6;
constexpr double kTotalHeight = 10;  // the rule and the total after the last line

struct Columns {
  double sku_x, sku_w, desc_x, desc_w, qty_x, qty_w;
};

Columns columns(double page_width) {
  const double qty_w = 20;
  const double qty_x = page_width - kMargin - qty_w;
  const double desc_x = kMargin + 47;
  return {kMargin, 45, desc_x, qty_x - 2 - desc_x, qty_x, qty_w};
}

// The table's heading and its rule at `y`; returns where the first row goes.
double table_header(PageLayout& p, const Columns& c, double y, double inner) {
  p.text(c.sku_x, y, c.sku_w, 3.5, "SKU", true);
  p.text(c.desc_x, y, c.desc_w, 3.5, "DESCRIPTION", true);
  p.text(c.qty_x, y, c.qty_w, 3.5, "QTY", true, Align::right);
  p.rule(kMargin, y + 5, inner, 0.3);
  return y + 7;
}

}  // namespace

Result<Label> make_packing_slip(const PackingSlipInput& in) {
  if (auto e = check_identifier("order", in.order, 24)) return *e;
  if (in.ship_to.empty() || in.ship_to.size() > 6)
    return invalid_input("ship_to", "must have 1 to 6 lines");
  for (const auto& line : in.ship_to)
    if (auto e = check_text("ship_to", line, 60)) return *e;
  if (in.lines.empty() || in.lines.size() > 1000)
    return invalid_input("lines", "must have 1 to 1000 lines");
  long total = 0;
  for (const auto& line : in.lines) {
    if (auto e = check_identifier("lines.sku", line.sku, 32)) return *e;
    if (auto e = check_text("lines.description", line.description, 80, false)) return *e;
    if (line.qty < 1 || line.qty > 9999) return invalid_input("lines.qty", "must be 1 to 9999");
    total += line.qty;
  }

  Label label;
  label.kind = "packing-slip";
  label.stock = Stock::sheet;
  if (in.page == PageSize::a4) {
    label.width_mm = 210;
    label.height_mm = 297;
    label.media = "iso_a4_210x297mm";
  } else {
    label.width_mm = 8.5 * kMmPerInch;
    label.height_mm = 11 * kMmPerInch;
    label.media = "na_letter_8.5x11in";
  }
  const double w = label.width_mm;
  const double inner = w - 2 * kMargin;
  const double rows_end = label.height_mm - 25;  // the footer's zone below
  const Columns c = columns(w);

  label.pages.emplace_back();
  double y = 0;
  {
    PageLayout p(label.pages.back(), w, label.height_mm);
    p.text(kMargin, kMargin, 80, 8, "PACKING SLIP", true);
    auto code = p.barcode_right(Symbology::code128, in.order, {}, kMargin, {0.375, 0.254}, 12,
                                kMargin + 80, w - kMargin, 30, "the order's Code 128");
    if (!code) return code.error();
    p.caption(kMargin, 26, "ORDER");
    p.text(kMargin, 29, 80, 5, in.order, true);
    p.caption(kMargin, 38, "SHIP TO");
    for (std::size_t i = 0; i < in.ship_to.size(); ++i)
      p.text(kMargin, 41.5 + 5 * static_cast<double>(i), inner, 4, in.ship_to[i], i == 0);
    y = table_header(p, c, 75, inner);
  }
  for (const auto& line : in.lines) {
    if (y + kRowStep > rows_end) {
      label.pages.emplace_back();
      PageLayout p(label.pages.back(), w, label.height_mm);
      p.text(kMargin, kMargin, 120, 5, "PACKING SLIP (continued)", true);
      p.text(kMargin, 22.5, 120, 3.5, "ORDER " + in.order);
      y = table_header(p, c, 30, inner);
    }
    PageLayout p(label.pages.back(), w, label.height_mm);
    p.text(c.sku_x, y, c.sku_w, 3.5, line.sku);
    if (!line.description.empty()) p.text(c.desc_x, y, c.desc_w, 3.5, line.description);
    p.text(c.qty_x, y, c.qty_w, 3.5, std::to_string(line.qty), false, Align::right);
    y += kRowStep;
  }
  if (y + kTotalHeight > rows_end) {
    label.pages.emplace_back();
    PageLayout p(label.pages.back(), w, label.height_mm);
    p.text(kMargin, kMargin, 120, 5, "PACKING SLIP (continued)", true);
    p.text(kMargin, 22.5, 120, 3.5, "ORDER " + in.order);
    y = 30;
  }
  {
    PageLayout p(label.pages.back(), w, label.height_mm);
    p.rule(kMargin, y, inner, 0.3);
    p.text(kMargin, y + 2, inner, 4, "TOTAL ITEMS " + std::to_string(total), true, Align::right);
  }
  const std::size_t pages = label.pages.size();
  for (std::size_t i = 0; i < pages; ++i) {
    PageLayout p(label.pages[i], w, label.height_mm);
    p.text(kMargin, label.height_mm - kMargin, 100, 3, "Order " + in.order);
    p.text(w - kMargin - 50, label.height_mm - kMargin, 50, 3,
           "Page " + std::to_string(i + 1) + " of " + std::to_string(pages), false, Align::right);
  }
  return label;
}

}  // namespace storeedge::printer
