// The printing test components (see printers_fixture.h).
#include "integration/printers_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace storeedge::testing {

namespace fs = std::filesystem;

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// cupsd runs its backends and writes its spool as lp: give lp the directories when we can
// (as root); as another user everything already belongs to that user.
void give_to_lp(const std::string& path) {
  ::chmod(path.c_str(), 0755);
  if (::geteuid() != 0) return;
  if (const passwd* lp = ::getpwnam("lp")) {
    if (::chown(path.c_str(), lp->pw_uid, lp->pw_gid) != 0)
      throw std::runtime_error("chown lp " + path + " failed");
  }
}

}  // namespace

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(port);
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up) return true;
    // The servers give no readiness signal but their port: poll it.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// ByteSink ------------------------------------------------------------------------------------

ByteSink::ByteSink(int port, bool hold_open) : hold_open_(hold_open) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("ByteSink: cannot listen on port " + std::to_string(port));
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("ByteSink: pipe failed");
  thread_ = std::thread([this] { run(); });
}

ByteSink::~ByteSink() {
  const char stop = 's';
  (void)!::write(wake_[1], &stop, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void ByteSink::run() {
  std::vector<int> held;
  auto stopping = [this](int fd, short events) {
    pollfd p[2] = {{wake_[0], POLLIN, 0}, {fd, events, 0}};
    while (::poll(p, 2, -1) < 0) {
    }
    return (p[0].revents & POLLIN) != 0;
  };
  while (!stopping(listen_fd_, POLLIN)) {
    const int conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    connections_.fetch_add(1);
    std::string bytes;
    bool stop = false;
    while (!(stop = stopping(conn, POLLIN))) {
      char buf[16384];
      const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
      if (n <= 0) break;
      bytes.append(buf, static_cast<std::size_t>(n));
    }
    if (hold_open_ && !stop) {
      held.push_back(conn);
    } else {
      ::close(conn);
    }
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(bytes));
    }
    changed_.notify_all();
    if (stop) break;
  }
  for (int fd : held) ::close(fd);
}

bool ByteSink::wait_for_jobs(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return jobs_.size() >= count; });
}

std::vector<std::string> ByteSink::jobs() const {
  std::lock_guard lock(mutex_);
  return jobs_;
}

// CupsServer ----------------------------------------------------------------------------------

CupsServer::CupsServer() : port_(free_port()) {
  const std::string root = dir_.path();
  give_to_lp(root);
  for (const char* sub : {"spool", "cache", "state", "logs"}) {
    fs::create_directories(dir_.file(sub));
    give_to_lp(dir_.file(sub));
  }
  write_file(dir_.file("cups-files.conf"),
             "ServerRoot " + root + "\nRequestRoot " + root + "/spool\nCacheDir " + root +
                 "/cache\nStateDir " + root +
                 "/state\nServerBin " STOREEDGE_CUPS_SERVERBIN "\nDataDir " STOREEDGE_CUPS_DATADIR
                 "\nTempDir " +
                 root + "/spool\nUser lp\nGroup lp\nErrorLog " + root +
                 "/logs/error_log\nAccessLog " + root + "/logs/access_log\nPageLog " + root +
                 "/logs/page_log\n");
  const std::string allow = "  Order allow,deny\n  Allow from 127.0.0.1\n";
  write_file(dir_.file("cupsd.conf"), "Listen 127.0.0.1:" + std::to_string(port_) +
                                          "\nLogLevel info\nBrowsing Off\nWebInterface No\n"
                                          "DefaultAuthType None\n<Location />\n" +
                                          allow + "</Location>\n<Location /admin>\n" + allow +
                                          "</Location>\n");
  cupsd_ = std::make_unique<Process>(
      std::vector<std::string>{STOREEDGE_CUPSD, "-f", "-c", dir_.file("cupsd.conf"), "-s",
                               dir_.file("cups-files.conf")},
      std::vector<std::string>{}, dir_.file("cupsd.out"));
  if (!wait_for_port(port_, std::chrono::seconds(20)))
    throw std::runtime_error("cupsd did not start: " + read_file(dir_.file("cupsd.out")) + log());
}

CupsServer::~CupsServer() {
  stop();
}

void CupsServer::stop() {
  if (!cupsd_) return;
  cupsd_->signal(SIGTERM);
  if (!cupsd_->wait(std::chrono::seconds(10))) cupsd_->signal(SIGKILL);
  cupsd_.reset();
}

std::string CupsServer::log() const {
  return read_file(dir_.file("logs/error_log"));
}

void CupsServer::admin(std::vector<std::string> argv) {
  argv.insert(argv.begin() + 1, {"-h", server()});
  auto [code, output] = run_command(argv);
  if (code != 0)
    throw std::runtime_error(argv[0] + " failed (" + std::to_string(code) + "): " + output);
}

void CupsServer::add_raw_queue(const std::string& name, const std::string& device_uri) {
  admin({STOREEDGE_LPADMIN, "-p", name, "-E", "-v", device_uri});
}

void CupsServer::disable(const std::string& queue) {
  admin({STOREEDGE_CUPSDISABLE, queue});
}

void CupsServer::reject(const std::string& queue) {
  admin({STOREEDGE_CUPSREJECT, queue});
}

void CupsServer::enable(const std::string& queue) {
  admin({STOREEDGE_CUPSENABLE, queue});
  admin({STOREEDGE_CUPSACCEPT, queue});
}

// IppPrinter ----------------------------------------------------------------------------------

IppPrinter::IppPrinter(Options options) : port_(free_port()) {
  const std::string bus_socket = dir_.file("system_bus_socket");
  // A system bus of our own: the policy lets everyone talk, which is all ippeveprinter's Avahi
  // client needs to start (it registers nothing with -r off).
  write_file(dir_.file("bus.conf"),
             "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
             " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
             "<busconfig>\n  <type>system</type>\n  <listen>unix:path=" +
                 bus_socket +
                 "</listen>\n  <auth>EXTERNAL</auth>\n"
                 "  <policy context=\"default\">\n    <allow user=\"*\"/>\n"
                 "    <allow own=\"*\"/>\n    <allow send_type=\"*\"/>\n"
                 "    <allow receive_type=\"*\"/>\n  </policy>\n</busconfig>\n");
  bus_ = std::make_unique<Process>(
      std::vector<std::string>{STOREEDGE_DBUS_DAEMON, "--config-file=" + dir_.file("bus.conf"),
                               "--nofork"},
      std::vector<std::string>{}, dir_.file("dbus.log"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fs::exists(bus_socket)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("dbus-daemon did not start: " + read_file(dir_.file("dbus.log")));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fs::create_directories(dir_.file("spool"));
  std::vector<std::string> argv = {STOREEDGE_IPPEVEPRINTER,
                                   "-r",
                                   "off",
                                   "-n",
                                   "localhost",
                                   "-p",
                                   std::to_string(port_),
                                   "-k",
                                   "-d",
                                   dir_.file("spool"),
                                   "-f",
                                   options.formats};
  if (!options.attributes.empty()) {
    // The printer from an attribute file: ippeveprinter keeps its own defaults beside these, but
    // answers with ours first, which is what a client reads.
    std::string conf = "ATTR mimeMediaType document-format-supported " + options.formats + "\n";
    for (const auto& line : options.attributes) conf += line + "\n";
    write_file(dir_.file("printer.conf"), conf);
    argv.resize(argv.size() - 2);
    argv.push_back("-a");
    argv.push_back(dir_.file("printer.conf"));
  }
  if (!options.command.empty()) {
    argv.push_back("-c");
    argv.push_back(options.command);
  }
  argv.push_back(options.name);
  printer_ = std::make_unique<Process>(
      argv, std::vector<std::string>{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + bus_socket},
      dir_.file("ippeveprinter.log"));
  if (!wait_for_port(port_, std::chrono::seconds(20)))
    throw std::runtime_error("ippeveprinter did not start: " + log());
}

IppPrinter::~IppPrinter() {
  for (auto* p : {&printer_, &bus_}) {
    (*p)->signal(SIGTERM);
    if (!(*p)->wait(std::chrono::seconds(10))) (*p)->signal(SIGKILL);
    p->reset();
  }
}

std::vector<std::string> IppPrinter::spooled_files() const {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir_.file("spool"), ec))
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  return files;
}

std::string IppPrinter::log() const {
  return read_file(dir_.file("ippeveprinter.log"));
}

}  // namespace storeedge::testing
