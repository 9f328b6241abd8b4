// SQLite engine of the case store: WAL journal, synchronous=FULL, versioned migrations (PRAGMA
// user_version). One writer connection (the committer thread) and a pool of readers.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "store/store.hpp"

namespace jingban::sqlite {
struct Conn;
}

namespace jingban {

class SqliteStore : public Store {
 public:
  // Opens or creates the file, upgrades its schema to the latest version, and brings rows of
  // older versions up to date (event hash chains, query codes).
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;
  static int schemaVersion();  // latest version the code knows

  void runBatch(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results) override;
  Result<std::optional<CaseState>> loadCase(const std::string& case_no) override;
  Result<std::vector<CaseState>> listCases(const CaseFilter& f) override;
  Result<std::optional<IdempotencyRecord>> idempotency(const std::string& scope) override;
  Result<int> registerChangeCount(const std::string& case_no) override;
  Result<int64_t> countCases(const CaseFilter& f) override;

 private:
  SqliteStore() = default;
  using Conn = sqlite::Conn;
  class Reader;
  class WriteTx;
  Reader acquire();
  void release(Conn* c);
  Result<void> upgradeRows();

  std::string path_;
  std::unique_ptr<Conn> writer_;
  std::mutex writer_mu_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> readers_;
};

}  // namespace jingban
