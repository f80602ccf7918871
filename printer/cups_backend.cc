// A CUPS queue as a PrinterBackend: one libcups connection per object to the server; IPP
// requests for attributes, job state, cancelling and Create-Job; cupsStartDocument for the bytes.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "printer/backends.h"
#include "printer/ipp_attributes.h"
#include "printer/ipp_job_backend.h"
#include "printer/ipp_requests.h"

namespace storeedge::printer {

namespace {

constexpr std::size_t kWriteChunk = 64 * 1024;

// CUPS queue names: printable, no space, '/', '\\', '?', '\'', '"' or '#' (lpadmin's rule).
bool valid_queue_name(const std::string& name) {
  if (name.empty() || name.size() > 127) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > ' ' && u < 0x7f && c != '/' && c != '\\' && c != '?' && c != '\'' && c != '"' &&
           c != '#';
  });
}

struct ServerAddress {
  std::string host;
  int port = 631;
};

// "host:port", "[v6]:port", "host" or a domain socket path; "" is libcups's default server.
ServerAddress parse_server(const std::string& server) {
  if (server.empty()) return {cupsServer(), ippPort()};
  if (server.front() == '/') return {server, 0};
  ServerAddress address;
  std::string rest = server;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    address.host = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    rest = close == std::string::npos ? "" : rest.substr(close + 1);
    if (!rest.empty() && rest.front() == ':') address.port = std::atoi(rest.c_str() + 1);
    return address;
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) {
    address.host = rest;
  } else {
    address.host = rest.substr(0, colon);
    address.port = std::atoi(rest.c_str() + colon + 1);
  }
  return address;
}

class CupsBackend final : public IppJobBackend {
 public:
  CupsBackend(std::string queue, std::string server, std::chrono::milliseconds timeout,
              DocumentFormat raw_language)
      : queue_(std::move(queue)),
        server_(parse_server(server)),
        timeout_(timeout),
        raw_language_(raw_language) {
    target_.printer_uri = "ipp://localhost/printers/" + queue_;
    target_.resource = "/printers/" + queue_;
  }

  Result<PrinterCapabilities> capabilities() override {
    auto http = connection();
    if (!http) return http.error();
    auto response = get_printer_attributes(*http, target_);
    if (!response) return failed(response.error());
    auto caps = printer_capabilities_from_ipp(response->get());
    if (is_raw_cups_queue(response->get())) {
      // A raw queue forwards bytes to a printer it knows nothing about: what CUPS lists for it
      // (every format, its default media and resolution) says nothing about that printer.
      caps.formats = {raw_language_};
      caps.media.clear();
      caps.media_ready.clear();
      caps.resolutions_dpi.clear();
      caps.raster_resolutions_dpi.clear();
    }
    return caps;
  }

  Result<std::string> submit(const Document& document, const std::string& job_name) override {
    auto caps = capabilities();
    if (!caps) return caps.error();
    if (auto printable = check_printable(*caps, document); !printable) return printable.error();
    http_t* http = http_.get();

    const auto job_id = create_job(http, document, job_name);
    if (!job_id) return failed(job_id.error());

    // Raw ZPL and ESC/POS must reach the printer untouched: CUPS's raw type bypasses every filter.
    const bool raw =
        document.format == DocumentFormat::zpl || document.format == DocumentFormat::escpos;
    const std::string format = raw ? CUPS_FORMAT_RAW : std::string(mime_type(document.format));
    if (auto sent = send_document(http, *job_id, job_name, format, document.bytes); !sent) {
      // Best effort: a created job without its document would sit held on the server.
      (void)cancel_job(http, target_, *job_id);
      return failed(sent.error());
    }
    return std::to_string(*job_id);
  }

  std::string describe() const override {
    return "cups " + queue_ + " at " + server_.host +
           (server_.port > 0 ? ":" + std::to_string(server_.port) : "");
  }

 private:
  Result<http_t*> connection() override {
    if (!valid_queue_name(queue_))
      return make_error("printer_error", "not a CUPS queue name: '" + queue_ + "'");
    if (server_.host.empty() ||
        (server_.host.front() != '/' && (server_.port < 1 || server_.port > 65535)))
      return make_error("printer_error", "not a CUPS server address: '" + describe() + "'");
    if (http_) return http_.get();
    http_.reset(httpConnect2(server_.host.c_str(), server_.port, nullptr, AF_UNSPEC,
                             HTTP_ENCRYPTION_IF_REQUESTED, 1, static_cast<int>(timeout_.count()),
                             nullptr));
    if (!http_)
      return make_error("printer_offline",
                        "cannot connect to " + describe() + ": " + std::strerror(errno));
    httpSetTimeout(http_.get(), static_cast<double>(timeout_.count()) / 1000.0, nullptr, nullptr);
    return http_.get();
  }

  // After no answer the connection may be half-dead: start the next call on a fresh one.
  Error failed(Error error) override {
    if (error.code == "printer_offline") http_.reset();
    return error;
  }

  // Create-Job as our own request on our connection. libcups 2.4's cupsCreateJob cannot be used
  // here: on a connection other than its per-thread default server it addresses the queue's
  // device URI instead of the queue (cupsCopyDestInfo's device mode) and fails with not-found.
  Result<int> create_job(http_t* http, const Document& document, const std::string& job_name) {
    ipp_t* request = ippNewRequest(IPP_OP_CREATE_JOB);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
                 target_.printer_uri.c_str());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
                 cupsUser());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr, job_name.c_str());
    if (document.copies > 1)
      ippAddInteger(request, IPP_TAG_JOB, IPP_TAG_INTEGER, "copies", document.copies);
    if (!document.media.empty())
      ippAddString(request, IPP_TAG_JOB, IPP_TAG_KEYWORD, "media", nullptr, document.media.c_str());
    auto response = ipp_exchange(http, request, target_.resource);
    if (!response) return response.error();
    ipp_attribute_t* id = ippFindAttribute(response->get(), "job-id", IPP_TAG_INTEGER);
    if (!id || ippGetInteger(id, 0) <= 0)
      return make_error("printer_error", "Create-Job: the server returned no job-id");
    return ippGetInteger(id, 0);
  }

  Result<void> send_document(http_t* http, int job_id, const std::string& name,
                             const std::string& format, const std::string& bytes) {
    if (cupsStartDocument(http, queue_.c_str(), job_id, name.c_str(), format.c_str(), 1) !=
        HTTP_STATUS_CONTINUE)
      return last_cups_error("Send-Document");
    for (std::size_t at = 0; at < bytes.size(); at += kWriteChunk) {
      const std::size_t n = std::min(kWriteChunk, bytes.size() - at);
      if (cupsWriteRequestData(http, bytes.data() + at, n) != HTTP_STATUS_CONTINUE) {
        (void)cupsFinishDocument(http, queue_.c_str());
        return last_cups_error("Send-Document");
      }
    }
    if (cupsFinishDocument(http, queue_.c_str()) > IPP_STATUS_OK_CONFLICTING)
      return last_cups_error("Send-Document");
    return {};
  }

  std::string queue_;
  ServerAddress server_;
  std::chrono::milliseconds timeout_;
  DocumentFormat raw_language_;
  HttpConnection http_;
};

}  // namespace

std::unique_ptr<PrinterBackend> make_cups_backend(std::string queue, std::string server,
                                                  std::chrono::milliseconds timeout,
                                                  DocumentFormat raw_language) {
  return std::make_unique<CupsBackend>(std::move(queue), std::move(server), timeout, raw_language);
}

}  // namespace storeedge::printer
