// Staff sign-in: argon2id password hashes (libsodium crypto_pwhash_str), random bearer tokens
// stored only as their SHA-256, and the roles each staff member holds in one region.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "calendar/date.hpp"
#include "store/staff_store.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

class Auth {
 public:
  Auth(StaffStore& store, Clock clock);
  static bool init();  // sodium_init; false if the library cannot start
  static std::string hashPassword(const std::string& password);
  static bool verifyPassword(const std::string& hash, const std::string& password);

  Result<void> createStaff(const std::string& username, const std::string& name,
                           const std::string& region, const std::vector<std::string>& roles,
                           const std::string& password);
  // Returns a bearer token valid for 12 hours.
  Result<std::string> signIn(const std::string& username, const std::string& password);
  // The staff member behind "Bearer <token>", or 401.
  Result<Actor> authenticate(const std::string& authorization_header);

 private:
  StaffStore& store_;
  Clock clock_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<Actor, int64_t>> cache_;  // token hash → actor, expiry
};

}  // namespace jingban
