// The SQLite engine's answer to the dashboard's counts (store/stats.hpp): grouped queries on the
// indexed columns of cases and case_events, on reader connections of its own (opened on the same
// file as the store, after the store has migrated it).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/stats.hpp"

namespace jingban::sqlite {
struct Conn;
}

namespace jingban {

class SqliteCaseStats : public CaseStats {
 public:
  static Result<std::unique_ptr<SqliteCaseStats>> open(const std::string& path);
  ~SqliteCaseStats() override;
  Result<StatsCounts> counts(const StatsQuery& q) override;
  // The SQL of every query (the test checks each plan uses an index).
  static const std::vector<std::string>& queries();

 private:
  explicit SqliteCaseStats(std::string path);
  std::unique_ptr<sqlite::Conn> acquire();
  void release(std::unique_ptr<sqlite::Conn> c);

  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<sqlite::Conn>> idle_;  // readers between two requests
};

}  // namespace jingban
