// Schema migrations: a database at every earlier version upgrades to the latest in one step,
// and a database newer than the build is refused untouched.
#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store/state_dir.h"
#include "support/harness.h"

namespace storeedge::store {
namespace {

using storeedge::testing::TempDir;

int version_of(const std::string& path) {
  auto db = Connection::open(path, {});
  return *schema_version(*db);
}

TEST(Migrations, UpgradesFromEveryEarlierVersion) {
  for (int from = 0; from < latest_schema_version(); ++from) {
    TempDir dir;
    const std::string path = dir.file(kDatabaseFile);
    {
      auto db = Connection::open(path, {});
      ASSERT_TRUE(db);
      ASSERT_TRUE(migrate(*db, from));
      ASSERT_EQ(*schema_version(*db), from);
    }
    Config config;
    auto upgraded = open_store(dir.path(), config);
    ASSERT_TRUE(upgraded) << "from v" << from << ": " << upgraded.error().message;
    EXPECT_EQ(*schema_version(*upgraded), latest_schema_version());
    auto ic = upgraded->prepare("PRAGMA integrity_check");
    ASSERT_TRUE(*(*ic)->step());
    EXPECT_EQ((*ic)->column_text(0), "ok");
  }
}

// Data written under version 1 survives the upgrade, with the new columns at their defaults.
TEST(Migrations, Version1DataSurvivesTheUpgrade) {
  TempDir dir;
  {
    auto db = Connection::open(dir.file(kDatabaseFile), {});
    ASSERT_TRUE(migrate(*db, 1));
    ASSERT_TRUE(db->exec(
        "INSERT INTO store_meta VALUES ('tenant', 'demo'), ('store', 'S001');"
        "INSERT INTO users VALUES ('m1', 'M', 'manager', NULL, 'h', 1, 't', 't');"
        "INSERT INTO allocations (allocation_id, order_id, kind, created_at, updated_at)"
        " VALUES ('A-1', 'W1', 'bopis', 't', 't');"
        "INSERT INTO allocation_lines (allocation_id, line, sku, qty, unit_price, currency)"
        " VALUES ('A-1', '1', 'SKU-1', 2, 100, 'EUR');"
        "INSERT INTO audit_log (at, action, result) VALUES ('t', 'a', 'ok');"));
  }
  auto db = open_store(dir.path(), Config{});
  ASSERT_TRUE(db) << db.error().message;
  auto st = db->prepare(
      "SELECT u.role, a.state, a.customer, l.picked_qty, l.gtins, (SELECT count(*) FROM"
      " audit_log), (SELECT applied FROM sync_down), (SELECT value FROM store_meta WHERE key ="
      " 'up_epoch') FROM users u, allocations a JOIN allocation_lines l USING (allocation_id)");
  ASSERT_TRUE(st);
  ASSERT_TRUE(*(*st)->step());
  EXPECT_EQ((*st)->column_text(0), "manager");
  EXPECT_EQ((*st)->column_text(1), "open");
  EXPECT_EQ((*st)->column_text(2), "{}");
  EXPECT_EQ((*st)->column_int(3), 0);
  EXPECT_EQ((*st)->column_text(4), "[]");
  EXPECT_EQ((*st)->column_int(5), 1);
  EXPECT_EQ((*st)->column_int(6), 0);
  EXPECT_EQ((*st)->column_text(7).rfind("edge-", 0), 0u);
}

TEST(Migrations, RefusesANewerDatabase) {
  TempDir dir;
  const std::string path = dir.file(kDatabaseFile);
  {
    auto db = Connection::open(path, {});
    ASSERT_TRUE(db->exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)));
  }
  auto opened = open_store(dir.path(), Config{});
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "schema_too_new");
  EXPECT_EQ(version_of(path), latest_schema_version() + 1);
}

TEST(Migrations, AuditLogIsAppendOnly) {
  TempDir dir;
  auto db = open_store(dir.path(), Config{});
  ASSERT_TRUE(db->exec("INSERT INTO audit_log (at, action, result) VALUES ('t', 'a', 'ok')"));
  auto upd = db->exec("UPDATE audit_log SET result = 'forged'");
  ASSERT_FALSE(upd);
  EXPECT_NE(upd.error().message.find("append-only"), std::string::npos);
  EXPECT_FALSE(db->exec("DELETE FROM audit_log"));
}

TEST(StateDir, StampsIdentityAndRefusesAnotherStore) {
  TempDir dir;
  Config a;
  ASSERT_TRUE(open_store(dir.path(), a));
  ASSERT_TRUE(open_store(dir.path(), a));  // same store reopens
  Config b;
  b.store = "S999";
  auto other = open_store(dir.path(), b);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "state_dir_mismatch");
}

}  // namespace
}  // namespace storeedge::store
