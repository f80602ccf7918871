// A driverless IPP Everywhere printer as a PrinterBackend, talked to directly: libcups's
// destination API on a connection to the device (CUPS_DEST_FLAGS_DEVICE), one per object.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "printer/backends.h"
#include "printer/ipp_attributes.h"
#include "printer/ipp_job_backend.h"
#include "printer/ipp_requests.h"

namespace storeedge::printer {

namespace {

constexpr std::size_t kWriteChunk = 64 * 1024;

struct DestFree {
  void operator()(cups_dest_t* dest) const { cupsFreeDests(1, dest); }
};
struct DestInfoFree {
  void operator()(cups_dinfo_t* info) const { cupsFreeDestInfo(info); }
};

class IppBackend final : public IppJobBackend {
 public:
  IppBackend(std::string uri, std::chrono::milliseconds timeout)
      : uri_(std::move(uri)), timeout_(timeout) {
    // Parses the URI only (no lookup for ipp:// and ipps:// addresses).
    if (uri_.starts_with("ipp://") || uri_.starts_with("ipps://"))
      dest_.reset(cupsGetDestWithURI("storeedge", uri_.c_str()));
  }

  Result<PrinterCapabilities> capabilities() override {
    auto http = connection();
    if (!http) return http.error();
    auto response = get_printer_attributes(*http, target_);
    if (!response) return failed(response.error());
    return printer_capabilities_from_ipp(response->get());
  }

  Result<std::string> submit(const Document& document, const std::string& job_name) override {
    auto caps = capabilities();
    if (!caps) return caps.error();
    if (auto printable = check_printable(*caps, document); !printable) return printable.error();
    http_t* http = http_.get();
    if (!info_) {
      info_.reset(cupsCopyDestInfo(http, dest_.get()));
      if (!info_) return failed(last_cups_error("Get-Printer-Attributes"));
    }

    cups_option_t* options = nullptr;
    int num_options = 0;
    if (document.copies > 1)
      num_options = cupsAddIntegerOption("copies", document.copies, num_options, &options);
    if (!document.media.empty())
      num_options = cupsAddOption("media", document.media.c_str(), num_options, &options);
    int job_id = 0;
    const ipp_status_t created = cupsCreateDestJob(http, dest_.get(), info_.get(), &job_id,
                                                   job_name.c_str(), num_options, options);
    cupsFreeOptions(num_options, options);
    if (created > IPP_STATUS_OK_CONFLICTING || job_id <= 0)
      return failed(last_cups_error("Create-Job"));

    if (auto sent = send_document(http, job_id, job_name, document); !sent) {
      // Best effort: a created job without its document would sit waiting on the printer.
      (void)cancel_job(http, target_, job_id);
      return failed(sent.error());
    }
    return std::to_string(job_id);
  }

  std::string describe() const override { return "ipp " + uri_; }

 private:
  Result<http_t*> connection() override {
    if (!dest_) return make_error("printer_error", "not an ipp:// or ipps:// printer URI: " + uri_);
    if (http_) return http_.get();
    char resource[1024] = "";
    http_.reset(cupsConnectDest(dest_.get(), CUPS_DEST_FLAGS_DEVICE,
                                static_cast<int>(timeout_.count()), nullptr, resource,
                                sizeof resource, nullptr, nullptr));
    if (!http_)
      return make_error("printer_offline",
                        "cannot connect to " + uri_ + ": " +
                            (cupsLastErrorString() ? cupsLastErrorString() : std::strerror(errno)));
    httpSetTimeout(http_.get(), static_cast<double>(timeout_.count()) / 1000.0, nullptr, nullptr);
    target_ = {uri_, resource};
    return http_.get();
  }

  // After no answer the connection may be half-dead: start the next call on a fresh one (and
  // read the printer's description again, it may have been replaced).
  Error failed(Error error) override {
    if (error.code == "printer_offline") {
      info_.reset();
      http_.reset();
    }
    return error;
  }

  Result<void> send_document(http_t* http, int job_id, const std::string& name,
                             const Document& document) {
    const std::string format(mime_type(document.format));
    if (cupsStartDestDocument(http, dest_.get(), info_.get(), job_id, name.c_str(), format.c_str(),
                              0, nullptr, 1) != HTTP_STATUS_CONTINUE)
      return last_cups_error("Send-Document");
    const std::string& bytes = document.bytes;
    for (std::size_t at = 0; at < bytes.size(); at += kWriteChunk) {
      const std::size_t n = std::min(kWriteChunk, bytes.size() - at);
      if (cupsWriteRequestData(http, bytes.data() + at, n) != HTTP_STATUS_CONTINUE) {
        (void)cupsFinishDestDocument(http, dest_.get(), info_.get());
        return last_cups_error("Send-Document");
      }
    }
    if (cupsFinishDestDocument(http, dest_.get(), info_.get()) > IPP_STATUS_OK_CONFLICTING)
      return last_cups_error("Send-Document");
    return {};
  }

  std::string uri_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<cups_dest_t, DestFree> dest_;
  std::unique_ptr<cups_dinfo_t, DestInfoFree> info_;
  HttpConnection http_;  // declared last of the three: closed first
};

}  // namespace

std::unique_ptr<PrinterBackend> make_ipp_backend(std::string printer_uri,
                                                 std::chrono::milliseconds timeout) {
  return std::make_unique<IppBackend>(std::move(printer_uri), timeout);
}

}  // namespace storeedge::printer
