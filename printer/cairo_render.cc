// render_pdf and render_png (label_render.h): the label model drawn with cairo. Drawing is in
// device dots (PNG: pixels; PDF: dots of the target printer, 72/dpi points each), so barcode
// modules and origins land on whole dots.
#include <cairo-pdf.h>
#include <cairo.h>

#include <memory>
#include <variant>

#include "printer/label_render.h"

namespace storeedge::printer {

namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr std::uint64_t kMaxPngPixels = 40'000'000;
// fontconfig's generic family: DejaVu Sans on Debian (docs/printing.md).
constexpr const char* kFontFamily = "sans-serif";

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

Error cairo_failure(cairo_status_t status) {
  return make_error("render_failed", std::string("cairo: ") + cairo_status_to_string(status));
}

void draw(cairo_t* cr, int dpi, const TextElement& t) {
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         t.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  double size = t.size_mm * dpi / 25.4;
  const double box = t.width_mm * dpi / 25.4;
  cairo_set_font_size(cr, size);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, t.text.c_str(), &extents);
  if (extents.x_advance > box) {  // a font wider than the layout's estimate
    size *= box / extents.x_advance;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, t.text.c_str(), &extents);
  }
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  double x = t.x_mm * dpi / 25.4;
  if (t.align == Align::center) x += (box - extents.x_advance) / 2;
  if (t.align == Align::right) x += box - extents.x_advance;
  cairo_move_to(cr, x, t.y_mm * dpi / 25.4 + font.ascent);
  cairo_show_text(cr, t.text.c_str());
}

void draw(cairo_t* cr, int dpi, const BoxElement& b) {
  const int x = to_dots(b.x_mm, dpi);
  const int y = to_dots(b.y_mm, dpi);
  const int w = std::max(1, to_dots(b.width_mm, dpi));
  const int h = std::max(1, to_dots(b.height_mm, dpi));
  if (b.line_mm <= 0) {
    cairo_rectangle(cr, x, y, w, h);
  } else {
    const int t = std::max(1, to_dots(b.line_mm, dpi));
    cairo_rectangle(cr, x, y, w, t);
    cairo_rectangle(cr, x, y + h - t, w, t);
    cairo_rectangle(cr, x, y + t, t, h - 2 * t);
    cairo_rectangle(cr, x + w - t, y + t, t, h - 2 * t);
  }
  cairo_fill(cr);
}

// Each run of dark modules in a row is one rectangle of whole dots.
void draw(cairo_t* cr, int dpi, const BarcodeElement& b) {
  const ModuleMatrix& m = b.modules;
  const int module = module_dots(b.module_mm, dpi);
  const int x0 = to_dots(b.x_mm, dpi);
  const int y0 = to_dots(b.y_mm, dpi);
  const int row_height = is_linear(b.symbology) ? std::max(1, to_dots(b.height_mm, dpi)) : module;
  for (int y = 0; y < m.height; ++y) {
    for (int x = 0; x < m.width;) {
      if (!m.get(x, y)) {
        ++x;
        continue;
      }
      int end = x;
      while (end < m.width && m.get(end, y)) ++end;
      cairo_rectangle(cr, x0 + x * module, y0 + y * row_height, (end - x) * module, row_height);
      x = end;
    }
  }
  cairo_fill(cr);
}

void draw_page(cairo_t* cr, int dpi, const std::vector<Element>& page) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (const auto& element : page) {
    const bool text = std::holds_alternative<TextElement>(element);
    cairo_set_antialias(cr, text ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE);
    std::visit([&](const auto& el) { draw(cr, dpi, el); }, element);
  }
}

}  // namespace

Result<std::string> render_pdf(const Label& label, int dot_dpi) {
  if (auto e = check_label(label)) return *e;
  if (dot_dpi < 100 || dot_dpi > 1200) return make_error("bad_dpi", "the PDF's dots: 100-1200 dpi");
  std::string out;
  Surface surface(cairo_pdf_surface_create_for_stream(
      append_bytes, &out, label.width_mm * kPointsPerMm, label.height_mm * kPointsPerMm));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, label.kind.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "StoreEdge");
  Context cr(cairo_create(surface.get()));
  cairo_scale(cr.get(), 72.0 / dot_dpi, 72.0 / dot_dpi);
  for (const auto& page : label.pages) {
    draw_page(cr.get(), dot_dpi, page);
    cairo_show_page(cr.get());
  }
  const cairo_status_t drawn = cairo_status(cr.get());
  cr.reset();
  cairo_surface_finish(surface.get());
  const cairo_status_t finished = cairo_surface_status(surface.get());
  if (drawn != CAIRO_STATUS_SUCCESS) return cairo_failure(drawn);
  if (finished != CAIRO_STATUS_SUCCESS) return cairo_failure(finished);
  return out;
}

Result<std::string> render_png(const Label& label, int dpi, std::size_t page) {
  if (auto e = check_label(label)) return *e;
  if (dpi < 100 || dpi > 600) return make_error("bad_dpi", "PNG is rendered at 100-600 dpi");
  if (page >= label.pages.size())
    return make_error("no_such_page",
                      "the label has " + std::to_string(label.pages.size()) + " page(s)");
  const int width = to_dots(label.width_mm, dpi);
  const int height = to_dots(label.height_mm, dpi);
  if (static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) > kMaxPngPixels)
    return make_error("bad_dpi", "the page has too many pixels at this resolution");
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  if (auto s = cairo_surface_status(surface.get()); s != CAIRO_STATUS_SUCCESS)
    return cairo_failure(s);
  Context cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  draw_page(cr.get(), dpi, label.pages[page]);
  if (auto s = cairo_status(cr.get()); s != CAIRO_STATUS_SUCCESS) return cairo_failure(s);
  cr.reset();
  std::string out;
  if (auto s = cairo_surface_write_to_png_stream(surface.get(), append_bytes, &out);
      s != CAIRO_STATUS_SUCCESS)
    return cairo_failure(s);
  return out;
}

}  // namespace storeedge::printer
