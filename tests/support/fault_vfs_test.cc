// Tests for FaultVfs, on real SQLite files in WAL mode: injected faults must surface as SQLite
// errors, and no fault may leave a database that fails to reopen or holds half a transaction.
#include "support/fault_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace storeedge::testing {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

// Setup steps throw instead of returning codes: gtest reports the exception as a failure.
void must_exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
  }
}

std::string query_text(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(stmt, sqlite3_finalize);
  if (sqlite3_step(stmt) != SQLITE_ROW) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db));
  const unsigned char* text = sqlite3_column_text(stmt, 0);
  return text == nullptr ? "" : reinterpret_cast<const char*>(text);
}

int query_int(sqlite3* db, const std::string& sql) {
  return std::stoi(query_text(db, sql));
}

// Opens `path` through the VFS named `vfs` (nullptr: SQLite's default, i.e. no faults) with
// StoreEdge's durability settings.
Db open_db(const std::string& path, const char* vfs) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  Db db(raw);
  if (rc != SQLITE_OK) throw std::runtime_error(path + ": " + sqlite3_errstr(rc));
  sqlite3_extended_result_codes(db.get(), 1);
  // Without working shm methods SQLite would quietly stay in rollback-journal mode.
  if (query_text(db.get(), "PRAGMA journal_mode=WAL") != "wal") {
    throw std::runtime_error(path + ": WAL mode refused");
  }
  must_exec(db.get(), "PRAGMA synchronous=FULL");
  return db;
}

int exec(sqlite3* db, const std::string& sql) {
  return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
}

// The sqlite3_file level, for exact control over which call is the Nth.
class RawFile {
 public:
  RawFile(const FaultVfs& vfs, const std::string& path)
      : vfs_(sqlite3_vfs_find(vfs.name().c_str())), memory_(vfs_->szOsFile), name_(path) {
    name_.append(2, '\0');  // SQLite's filenames end in a double NUL (an empty URI parameter list).
    int flags = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (int rc = vfs_->xOpen(vfs_, name_.c_str(), file(), flags, &flags); rc != SQLITE_OK) {
      throw std::runtime_error(path + ": " + sqlite3_errstr(rc));
    }
  }
  ~RawFile() {
    if (file()->pMethods != nullptr) file()->pMethods->xClose(file());
  }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;

  int write(sqlite3_int64 offset) {
    const char page[512] = {};
    return file()->pMethods->xWrite(file(), page, sizeof page, offset);
  }
  int sync() { return file()->pMethods->xSync(file(), SQLITE_SYNC_FULL); }
  int truncate(sqlite3_int64 size) { return file()->pMethods->xTruncate(file(), size); }
  sqlite3_int64 size() {
    sqlite3_int64 size = -1;
    file()->pMethods->xFileSize(file(), &size);
    return size;
  }

 private:
  sqlite3_file* file() { return reinterpret_cast<sqlite3_file*>(memory_.data()); }

  sqlite3_vfs* vfs_;
  std::vector<char> memory_;  // operator new's alignment suffices for any sqlite3_file
  std::string name_;
};

class FaultVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "fault_vfs_test_XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }
  Db open_faulty(const std::string& file = "test.db") {
    return open_db(path(file), vfs_.name().c_str());
  }
  // How the next process would see the files.
  Db open_plain(const std::string& file = "test.db") { return open_db(path(file), nullptr); }

  FaultVfs vfs_{"storeedge-fault-vfs-test"};
  std::filesystem::path dir_;
};

TEST_F(FaultVfsTest, NthWriteFailsOnceCountingFromTheCall) {
  RawFile file(vfs_, path("raw"));
  ASSERT_EQ(file.write(0), SQLITE_OK);
  vfs_.fail_nth_write(2);
  EXPECT_EQ(file.write(512), SQLITE_OK);
  EXPECT_EQ(file.write(1024), SQLITE_IOERR_WRITE);
  EXPECT_EQ(file.size(), 1024) << "the failed write must not reach the file";
  EXPECT_EQ(file.write(1024), SQLITE_OK);
  EXPECT_EQ(vfs_.writes(), 4);
  EXPECT_EQ(vfs_.faults_fired(), 1);
}

TEST_F(FaultVfsTest, NthSyncFailsOnce) {
  RawFile file(vfs_, path("raw"));
  vfs_.fail_nth_sync(1);
  EXPECT_EQ(file.sync(), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(file.sync(), SQLITE_OK);
  EXPECT_EQ(vfs_.syncs(), 2);
  EXPECT_EQ(vfs_.faults_fired(), 1);
}

TEST_F(FaultVfsTest, DiskFullFailsWritesAndGrowthButNotShrinking) {
  RawFile file(vfs_, path("raw"));
  ASSERT_EQ(file.write(0), SQLITE_OK);
  vfs_.set_disk_full(true);
  EXPECT_EQ(file.write(0), SQLITE_FULL);
  EXPECT_EQ(file.truncate(4096), SQLITE_FULL);
  EXPECT_EQ(file.truncate(100), SQLITE_OK);
  EXPECT_EQ(file.sync(), SQLITE_OK);
  vfs_.set_disk_full(false);
  EXPECT_EQ(file.write(512), SQLITE_OK);
  EXPECT_EQ(file.size(), 1024);
  EXPECT_EQ(vfs_.faults_fired(), 2);
}

TEST_F(FaultVfsTest, StickyFaultFailsEverythingUntilReset) {
  RawFile file(vfs_, path("raw"));
  vfs_.set_sticky(true);
  vfs_.fail_nth_write(1);
  EXPECT_EQ(file.write(0), SQLITE_IOERR_WRITE);
  EXPECT_EQ(file.write(0), SQLITE_IOERR_WRITE);
  EXPECT_EQ(file.sync(), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(file.truncate(0), SQLITE_IOERR_TRUNCATE);
  EXPECT_EQ(vfs_.faults_fired(), 4);
  vfs_.reset();
  EXPECT_EQ(vfs_.writes(), 0);
  EXPECT_EQ(vfs_.syncs(), 0);
  EXPECT_EQ(vfs_.faults_fired(), 0);
  EXPECT_EQ(file.write(0), SQLITE_OK);
  EXPECT_EQ(file.sync(), SQLITE_OK);
}

TEST_F(FaultVfsTest, CountersSeeSqliteWritesAndSyncs) {
  Db db = open_faulty();
  must_exec(db.get(), "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  vfs_.reset();
  must_exec(db.get(), "INSERT INTO t(v) VALUES('a')");
  EXPECT_GT(vfs_.writes(), 0);
  EXPECT_GT(vfs_.syncs(), 0) << "synchronous=FULL syncs the WAL on commit";
  EXPECT_EQ(vfs_.faults_fired(), 0);

  int writes = vfs_.writes();
  int syncs = vfs_.syncs();
  EXPECT_EQ(query_int(db.get(), "SELECT count(*) FROM t"), 1);
  EXPECT_EQ(vfs_.writes(), writes) << "reads must not write";
  EXPECT_EQ(vfs_.syncs(), syncs);

  vfs_.fail_nth_write(1);
  EXPECT_EQ(exec(db.get(), "INSERT INTO t(v) VALUES('b')"), SQLITE_IOERR_WRITE);
  EXPECT_GT(vfs_.writes(), writes);
  EXPECT_EQ(vfs_.faults_fired(), 1);
}

TEST_F(FaultVfsTest, FailedFsyncFailsCommitAndLeavesAnIntactDatabase) {
  Db db = open_faulty();
  must_exec(db.get(), "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  vfs_.fail_nth_sync(1);
  must_exec(db.get(), "BEGIN; INSERT INTO t(v) VALUES('a'), ('b'), ('c')");
  int rc = exec(db.get(), "COMMIT");
  EXPECT_EQ(rc & 0xff, SQLITE_IOERR) << sqlite3_errstr(rc);
  EXPECT_EQ(rc, SQLITE_IOERR_FSYNC);
  EXPECT_EQ(vfs_.faults_fired(), 1);
  db.reset();

  // The frames were written before the fsync failed and may be in the WAL, so whether the rows
  // survive is up to SQLite; what it guarantees is a sound database and an atomic transaction.
  Db plain = open_plain();
  EXPECT_EQ(query_text(plain.get(), "PRAGMA integrity_check"), "ok");
  int rows = query_int(plain.get(), "SELECT count(*) FROM t");
  EXPECT_TRUE(rows == 0 || rows == 3) << rows;
  EXPECT_EQ(exec(plain.get(), "INSERT INTO t(v) VALUES('d')"), SQLITE_OK);
}

TEST_F(FaultVfsTest, DiskFullFailsInsertWithoutTraceAndClears) {
  Db db = open_faulty();
  must_exec(db.get(), "CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB)");
  must_exec(db.get(), "INSERT INTO t(data) VALUES(x'00')");
  const std::string insert = "INSERT INTO t(data) VALUES(randomblob(1048576))";

  vfs_.set_disk_full(true);
  EXPECT_EQ(exec(db.get(), insert), SQLITE_FULL);
  EXPECT_GT(vfs_.faults_fired(), 0);
  EXPECT_EQ(query_int(db.get(), "SELECT count(*) FROM t"), 1);
  EXPECT_EQ(query_int(open_plain().get(), "SELECT count(*) FROM t"), 1);

  vfs_.set_disk_full(false);
  EXPECT_EQ(exec(db.get(), insert), SQLITE_OK) << sqlite3_errmsg(db.get());
  db.reset();
  Db plain = open_plain();
  EXPECT_EQ(query_text(plain.get(), "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(query_int(plain.get(), "SELECT count(*) FROM t WHERE length(data) = 1048576"), 1);
}

// SQLite's own fault tests: fail the 1st write, then the 2nd, ... until the transaction and the
// checkpoint on close get through without the fault firing. Transient: one write fails; sticky:
// the disk dies there.
class FaultVfsEveryWriteTest : public FaultVfsTest, public ::testing::WithParamInterface<bool> {};

TEST_P(FaultVfsEveryWriteTest, TransactionsStayAtomic) {
  constexpr int seed_rows = 20;
  constexpr int new_rows = 50;
  auto insert_rows = [](int batch, int rows) {
    return "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < " +
           std::to_string(rows) + ") INSERT INTO t(batch, data) SELECT " + std::to_string(batch) +
           ", randomblob(300) FROM i;";
  };
  const std::string transaction = "BEGIN;" + insert_rows(1, new_rows) +
                                  "DELETE FROM t WHERE batch = 0 AND id % 2 = 0;"
                                  "COMMIT";
  int failed_commits = 0;
  int failed_checkpoints = 0;
  for (int n = 1;; ++n) {
    ASSERT_LT(n, 1000) << "the transaction never got through";
    SCOPED_TRACE("failing write " + std::to_string(n));
    const std::string file = "every_write_" + std::to_string(n) + ".db";
    vfs_.reset();
    Db db = open_faulty(file);
    must_exec(db.get(),
              "CREATE TABLE t(id INTEGER PRIMARY KEY, batch INTEGER, data BLOB);"
              "CREATE INDEX t_batch ON t(batch);" +
                  insert_rows(0, seed_rows));
    vfs_.set_sticky(GetParam());
    vfs_.fail_nth_write(n);
    int rc = exec(db.get(), transaction);
    // Closing checkpoints the WAL into the database, so late n fail the checkpoint instead.
    db.reset();
    bool fired = vfs_.faults_fired() > 0;
    vfs_.reset();

    Db plain = open_plain(file);
    ASSERT_EQ(query_text(plain.get(), "PRAGMA integrity_check"), "ok");
    int added = query_int(plain.get(), "SELECT count(*) FROM t WHERE batch = 1");
    int seeds = query_int(plain.get(), "SELECT count(*) FROM t WHERE batch = 0");
    if (rc == SQLITE_OK) {
      failed_checkpoints += fired;  // a reported commit must outlive a failed checkpoint
      EXPECT_EQ(added, new_rows);
      EXPECT_EQ(seeds, seed_rows / 2);
    } else {
      ++failed_commits;
      EXPECT_TRUE(fired) << "failed without an injected fault: " << sqlite3_errstr(rc);
      EXPECT_EQ(rc & 0xff, SQLITE_IOERR) << sqlite3_errstr(rc);
      EXPECT_TRUE((added == 0 && seeds == seed_rows) ||
                  (added == new_rows && seeds == seed_rows / 2))
          << "half a transaction: " << added << " new rows, " << seeds << " seed rows";
    }
    if (rc == SQLITE_OK && !fired) break;
  }
  EXPECT_GT(failed_commits, 0);
  EXPECT_GT(failed_checkpoints, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, FaultVfsEveryWriteTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "Sticky" : "Transient");
                         });

}  // namespace
}  // namespace storeedge::testing
