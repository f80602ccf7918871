// The API in-process on a simulated clock: session expiry and lockout expiry, which a test of
// the binary could only see by sleeping. Real server, real SQLite, real write queue.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "api/api.h"
#include "auth/secrets.h"
#include "store/state_dir.h"
#include "support/harness.h"

namespace storeedge::api {
namespace {

using storeedge::testing::HttpClient;

class ApiClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.http.port = 0;
    config_.auth.session_ttl = std::chrono::minutes(30);
    config_.auth.max_failed_signins = 3;
    config_.auth.lockout = std::chrono::minutes(5);
    config_.auth.pin_hash_iterations = 1000;
    auto writer = store::open_store(dir_.path(), config_);
    ASSERT_TRUE(writer);
    const std::string now = format_rfc3339(clock_.now());
    ASSERT_TRUE(auth::insert_user(*writer, {"m1", "M", auth::Role::manager, std::nullopt, "1234"},
                                  auth::hash_pin("1234", 1000), now));
    ASSERT_TRUE(auth::insert_device(*writer, {"hh1", "handheld", "HH", now, "test", std::nullopt},
                                    auth::sha256_hex(token_)));
    reader_ =
        std::make_unique<store::Connection>(std::move(*store::open_reader(dir_.path(), config_)));
    writes_ = std::make_unique<store::WriteQueue>(std::move(*writer), store::WriteQueueOptions{});
    api_ = std::make_unique<Api>(
        ApiDeps{ioc_, *reader_, *writes_, pool_, clock_, config_, {}, {}, {}});
    server_ = std::make_unique<http::Server>(
        ioc_, config_.http,
        [this](const http::Request& r, const http::RequestInfo& i) { return api_->handle(r, i); },
        nullptr);
    auto ep = server_->listen();
    ASSERT_TRUE(ep);
    port_ = ep->port();
    server_->start();
    loop_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    boost::asio::post(ioc_, [this] { server_->shutdown(Duration(0), [this] { ioc_.stop(); }); });
    loop_.join();
    server_.reset();
    api_.reset();
    writes_.reset();
  }
  std::map<std::string, std::string> headers(const std::string& session = "") {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token_}};
    if (!session.empty()) h["StoreEdge-Session"] = session;
    return h;
  }

  boost::asio::io_context ioc_;
  storeedge::testing::TempDir dir_;
  Config config_;
  SimulatedClock clock_;
  BlockingPool pool_{1, 8};
  const std::string token_ = "dev_test-token";
  std::unique_ptr<store::Connection> reader_;
  std::unique_ptr<store::WriteQueue> writes_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<http::Server> server_;
  std::thread loop_;
  int port_ = 0;
};

TEST_F(ApiClockTest, SessionExpiresAfterItsTtl) {
  HttpClient c(port_);
  auto signin = c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", headers());
  ASSERT_EQ(signin.status, 201) << signin.body;
  const std::string session(signin.json().at("session").as_string());
  EXPECT_EQ(c.get("/api/v1/allocations", headers(session)).status, 200);
  clock_.advance(std::chrono::minutes(29));
  EXPECT_EQ(c.get("/api/v1/allocations", headers(session)).status, 200);
  clock_.advance(std::chrono::minutes(1));
  auto expired = c.get("/api/v1/allocations", headers(session));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("session_required"), std::string::npos);
}

TEST_F(ApiClockTest, LockoutEndsAfterTheWindow) {
  HttpClient c(port_);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"0000"})", headers()).status,
              401);
  auto locked = c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", headers());
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.headers["retry-after"], "300");
  clock_.advance(std::chrono::minutes(5));
  EXPECT_EQ(c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", headers()).status,
            201);
}

}  // namespace
}  // namespace storeedge::api
