// Demo staff for `serve --demo`: one account per role of every region, plus an admin per region.
// They share the public password below and exist for demonstrations only.
#pragma once

#include <string>
#include <vector>

#include "auth/auth.hpp"
#include "catalog/catalog.hpp"

namespace jingban {

inline constexpr const char* kDemoPassword = "jingban-demo";

struct DemoAccount {
  std::string username, password, region, role, role_name;
};

// Creates the accounts that do not exist yet; returns all of them.
Result<std::vector<DemoAccount>> seedDemoStaff(const Catalog& catalog, StaffStore& store,
                                               Auth& auth);

// The warning printed with the demo accounts.
inline constexpr const char* kDemoWarning =
    "警告：演示账号使用公开密码，仅供演示，切勿用于生产环境；正式账号请用 jingban staff add 创建";

}  // namespace jingban
