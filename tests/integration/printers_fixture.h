// Real printing components for tests, each in its own temp dir on free loopback ports and
// stopped by its destructor: a cupsd with raw queues, a driverless ippeveprinter (on a private
// D-Bus), and a TCP "printer" that captures the bytes of each connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/harness.h"

namespace storeedge::testing {

// Accepts TCP connections on 127.0.0.1:port one at a time, as a port-9100 printer does, and
// keeps what each connection sent. By default it closes a connection when the sender has
// half-closed it; with `hold_open` it never closes (a printer that hangs).
class ByteSink {
 public:
  explicit ByteSink(int port = 0, bool hold_open = false);
  ~ByteSink();
  ByteSink(const ByteSink&) = delete;
  ByteSink& operator=(const ByteSink&) = delete;

  int port() const { return port_; }
  // Waits until `count` connections have ended (the sender closed), up to `timeout`.
  bool wait_for_jobs(std::size_t count, std::chrono::milliseconds timeout);
  // The bytes of each ended connection, in order.
  std::vector<std::string> jobs() const;
  std::size_t connections() const { return connections_.load(); }

 private:
  void run();

  int port_ = 0;
  bool hold_open_ = false;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> jobs_;
  std::thread thread_;
};

// A cupsd on 127.0.0.1:port with its own ServerRoot, spool and logs in a temp dir, following
// TESTING-NOTES (User lp, the directories writable for lp). The admin commands run against it.
class CupsServer {
 public:
  CupsServer();
  ~CupsServer();

  int port() const { return port_; }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  // lpadmin -p NAME -E -v DEVICE_URI: a raw queue (no driver), enabled and accepting.
  void add_raw_queue(const std::string& name, const std::string& device_uri);
  void disable(const std::string& queue);  // cupsdisable
  void reject(const std::string& queue);   // cupsreject
  void enable(const std::string& queue);   // cupsenable + cupsaccept
  void stop();                             // SIGTERM and wait; the destructor does it too
  std::string log() const;                 // cupsd's error_log

 private:
  void admin(std::vector<std::string> argv);

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> cupsd_;
};

// ippeveprinter -r off -n localhost -p PORT -k -d SPOOL [-c COMMAND] -f FORMATS|-a FILE NAME, with
// a private system D-Bus in its temp dir (it will not start without one; a private bus needs no
// root and leaves the machine's /run/dbus alone).
class IppPrinter {
 public:
  struct Options {
    std::string formats = "application/pdf,image/pwg-raster";
    std::string command;  // -c: run for each job (a failing one aborts the job)
    std::string name = "Label1";
    // Printer attributes as ippeveprinter's attribute file lines ("ATTR keyword media-ready
    // oe_4x6-label_4x6in"). With any, the printer is made from a file (-a) holding these and
    // `formats` (ippeveprinter takes -a or -f, not both).
    std::vector<std::string> attributes;
  };
  IppPrinter() : IppPrinter(Options{}) {}
  explicit IppPrinter(Options options);
  ~IppPrinter();

  std::string uri() const { return "ipp://localhost:" + std::to_string(port_) + "/ipp/print"; }
  // The files ippeveprinter kept (-k), recursively under its spool dir.
  std::vector<std::string> spooled_files() const;
  std::string log() const;

 private:
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> bus_;
  std::unique_ptr<Process> printer_;
};

// Waits until 127.0.0.1:port accepts a TCP connection, up to `timeout`.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

}  // namespace storeedge::testing
