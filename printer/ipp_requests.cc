// The shared IPP requests and the libcups-to-backend error mapping (see ipp_requests.h).
#include "printer/ipp_requests.h"

#include <algorithm>
#include <charconv>

#include "printer/ipp_attributes.h"

namespace storeedge::printer {

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

ipp_t* job_request(ipp_op_t op, const IppTarget& target, int job_id) {
  ipp_t* request = ippNewRequest(op);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               target.printer_uri.c_str());
  ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  // CUPS checks the owner for Cancel-Job: the same user cupsCreateJob sent.
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
               cupsUser());
  return request;
}

}  // namespace

Error ipp_error(ipp_status_t status, const std::string& words, const std::string& not_found_code) {
  switch (status) {
    case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
      return make_error("printer_not_accepting", words);
    case IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED:
      return make_error("format_unsupported", words);
    case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
      return make_error("printer_offline", words);
    case IPP_STATUS_ERROR_NOT_FOUND:
      return make_error(not_found_code, words);
    default:
      return make_error("printer_error", words);
  }
}

Error last_cups_error(const std::string& doing, const std::string& not_found_code) {
  const char* text = cupsLastErrorString();
  return ipp_error(
      cupsLastError(),
      doing + ": " + ippErrorString(cupsLastError()) + (text ? std::string(" (") + text + ")" : ""),
      not_found_code);
}

Result<IppMessage> ipp_exchange(http_t* http, ipp_t* request, const std::string& resource,
                                const std::string& not_found_code) {
  const std::string op = ippOpString(ippGetOperation(request));
  IppMessage response(cupsDoRequest(http, request, resource.c_str()));
  if (!response) {
    const char* text = cupsLastErrorString();
    return make_error("printer_offline",
                      op + ": no answer (" + (text ? text : "connection failed") + ")");
  }
  const ipp_status_t status = ippGetStatusCode(response.get());
  if (status < IPP_STATUS_OK || status > IPP_STATUS_OK_EVENTS_COMPLETE)
    return ipp_error(status, op + ": " + ipp_status_text(response.get()), not_found_code);
  return response;
}

Result<IppMessage> get_printer_attributes(http_t* http, const IppTarget& target) {
  ipp_t* request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               target.printer_uri.c_str());
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                kPrinterAttributeCount, nullptr, kPrinterAttributes);
  return ipp_exchange(http, request, target.resource);
}

Result<JobStatus> get_job_status(http_t* http, const IppTarget& target, int job_id) {
  ipp_t* request = job_request(IPP_OP_GET_JOB_ATTRIBUTES, target, job_id);
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                kJobAttributeCount, nullptr, kJobAttributes);
  auto response = ipp_exchange(http, request, target.resource, "job_not_found");
  if (!response) return response.error();
  return job_status_from_ipp(response->get());
}

Result<void> cancel_job(http_t* http, const IppTarget& target, int job_id) {
  auto response = ipp_exchange(http, job_request(IPP_OP_CANCEL_JOB, target, job_id),
                               target.resource, "job_not_found");
  if (!response) return response.error();
  return {};
}

Result<int> parse_job_id(const std::string& job_id) {
  int id = 0;
  const auto* end = job_id.data() + job_id.size();
  auto [ptr, ec] = std::from_chars(job_id.data(), end, id);
  if (ec != std::errc() || ptr != end || id <= 0)
    return make_error("job_not_found", "not a job id of this printer: '" + job_id + "'");
  return id;
}

Result<void> check_document(const Document& document) {
  if (document.bytes.empty()) return make_error("invalid_document", "the document is empty");
  if (document.copies < 1 || document.copies > kMaxCopies)
    return make_error("invalid_document", "copies must be 1 to " + std::to_string(kMaxCopies) +
                                              ", not " + std::to_string(document.copies));
  return {};
}

Result<void> check_printable(const PrinterCapabilities& caps, const Document& document) {
  if (auto valid = check_document(document); !valid) return valid.error();
  if (std::find(caps.formats.begin(), caps.formats.end(), document.format) == caps.formats.end()) {
    std::vector<std::string> names;
    for (auto f : caps.formats) names.emplace_back(format_name(f));
    return make_error("format_unsupported",
                      "the printer takes " +
                          (names.empty() ? "none of our formats" : joined(names)) + ", not " +
                          std::string(format_name(document.format)));
  }
  if (auto fits = check_fits(caps, document); !fits) return fits.error();
  if (!caps.accepting || caps.state == "stopped")
    return make_error(
        "printer_not_accepting",
        std::string(caps.accepting ? "stopped" : "not accepting jobs") +
            (caps.state_reasons.empty() ? "" : " (" + joined(caps.state_reasons) + ")"));
  return {};
}

}  // namespace storeedge::printer
