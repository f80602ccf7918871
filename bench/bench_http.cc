#include "bench/bench_http.h"

#include <unistd.h>

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace storeedge::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using asio::ip::tcp;

DeviceLogin enrol(const Storeedgectl& ctl, const Enrolment& e, const std::string& pin) {
  auto cmd = [&](std::vector<std::string> words) {
    std::vector<std::string> argv = {ctl.exe,    "--state-dir", ctl.state_dir, "--tenant",
                                     ctl.tenant, "--store",     ctl.store};
    argv.insert(argv.end(), words.begin(), words.end());
    return argv;
  };
  auto [code, out_user] = run_command(
      cmd({"users", "add", "--id", e.user, "--name", e.user_name, "--role", "associate"}),
      pin + "\n");
  if (code != 0) throw Failure("storeedgectl users add: " + out_user);
  auto [code2, out_device] = run_command(
      cmd({"devices", "enrol", "--id", e.device, "--kind", e.kind, "--name", e.device_name}), "");
  const auto at = out_device.rfind("dev_");
  if (code2 != 0 || at == std::string::npos)
    throw Failure("storeedgectl devices enrol: " + out_device);
  return {e.device, e.user, out_device.substr(at, out_device.find_first_of("\r\n \t", at) - at),
          ""};
}

HttpRequest make_request(bhttp::verb method, const std::string& target, const DeviceLogin* as,
                         std::string body) {
  HttpRequest req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.keep_alive(true);
  if (as) {
    req.set(bhttp::field::authorization, "Bearer " + as->token);
    if (!as->session.empty()) req.set("StoreEdge-Session", as->session);
  }
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  return req;
}

std::optional<HttpResponse> http_call(const tcp::endpoint& ep, HttpRequest req) {
  asio::io_context ioc{1};
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.socket().connect(ep, ec);
  if (ec) return std::nullopt;
  req.keep_alive(false);
  bhttp::write(stream, req, ec);
  if (ec) return std::nullopt;
  beast::flat_buffer buffer;
  HttpResponse res;
  bhttp::read(stream, buffer, res, ec);
  if (ec) return std::nullopt;
  return res;
}

void wait_for_healthz(const tcp::endpoint& ep, Child& daemon, std::chrono::milliseconds timeout) {
  for (const auto deadline = Clock::now() + timeout;;) {
    check_interrupted();
    auto res = http_call(ep, make_request(bhttp::verb::get, "/healthz"));
    if (res && res->result_int() == 200) return;
    if (!daemon.alive() || Clock::now() > deadline)
      throw Failure("storeedged did not answer /healthz:\n" + tail(daemon.log()));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void sign_in(const tcp::endpoint& ep, DeviceLogin& login, const std::string& pin) {
  const std::string body = json::serialize(json::object{{"user", login.user}, {"pin", pin}});
  auto res = http_call(ep, make_request(bhttp::verb::post, "/api/v1/sessions", &login, body));
  if (!res || res->result_int() != 201)
    throw Failure("sign-in of " + login.user + " on " + login.device +
                  " failed: " + (res ? res->body() : std::string("no answer")));
  login.session = std::string(json::parse(res->body()).at("session").as_string());
}

std::vector<std::unique_ptr<beast::tcp_stream>> open_connections(asio::io_context& ioc,
                                                                 const tcp::endpoint& ep,
                                                                 int count) {
  std::vector<std::unique_ptr<beast::tcp_stream>> streams;
  for (int i = 0; i < count; ++i) {
    auto s = std::make_unique<beast::tcp_stream>(ioc);
    beast::error_code ec;
    s->socket().connect(ep, ec);
    if (!ec) s->socket().set_option(tcp::no_delay(true), ec);
    if (ec) throw Failure("connect to " + ep.address().to_string() + ": " + ec.message());
    streams.push_back(std::move(s));
  }
  return streams;
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)
    if (i == 14 || i == 15) ticks += std::stod(f);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile_ms(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(rank, sorted.size() - 1)] * 1e3;
}

}  // namespace storeedge::bench
