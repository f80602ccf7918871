// The client side of the benchmarks that drive a real storeedged over HTTP (fulfil_bench,
// returns_bench): devices enrolled with storeedgectl and signed in, requests that carry their
// credentials, a blocking call for the setup, and the connections and figures of closed-loop load.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_support.h"

namespace storeedge::bench {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A device and the associate who uses it: the device's bearer token from its enrolment, and the
// associate's session once signed in (empty before).
struct DeviceLogin {
  std::string device, user, token, session;
};

// storeedgectl on one store's state directory, as an operator runs it.
struct Storeedgectl {
  std::string exe, state_dir, tenant, store;
};

// What to create: an associate (`user`, display name `user_name`) and a device (`device` of
// `kind`, display name `device_name`).
struct Enrolment {
  std::string user, user_name, device, kind, device_name;
};

// Adds the associate with `pin` (`users add --role associate`), then enrols the device
// (`devices enrol`); returns both with the device's token. Throws Failure when storeedgectl fails
// or prints no token. Blocking; for the setup.
DeviceLogin enrol(const Storeedgectl& ctl, const Enrolment& e, const std::string& pin);

// A keep-alive HTTP/1.1 request to the loopback server; with `as`, its bearer token and, once
// signed in, its session; with a body, JSON.
HttpRequest make_request(boost::beast::http::verb method, const std::string& target,
                         const DeviceLogin* as = nullptr, std::string body = {});

// One request on a fresh connection, closed after it; nullopt when the server does not answer.
// Blocking and unbounded in time: for the setup against a live server, not the timed phases.
std::optional<HttpResponse> http_call(const boost::asio::ip::tcp::endpoint& ep, HttpRequest req);

// Polls GET /healthz every 20 ms until it answers 200. Throws Failure (with the tail of the
// daemon's log) when `daemon` has exited or `timeout` has passed, and when interrupted.
void wait_for_healthz(const boost::asio::ip::tcp::endpoint& ep, Child& daemon,
                      std::chrono::milliseconds timeout);

// POST /api/v1/sessions as `login` with its associate's `pin`; stores the session in `login`.
// Throws Failure unless the answer is 201.
void sign_in(const boost::asio::ip::tcp::endpoint& ep, DeviceLogin& login, const std::string& pin);

// `count` connections to `ep` on `ioc` with TCP_NODELAY, one per closed-loop client, connected
// before the timed phase starts. Throws Failure when one cannot connect.
std::vector<std::unique_ptr<boost::beast::tcp_stream>> open_connections(
    boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& ep, int count);

// CPU seconds (user + system) process `pid` has used so far, from /proc/PID/stat; 0 when it is
// gone.
double cpu_seconds(pid_t pid);

// The q-quantile (nearest rank) of `sorted` latencies in seconds, in milliseconds; 0 when empty.
double percentile_ms(const std::vector<double>& sorted, double q);

}  // namespace storeedge::bench
