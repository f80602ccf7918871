// What the benchmarks share: interruption (Ctrl-C kills the children and ends every wait loop),
// a temp directory, child processes that are the only ones ever signalled, free loopback ports,
// and small file and time helpers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace storeedge::bench {

using Clock = std::chrono::steady_clock;

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// SIGINT and SIGTERM: mark the run interrupted and SIGKILL every live Child. SIGPIPE ignored.
void install_signal_handlers();
bool interrupted();
void check_interrupted();  // throws Failure("interrupted")

double seconds_since(Clock::time_point t0, Clock::time_point t1 = Clock::now());

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
std::string tail(const std::string& s, std::size_t n = 2000);

// A child process with stdout and stderr in `log`; SIGTERM (then SIGKILL) on destruction. It
// dies with the bench (PR_SET_PDEATHSIG). Only this pid is ever signalled.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& log);
  ~Child() { stop(SIGTERM); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool alive();
  // Sends `signo`, waits up to `grace`, then SIGKILL. Returns the exit status (128+signal when
  // killed; -1 before it ran).
  int stop(int signo, std::chrono::milliseconds grace = std::chrono::seconds(10));
  std::string log() const { return read_file(log_); }

 private:
  void reaped(int status);
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_;
};

// Runs a command with `input` on its stdin; returns its exit status and stdout+stderr.
std::pair<int, std::string> run_command(const std::vector<std::string>& argv,
                                        const std::string& input);

// A loopback TCP port nothing listens on right now.
int free_port();
// Whether something accepts connections on the loopback port (a server started by a bench).
bool port_accepts(int port);

// mosquitto's path: /usr/sbin/mosquitto (Debian's), else the first on PATH, else "mosquitto".
std::string find_mosquitto();

}  // namespace storeedge::bench
