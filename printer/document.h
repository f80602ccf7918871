// What is sent to a printer: the bytes of one document in one format, with what the printer
// needs to know to print it. Plain data shared by the label renderers and the printer backends.
#pragma once

#include <string>
#include <string_view>

namespace storeedge::printer {

// escpos: ESC/POS for receipt printers, which only raw ports and raw CUPS queues take.
enum class DocumentFormat { zpl, pdf, png, pwg_raster, escpos };

// The MIME type a printer advertises for the format ("application/vnd.zebra-zpl", …); ESC/POS has
// no registered type and none is advertised: "application/octet-stream".
std::string_view mime_type(DocumentFormat format);
// "zpl", "pdf", "png", "pwg-raster", "escpos".
std::string_view format_name(DocumentFormat format);

struct Document {
  DocumentFormat format = DocumentFormat::zpl;
  std::string bytes;
  std::string media;  // the printer's media name, e.g. "oe_4x6-label_4x6in"; empty: its default
  int copies = 1;
  // The printer resolution a document in device dots was made for (ZPL, PWG raster); 0 for one
  // a printer scales (PDF, PNG) or whose resolution is not known (the OMS's ZPL).
  int dpi = 0;
};

}  // namespace storeedge::printer
