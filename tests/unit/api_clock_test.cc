// The API in-process on a simulated clock: session expiry and lockout expiry, which a test of
// the binary could only see by sleeping, and the work queue's order, filters, pages and due
// times. Real server, real SQLite, real write queue.
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
    ASSERT_TRUE(auth::insert_device(
        *writer, {"hh1", "handheld", "HH", now, "test", std::nullopt, std::nullopt},
        auth::sha256_hex(token_)));
    reader_ =
        std::make_unique<store::Connection>(std::move(*store::open_reader(dir_.path(), config_)));
    writes_ = std::make_unique<store::WriteQueue>(std::move(*writer), store::WriteQueueOptions{});
    api_ = std::make_unique<Api>(ApiDeps{
        ioc_, *reader_, *writes_, pool_, clock_, config_, {}, {}, {}, nullptr, {}, {}, {}, {}});
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

// The queue's order (promise time, none last; then priority, highest first; then id), its
// filters and its pages, read through the allocations_work_queue index; closed allocations
// are not work.
TEST_F(ApiClockTest, WorkQueueOrderFiltersAndPages) {
  {
    auto db = store::open_store(dir_.path(), config_);
    ASSERT_TRUE(db);
    const auto in = [&](int hours) {
      return format_rfc3339(clock_.now() + std::chrono::hours(hours));
    };
    const std::string now = format_rfc3339(clock_.now());
    struct Row {
      const char *id, *kind, *state;
      int priority;
      std::optional<std::string> promised_by;
    };
    for (const Row& r : std::vector<Row>{{"A-1", "bopis", "open", 0, in(2)},
                                         {"A-2", "curbside", "ready", 0, in(-1)},
                                         {"A-3", "bopis", "picking", 2, in(2)},
                                         {"A-4", "ship_from_store", "accepted", 5, std::nullopt},
                                         {"A-5", "bopis", "handed_over", 0, in(-2)},
                                         {"A-6", "bopis", "open", 0, in(2)},
                                         {"A-7", "curbside", "cancelled", 9, in(1)}}) {
      auto st = db->prepare(
          "INSERT INTO allocations (allocation_id, order_id, kind, state, priority, promised_by,"
          " created_at, updated_at) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?6)");
      ASSERT_TRUE(st);
      (*st)->bind(1, r.id).bind(2, r.kind).bind(3, r.state).bind(4, std::int64_t{r.priority});
      (*st)->bind_optional(5, r.promised_by).bind(6, now);
      ASSERT_TRUE((*st)->run());
    }
    ASSERT_TRUE(db->exec(
        "INSERT INTO allocation_lines (allocation_id, line, sku, qty, picked_qty, unit_price,"
        " currency) VALUES ('A-2', '1', 'SKU-1', 3, 1, 100, 'EUR')"));
  }
  HttpClient c(port_);
  auto signin = c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", headers());
  ASSERT_EQ(signin.status, 201) << signin.body;
  const std::string session(signin.json().at("session").as_string());
  auto ids = [&](const std::string& target) {
    auto r = c.get(target, headers(session));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return std::pair(out, std::string("error"));
    const auto page = r.json();
    for (const auto& w : page.at("work").as_array()) out.emplace_back(w.at("id").as_string());
    const auto& next = page.at("next");
    return std::pair(out, next.is_null() ? std::string("null") : std::string(next.as_string()));
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids("/api/v1/work").first, (Ids{"A-2", "A-3", "A-1", "A-6", "A-4"}));
  EXPECT_EQ(ids("/api/v1/work?kind=bopis").first, (Ids{"A-3", "A-1", "A-6"}));
  EXPECT_EQ(ids("/api/v1/work?state=ready").first, (Ids{"A-2"}));
  EXPECT_EQ(ids("/api/v1/work?kind=curbside&state=open").first, Ids{});
  EXPECT_EQ(ids("/api/v1/work?limit=2"), std::pair(Ids{"A-2", "A-3"}, std::string("2")));
  EXPECT_EQ(ids("/api/v1/work?limit=2&cursor=2"), std::pair(Ids{"A-1", "A-6"}, std::string("4")));
  EXPECT_EQ(ids("/api/v1/work?limit=2&cursor=4"), std::pair(Ids{"A-4"}, std::string("null")));

  auto first = c.get("/api/v1/work?limit=1", headers(session)).json().at("work").at(0);
  EXPECT_EQ(first.at("due_in_seconds"), -3600);
  EXPECT_EQ(first.at("overdue"), true);
  EXPECT_EQ(first.at("lines"), 1);
  EXPECT_EQ(first.at("units"), 3);
  EXPECT_EQ(first.at("units_picked"), 1);
}

}  // namespace
}  // namespace storeedge::api
