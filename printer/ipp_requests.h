// The IPP requests the CUPS and IPP Everywhere backends share, each on a libcups connection the
// caller owns (never libcups's per-thread default server), and libcups failures turned into the
// backend's error codes. Blocking; bounded by the connection's timeout (httpSetTimeout).
#pragma once

#include <cups/cups.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "printer/backend.h"

namespace storeedge::printer {

struct IppDelete {
  void operator()(ipp_t* ipp) const { ippDelete(ipp); }
};
using IppMessage = std::unique_ptr<ipp_t, IppDelete>;

struct HttpClose {
  void operator()(http_t* http) const { httpClose(http); }
};
using HttpConnection = std::unique_ptr<http_t, HttpClose>;

// What a request is addressed to: the printer-uri attribute and the HTTP path it is posted to.
struct IppTarget {
  std::string printer_uri;  // "ipp://localhost/printers/zebra1", "ipp://host:631/ipp/print"
  std::string resource;     // "/printers/zebra1", "/ipp/print"
};

// An IPP status that is not success as an error: not-accepting-jobs → "printer_not_accepting",
// document-format-not-supported → "format_unsupported", service-unavailable →
// "printer_offline", not-found → `not_found_code`; anything else → "printer_error".
Error ipp_error(ipp_status_t status, const std::string& words,
                const std::string& not_found_code = "printer_error");
// The same for the last libcups call on this thread (cupsLastError/cupsLastErrorString).
Error last_cups_error(const std::string& doing,
                      const std::string& not_found_code = "printer_error");

// Sends `request` (consumed) and returns a successful response. No response at all (cannot
// connect, connection lost, timed out) → "printer_offline"; an IPP error status → ipp_error.
Result<IppMessage> ipp_exchange(http_t* http, ipp_t* request, const std::string& resource,
                                const std::string& not_found_code = "printer_error");

// Get-Printer-Attributes for kPrinterAttributes; the raw response (the CUPS backend reads more
// from it than the capabilities).
Result<IppMessage> get_printer_attributes(http_t* http, const IppTarget& target);
// Get-Job-Attributes; an unknown job → "job_not_found".
Result<JobStatus> get_job_status(http_t* http, const IppTarget& target, int job_id);
// Cancel-Job; an unknown job → "job_not_found"; a finished one → "printer_error".
Result<void> cancel_job(http_t* http, const IppTarget& target, int job_id);

// A job id as the backends hand it out (a positive decimal integer); else "job_not_found".
Result<int> parse_job_id(const std::string& job_id);

// The most copies a backend sends of one document.
constexpr int kMaxCopies = 999;
// Refuses a document no printer should get: no bytes, or copies outside 1..kMaxCopies
// ("invalid_document").
Result<void> check_document(const Document& document);

// Refuses a document the printer cannot take: a format it does not list → "format_unsupported";
// not accepting jobs or stopped → "printer_not_accepting" (with its state reasons).
Result<void> check_printable(const PrinterCapabilities& caps, const Document& document);

}  // namespace storeedge::printer
