// Mapping IPP attributes to PrinterCapabilities and JobStatus (see ipp_attributes.h).
#include "printer/ipp_attributes.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace storeedge::printer {

const char* const kPrinterAttributes[] = {"document-format-supported",
                                          "media-supported",
                                          "printer-resolution-supported",
                                          "printer-is-accepting-jobs",
                                          "printer-state",
                                          "printer-state-reasons",
                                          "printer-make-and-model",
                                          "printer-state-message",
                                          "media-ready",
                                          "pwg-raster-document-resolution-supported"};
const int kPrinterAttributeCount = sizeof kPrinterAttributes / sizeof kPrinterAttributes[0];

const char* const kJobAttributes[] = {"job-state", "job-state-reasons", "job-printer-state-message",
                                      "job-state-message"};
const int kJobAttributeCount = sizeof kJobAttributes / sizeof kJobAttributes[0];

namespace {

// Every value of a keyword/text-like attribute; values of other types are skipped.
std::vector<std::string> strings_of(ipp_t* response, const char* name) {
  std::vector<std::string> out;
  ipp_attribute_t* attr = ippFindAttribute(response, name, IPP_TAG_ZERO);
  if (!attr) return out;
  switch (ippGetValueTag(attr)) {
    case IPP_TAG_KEYWORD:
    case IPP_TAG_NAME:
    case IPP_TAG_NAMELANG:
    case IPP_TAG_TEXT:
    case IPP_TAG_TEXTLANG:
    case IPP_TAG_MIMETYPE:
    case IPP_TAG_URI:
      break;
    default:
      return out;
  }
  const int count = ippGetCount(attr);
  for (int i = 0; i < count; ++i) {
    const char* value = ippGetString(attr, i, nullptr);
    if (value) out.emplace_back(value);
  }
  return out;
}

std::string first_string(ipp_t* response, const char* name) {
  auto values = strings_of(response, name);
  return values.empty() ? std::string() : values.front();
}

std::vector<std::string> reasons_of(ipp_t* response, const char* name) {
  auto reasons = strings_of(response, name);
  std::erase(reasons, "none");
  return reasons;
}

std::optional<DocumentFormat> format_of_mime(std::string_view mime) {
  constexpr std::array all = {DocumentFormat::zpl, DocumentFormat::pdf, DocumentFormat::png,
                              DocumentFormat::pwg_raster};
  for (auto format : all)
    if (mime_type(format) == mime) return format;
  return std::nullopt;
}

int dots_per_inch(int value, ipp_res_t units) {
  // Dots per centimetre to dots per inch, rounded.
  return units == IPP_RES_PER_CM ? (value * 254 + 50) / 100 : value;
}

// The distinct cross-feed resolutions of a resolution attribute, in dots per inch.
std::vector<int> resolutions_of(ipp_t* response, const char* name) {
  std::vector<int> out;
  ipp_attribute_t* attr = ippFindAttribute(response, name, IPP_TAG_RESOLUTION);
  if (!attr) return out;
  const int count = ippGetCount(attr);
  for (int i = 0; i < count; ++i) {
    int yres = 0;
    ipp_res_t units = IPP_RES_PER_INCH;
    const int xres = ippGetResolution(attr, i, &yres, &units);
    const int dpi = dots_per_inch(xres, units);
    if (dpi > 0 && std::find(out.begin(), out.end(), dpi) == out.end()) out.push_back(dpi);
  }
  return out;
}

}  // namespace

PrinterCapabilities printer_capabilities_from_ipp(ipp_t* response) {
  PrinterCapabilities caps;
  for (const auto& mime : strings_of(response, "document-format-supported")) {
    auto format = format_of_mime(mime);
    if (format &&
        std::find(caps.formats.begin(), caps.formats.end(), *format) == caps.formats.end())
      caps.formats.push_back(*format);
  }
  caps.media = strings_of(response, "media-supported");
  caps.media_ready = strings_of(response, "media-ready");
  caps.resolutions_dpi = resolutions_of(response, "printer-resolution-supported");
  caps.raster_resolutions_dpi =
      resolutions_of(response, "pwg-raster-document-resolution-supported");
  if (ipp_attribute_t* attr =
          ippFindAttribute(response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN))
    caps.accepting = ippGetBoolean(attr, 0) != 0;
  if (ipp_attribute_t* attr = ippFindAttribute(response, "printer-state", IPP_TAG_ENUM)) {
    switch (ippGetInteger(attr, 0)) {
      case IPP_PSTATE_IDLE:
        caps.state = "idle";
        break;
      case IPP_PSTATE_PROCESSING:
        caps.state = "processing";
        break;
      case IPP_PSTATE_STOPPED:
        caps.state = "stopped";
        break;
      default:
        break;
    }
  }
  caps.state_reasons = reasons_of(response, "printer-state-reasons");
  return caps;
}

bool is_raw_cups_queue(ipp_t* response) {
  return first_string(response, "printer-make-and-model") == "Local Raw Printer";
}

JobStatus job_status_from_ipp(ipp_t* response) {
  JobStatus status;
  if (ipp_attribute_t* attr = ippFindAttribute(response, "job-state", IPP_TAG_ENUM)) {
    switch (ippGetInteger(attr, 0)) {
      case IPP_JSTATE_PENDING:
        status.state = JobState::pending;
        break;
      case IPP_JSTATE_HELD:
        status.state = JobState::held;
        break;
      case IPP_JSTATE_PROCESSING:
        status.state = JobState::processing;
        break;
      case IPP_JSTATE_STOPPED:
        status.state = JobState::stopped;
        break;
      case IPP_JSTATE_CANCELED:
        status.state = JobState::cancelled;
        break;
      case IPP_JSTATE_ABORTED:
        status.state = JobState::aborted;
        break;
      case IPP_JSTATE_COMPLETED:
        status.state = JobState::completed;
        break;
      default:
        break;
    }
  }
  status.reasons = reasons_of(response, "job-state-reasons");
  status.message = first_string(response, "job-printer-state-message");
  if (status.message.empty()) status.message = first_string(response, "job-state-message");
  return status;
}

std::string ipp_status_text(ipp_t* response) {
  const ipp_status_t status = ippGetStatusCode(response);
  std::string text = ippErrorString(status);
  const std::string message = first_string(response, "status-message");
  if (!message.empty()) text += ": " + message;
  return text;
}

}  // namespace storeedge::printer
