#include "scanner/decode_isolated.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

namespace storeedge::scanner {

namespace {

// The child's answer on the pipe: records of a tag byte and length-prefixed strings.
//   'S' len data       one symbol's transmission (AIM identifier + data)
//   'E' len code len message   load_image's error
//   'D'                done; an answer without 'D' or 'E' is a child that died mid-way
constexpr std::size_t kMaxAnswerBytes = 1 << 20;
constexpr int kChildFd = 3;

void put_string(std::string& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(s);
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Runs in the forked child: only the forking thread exists here, so nothing the parent's other
// threads held (the loop, SQLite) is touched; the answer goes out and the child _exit()s.
[[noreturn]] void run_child(int fd, std::string_view bytes, const IsolatedDecode& options) {
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);  // pool threads block every signal
  // The daemon's handlers write to the loop's self-pipe: a signal for the child is not one
  // for the daemon.
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) ::signal(s, SIG_DFL);
  // Keep only the pipe, so no other decode's pipe (nor a client's socket) stays open here.
  if (fd != kChildFd && ::dup2(fd, kChildFd) < 0) ::_exit(2);
  ::close_range(kChildFd + 1, ~0U, 0);  // best effort: a descriptor left open is harmless
  std::string out;
  auto image = load_image(bytes, options.image);
  if (!image) {
    out += 'E';
    put_string(out, image.error().code);
    put_string(out, image.error().message);
  } else {
    for (const ScanEvent& ev : decode_barcodes(*image, options.decode)) {
      out += 'S';
      put_string(out, ev.raw);
    }
    out += 'D';
  }
  ::_exit(write_all(kChildFd, out) ? 0 : 2);
}

bool take_string(std::string_view& in, std::string& out) {
  std::uint32_t n = 0;
  if (in.size() < sizeof n) return false;
  std::memcpy(&n, in.data(), sizeof n);
  in.remove_prefix(sizeof n);
  if (in.size() < n) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

Result<std::vector<ScanEvent>> parse_answer(std::string_view in) {
  std::vector<ScanEvent> events;
  const Error died = make_error("decoder_failed", "the barcode decoder failed on this image");
  while (!in.empty()) {
    const char tag = in.front();
    in.remove_prefix(1);
    std::string a, b;
    if (tag == 'D') {
      if (!in.empty()) return died;
      return events;
    }
    if (tag == 'S' && take_string(in, a)) {
      events.push_back(make_scan_event(a));
    } else if (tag == 'E' && take_string(in, a) && take_string(in, b)) {
      return Error(std::move(a), std::move(b));
    } else {
      return died;
    }
  }
  return died;
}

enum class Reading { complete, overrun };

// Reads the child's answer until EOF. `overrun`: the deadline passed, the answer grew past its
// bound or the pipe failed; the child is then killed rather than waited for.
Reading read_answer(int fd, std::chrono::steady_clock::time_point deadline, std::string& answer) {
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Reading::overrun;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Reading::overrun;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return Reading::complete;
    if (n < 0 || answer.size() + static_cast<std::size_t>(n) > kMaxAnswerBytes)
      return Reading::overrun;
    answer.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

Result<std::vector<ScanEvent>> load_and_decode_isolated(std::string_view file_bytes,
                                                        const IsolatedDecode& options) noexcept {
  try {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      return make_error("unavailable", std::string("no pipe for the decoder: ") + strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int err = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      return make_error("unavailable", std::string("cannot start the decoder: ") + strerror(err));
    }
    if (pid == 0) {
      ::close(fds[0]);
      run_child(fds[1], file_bytes, options);
    }
    ::close(fds[1]);
    std::string answer;
    const bool in_time = read_answer(fds[0], std::chrono::steady_clock::now() + options.deadline,
                                     answer) == Reading::complete;
    ::close(fds[0]);
    if (!in_time) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!in_time)
      return make_error("decode_timeout", "decoding the image took longer than " +
                                              std::to_string(options.deadline.count()) + " ms");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return make_error("decoder_failed", "the barcode decoder failed on this image");
    return parse_answer(answer);
  } catch (const std::exception& e) {
    return make_error("no_memory", e.what());
  }
}

}  // namespace storeedge::scanner
