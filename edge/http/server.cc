#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "core/log.h"
#include "core/metrics.h"

namespace storeedge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::use_awaitable;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

struct Server::Connection {
  beast::tcp_stream* tcp = nullptr;    // lowest layer, so shutdown can cancel or close it
  bool busy = false;                   // a request is being handled or answered
  asio::steady_timer* stop = nullptr;  // while a body is streamed: cancelled to end it
};

Server::Server(asio::io_context& ioc, HttpConfig config, Handler handler,
               std::shared_ptr<asio::ssl::context> tls)
    : ioc_(ioc),
      config_(std::move(config)),
      handler_(std::move(handler)),
      tls_(std::move(tls)),
      acceptor_(ioc) {}

Server::~Server() = default;

Result<tcp::endpoint> Server::listen() {
  boost::system::error_code ec;
  tcp::endpoint ep(asio::ip::make_address(config_.host, ec), config_.port);
  if (ec) return make_error("config_bad_value", "http.listen: " + ec.message());
  auto fail = [&](std::string_view what) {
    return make_error("listen_failed", "cannot " + std::string(what) + " " + config_.host + ":" +
                                           std::to_string(config_.port) + ": " + ec.message());
  };
  if (acceptor_.open(ep.protocol(), ec); ec) return fail("open");
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("set up");
  if (acceptor_.bind(ep, ec); ec) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen");
  return acceptor_.local_endpoint();
}

void Server::start() {
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

asio::awaitable<void> Server::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of file descriptors, typically: back off instead of spinning.
      log::warning("http: accept failed: " + ec.message());
      asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (connections_.size() >= config_.max_connections) {
      ++refused_;
      asio::co_spawn(ioc_, refuse_connection(std::move(socket)), asio::detached);
      continue;
    }
    ++accepted_;
    asio::co_spawn(ioc_, run_connection(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::refuse_connection(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(1));
  Response res = error_response(Status::service_unavailable, "too_many_connections",
                                "the server has too many open connections; retry shortly");
  res.keep_alive(false);
  co_await bhttp::async_write(stream, res, kTuple);
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Server::run_connection(tcp::socket socket) {
  Connection conn;
  auto it = connections_.insert(connections_.end(), &conn);
  try {
    if (tls_) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
      conn.tcp = &beast::get_lowest_layer(stream);
      conn.tcp->expires_after(config_.request_timeout);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
      if (!ec && !draining_) {
        co_await serve(stream, conn);
        conn.tcp->expires_after(std::chrono::seconds(1));
        co_await stream.async_shutdown(kTuple);
      }
    } else {
      beast::tcp_stream stream(std::move(socket));
      conn.tcp = &stream;
      co_await serve(stream, conn);
      boost::system::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  } catch (const std::exception& e) {
    log::warning(std::string("http: connection ended by an error: ") + e.what());
  }
  connections_.erase(it);
  maybe_finish_shutdown();
}

namespace {

// The status for a failed read, or nullopt when the peer simply went away.
std::optional<Response> read_failure(const boost::system::error_code& ec,
                                     std::uint64_t& bad_requests, std::uint64_t& timeouts) {
  if (ec == bhttp::error::body_limit) {
    ++bad_requests;
    return error_response(Status::payload_too_large, "payload_too_large",
                          "the request body exceeds the limit");
  }
  if (ec == bhttp::error::header_limit) {
    ++bad_requests;
    return error_response(Status::request_header_fields_too_large, "headers_too_large",
                          "the request headers exceed the limit");
  }
  if (ec == beast::error::timeout) {
    // tcp_stream has closed the socket already: a slow client is cut off without an answer.
    ++timeouts;
    return std::nullopt;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    ++bad_requests;
    return error_response(Status::bad_request, "malformed_request",
                          "the request is not valid HTTP/1.1: " + ec.message());
  }
  return std::nullopt;
}

}  // namespace

template <class Stream>
asio::awaitable<void> Server::serve(Stream& stream, Connection& conn) {
  beast::flat_buffer buffer;
  RequestInfo info;
  {
    boost::system::error_code ec;
    auto ep = conn.tcp->socket().remote_endpoint(ec);
    if (!ec) info.remote = ep.address().to_string();
  }
  bool first = true;
  auto send_and_close = [&](Response res) -> asio::awaitable<void> {
    res.keep_alive(false);
    conn.tcp->expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(stream, res, kTuple);
  };
  while (!draining_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(config_.max_header_bytes);
    parser.body_limit(config_.max_body_bytes);
    conn.tcp->expires_after(first ? config_.request_timeout : config_.idle_timeout);
    first = false;
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (ec) {
      if (auto res = read_failure(ec, bad_requests_, timeouts_))
        co_await send_and_close(std::move(*res));
      co_return;
    }
    conn.busy = true;
    conn.tcp->expires_after(config_.request_timeout);
    if (!parser.is_done()) {
      if (parser.get()[bhttp::field::expect] == "100-continue") {
        bhttp::response<bhttp::empty_body> cont{Status::continue_, 11};
        co_await bhttp::async_write(stream, cont, kTuple);
      }
      auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (body_ec) {
        if (auto res = read_failure(body_ec, bad_requests_, timeouts_))
          co_await send_and_close(std::move(*res));
        co_return;
      }
    }
    Request req = parser.release();
    Reply reply{Response{}};
    try {
      reply = co_await handler_(req, info);
    } catch (const std::exception& e) {
      log::error(std::string("http: handler failed: ") + e.what());
      reply = Reply{error_response(Status::internal_server_error, "internal", "internal error")};
    }
    Response& res = reply.response;
    const bool keep = req.keep_alive() && !draining_;
    res.keep_alive(keep);
    res.set(bhttp::field::server, "storeedged");
    if (reply.stream) {
      co_await stream_body(stream, conn, reply);
      co_return;  // a streamed body ends the connection: the client reconnects for more
    }
    res.prepare_payload();
    conn.tcp->expires_after(config_.request_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
    conn.busy = false;
    if (wec || !keep) co_return;
  }
}

// The head with chunked encoding, then one chunk per piece the stream yields. Each write has
// the request timeout (a client that stops reading is cut off); between pieces there is no
// deadline, since the stream decides how long to wait (an SSE stream sends keep-alive comments).
template <class Stream>
asio::awaitable<void> Server::stream_body(Stream& stream, Connection& conn, Reply& reply) {
  using namespace asio::experimental::awaitable_operators;
  Response& res = reply.response;
  res.keep_alive(false);
  res.chunked(true);
  res.body().clear();
  bhttp::response_serializer<bhttp::string_body> head(res);
  conn.tcp->expires_after(config_.request_timeout);
  if (auto [ec, n] = co_await bhttp::async_write_header(stream, head, kTuple); ec) co_return;
  asio::steady_timer stop(ioc_, asio::steady_timer::time_point::max());
  conn.stop = &stop;
  ++streams_;
  while (!draining_) {
    conn.tcp->expires_never();
    // A client of a stream sends nothing more: the socket turning readable means it closed
    // (or broke the protocol), so the stream ends now rather than at its next write.
    auto next = co_await (reply.stream() || stop.async_wait(kTuple) ||
                          conn.tcp->socket().async_wait(tcp::socket::wait_read, kTuple));
    if (next.index() != 0) break;  // shutting down, or the client went away
    auto& piece = std::get<0>(next);
    if (!piece) break;
    if (piece->empty()) continue;  // an empty chunk would end the body
    conn.tcp->expires_after(config_.request_timeout);
    auto [ec, n] =
        co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(*piece)), kTuple);
    if (ec) break;
  }
  conn.stop = nullptr;
  --streams_;
  conn.tcp->expires_after(std::chrono::seconds(1));
  co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
}

void Server::shutdown(Duration grace, std::function<void()> done) {
  draining_ = true;
  on_drained_ = std::move(done);
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (Connection* c : connections_) {
    if (c->stop) c->stop->cancel();
    if (!c->busy) c->tcp->cancel();
  }
  grace_timer_ = std::make_unique<asio::steady_timer>(ioc_, grace);
  grace_timer_->async_wait([this](boost::system::error_code wait_ec) {
    if (wait_ec) return;
    if (!connections_.empty())
      log::warning("http: closing " + std::to_string(connections_.size()) +
                   " connection(s) still busy after the shutdown grace period");
    for (Connection* c : connections_) c->tcp->socket().close();
  });
  maybe_finish_shutdown();
}

void Server::maybe_finish_shutdown() {
  if (!draining_ || !connections_.empty() || !on_drained_) return;
  if (grace_timer_) grace_timer_->cancel();
  auto done = std::move(on_drained_);
  on_drained_ = nullptr;
  asio::post(ioc_, std::move(done));
}

void Server::append_metrics(std::string& out) const {
  using metrics::append_header;
  using metrics::append_sample;
  append_header(out, "storeedge_http_connections", "gauge", "Open HTTP connections.");
  append_sample(out, "storeedge_http_connections", "", static_cast<double>(connections_.size()));
  append_header(out, "storeedge_http_connections_accepted_total", "counter",
                "Connections accepted.");
  append_sample(out, "storeedge_http_connections_accepted_total", "",
                static_cast<double>(accepted_));
  append_header(out, "storeedge_http_connections_refused_total", "counter",
                "Connections refused with 503 because http.max_connections were open.");
  append_sample(out, "storeedge_http_connections_refused_total", "", static_cast<double>(refused_));
  append_header(out, "storeedge_http_streams", "gauge",
                "Responses being streamed (live scan streams).");
  append_sample(out, "storeedge_http_streams", "", static_cast<double>(streams_));
  append_header(out, "storeedge_http_bad_requests_total", "counter",
                "Requests rejected while reading (malformed, too large).");
  append_sample(out, "storeedge_http_bad_requests_total", "", static_cast<double>(bad_requests_));
  append_header(out, "storeedge_http_read_timeouts_total", "counter",
                "Connections whose request or keep-alive wait timed out.");
  append_sample(out, "storeedge_http_read_timeouts_total", "", static_cast<double>(timeouts_));
}

}  // namespace storeedge::http
