// A client of the live scan stream (GET /api/v1/scans/stream) for the black-box tests: the
// request on a plain socket, then the server-sent events as they come, waited for with a
// deadline.
#pragma once

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <string>

namespace storeedge::testing {

// A live scan stream read from a plain socket: the request, then text as it comes.
class ScanStream {
 public:
  ScanStream(int port, const std::string& token, const std::string& session,
             const std::string& last_event_id = "")
      : socket_(ioc_) {
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"),
                                      static_cast<unsigned short>(port));
    socket_.connect(ep);
    std::string req =
        "GET /api/v1/scans/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
        "\r\nStoreEdge-Session: " + session + "\r\n";
    if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
    req += "\r\n";
    boost::asio::write(socket_, boost::asio::buffer(req));
  }
  // Reads until `text` has arrived (true) or the peer closed or 10 s passed (false).
  bool wait_for(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received_.find(text, consumed_) == std::string::npos) {
      if (closed_ || std::chrono::steady_clock::now() > deadline) return false;
      pollfd p{socket_.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      boost::system::error_code ec;
      const auto n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec) closed_ = true;
      received_.append(buf, n);
    }
    consumed_ = received_.find(text, consumed_) + text.size();
    return true;
  }
  // The JSON data of the next scan event, after what was consumed so far.
  boost::json::object next_scan() {
    if (!wait_for("event: scan\ndata: ")) return {};
    const auto start = consumed_;
    if (!wait_for("\n\n")) return {};
    return boost::json::parse(received_.substr(start, consumed_ - 2 - start)).as_object();
  }
  bool ended() {
    wait_for("\r\n0\r\n\r\n");
    return received_.find("\r\n0\r\n\r\n") != std::string::npos;
  }
  const std::string& received() const { return received_; }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  std::string received_;
  std::size_t consumed_ = 0;
  bool closed_ = false;
};

}  // namespace storeedge::testing
