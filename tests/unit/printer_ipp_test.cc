// The IPP attribute mapping and the backends' shared checks (printer/ipp_attributes.h,
// printer/ipp_requests.h), on responses captured from a real cupsd and ippeveprinter (the fuzz
// seeds) and on hand-built ones for the odd cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "printer/ipp_attributes.h"
#include "printer/ipp_requests.h"

namespace storeedge::printer {
namespace {

struct Bytes {
  std::string data;
  std::size_t at = 0;
};

ssize_t read_bytes(void* context, ipp_uchar_t* buffer, std::size_t n) {
  auto* in = static_cast<Bytes*>(context);
  n = std::min(n, in->data.size() - in->at);
  std::memcpy(buffer, in->data.data() + in->at, n);
  in->at += n;
  return static_cast<ssize_t>(n);
}

// A captured response from tests/fuzz/corpus/ipp_response.
IppMessage captured(const std::string& name) {
  std::ifstream in(std::string(STOREEDGE_IPP_SEEDS) + "/" + name, std::ios::binary);
  Bytes bytes{std::string(std::istreambuf_iterator<char>(in), {})};
  EXPECT_FALSE(bytes.data.empty()) << name;
  IppMessage ipp(ippNew());
  EXPECT_EQ(ippReadIO(&bytes, read_bytes, 1, nullptr, ipp.get()), IPP_STATE_DATA) << name;
  return ipp;
}

bool lists(const std::vector<DocumentFormat>& formats, DocumentFormat f) {
  return std::find(formats.begin(), formats.end(), f) != formats.end();
}

TEST(IppAttributes, CupsRawQueue) {
  auto ipp = captured("cups_raw_queue_printer");
  EXPECT_TRUE(is_raw_cups_queue(ipp.get()));
  auto caps = printer_capabilities_from_ipp(ipp.get());
  EXPECT_TRUE(caps.accepting);
  EXPECT_EQ(caps.state, "idle");
  EXPECT_TRUE(caps.state_reasons.empty());  // "none" is dropped
  // CUPS lists everything it knows for a raw queue (the backend narrows it to zpl).
  EXPECT_TRUE(lists(caps.formats, DocumentFormat::pdf));
  EXPECT_FALSE(lists(caps.formats, DocumentFormat::zpl));
}

TEST(IppAttributes, CupsDisabledQueueIsStopped) {
  auto caps = printer_capabilities_from_ipp(captured("cups_stopped_printer").get());
  EXPECT_EQ(caps.state, "stopped");
  EXPECT_EQ(caps.state_reasons, std::vector<std::string>{"paused"});
  EXPECT_TRUE(caps.accepting);
}

TEST(IppAttributes, IppEverywherePrinter) {
  auto ipp = captured("ippeveprinter_printer");
  EXPECT_FALSE(is_raw_cups_queue(ipp.get()));
  auto caps = printer_capabilities_from_ipp(ipp.get());
  EXPECT_EQ(caps.formats, (std::vector<DocumentFormat>{DocumentFormat::pdf, DocumentFormat::zpl,
                                                       DocumentFormat::pwg_raster}));
  EXPECT_FALSE(caps.media.empty());
  EXPECT_EQ(caps.resolutions_dpi, std::vector<int>{600});
}

TEST(IppAttributes, Jobs) {
  auto aborted = job_status_from_ipp(captured("ippeveprinter_job_aborted").get());
  EXPECT_EQ(aborted.state, JobState::aborted);
  EXPECT_FALSE(aborted.reasons.empty());
  auto held = job_status_from_ipp(captured("cups_job_held").get());
  EXPECT_FALSE(is_final(held.state));
  EXPECT_NE(ipp_status_text(captured("cups_not_found").get()).find("client-error-not-found"),
            std::string::npos);
}

TEST(IppAttributes, OddValuesAreSkippedOrConverted) {
  IppMessage ipp(ippNew());
  ippAddResolution(ipp.get(), IPP_TAG_PRINTER, "printer-resolution-supported", IPP_RES_PER_CM, 118,
                   118);
  ippAddInteger(ipp.get(), IPP_TAG_PRINTER, IPP_TAG_INTEGER, "media-supported", 4);
  const char* formats[] = {"image/png", "text/plain", "image/png"};
  ippAddStrings(ipp.get(), IPP_TAG_PRINTER, IPP_TAG_MIMETYPE, "document-format-supported", 3,
                nullptr, formats);
  ippAddInteger(ipp.get(), IPP_TAG_PRINTER, IPP_TAG_INTEGER, "printer-state", IPP_PSTATE_STOPPED);
  ippAddInteger(ipp.get(), IPP_TAG_JOB, IPP_TAG_ENUM, "job-state", 99);
  ippAddString(ipp.get(), IPP_TAG_JOB, IPP_TAG_TEXT, "job-state-message", nullptr, "warming up");
  auto caps = printer_capabilities_from_ipp(ipp.get());
  EXPECT_EQ(caps.resolutions_dpi, std::vector<int>{300});  // 118 dots/cm
  EXPECT_TRUE(caps.media.empty());                         // an integer is no media name
  EXPECT_EQ(caps.formats, std::vector<DocumentFormat>{DocumentFormat::png});
  EXPECT_EQ(caps.state, "idle");  // printer-state must be an enum
  auto status = job_status_from_ipp(ipp.get());
  EXPECT_EQ(status.state, JobState::pending);
  EXPECT_EQ(status.message, "warming up");
}

TEST(IppRequests, JobIds) {
  EXPECT_EQ(parse_job_id("42").value(), 42);
  for (const char* bad : {"", "0", "-3", "12x", " 1", "99999999999"})
    EXPECT_EQ(parse_job_id(bad).error().code, "job_not_found") << bad;
}

TEST(IppRequests, CheckPrintable) {
  PrinterCapabilities caps;
  caps.formats = {DocumentFormat::pdf};
  Document doc;
  doc.format = DocumentFormat::pdf;
  EXPECT_EQ(check_printable(caps, doc).error().code, "invalid_document");  // no bytes
  doc.bytes = "%PDF-";
  for (int copies : {0, -1, kMaxCopies + 1}) {
    doc.copies = copies;
    EXPECT_EQ(check_printable(caps, doc).error().code, "invalid_document") << copies;
  }
  doc.copies = kMaxCopies;
  EXPECT_TRUE(check_printable(caps, doc));
  doc.format = DocumentFormat::zpl;
  EXPECT_EQ(check_printable(caps, doc).error().code, "format_unsupported");
  doc.format = DocumentFormat::pdf;
  EXPECT_TRUE(check_printable(caps, doc));
  caps.state = "stopped";
  caps.state_reasons = {"media-empty"};
  auto stopped = check_printable(caps, doc);
  EXPECT_EQ(stopped.error().code, "printer_not_accepting");
  EXPECT_NE(stopped.error().message.find("media-empty"), std::string::npos);
  caps.state = "idle";
  caps.accepting = false;
  EXPECT_EQ(check_printable(caps, doc).error().code, "printer_not_accepting");
}

TEST(IppRequests, StatusCodes) {
  EXPECT_EQ(ipp_error(IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS, "x").code, "printer_not_accepting");
  EXPECT_EQ(ipp_error(IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED, "x").code,
            "format_unsupported");
  EXPECT_EQ(ipp_error(IPP_STATUS_ERROR_SERVICE_UNAVAILABLE, "x").code, "printer_offline");
  EXPECT_EQ(ipp_error(IPP_STATUS_ERROR_NOT_FOUND, "x").code, "printer_error");
  EXPECT_EQ(ipp_error(IPP_STATUS_ERROR_NOT_FOUND, "x", "job_not_found").code, "job_not_found");
  EXPECT_EQ(ipp_error(IPP_STATUS_ERROR_NOT_POSSIBLE, "x").code, "printer_error");
}

}  // namespace
}  // namespace storeedge::printer
