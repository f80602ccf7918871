#include "printer/document.h"

#include <algorithm>

#include "printer/backend.h"

namespace storeedge::printer {

std::string_view mime_type(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::zpl:
      return "application/vnd.zebra-zpl";
    case DocumentFormat::pdf:
      return "application/pdf";
    case DocumentFormat::png:
      return "image/png";
    case DocumentFormat::pwg_raster:
      return "image/pwg-raster";
    case DocumentFormat::escpos:
      return "application/octet-stream";
  }
  return "application/octet-stream";
}

std::string_view format_name(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::zpl:
      return "zpl";
    case DocumentFormat::pdf:
      return "pdf";
    case DocumentFormat::png:
      return "png";
    case DocumentFormat::pwg_raster:
      return "pwg-raster";
    case DocumentFormat::escpos:
      return "escpos";
  }
  return "unknown";
}

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::pending:
      return "pending";
    case JobState::held:
      return "held";
    case JobState::processing:
      return "processing";
    case JobState::stopped:
      return "stopped";
    case JobState::cancelled:
      return "cancelled";
    case JobState::aborted:
      return "aborted";
    case JobState::completed:
      return "completed";
  }
  return "unknown";
}

namespace {

template <class T>
bool lists(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string dpis(const std::vector<int>& v) {
  std::string out;
  for (int d : v) out += (out.empty() ? "" : ", ") + std::to_string(d) + " dpi";
  return out;
}

}  // namespace

Result<void> check_fits(const PrinterCapabilities& caps, const Document& document) {
  if (!caps.formats.empty() && !lists(caps.formats, document.format)) {
    std::vector<std::string> names;
    for (auto f : caps.formats) names.emplace_back(format_name(f));
    return make_error("format_unsupported", "the printer takes " + joined(names) + ", not " +
                                                std::string(format_name(document.format)));
  }
  if (!document.media.empty()) {
    if (!caps.media.empty() && !lists(caps.media, document.media))
      return make_error("media_unsupported", "the printer has no media " + document.media +
                                                 " (it supports " + joined(caps.media) + ")");
    if (!caps.media_ready.empty() && !lists(caps.media_ready, document.media))
      return make_error("media_not_ready", "load " + document.media + " in the printer (it has " +
                                               joined(caps.media_ready) + ")");
  }
  if (document.dpi > 0) {
    const auto& supported = document.format == DocumentFormat::pwg_raster
                                ? caps.raster_resolutions_dpi
                                : caps.resolutions_dpi;
    const bool dots =
        document.format == DocumentFormat::zpl || document.format == DocumentFormat::pwg_raster;
    if (dots && !supported.empty() && !lists(supported, document.dpi))
      return make_error("resolution_unsupported",
                        "the document is made for " + std::to_string(document.dpi) +
                            " dpi; the printer prints at " + dpis(supported));
  }
  return {};
}

bool is_final(JobState state) {
  return state == JobState::cancelled || state == JobState::aborted || state == JobState::completed;
}

}  // namespace storeedge::printer
