// The SQLite engine checkpoints its WAL in a background thread (store/sqlite/checkpointer.hpp),
// not inside COMMIT: the WAL must still stay bounded under a steady stream of commits, the
// database file must receive the pages, and everything committed must be there after a reopen.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace jingban {
namespace {

namespace fs = std::filesystem;

uintmax_t sizeOr0(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(WalCheckpoint, TheWalStaysBoundedAndThePagesReachTheDatabase) {
  fs::path db = fs::temp_directory_path() / ("jingban_wal_" + std::to_string(::getpid()) + ".db");
  for (auto* s : {"", "-wal", "-shm"}) fs::remove(db.string() + s);
  constexpr uintmax_t kPageBytes = 4096;  // SQLite's default page size
  constexpr uintmax_t kThreshold = sqlite::WalCheckpointer::kPages * kPageBytes;
  const std::string big(16 * 1024, 'x');            // each row spans several overflow pages
  constexpr int kBatches = 80, kRowsPerBatch = 50;  // ~64 MiB in all: 4 thresholds' worth
  uintmax_t largest_wal = 0;
  {
    auto opened = SqliteStore::open(db.string());
    ASSERT_TRUE(opened) << opened.error().message;
    auto& store = **opened;
    for (int b = 0; b < kBatches; ++b) {
      std::vector<UnitOfWork> units;
      for (int i = 0; i < kRowsPerBatch; ++i)
        units.push_back([&, b, i](Tx& tx) {
          return tx.recordRead(b, "staff", "case-" + std::to_string(b * kRowsPerBatch + i), big);
        });
      std::vector<Result<void>> results;
      store.runBatch(units, results);
      for (const auto& r : results) ASSERT_TRUE(r) << r.error().message;
      largest_wal = std::max(largest_wal, sizeOr0(db.string() + "-wal"));
    }
  }
  uintmax_t written = uintmax_t{kBatches} * kRowsPerBatch * big.size();
  // Without any checkpoint the WAL would hold everything written (> 4 thresholds).
  EXPECT_LT(largest_wal, 3 * kThreshold) << "WAL grew to " << largest_wal << " bytes";
  EXPECT_GT(sizeOr0(db), written / 2);
  // Closed and opened again: every row committed is there.
  {
    auto again = SqliteStore::open(db.string());
    ASSERT_TRUE(again) << again.error().message;
    again->reset();
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*), sum(length(what)) FROM case_reads", -1, &q,
                                 nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(q, 0), int64_t{kBatches} * kRowsPerBatch);
    EXPECT_EQ(static_cast<uintmax_t>(sqlite3_column_int64(q, 1)), written);
    sqlite3_finalize(q);
    sqlite3_close(raw);
  }
  for (auto* s : {"", "-wal", "-shm"}) fs::remove(db.string() + s);
}

// A batch that fills the writer's page cache (a resident import) makes the store replace its
// writer connection (the cache's hash table never shrinks, and SQLite walks it at commits); the
// new connection must carry the background checkpoints on, and nothing committed is lost.
TEST(WalCheckpoint, AfterABatchThatFilledTheCacheTheWriterIsRenewedAndCheckpointsGoOn) {
  fs::path db = fs::temp_directory_path() / ("jingban_renew_" + std::to_string(::getpid()) + ".db");
  for (auto* s : {"", "-wal", "-shm"}) fs::remove(db.string() + s);
  const std::string big(16 * 1024, 'y');
  auto opened = SqliteStore::open(db.string());
  ASSERT_TRUE(opened) << opened.error().message;
  auto& store = **opened;
  auto batch = [&](int first, int rows, int per_unit) {
    std::vector<UnitOfWork> units;
    for (int u = 0; u < rows / per_unit; ++u)
      units.push_back([&, first, u, per_unit](Tx& tx) -> Result<void> {
        for (int i = 0; i < per_unit; ++i)
          if (auto r = tx.recordRead(first, "staff",
                                     "case-" + std::to_string(first + u * per_unit + i), big);
              !r)
            return r;
        return {};
      });
    std::vector<Result<void>> results;
    store.runBatch(units, results);
    for (const auto& r : results) ASSERT_TRUE(r) << r.error().message;
  };
  batch(0, 100, 10);  // 1.6 MiB: the cache stays small
  EXPECT_EQ(store.writerRenewals(), 0u);
  batch(100, 6000, 6000);  // ~94 MiB in one unit, as an import writes it
  EXPECT_EQ(store.writerRenewals(), 1u);
  auto before = store.checkpointStats();
  constexpr int kBatches = 80, kRows = 50;  // ~64 MiB more, in small batches
  for (int b = 0; b < kBatches; ++b) batch(10000 + b * kRows, kRows, 1);
  auto after = store.checkpointStats();
  EXPECT_GT(after.checkpoints + after.writer_checkpoints,
            before.checkpoints + before.writer_checkpoints)
      << "the renewed writer's commits no longer wake the checkpointer";
  EXPECT_EQ(store.writerRenewals(), 1u) << "small batches keep the connection";
  opened->reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*) FROM case_reads", -1, &q, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(q, 0), 100 + 6000 + kBatches * kRows);
  sqlite3_finalize(q);
  sqlite3_close(raw);
  for (auto* s : {"", "-wal", "-shm"}) fs::remove(db.string() + s);
}

}  // namespace
}  // namespace jingban
