// Reading printer and job attributes out of IPP responses (from cupsd or a driverless printer)
// into the backend's types. Pure functions over a parsed ipp_t: the values come from the network
// and may be missing, of the wrong type or out of range; anything unknown is skipped.
#pragma once

#include <cups/ipp.h>

#include <string>

#include "printer/backend.h"

namespace storeedge::printer {

// The attributes the backends ask for in Get-Printer-Attributes.
extern const char* const kPrinterAttributes[];
extern const int kPrinterAttributeCount;
// The attributes the backends ask for in Get-Job-Attributes.
extern const char* const kJobAttributes[];
extern const int kJobAttributeCount;

// document-format-supported mapped to our formats (others ignored), media-supported,
// media-ready, printer-resolution-supported and pwg-raster-document-resolution-supported (dots per
// inch; cross-feed resolution), printer-is-accepting-jobs, printer-state and printer-state-reasons
// ("none" dropped).
PrinterCapabilities printer_capabilities_from_ipp(ipp_t* response);

// True for a CUPS queue without a driver ("Local Raw Printer"): it forwards the bytes untouched
// and advertises every format CUPS knows, which says nothing about what the printer reads.
bool is_raw_cups_queue(ipp_t* response);

// job-state, job-state-reasons ("none" dropped) and job-printer-state-message (or, when a
// printer does not send that, job-state-message). An unknown or missing job-state is pending.
JobStatus job_status_from_ipp(ipp_t* response);

// The IPP operation's status in a response, in words ("client-error-not-found: …").
std::string ipp_status_text(ipp_t* response);

}  // namespace storeedge::printer
