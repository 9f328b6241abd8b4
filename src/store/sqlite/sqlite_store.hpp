// SQLite engine of the case store: WAL journal, synchronous=FULL, versioned migrations (PRAGMA
// user_version). One writer connection (the committer thread) and a pool of readers.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/checkpointer.hpp"
#include "store/store.hpp"

namespace jingban::sqlite {
struct Conn;
class SqliteRegisterReads;
}  // namespace jingban::sqlite

namespace jingban {

class SqliteStore : public Store {
 public:
  // Opens or creates the file, upgrades its schema to the latest version, and brings rows of
  // older versions up to date (event hash chains, query codes).
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;
  static int schemaVersion();  // latest version the code knows

  void runBatch(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results) override;
  void setCommitListener(CommitListener listener) override {
    std::lock_guard lk(writer_mu_);  // the committer reads it under this lock
    listener_ = std::move(listener);
  }
  Result<std::optional<CaseState>> loadCase(const std::string& case_no) override;
  Result<std::vector<CaseState>> listCases(const CaseFilter& f) override;
  Result<std::optional<IdempotencyRecord>> idempotency(const std::string& scope) override;
  RegisterReads& registers() override;
  Result<std::vector<Cause>> registerLog() override;
  Result<std::optional<ImportBatch>> importBatch(const std::string& batch_id) override;
  Result<int64_t> countCases(const CaseFilter& f) override;

  // Engine facts for tests and operators: how often the writer connection was replaced (see
  // trimWriterCache) and what the background checkpointer did.
  uint64_t writerRenewals();
  sqlite::WalCheckpointer::Stats checkpointStats();

 private:
  SqliteStore() = default;
  using Conn = sqlite::Conn;
  class Reader;
  class WriteTx;
  Reader acquire();
  std::shared_ptr<Conn> borrow();  // a reader for the registers, back to the pool when dropped
  void release(Conn* c);
  Result<void> upgradeRows();
  // runBatch's two halves, under writer_mu_: the units in one transaction; then the writer's
  // connection renewed after a batch that grew its page cache (see kCacheKiB in the .cpp).
  void runUnits(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results);
  void trimWriterCache();

  std::string path_;
  std::unique_ptr<Conn> writer_;
  std::mutex writer_mu_;
  uint64_t writer_renewals_ = 0;  // under writer_mu_
  bool grew_cache_ = false;       // the last batch's cache passed kRenewCacheBytes; writer_mu_
  CommitListener listener_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> readers_;
  std::unique_ptr<sqlite::SqliteRegisterReads> registers_;
  // Declared after writer_: stopped (and its hook removed) before the writer closes.
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;
};

}  // namespace jingban
