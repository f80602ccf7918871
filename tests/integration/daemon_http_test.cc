// Black-box: the HTTP layer's bounds — malformed requests, oversize headers and bodies, slow
// clients, keep-alive, the connection limit.
#include "integration/daemon_fixture.h"

namespace storeedge::testing {
namespace {

using std::chrono::milliseconds;

std::string body_of(const std::string& raw) {
  auto at = raw.find("\r\n\r\n");
  return at == std::string::npos ? "" : raw.substr(at + 4);
}

TEST_F(DaemonTest, MalformedRequestGets400WithJsonError) {
  start();
  std::string raw = raw_exchange(port_, "GET /healthz HTTX/1.1\r\n\r\n", milliseconds(2000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
  EXPECT_NE(body_of(raw).find("\"code\":\"malformed_request\""), std::string::npos) << raw;

  raw = raw_exchange(port_, "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", milliseconds(2000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
}

TEST_F(DaemonTest, OversizeBodyGets413AndOversizeHeadersGet431) {
  start();
  std::string big(2 * 1024 * 1024, 'x');
  std::string raw =
      raw_exchange(port_,
                   "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: " +
                       std::to_string(big.size()) + "\r\n\r\n" + big,
                   milliseconds(3000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw.substr(0, 200);
  EXPECT_NE(body_of(raw).find("payload_too_large"), std::string::npos);

  std::string header(16 * 1024, 'h');
  raw = raw_exchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + header + "\r\n\r\n",
                     milliseconds(3000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 431", 0), 0u) << raw.substr(0, 200);
  EXPECT_NE(body_of(raw).find("headers_too_large"), std::string::npos);

  HttpClient c(port_);  // the daemon is still healthy
  EXPECT_EQ(c.get("/healthz").status, 200);
}

TEST_F(DaemonTest, SlowClientIsCutOffAtTheRequestDeadline) {
  write_file(dir_.file("fast.toml"), "[http]\nrequest_timeout = \"300ms\"\n");
  start({"--config", dir_.file("fast.toml")});
  const auto t0 = std::chrono::steady_clock::now();
  // Half a request line, then nothing: the request deadline must end it.
  std::string raw = raw_exchange(port_, "GET /hea", milliseconds(5000));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(raw, "");  // closed without an answer, well before the client's own 5 s patience
  EXPECT_LT(took, milliseconds(3000));
  HttpClient c(port_);
  EXPECT_NE(c.get("/metrics").body.find("storeedge_http_read_timeouts_total 1\n"),
            std::string::npos);
}

TEST_F(DaemonTest, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  HttpClient c(port_);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(c.get("/healthz").status, 200);
  EXPECT_TRUE(c.connected());
  auto metrics = c.get("/metrics");
  EXPECT_NE(metrics.body.find("storeedge_http_connections_accepted_total 1\n"), std::string::npos)
      << metrics.body;
  // Connection: close is honoured.
  auto last = c.request("GET", "/healthz", "", {{"Connection", "close"}});
  EXPECT_EQ(last.status, 200);
  EXPECT_FALSE(c.connected());
}

TEST_F(DaemonTest, ConnectionLimitAnswers503) {
  write_file(dir_.file("small.toml"), "[http]\nmax_connections = 2\n");
  start({"--config", dir_.file("small.toml")});
  HttpClient a(port_), b(port_);
  EXPECT_EQ(a.get("/healthz").status, 200);
  EXPECT_EQ(b.get("/healthz").status, 200);
  std::string raw =
      raw_exchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", milliseconds(2000));
  EXPECT_EQ(raw.rfind("HTTP/1.1 503", 0), 0u) << raw;
  EXPECT_NE(body_of(raw).find("too_many_connections"), std::string::npos);
  EXPECT_EQ(a.get("/healthz").status, 200);  // existing connections are unaffected
}

}  // namespace
}  // namespace storeedge::testing
