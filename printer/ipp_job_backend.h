// What the CUPS and IPP Everywhere backends share: both follow and cancel jobs with the same IPP
// requests (Get-Job-Attributes, Cancel-Job) on a connection of their own. They differ in how
// they connect and what they forget after a failure.
#pragma once

#include "printer/backend.h"
#include "printer/ipp_requests.h"

namespace storeedge::printer {

class IppJobBackend : public PrinterBackend {
 public:
  Result<JobStatus> status(const std::string& job_id) override {
    auto id = parse_job_id(job_id);
    if (!id) return id.error();
    auto http = connection();
    if (!http) return http.error();
    auto status = get_job_status(*http, target_, *id);
    if (!status) return failed(status.error());
    return status;
  }

  Result<void> cancel(const std::string& job_id) override {
    auto id = parse_job_id(job_id);
    if (!id) return id.error();
    auto http = connection();
    if (!http) return http.error();
    auto cancelled = cancel_job(*http, target_, *id);
    if (!cancelled) return failed(cancelled.error());
    return {};
  }

 protected:
  // The open connection, opened on first use; sets target_.
  virtual Result<http_t*> connection() = 0;
  // Forgets what a failure made doubtful (the connection after no answer); returns `error`.
  virtual Error failed(Error error) = 0;

  IppTarget target_;
};

}  // namespace storeedge::printer
