// The HTTP/1.1 server (Boost.Beast), after beast's advanced server: one io_context, one
// coroutine per connection, and a bound on everything — connections, header and body size,
// time to read a request, idle keep-alive time. Plain TCP or TLS, never both on one listener.
// All methods run on the loop thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <list>
#include <memory>
#include <optional>

#include "core/config.h"
#include "core/error.h"
#include "http/message.h"

namespace storeedge::http {

struct RequestInfo {
  std::string remote;  // peer address
};

// The application. Must always produce a response; it runs on the loop.
using Handler = std::function<boost::asio::awaitable<Reply>(const Request&, const RequestInfo&)>;

class Server {
 public:
  Server(boost::asio::io_context& ioc, HttpConfig config, Handler handler,
         std::shared_ptr<boost::asio::ssl::context> tls);
  ~Server();

  // Binds and listens; returns the bound endpoint (port 0 picks a free one).
  [[nodiscard]] Result<boost::asio::ip::tcp::endpoint> listen();
  void start();
  // Limits for connections accepted from now on and requests read from now on (SIGHUP).
  void update_config(const HttpConfig& config) { config_ = config; }
  // Stops accepting, closes idle connections, lets in-flight requests finish (their responses
  // carry Connection: close), and force-closes whatever is left after `grace`. `done` runs once
  // every connection is gone.
  void shutdown(Duration grace, std::function<void()> done);

  size_t connections() const { return connections_.size(); }
  void append_metrics(std::string& out) const;

 private:
  struct Connection;
  boost::asio::awaitable<void> accept_loop();
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream, Connection& conn);
  template <class Stream>
  boost::asio::awaitable<void> stream_body(Stream& stream, Connection& conn, Reply& reply);
  boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> refuse_connection(boost::asio::ip::tcp::socket socket);
  void maybe_finish_shutdown();

  boost::asio::io_context& ioc_;
  HttpConfig config_;
  Handler handler_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::list<Connection*> connections_;
  bool draining_ = false;
  std::function<void()> on_drained_;
  std::unique_ptr<boost::asio::steady_timer> grace_timer_;
  std::uint64_t accepted_ = 0, refused_ = 0, bad_requests_ = 0, timeouts_ = 0, streams_ = 0;
};

}  // namespace storeedge::http
