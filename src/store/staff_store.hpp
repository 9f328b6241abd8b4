// Storage of staff accounts, their sign-in sessions and the audit trail of account changes (the
// auth module's storage interface). Engines implement it in store/<engine>/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace jingban {

struct StaffRecord {
  std::string username, name, region, password_hash;
  std::vector<std::string> roles;
  bool disabled = false;
  int failed_logins = 0;     // consecutive failures since the last success or lock
  int64_t locked_until = 0;  // unix seconds; sign-in refused before it
  int64_t updated_at = 0;
};

// One row of staff_audit: who changed which account, how. `detail` is JSON, never a password.
struct StaffAuditEntry {
  int64_t at = 0;
  std::string actor, target, action, detail;
};

// What a failed sign-in left behind.
struct FailedLogin {
  int failed_logins = 0;
  int64_t locked_until = 0;
  bool locked_now = false;  // this failure locked the account
};

struct Session {
  std::string username;
  int64_t expires_at = 0;
};

class StaffStore {
 public:
  virtual ~StaffStore() = default;
  virtual Result<std::optional<StaffRecord>> staff(const std::string& username) = 0;
  virtual Result<std::vector<StaffRecord>> staffOfRegion(const std::string& region) = 0;
  // Inserts a new account with its audit row, in one transaction; 409 when the username exists.
  virtual Result<void> addStaff(const StaffRecord& s, const StaffAuditEntry& audit) = 0;
  // Rewrites name, region, roles, password hash, disabled (and clears the failure count and lock
  // when `unlock`), writes the audit row and, when `revoke_sessions`, deletes every session of the
  // account: all in one transaction. 404 when the account does not exist.
  virtual Result<void> updateStaff(const StaffRecord& s, const StaffAuditEntry& audit,
                                   bool revoke_sessions, bool unlock) = 0;
  // Atomically counts one more failure. When the count reaches `lock_after`, the account is locked
  // until `lock_until`, the count restarts at zero and a "lock" audit row is written.
  virtual Result<FailedLogin> recordFailedLogin(const std::string& username, int lock_after,
                                                int64_t now, int64_t lock_until) = 0;
  virtual Result<void> clearFailedLogins(const std::string& username) = 0;

  virtual Result<void> putSession(const std::string& token_hash, const std::string& username,
                                  int64_t created_at, int64_t expires_at) = 0;
  virtual Result<std::optional<Session>> session(const std::string& token_hash) = 0;
  virtual Result<void> deleteSession(const std::string& token_hash) = 0;
  // Deletes the sessions that expired at or before `now`; returns how many.
  virtual Result<int> pruneSessions(int64_t now) = 0;
};

}  // namespace jingban
