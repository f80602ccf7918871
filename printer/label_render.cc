// What the renderers share: the label check, and a label rendered into a Document.
#include "printer/label_render.h"

namespace storeedge::printer {

namespace {

Error invalid(const std::string& why) {
  return make_error("invalid_label", why);
}

std::optional<Error> check_element(const TextElement& t) {
  if (auto e = check_text("text", t.text, 200)) return invalid(e->message);
  if (!(t.size_mm > 0 && t.size_mm <= 100) || !(t.width_mm > 0))
    return invalid("a text element needs a size of up to 100 mm and a width");
  return std::nullopt;
}

std::optional<Error> check_element(const BoxElement& b) {
  if (!(b.width_mm > 0 && b.height_mm > 0 && b.line_mm >= 0))
    return invalid("a box needs a width and a height");
  return std::nullopt;
}

std::optional<Error> check_element(const BarcodeElement& b) {
  const ModuleMatrix& m = b.modules;
  if (m.width <= 0 || m.height <= 0 ||
      m.dark.size() != static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.height))
    return invalid("a barcode without its modules (make_barcode encodes them)");
  if (!(b.module_mm >= 0.1 && b.module_mm <= 5)) return invalid("a module must be 0.1-5 mm");
  if (is_linear(b.symbology) && !(b.height_mm > 0 && b.height_mm <= 1000))
    return invalid("a linear barcode needs a height");
  return std::nullopt;
}

}  // namespace

std::optional<Error> check_label(const Label& label) {
  if (!(label.width_mm >= 10 && label.width_mm <= 1000 && label.height_mm >= 10 &&
        label.height_mm <= 1000))
    return invalid("the page must be 10-1000 mm on each side");
  if (label.pages.empty() || label.pages.size() > kMaxPages)
    return invalid("a label has 1 to " + std::to_string(kMaxPages) + " pages");
  for (const auto& page : label.pages) {
    if (page.size() > kMaxElementsPerPage)
      return invalid("more than " + std::to_string(kMaxElementsPerPage) + " elements on a page");
    for (const auto& element : page)
      if (auto e = std::visit([](const auto& el) { return check_element(el); }, element)) return e;
  }
  return std::nullopt;
}

Result<Document> render_document(const Label& label, DocumentFormat format, int dpi) {
  Result<std::string> bytes = make_error("format_unsupported", "");
  switch (format) {
    case DocumentFormat::zpl:
      bytes = render_zpl(label, dpi);
      break;
    case DocumentFormat::pdf:
      bytes = render_pdf(label, dpi);
      break;
    case DocumentFormat::png:
      bytes = render_png(label, dpi);
      break;
    case DocumentFormat::pwg_raster:
    case DocumentFormat::escpos:
      return make_error("format_unsupported", "labels are rendered as ZPL, PDF or PNG");
  }
  if (!bytes) return bytes.error();
  // ZPL is in the printer's dots: it prints right at `dpi` only. A PNG is scaled by the printer;
  // a PDF is vector.
  return Document{format, std::move(*bytes), label.media, 1,
                  format == DocumentFormat::zpl ? dpi : 0};
}

}  // namespace storeedge::printer
