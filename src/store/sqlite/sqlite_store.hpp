// SQLite engine of the store: WAL journal, synchronous=FULL, versioned migrations (PRAGMA
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
  // Opens or creates the file and upgrades its schema to the latest version.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;
  static int schemaVersion();  // latest version the code knows

  Result<void> commit(const std::vector<Mutation>& batch) override;
  Result<std::optional<CaseState>> loadCase(const std::string& case_no) override;
  Result<std::vector<CaseState>> listCases(const CaseFilter& f) override;
  Result<std::optional<std::string>> idempotentResponse(const std::string& key) override;
  Result<int> lastSequence(const std::string& prefix) override;
  Result<int> registerChangeCount(const std::string& case_no) override;

 private:
  SqliteStore() = default;
  using Conn = sqlite::Conn;
  class Reader;
  Reader acquire();
  void release(Conn* c);

  std::string path_;
  std::unique_ptr<Conn> writer_;
  std::mutex writer_mu_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> readers_;
};

}  // namespace jingban
