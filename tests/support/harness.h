// Test harness for black-box tests of the real binaries: a temp directory, a free loopback
// port, a systemd-style NOTIFY_SOCKET, a child process, and a small keep-alive HTTP client.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace storeedge::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A port that was free a moment ago (bound to 127.0.0.1:0 and released).
int free_port();
void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

// The receiving end of $NOTIFY_SOCKET: an AF_UNIX datagram socket in a temp dir.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path);
  ~NotifySocket();
  const std::string& path() const { return path_; }
  // Waits for a datagram containing `needle` (e.g. "READY=1"); all datagrams seen are kept.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  const std::vector<std::string>& received() const { return received_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

class Process {
 public:
  // Starts `argv` with extra environment entries ("NAME=value"); stdout+stderr go to `log_path`.
  Process(std::vector<std::string> argv, std::vector<std::string> env, std::string log_path,
          std::string stdin_text = "");
  ~Process();  // SIGKILLs a child still running
  pid_t pid() const { return pid_; }
  void signal(int signo);
  // Waits for exit; returns the exit status (128+signal when killed), nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> status_;
};

// Runs a command to completion and returns {exit code, combined output}.
std::pair<int, std::string> run_command(std::vector<std::string> argv,
                                        const std::string& stdin_text = "");

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json() const;
};

// A synchronous HTTP/1.1 client over one keep-alive connection.
class HttpClient {
 public:
  explicit HttpClient(int port);
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target, const std::map<std::string, std::string>& h = {}) {
    return request("GET", target, "", h);
  }
  HttpResult post_json(const std::string& target, const std::string& body,
                       std::map<std::string, std::string> h = {}) {
    h["Content-Type"] = "application/json";
    return request("POST", target, body, h);
  }
  bool connected() const;

 private:
  void connect();
  int port_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
};

// Sends raw bytes on a fresh connection and returns whatever comes back before the peer closes
// or `timeout` passes.
std::string raw_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout);

}  // namespace storeedge::testing
