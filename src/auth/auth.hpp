// Staff sign-in and administration: argon2id password hashes (libsodium crypto_pwhash_str), random
// bearer tokens stored only as their SHA-256, lockout, sessions, and the accounts' roles per
// region.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "calendar/date.hpp"
#include "catalog/catalog.hpp"
#include "store/staff_store.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

// The role that administers the staff accounts of its region. It is not a catalog role: no step
// of any item is held by it, and only this module gives it meaning.
inline constexpr const char* kAdminRole = "admin";

struct AuthOptions {
  int lock_after = 5;                   // consecutive failures that lock an account
  int64_t lock_seconds = 15 * 60;       // for this long
  int64_t session_seconds = 12 * 3600;  // a token's life
  size_t cache_capacity = 10000;        // tokens remembered in memory
  int64_t cache_ttl_seconds = 30;       // a revocation by another process is seen within this
  int64_t prune_interval_seconds = 60;  // expired sessions deleted at most this often
};

// 3–32 of [a-z0-9_]; 422 otherwise.
Result<void> checkUsername(std::string_view username);
// At least 10 characters with 3 of {lower, upper, digit, symbol}, or 16 characters of anything;
// not containing the username; not a common password. 422 `weak_password` saying the rule.
Result<void> checkPasswordStrength(std::string_view username, std::string_view password);

// Who changes an account: an admin through the API (who must hold `admin` in the account's
// region), or a trusted local operator (the command line, demo seeding) with a name for the audit.
struct ChangedBy {
  const Actor* admin = nullptr;
  std::string local;
  static ChangedBy api(const Actor& a) { return {&a, {}}; }
  static ChangedBy operatorNamed(std::string name) { return {nullptr, std::move(name)}; }
  std::string name() const { return admin ? admin->username : local; }
};

struct NewStaff {
  std::string username, name, region;
  std::vector<std::string> roles;
  std::string password;
};

enum class PasswordRule { kEnforce, kDemoOnly };

class Auth {
 public:
  Auth(StaffStore& store, Clock clock, AuthOptions options = {});
  static bool init();  // sodium_init; false if the library cannot start
  static std::string hashPassword(const std::string& password);
  static bool verifyPassword(const std::string& hash, const std::string& password);
  // What unknown and disabled accounts are verified against, so that they take as long as a
  // known one: a hash of a random password with the same cost parameters as hashPassword.
  static const char* dummyHash();

  // A bearer token valid for 12 hours; 401 for a wrong user or password (the same answer and the
  // same argon2 work whether the account exists or not), 403 `account_locked` while locked.
  Result<std::string> signIn(const std::string& username, const std::string& password);
  // The staff member behind "Bearer <token>", or 401.
  Result<Actor> authenticate(const std::string& authorization_header);
  // Ends the session of "Bearer <token>" (deleted from the table and the cache).
  Result<void> signOut(const std::string& authorization_header);

  // Staff administration. Every change writes a staff_audit row in the same transaction and a
  // log line; changing roles, disabling and resetting a password end the account's sessions.
  Result<StaffRecord> addStaff(const ChangedBy& by, const Catalog& catalog, const NewStaff& s,
                               PasswordRule rule = PasswordRule::kEnforce);
  Result<std::vector<StaffRecord>> listStaff(const ChangedBy& by, const std::string& region);
  Result<StaffRecord> setRoles(const ChangedBy& by, const Catalog& catalog,
                               const std::string& username, const std::vector<std::string>& roles);
  // Enabling also lifts a lockout.
  Result<StaffRecord> setDisabled(const ChangedBy& by, const std::string& username, bool disabled);
  // Also lifts a lockout.
  Result<StaffRecord> setPassword(const ChangedBy& by, const std::string& username,
                                  const std::string& password);

  int64_t now() const { return clock_().unix_seconds; }
  // For tests and metrics.
  uint64_t passwordVerifications() const { return verifications_.load(); }
  size_t cachedTokens();

 private:
  struct Cached {
    Actor actor;
    int64_t session_expires;
    int64_t recheck_at;  // after this the store is asked again (revocations by other processes)
  };
  bool verifyCounted(const std::string& hash, const std::string& password);
  Result<std::string> tokenKey(const std::string& header) const;
  void maybePrune(int64_t now);
  void cacheToken(const std::string& key, Cached c, int64_t now);
  void forgetUser(const std::string& username);
  Result<StaffRecord> loadForChange(const ChangedBy& by, const std::string& username);
  Result<StaffRecord> applyChange(const ChangedBy& by, StaffRecord next, const std::string& action,
                                  nlohmann::json detail, bool revoke, bool unlock);

  StaffStore& store_;
  Clock clock_;
  AuthOptions options_;
  std::atomic<uint64_t> verifications_{0};
  std::atomic<int64_t> last_prune_{0};
  std::mutex admin_mu_;  // one account change at a time: each rewrites the whole row
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // token hash → actor
};

}  // namespace jingban
