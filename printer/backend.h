// A printer as the print queue drives it: what it can print, submitting a document, following the
// job to completion, cancelling it. One interface, three backends (backends.h): a CUPS queue by
// name, a driverless IPP Everywhere printer by URI, and raw TCP port 9100 for ZPL printers.
//
// Calls block on the network: the print queue makes them on the blocking pool, never on the loop.
// One call at a time per backend object (thread-compatible, not thread-safe).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "printer/document.h"

namespace storeedge::printer {

struct PrinterCapabilities {
  std::vector<DocumentFormat> formats;      // what it accepts, of the ones we render
  std::vector<std::string> media;           // media names it supports ("oe_4x6-label_4x6in", …)
  std::vector<std::string> media_ready;     // loaded now (media-ready); empty when it does not say
  std::vector<int> resolutions_dpi;         // e.g. {203} or {300}; empty when it does not say
  std::vector<int> raster_resolutions_dpi;  // pwg-raster-document-resolution-supported
  bool accepting = true;                    // printer-is-accepting-jobs
  std::string state = "idle";               // idle | processing | stopped
  std::vector<std::string> state_reasons;   // IPP printer-state-reasons, e.g. "media-empty"
};

// IPP job states (RFC 8011 §5.3.7), which CUPS uses too.
enum class JobState { pending, held, processing, stopped, cancelled, aborted, completed };
std::string_view job_state_name(JobState state);
bool is_final(JobState state);  // cancelled, aborted, completed

struct JobStatus {
  JobState state = JobState::pending;
  std::vector<std::string> reasons;  // IPP job-state-reasons
  std::string message;               // job-printer-state-message, for people
};

// Whether the printer can print the document as made, by what it reports (an empty list says
// nothing and passes): its format; its media among media-supported ("media_unsupported") and
// media-ready ("media_not_ready": someone can load it); for a document in device dots (ZPL, PWG
// raster), its dpi among printer-resolution-supported or pwg-raster-document-resolution-supported
// ("resolution_unsupported": a 300-dpi ZPL label on a 203-dpi printer prints 1.5 times too big).
[[nodiscard]] Result<void> check_fits(const PrinterCapabilities& caps, const Document& document);

class PrinterBackend {
 public:
  virtual ~PrinterBackend() = default;
  // Errors: "printer_offline" (cannot connect), "printer_error" (the printer or server refused
  // the request, with its words).
  [[nodiscard]] virtual Result<PrinterCapabilities> capabilities() = 0;
  // Sends the document as one job named `job_name`; returns the printer's job id ("" for a
  // backend without jobs — raw 9100, where a complete send is completion). Errors:
  // "printer_offline", "printer_not_accepting", "format_unsupported", "printer_error", and where
  // the printer reports them (check_fits): "media_unsupported", "media_not_ready",
  // "resolution_unsupported".
  [[nodiscard]] virtual Result<std::string> submit(const Document& document,
                                                   const std::string& job_name) = 0;
  [[nodiscard]] virtual Result<JobStatus> status(const std::string& job_id) = 0;
  [[nodiscard]] virtual Result<void> cancel(const std::string& job_id) = 0;
  // For listings and logs: "cups zebra1 at 127.0.0.1:631", "raw 10.0.0.7:9100".
  virtual std::string describe() const = 0;
};

}  // namespace storeedge::printer
