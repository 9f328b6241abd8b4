// SQLite engine of the staff store. Its own connection to the database file (WAL lets it write
// between the case committer's transactions); sign-ins are rare next to case actions.
#pragma once

#include <memory>
#include <mutex>

#include "store/staff_store.hpp"

namespace jingban {

namespace sqlite {
struct Conn;
}

class SqliteStaffStore : public StaffStore {
 public:
  // The file must already be migrated (SqliteStore::open does it).
  static Result<std::unique_ptr<SqliteStaffStore>> open(const std::string& path);
  ~SqliteStaffStore() override;

  Result<void> putStaff(const StaffRecord& s) override;
  Result<std::optional<StaffRecord>> staff(const std::string& username) override;
  Result<void> putSession(const std::string& token_hash, const std::string& username,
                          int64_t expires_at) override;
  Result<std::optional<std::pair<std::string, int64_t>>> session(
      const std::string& token_hash) override;

 private:
  SqliteStaffStore() = default;
  std::mutex mu_;
  std::unique_ptr<sqlite::Conn> conn_;
};

}  // namespace jingban
