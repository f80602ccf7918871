// The label model (label.h) rendered for printers: ZPL II for label printers at 203 or 300 dpi
// (native barcode commands), and PDF and PNG drawn with cairo (ZXing's and libzint's modules as
// whole device dots). Pure functions of the label; thread-safe; no exceptions out.
// Decisions (fonts, escapes, dot snapping): docs/printing.md, "Labels".
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/error.h"
#include "printer/document.h"
#include "printer/label.h"

namespace storeedge::printer {

// What every renderer checks first: 1..kMaxPages pages of at most kMaxElementsPerPage elements,
// a page size of 10-1000 mm, text as check_text allows (at most 200 characters), barcodes with
// their modules encoded (make_barcode) and a module of 0.1-5 mm. Error: "invalid_label".
std::optional<Error> check_label(const Label& label);

// One ^XA…^XZ format per page, sized in dots (^PW/^LL) at `dpi`, UTF-8 text (^CI28) in the
// scalable font 0; Code 128 and GS1-128 through ^BC with explicit subsets and FNC1 (>8), QR
// Code through ^BQ (level M), Data Matrix and GS1 Data Matrix through ^BX (ECC 200, FNC1 as _1).
// Errors: check_label's, "format_unsupported" (sheet stock: packing slips are PDF only),
// "bad_dpi" (not 203 or 300), "zpl_unsupported_data" (a module over ZPL's limits, or barcode data
// with ^ ~ or > that the builders never produce).
[[nodiscard]] Result<std::string> render_zpl(const Label& label, int dpi);

// All pages as one PDF, page size the label's. Barcode modules and origins are whole dots of a
// `dot_dpi` printer (300 by default, whose dots are also whole at 600), so the PDF rasterised at
// that resolution or a multiple has sharp, even bars. Errors: check_label's, "bad_dpi" (not
// 100-1200), "render_failed" (cairo's status).
[[nodiscard]] Result<std::string> render_pdf(const Label& label, int dot_dpi = 300);

// Page `page` (0-based) as an RGB PNG at `dpi` pixels per inch; barcodes are drawn without
// anti-aliasing on whole pixels, text is anti-aliased. Errors: check_label's, "bad_dpi" (not
// 100-600), "no_such_page", "render_failed".
[[nodiscard]] Result<std::string> render_png(const Label& label, int dpi, std::size_t page = 0);

// The label as a Document for the print queue: rendered to `format` (zpl, pdf or png) at `dpi`
// (the PDF's dot grid), with the label's media name; a ZPL document carries its dpi
// (Document::dpi), which the printer must print at.
[[nodiscard]] Result<Document> render_document(const Label& label, DocumentFormat format, int dpi);

}  // namespace storeedge::printer
