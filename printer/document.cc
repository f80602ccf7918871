#include "printer/document.h"

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

bool is_final(JobState state) {
  return state == JobState::cancelled || state == JobState::aborted || state == JobState::completed;
}

}  // namespace storeedge::printer
