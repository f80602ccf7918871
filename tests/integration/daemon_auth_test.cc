// Black-box: devices, associate sessions, roles, manager override, sign-in rate limit, audit.
#include "integration/daemon_fixture.h"

namespace storeedge::testing {
namespace {

TEST_F(DaemonTest, AuthenticationAndRoles) {
  const std::string token = provision();
  start();
  HttpClient c(port_);

  EXPECT_EQ(error_code(c.get("/api/v1/allocations")), "unauthenticated");
  auto wrong = c.get("/api/v1/allocations", auth_headers("dev_not-a-real-token"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(error_code(wrong), "unauthenticated");
  auto no_session = c.get("/api/v1/allocations", auth_headers(token));
  EXPECT_EQ(no_session.status, 401);
  EXPECT_EQ(error_code(no_session), "session_required");
  auto bad_session = c.get("/api/v1/allocations", auth_headers(token, "ses_forged"));
  EXPECT_EQ(bad_session.status, 401);

  auto wrong_pin =
      c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"9999"})", auth_headers(token));
  EXPECT_EQ(wrong_pin.status, 401);
  EXPECT_EQ(error_code(wrong_pin), "invalid_credentials");
  auto bad_body = c.post_json("/api/v1/sessions", R"({"user":"m1"})", auth_headers(token));
  EXPECT_EQ(bad_body.status, 400);
  auto not_json = c.request("POST", "/api/v1/sessions", "{", auth_headers(token));
  EXPECT_EQ(not_json.status, 415);

  // A stale session header does not stand in the way of signing in again; the media type is
  // matched case-insensitively with parameters.
  auto fresh = c.request("POST", "/api/v1/sessions", R"({"badge":"BADGE-M1","pin":"1234"})",
                         {{"Authorization", "Bearer " + token},
                          {"StoreEdge-Session", "ses_expired"},
                          {"Content-Type", "Application/JSON; charset=utf-8"}});
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  const std::string manager = sign_in(c, token, R"({"badge":"BADGE-M1","pin":"1234"})");
  auto allocations = c.get("/api/v1/allocations", auth_headers(token, manager));
  EXPECT_EQ(allocations.status, 200);
  EXPECT_EQ(allocations.body, R"({"allocations":[],"next":null})");

  auto created = c.post_json(
      "/api/v1/users", R"({"id":"a1","name":"Ali Associate","role":"associate","pin":"5555"})",
      auth_headers(token, manager));
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(
      c.post_json("/api/v1/users", R"({"id":"a1","name":"X","role":"associate","pin":"5555"})",
                  auth_headers(token, manager))
          .status,
      409);

  const std::string associate = sign_in(c, token, R"({"user":"a1","pin":"5555"})");
  auto whoami = c.get("/api/v1/sessions/current", auth_headers(token, associate));
  EXPECT_EQ(whoami.status, 200);
  EXPECT_EQ(whoami.json().at("user").at("role").as_string(), "associate");
  auto forbidden = c.get("/api/v1/users", auth_headers(token, associate));
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(error_code(forbidden), "not_allowed_for_role");

  // A manager override authorises one action for the associate, and the audit log says so.
  auto h = auth_headers(token, associate);
  h["StoreEdge-Override"] = "badge:BADGE-M1:1234";
  auto overridden = c.post_json(
      "/api/v1/users", R"({"id":"a2","name":"Second","role":"associate","pin":"7777"})", h);
  EXPECT_EQ(overridden.status, 201) << overridden.body;
  h["StoreEdge-Override"] = "user:m1:0000";
  EXPECT_EQ(
      c.post_json("/api/v1/users", R"({"id":"a3","name":"T","role":"associate","pin":"7777"})", h)
          .status,
      403);
  EXPECT_EQ(c.get("/api/v1/users", auth_headers(token, associate)).status, 403);  // one action only

  auto audit = c.get("/api/v1/audit?limit=20", auth_headers(token, manager));
  ASSERT_EQ(audit.status, 200);
  bool found_override = false;
  const auto entries = audit.json();  // a named value: the range must not dangle
  for (const auto& e : entries.at("entries").as_array()) {
    if (e.at("target") == "a2" && e.at("result") == "ok") {
      EXPECT_EQ(e.at("user"), "a1");
      EXPECT_EQ(e.at("override_by"), "m1");
      EXPECT_EQ(e.at("device"), "hh1");
      found_override = true;
    }
  }
  EXPECT_TRUE(found_override) << audit.body;
  EXPECT_EQ(audit.body.find("7777"), std::string::npos);  // PINs are never recorded
  EXPECT_EQ(daemon_->log().find("7777"), std::string::npos);

  // Sign-out ends the session.
  EXPECT_EQ(
      c.request("DELETE", "/api/v1/sessions/current", "", auth_headers(token, associate)).status,
      200);
  EXPECT_EQ(c.get("/api/v1/allocations", auth_headers(token, associate)).status, 401);
}

TEST_F(DaemonTest, FailedSigninsAreRateLimited) {
  const std::string token = provision();
  start();
  HttpClient c(port_);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"0000"})", auth_headers(token))
                  .status,
              401);
  auto locked =
      c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", auth_headers(token));
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(error_code(locked), "locked_out");
  EXPECT_FALSE(locked.headers["retry-after"].empty());
}

TEST_F(DaemonTest, RevokedDeviceIsRefusedAndTokensAreStoredHashed) {
  const std::string token = provision();
  start();
  HttpClient c(port_);
  const std::string manager = sign_in(c, token, R"({"user":"m1","pin":"1234"})");
  auto enrolled = c.post_json("/api/v1/devices", R"({"id":"pos1","kind":"pos","name":"Till 1"})",
                              auth_headers(token, manager));
  ASSERT_EQ(enrolled.status, 201) << enrolled.body;
  const std::string pos_token(enrolled.json().at("token").as_string());
  EXPECT_EQ(
      c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", auth_headers(pos_token))
          .status,
      201);
  EXPECT_EQ(c.request("DELETE", "/api/v1/devices/pos1", "", auth_headers(token, manager)).status,
            200);
  EXPECT_EQ(
      c.post_json("/api/v1/sessions", R"({"user":"m1","pin":"1234"})", auth_headers(pos_token))
          .status,
      401);
  EXPECT_EQ(stop(), 0);
  // Neither token appears in the database files.
  std::string db =
      read_file(dir_.file("state/storeedge.db")) + read_file(dir_.file("state/storeedge.db-wal"));
  EXPECT_EQ(db.find(token), std::string::npos);
  EXPECT_EQ(db.find(pos_token), std::string::npos);
  EXPECT_EQ(db.find("BADGE-M1"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::testing
