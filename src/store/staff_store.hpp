// Storage of staff accounts and their sign-in sessions (the auth module's storage interface).
// Engines implement it in store/<engine>/.
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
};

class StaffStore {
 public:
  virtual ~StaffStore() = default;
  virtual Result<void> putStaff(const StaffRecord& s) = 0;
  virtual Result<std::optional<StaffRecord>> staff(const std::string& username) = 0;
  virtual Result<void> putSession(const std::string& token_hash, const std::string& username,
                                  int64_t expires_at) = 0;
  virtual Result<std::optional<std::pair<std::string, int64_t>>> session(
      const std::string& token_hash) = 0;
};

}  // namespace jingban
