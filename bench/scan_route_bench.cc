// scan_route_bench: how long a scan takes from a scanner's report to the web app at its station.
// A serial scanner on a pseudo-terminal, bound to a station in storeedged's configuration; a
// pack station's browser signed in at that station, reading GET /api/v1/scans/stream. Each scan
// is written to the pty's master and timed until its event arrives on the stream: the daemon
// reads and frames it, records it (the scanner's row commits in SQLite) and routes it. One scan
// at a time (latency, not throughput), like a person scanning.
//
// Baseline in the same run: the same pty write, read by a minimal relay thread (raw termios,
// framed at CR) that writes each frame to a loopback TCP socket the bench reads — the kernel's
// part of the path with nothing of ours in it. Target: p99 ≤ 20 ms (issue 5).
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/bench_support.h"

namespace {

using namespace storeedge::bench;
namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;
using namespace std::chrono_literals;

struct Options {
  int scans = 2000;
  int warmup = 100;
  std::string storeedged, storeedgectl;
};

struct Pty {
  int master = -1;
  std::string slave;
  Pty() {
    master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
      throw Failure("cannot open a pseudo-terminal");
    slave = ::ptsname(master);
  }
  ~Pty() { ::close(master); }
  void send(const std::string& s) const {
    if (::write(master, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
      throw Failure("write to the pty failed");
  }
};

// Reads a socket until `text` has arrived after `from`; returns the position after it.
class SocketReader {
 public:
  explicit SocketReader(int fd) : fd_(fd) {}
  std::size_t wait_for(const std::string& text, Clock::duration timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    std::size_t at;
    while ((at = buf_.find(text, pos_)) == std::string::npos) {
      check_interrupted();
      if (Clock::now() > deadline) throw Failure("timed out waiting for " + text);
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char tmp[8192];
      const ssize_t n = ::read(fd_, tmp, sizeof tmp);
      if (n <= 0) throw Failure("the stream ended: " + tail(buf_, 500));
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
    pos_ = at + text.size();
    if (pos_ > (1 << 20)) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return pos_;
  }
  const std::string& text() const { return buf_; }

 private:
  int fd_;
  std::string buf_;
  std::size_t pos_ = 0;
};

struct Figures {
  std::vector<double> ms;
  double pct(double p) const {
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  }
};

// Times `scans` sequential scans: write the frame, wait until its marker has been read.
template <class Send, class Wait>
Figures time_scans(int warmup, int scans, Send send, Wait wait) {
  Figures f;
  for (int i = 0; i < warmup + scans; ++i) {
    const std::string code = "BENCH" + std::to_string(100000 + i);
    const auto t0 = Clock::now();
    send(code);
    wait(code);
    if (i >= warmup) f.ms.push_back(seconds_since(t0) * 1e3);
  }
  return f;
}

// The baseline relay: raw tty, CR-framed, each frame written to a TCP socket.
void relay(const std::string& slave, int port, std::atomic<bool>& stop) {
  const int fd = ::open(slave.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  termios t{};
  ::tcgetattr(fd, &t);
  ::cfmakeraw(&t);
  ::tcsetattr(fd, TCSANOW, &t);
  asio::io_context ioc;
  tcp::socket out(ioc);
  out.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  out.set_option(tcp::no_delay(true));
  std::string frame;
  char buf[4096];
  while (!stop) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\r') {
        frame += "\n";
        asio::write(out, asio::buffer(frame));
        frame.clear();
      } else {
        frame += buf[i];
      }
    }
  }
  ::close(fd);
}

void print(const char* what, const Figures& f) {
  std::printf("  %-44s p50 %6.3f ms  p99 %6.3f ms  max %6.3f ms  (%zu scans)\n", what, f.pct(0.50),
              f.pct(0.99), f.pct(1.0), f.ms.size());
}

int run(const Options& o) {
  TempDir dir("scan-route-bench");
  const std::string state = dir.file("state");
  Pty scanner;
  std::ofstream(dir.file("storeedged.toml"))
      << "[[devices.scanner]]\nname = \"bench-scanner\"\nstation = \"bench-station\"\n"
         "transport = \"serial\"\nframing = \"cr\"\npath = \""
      << scanner.slave << "\"\n";
  auto ctl = [&](std::vector<std::string> words, const std::string& in = "") {
    std::vector<std::string> argv = {o.storeedgectl, "--state-dir", state};
    argv.insert(argv.end(), words.begin(), words.end());
    auto [code, out] = run_command(argv, in);
    if (code != 0) throw Failure("storeedgectl: " + out);
    return out;
  };
  ctl({"users", "add", "--id", "packer", "--name", "Packer", "--role", "associate"}, "1234\n");
  const std::string enrolled = ctl({"devices", "enrol", "--id", "pack1", "--kind", "pack_station",
                                    "--name", "Pack 1", "--station", "bench-station"});
  const auto at = enrolled.rfind("dev_");
  const std::string token = enrolled.substr(at, enrolled.find_first_of("\r\n", at) - at);

  const int port = free_port();
  Child daemon({o.storeedged, "--config", dir.file("storeedged.toml"), "--state-dir", state,
                "--http-listen", "127.0.0.1:" + std::to_string(port), "--mqtt-uri",
                "tcp://127.0.0.1:1", "--log-level", "warning"},
               dir.file("storeedged.log"));

  asio::io_context ioc;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  auto http = [&](const std::string& request) {
    for (const auto deadline = Clock::now() + 10s;;) {
      check_interrupted();
      tcp::socket s(ioc);
      boost::system::error_code ec;
      s.connect(ep, ec);
      if (!ec) {
        asio::write(s, asio::buffer(request));
        std::string all;
        char buf[8192];
        for (ssize_t n; (n = ::read(s.native_handle(), buf, sizeof buf)) > 0;)
          all.append(buf, static_cast<std::size_t>(n));
        return all;
      }
      if (!daemon.alive() || Clock::now() > deadline)
        throw Failure("storeedged did not start:\n" + tail(daemon.log()));
      std::this_thread::sleep_for(20ms);
    }
  };
  const std::string body = R"({"user":"packer","pin":"1234"})";
  const std::string signin = http(
      "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Authorization: Bearer " +
      token + "\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto s0 = signin.find("\"session\":\"");
  if (s0 == std::string::npos) throw Failure("sign-in failed: " + signin);
  const std::string session = signin.substr(s0 + 11, signin.find('"', s0 + 11) - s0 - 11);
  for (const auto deadline = Clock::now() + 10s;;) {
    const std::string m = http("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if (m.find("storeedge_scanners{state=\"enabled\"} 1") != std::string::npos) break;
    if (Clock::now() > deadline)
      throw Failure("the scanner was not enabled:\n" + tail(daemon.log()));
    std::this_thread::sleep_for(20ms);
  }

  tcp::socket stream(ioc);
  stream.connect(ep);
  stream.set_option(tcp::no_delay(true));
  asio::write(stream, asio::buffer(
                          "GET /api/v1/scans/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                          token + "\r\nStoreEdge-Session: " + session + "\r\n\r\n"));
  SocketReader events(stream.native_handle());
  events.wait_for("event: hello");

  std::printf(
      "scan_route_bench: %d scans one at a time (after %d to warm up), pty → storeedged → "
      "GET /api/v1/scans/stream\n",
      o.scans, o.warmup);
  const Figures daemon_figures = time_scans(
      o.warmup, o.scans, [&](const std::string& code) { scanner.send("]C0" + code + "\r"); },
      [&](const std::string& code) { events.wait_for("\"code\":\"]C0" + code + "\""); });

  // Baseline: another pty, read by the relay thread, framed, sent over loopback TCP.
  Pty plain;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::atomic<bool> stop{false};
  std::thread relay_thread(relay, plain.slave, acceptor.local_endpoint().port(), std::ref(stop));
  tcp::socket relayed = acceptor.accept();
  SocketReader frames(relayed.native_handle());
  const Figures baseline = time_scans(
      o.warmup, o.scans, [&](const std::string& code) { plain.send("]C0" + code + "\r"); },
      [&](const std::string& code) { frames.wait_for("]C0" + code + "\n"); });
  stop = true;
  relay_thread.join();

  print("storeedged (read, frame, record, route)", daemon_figures);
  print("baseline (pty → relay thread → TCP)", baseline);
  std::printf(
      "  p99 %.3f ms (target ≤ 20 ms: %s); p99 ratio storeedged/baseline %.1f, p50 ratio %.1f\n",
      daemon_figures.pct(0.99), daemon_figures.pct(0.99) <= 20.0 ? "met" : "NOT met",
      daemon_figures.pct(0.99) / baseline.pct(0.99), daemon_figures.pct(0.50) / baseline.pct(0.50));
  const std::string m = http("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto total = m.find("\nstoreedge_scans_routed_total ");
  if (total != std::string::npos)
    std::printf("  daemon: %s", m.substr(total + 1, m.find('\n', total + 1) - total).c_str());
  daemon.stop(SIGTERM);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--scans")
      o.scans = std::stoi(value);
    else if (name == "--warmup")
      o.warmup = std::stoi(value);
    else if (name == "--storeedged")
      o.storeedged = value;
    else if (name == "--storeedgectl")
      o.storeedgectl = value;
    else {
      std::fprintf(stderr,
                   "usage: scan_route_bench [--scans N] [--warmup N] [--storeedged PATH] "
                   "[--storeedgectl PATH]\n");
      return 2;
    }
  }
  const auto here = std::filesystem::canonical("/proc/self/exe").parent_path();
  if (o.storeedged.empty()) o.storeedged = (here / ".." / "edge" / "storeedged").lexically_normal();
  if (o.storeedgectl.empty())
    o.storeedgectl = (here / ".." / "edge" / "storeedgectl").lexically_normal();
  install_signal_handlers();
  try {
    return run(o);
  } catch (const Failure& f) {
    std::fprintf(stderr, "scan_route_bench: %s\n", f.what());
    return 1;
  }
}
