// A ZPL or ESC/POS printer on a raw TCP port (9100) as a PrinterBackend: POSIX sockets with poll()
// for the timeouts. The port has no job model, so a job is its bytes sent and the connection
// closed.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "printer/backends.h"
#include "printer/ipp_requests.h"

namespace storeedge::printer {

namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on fd until `deadline`: 1 ready, 0 timed out, -1 error (errno).
int wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    // Rounded up: poll() must not return before the deadline.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n;
    return 1;
  }
}

std::string errno_text(int error) {
  return std::strerror(error);
}

class RawBackend final : public PrinterBackend {
 public:
  RawBackend(std::string host, std::uint16_t port, std::chrono::milliseconds timeout,
             DocumentFormat language)
      : host_(std::move(host)), port_(port), timeout_(timeout), language_(language) {}

  Result<PrinterCapabilities> capabilities() override {
    auto socket = connect();
    if (!socket) return socket.error();
    PrinterCapabilities caps;
    caps.formats = {language_};
    return caps;
  }

  Result<std::string> submit(const Document& document, const std::string&) override {
    if (auto valid = check_document(document); !valid) return valid.error();
    if (document.format != language_)
      return make_error("format_unsupported", "this raw port takes " +
                                                  std::string(format_name(language_)) + ", not " +
                                                  std::string(format_name(document.format)));
    auto socket = connect();
    if (!socket) return socket.error();
    for (int i = 0; i < document.copies; ++i)
      if (auto sent = send_all(socket->fd(), document.bytes); !sent) return sent.error();
    if (auto closed = finish(socket->fd()); !closed) return closed.error();
    return std::string();
  }

  Result<JobStatus> status(const std::string& job_id) override {
    if (!job_id.empty())
      return make_error("job_not_found", "a raw port has no job '" + job_id + "'");
    JobStatus status;
    status.state = JobState::completed;
    status.message = "sent in full; the printer closed the connection";
    return status;
  }

  Result<void> cancel(const std::string&) override {
    return make_error("printer_error",
                      "a raw port job is complete when submit returns; nothing to cancel");
  }

  std::string describe() const override { return "raw " + host_ + ":" + std::to_string(port_); }

 private:
  Result<Socket> connect() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(port_);
    if (int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &found); rc != 0)
      return make_error("printer_offline", describe() + ": " + ::gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    const auto deadline = Clock::now() + timeout_;
    std::string why = "no address";
    for (addrinfo* a = found; a; a = a->ai_next) {
      Socket socket(
          ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
      if (socket.fd() < 0) {
        why = errno_text(errno);
        continue;
      }
      if (::connect(socket.fd(), a->ai_addr, a->ai_addrlen) == 0) return socket;
      if (errno != EINPROGRESS) {
        why = errno_text(errno);
        continue;
      }
      const int ready = wait_for(socket.fd(), POLLOUT, deadline);
      if (ready == 0) {
        why = "connect timed out after " + std::to_string(timeout_.count()) + " ms";
        continue;
      }
      int error = 0;
      socklen_t len = sizeof error;
      if (ready < 0)
        error = errno;
      else if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &len) != 0)
        error = errno;
      if (error == 0) return socket;
      why = errno_text(error);
    }
    return make_error("printer_offline", "cannot connect to " + describe() + ": " + why);
  }

  // Sends everything; `timeout_` bounds each stall (a printer that stops reading), not the job.
  Result<void> send_all(int fd, const std::string& bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n > 0) {
        at += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        const int ready = wait_for(fd, POLLOUT, Clock::now() + timeout_);
        if (ready > 0) continue;
        if (ready == 0)
          return make_error("printer_timeout", describe() + " stopped reading after " +
                                                   std::to_string(at) + " of " +
                                                   std::to_string(bytes.size()) + " bytes");
      }
      return make_error("printer_error", describe() + ": sending failed after " +
                                             std::to_string(at) + " bytes: " + errno_text(errno));
    }
    return {};
  }

  // Half-closes and waits for the printer to close its side: then it has read everything.
  Result<void> finish(int fd) {
    if (::shutdown(fd, SHUT_WR) != 0)
      return make_error("printer_error", describe() + ": " + errno_text(errno));
    const auto deadline = Clock::now() + timeout_;
    char discard[512];
    while (true) {
      const int ready = wait_for(fd, POLLIN, deadline);
      if (ready == 0)
        return make_error("printer_timeout",
                          describe() + ": all bytes sent, but the printer did not close within " +
                              std::to_string(timeout_.count()) + " ms");
      if (ready < 0) return make_error("printer_error", describe() + ": " + errno_text(errno));
      // Whatever a printer says back (status, echo) is read and dropped until it closes.
      const ssize_t n = ::recv(fd, discard, sizeof discard, 0);
      if (n == 0) return {};
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        // A reset after the whole job was sent: the printer closed without reading our FIN.
        if (errno == ECONNRESET) return {};
        return make_error("printer_error", describe() + ": " + errno_text(errno));
      }
    }
  }

  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  DocumentFormat language_;
};

}  // namespace

std::unique_ptr<PrinterBackend> make_raw_backend(std::string host, std::uint16_t port,
                                                 std::chrono::milliseconds timeout,
                                                 DocumentFormat language) {
  return std::make_unique<RawBackend>(std::move(host), port, timeout, language);
}

}  // namespace storeedge::printer
