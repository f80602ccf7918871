// Fuzz target: IPP responses from a print server or a printer (printer/ipp_attributes.h). The
// bytes are read as an IPP message by libcups; whatever parses is mapped to capabilities and a
// job status. Nothing may crash; no format or resolution is listed twice, no resolution is
// below 1 dpi, checking a label against the capabilities answers, "none" never survives as a reason
// and the printer state is one of three words.
#include <cups/ipp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "printer/ipp_attributes.h"

namespace {

struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
};

ssize_t read_input(void* context, ipp_uchar_t* buffer, std::size_t bytes) {
  auto* in = static_cast<Input*>(context);
  const std::size_t n = std::min(bytes, in->size - in->at);
  std::memcpy(buffer, in->data + in->at, n);
  in->at += n;
  return static_cast<ssize_t>(n);
}

template <class T>
bool has_duplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

bool has_none(const std::vector<std::string>& reasons) {
  return std::find(reasons.begin(), reasons.end(), "none") != reasons.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace storeedge::printer;
  Input in{data, size};
  ipp_t* ipp = ippNew();
  ippReadIO(&in, read_input, 1, nullptr, ipp);

  const PrinterCapabilities caps = printer_capabilities_from_ipp(ipp);
  if (has_duplicates(caps.formats) || has_duplicates(caps.resolutions_dpi) ||
      has_duplicates(caps.raster_resolutions_dpi))
    std::abort();
  for (int dpi : caps.resolutions_dpi)
    if (dpi < 1) std::abort();
  for (int dpi : caps.raster_resolutions_dpi)
    if (dpi < 1) std::abort();
  // Whatever the printer said, checking a document against it answers (never crashes).
  Document label{DocumentFormat::zpl, "^XA^XZ", "oe_4x6-label_4x6in", 1, 203};
  (void)check_fits(caps, label);
  if (caps.state != "idle" && caps.state != "processing" && caps.state != "stopped") std::abort();
  if (has_none(caps.state_reasons)) std::abort();
  (void)is_raw_cups_queue(ipp);

  const JobStatus status = job_status_from_ipp(ipp);
  if (has_none(status.reasons)) std::abort();
  if (job_state_name(status.state) == "unknown") std::abort();
  (void)ipp_status_text(ipp);

  ippDelete(ipp);
  return 0;
}
