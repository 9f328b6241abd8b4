// SQLite engine of the staff store. Its own connection to the database file (WAL lets it write
// between the case committer's transactions); sign-ins and account changes are rare next to case
// actions.
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
  // Opens (creating and migrating if needed: the `staff` command opens a file on its own).
  static Result<std::unique_ptr<SqliteStaffStore>> open(const std::string& path);
  ~SqliteStaffStore() override;

  Result<std::optional<StaffRecord>> staff(const std::string& username) override;
  Result<std::vector<StaffRecord>> staffOfRegion(const std::string& region) override;
  Result<void> addStaff(const StaffRecord& s, const StaffAuditEntry& audit) override;
  Result<void> updateStaff(const StaffRecord& s, const StaffAuditEntry& audit, bool revoke_sessions,
                           bool unlock) override;
  Result<FailedLogin> recordFailedLogin(const std::string& username, int lock_after, int64_t now,
                                        int64_t lock_until) override;
  Result<void> clearFailedLogins(const std::string& username) override;
  Result<void> putSession(const std::string& token_hash, const std::string& username,
                          int64_t created_at, int64_t expires_at) override;
  Result<std::optional<Session>> session(const std::string& token_hash) override;
  Result<void> deleteSession(const std::string& token_hash) override;
  Result<int> pruneSessions(int64_t now) override;

 private:
  SqliteStaffStore() = default;
  // Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back when it fails.
  template <typename F>
  Result<void> transaction(const char* what, F&& body);
  Result<void> insertAudit(const StaffAuditEntry& a);
  std::mutex mu_;
  std::unique_ptr<sqlite::Conn> conn_;
};

}  // namespace jingban
