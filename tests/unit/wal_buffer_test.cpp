// store/sqlite/wal_buffer.hpp: the jingban-wal VFS gathers a commit's WAL writes into one write;
// a reader on another connection (the plain unix VFS) sees every commit as soon as COMMIT returns;
// a write the file system refuses fails that commit only; NORMAL connections are not buffered.
#include "store/sqlite/wal_buffer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "store/sqlite/db.hpp"

namespace jingban::sqlite {
namespace {

namespace fs = std::filesystem;

class WalBuffer : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("jingban_walbuf_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    removeFiles();
  }
  void TearDown() override { removeFiles(); }
  void removeFiles() {
    for (auto* s : {"", "-wal", "-shm"}) fs::remove(path_ + s);
  }

  // A reader as another process would open it: the plain unix VFS.
  sqlite3* openReader() {
    sqlite3* r = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &r, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    return r;
  }
  static int64_t scalar(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) return -1;
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
  }
  static bool insertRows(Conn& w, int first, int n, size_t bytes) {
    std::string v(bytes, 'x');
    if (!w.exec("BEGIN IMMEDIATE")) return false;
    for (int i = 0; i < n; ++i) {
      Stmt q = w.prepare("INSERT INTO t(id,v) VALUES(?,?)");
      q.bind(1, static_cast<int64_t>(first + i)).bind(2, v);
      if (q.step() != SQLITE_DONE) {
        w.exec("ROLLBACK");
        return false;
      }
    }
    if (!w.exec("COMMIT")) {
      w.exec("ROLLBACK");
      return false;
    }
    return true;
  }

  std::string path_;
};

TEST_F(WalBuffer, ACommitIsOneWriteAndAReaderSeesEveryCommitAtOnce) {
  auto w = openConnection(path_);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE((*w)->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
  sqlite3* reader = openReader();
  for (int c = 0; c < 50; ++c) {
    WalBufferStats before = walBufferStats();
    // 20 rows of 2 KB: about ten pages, each frame written by SQLite as two calls.
    ASSERT_TRUE(insertRows(**w, c * 20, 20, 2000)) << sqlite3_errmsg((*w)->db);
    WalBufferStats after = walBufferStats();
    EXPECT_GE(after.calls - before.calls, 20u) << "commit " << c;
    EXPECT_LE(after.writes - before.writes, 1u) << "commit " << c;
    // The reader's next transaction sees the commit: the frames were in the file before the
    // commit was published in the WAL index.
    EXPECT_EQ(scalar(reader, "SELECT count(*) FROM t"), (c + 1) * 20);
    EXPECT_EQ(scalar(reader, "SELECT sum(length(v)) FROM t"), int64_t{(c + 1) * 20} * 2000);
  }
  // A commit larger than the buffer goes out in pieces, in order.
  WalBufferStats before = walBufferStats();
  ASSERT_TRUE(insertRows(**w, 100000, 1500, 2000)) << sqlite3_errmsg((*w)->db);
  EXPECT_GE(walBufferStats().writes - before.writes, 2u);
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM t"), 50 * 20 + 1500);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(reader, "PRAGMA integrity_check", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
  sqlite3_finalize(st);
  sqlite3_close(reader);
  // Closed without a checkpoint of everything, opened again: all there (recovered from the WAL).
  w->reset();
  sqlite3* again = openReader();
  EXPECT_EQ(scalar(again, "SELECT count(*) FROM t"), 50 * 20 + 1500);
  sqlite3_close(again);
}

TEST_F(WalBuffer, AWriteTheFileSystemRefusesFailsThatCommitOnly) {
  auto w = openConnection(path_);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE((*w)->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
  ASSERT_TRUE(insertRows(**w, 0, 10, 2000));
  // No file of this process may grow past its current WAL size plus a little: the next large
  // commit's gathered write is refused (EFBIG, as a full disk refuses with ENOSPC).
  auto wal_size = fs::file_size(path_ + "-wal");
  struct rlimit old {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = static_cast<rlim_t>(wal_size + 64 * 1024);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  bool committed = insertRows(**w, 1000, 200, 2000);  // ~400 KB
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, previous);
  EXPECT_FALSE(committed);
  // Nothing of the refused commit is visible, everything before it is, and the connection works.
  sqlite3* reader = openReader();
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM t"), 10);
  EXPECT_TRUE(insertRows(**w, 2000, 5, 2000)) << sqlite3_errmsg((*w)->db);
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM t"), 15);
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM t WHERE id>=1000 AND id<2000"), 0);
  sqlite3_close(reader);
  w->reset();
  sqlite3* again = openReader();
  EXPECT_EQ(scalar(again, "SELECT count(*) FROM t"), 15);
  sqlite3_close(again);
}

TEST_F(WalBuffer, ANormalSyncConnectionWritesItsLogDirectly) {
  // synchronous=NORMAL publishes a commit without syncing: gathering would hide its frames from
  // other connections, so these connections use the plain VFS.
  auto w = openConnection(path_, Sync::kNormal);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE((*w)->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
  WalBufferStats before = walBufferStats();
  ASSERT_TRUE(insertRows(**w, 0, 20, 2000));
  EXPECT_EQ(walBufferStats().calls, before.calls);
  sqlite3* reader = openReader();
  EXPECT_EQ(scalar(reader, "SELECT count(*) FROM t"), 20);
  sqlite3_close(reader);
}

}  // namespace
}  // namespace jingban::sqlite
