// The three printer backends (backend.h): a CUPS queue, a driverless IPP Everywhere printer and
// raw TCP 9100. Each object owns its own connection and is used by one call at a time, on the
// blocking pool. Beyond backend.h's codes: submit() of an empty document or of copies outside
// 1..999 gives "invalid_document", status()/cancel() of an unknown job "job_not_found", and the
// raw backend's stalled sends and unconfirmed endings "printer_timeout".
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "printer/backend.h"

namespace storeedge::printer {

// A queue on a CUPS server ("host:port", "/path/to/cups.sock", or "" for libcups's configured
// default, read once here). Job ids are CUPS's. A raw queue (no driver) is taken to feed a
// printer speaking `raw_language` (zpl, or escpos for a receipt printer): it lists only that,
// sent as application/vnd.cups-raw so CUPS does not filter it. `timeout` bounds connecting and
// each answer.
std::unique_ptr<PrinterBackend> make_cups_backend(
    std::string queue, std::string server = "",
    std::chrono::milliseconds timeout = std::chrono::seconds(10),
    DocumentFormat raw_language = DocumentFormat::zpl);

// A driverless IPP Everywhere printer by URI ("ipp://host:631/ipp/print"), talked to directly
// (no CUPS queue). Sends the formats the printer lists (PDF, PWG raster, PNG, ZPL).
std::unique_ptr<PrinterBackend> make_ipp_backend(
    std::string printer_uri, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A printer that takes `language` (zpl, or escpos for a receipt printer; it lists only that) on
// a raw TCP port. submit() connects, sends the bytes (`copies` times), half-closes and waits for
// the printer to close: a job is complete when submit returns, its id is "" and status() says
// completed. `timeout` bounds connecting, each stall while sending, and the wait for the close
// ("printer_timeout": the bytes may have printed).
std::unique_ptr<PrinterBackend> make_raw_backend(
    std::string host, std::uint16_t port = 9100,
    std::chrono::milliseconds timeout = std::chrono::seconds(10),
    DocumentFormat language = DocumentFormat::zpl);

}  // namespace storeedge::printer
