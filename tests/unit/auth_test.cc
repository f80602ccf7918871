// Credentials at rest, the sign-in limiter on a simulated clock, and the identity queries.
#include <gtest/gtest.h>

#include "auth/identity.h"
#include "auth/secrets.h"
#include "auth/signin_limiter.h"
#include "store/state_dir.h"
#include "support/harness.h"

namespace storeedge::auth {
namespace {

TEST(Secrets, TokensAreRandomAndHashesVerify) {
  auto a = new_token("dev_"), b = new_token("dev_");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto h = hash_pin("1234", 1000);
  EXPECT_EQ(h.find("1234"), std::string::npos);
  EXPECT_TRUE(verify_pin("1234", h));
  EXPECT_FALSE(verify_pin("1235", h));
  EXPECT_NE(hash_pin("1234", 1000), h);  // salted
  for (const char* bad : {"", "pbkdf2-sha256$", "pbkdf2-sha256$x$y$z", "md5$1$a$b"})
    EXPECT_FALSE(verify_pin("1234", bad));
  EXPECT_TRUE(is_valid_pin("0000"));
  EXPECT_FALSE(is_valid_pin("123"));
  EXPECT_FALSE(is_valid_pin("12a4"));
  EXPECT_FALSE(is_valid_pin("1234567890123"));
}

TEST(SigninLimiter, LocksAfterFailuresAndUnlocksAfterTheWindow) {
  SimulatedClock clock;
  SigninLimiter limiter(clock, 3, std::chrono::minutes(5));
  EXPECT_EQ(limiter.locked_for("user:a"), 0);
  limiter.record_failure("user:a");
  limiter.record_failure("user:a");
  EXPECT_EQ(limiter.locked_for("user:a"), 0);
  limiter.record_failure("user:a");
  EXPECT_EQ(limiter.locked_for("user:a"), 300);
  EXPECT_EQ(limiter.locked_for("user:b"), 0);
  clock.advance(std::chrono::minutes(4));
  EXPECT_EQ(limiter.locked_for("user:a"), 60);
  clock.advance(std::chrono::minutes(1));
  EXPECT_EQ(limiter.locked_for("user:a"), 0);
  // Failures spread wider than the window never lock.
  for (int i = 0; i < 10; ++i) {
    limiter.record_failure("user:c");
    clock.advance(std::chrono::minutes(3));
  }
  EXPECT_EQ(limiter.locked_for("user:c"), 0);
}

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::open_store(dir_.path(), Config{});
    ASSERT_TRUE(db);
    db_ = std::make_unique<store::Connection>(std::move(*db));
  }
  storeedge::testing::TempDir dir_;
  std::unique_ptr<store::Connection> db_;
};

TEST_F(IdentityTest, SessionsExpireEndAndDieWithTheirUserOrDevice) {
  NewUser u{"a1", "Ali", Role::associate, "BADGE-1", "1234"};
  ASSERT_FALSE(validate_new_user(u));
  ASSERT_TRUE(insert_user(*db_, u, hash_pin(u.pin, 1000), "2026-01-01T00:00:00.000Z"));
  Device d{"hh1", "handheld", "HH", "2026-01-01T00:00:00.000Z", "test", std::nullopt, std::nullopt};
  ASSERT_TRUE(insert_device(*db_, d, sha256_hex("tok")));
  EXPECT_TRUE(*find_device_by_token_hash(*db_, sha256_hex("tok")));
  EXPECT_FALSE(*find_device_by_token_hash(*db_, sha256_hex("other")));
  auto creds = find_credentials(*db_, "", "BADGE-1");
  ASSERT_TRUE(creds && *creds);
  EXPECT_EQ((*creds)->user.user_id, "a1");

  ASSERT_TRUE(insert_session(*db_, "s1", {"a1", "hh1", "2026-01-01T02:00:00.000Z"},
                             "2026-01-01T00:00:00.000Z"));
  EXPECT_TRUE(*find_session(*db_, "s1", "2026-01-01T01:59:59.999Z"));
  EXPECT_FALSE(*find_session(*db_, "s1", "2026-01-01T02:00:00.000Z"));  // expired

  ASSERT_TRUE(insert_session(*db_, "s2", {"a1", "hh1", "2026-01-01T02:00:00.000Z"}, "x"));
  ASSERT_TRUE(
      update_user(*db_, "a1", std::nullopt, false, std::nullopt, "2026-01-01T00:30:00.000Z"));
  EXPECT_FALSE(*find_session(*db_, "s2", "2026-01-01T01:00:00.000Z"));  // user deactivated

  ASSERT_TRUE(update_user(*db_, "a1", std::nullopt, true, std::nullopt, "t"));
  ASSERT_TRUE(insert_session(*db_, "s3", {"a1", "hh1", "2026-01-01T02:00:00.000Z"}, "x"));
  ASSERT_TRUE(revoke_device(*db_, "hh1", "2026-01-01T00:40:00.000Z"));
  EXPECT_FALSE(*find_session(*db_, "s3", "2026-01-01T01:00:00.000Z"));  // device revoked
  EXPECT_FALSE(*find_device_by_token_hash(*db_, sha256_hex("tok")));
  EXPECT_EQ(revoke_device(*db_, "hh1", "t").error().code, "not_found");
}

TEST_F(IdentityTest, ValidationNamesTheField) {
  EXPECT_NE(
      validate_new_user({"bad id", "N", Role::lead, std::nullopt, "1234"})->message.find("id"),
      std::string::npos);
  EXPECT_NE(validate_new_user({"ok", "", Role::lead, std::nullopt, "1234"})->message.find("name"),
            std::string::npos);
  EXPECT_NE(validate_new_user({"ok", "N", Role::lead, std::nullopt, "12"})->message.find("pin"),
            std::string::npos);
  EXPECT_NE(validate_device({"d1", "toaster", "N", "", "", std::nullopt, std::nullopt})
                ->message.find("kind"),
            std::string::npos);
}

}  // namespace
}  // namespace storeedge::auth
