// Demo staff for `serve --demo`: one account per role of every region.
#pragma once

#include <string>
#include <vector>

#include "auth/auth.hpp"
#include "catalog/catalog.hpp"

namespace jingban {

struct DemoAccount {
  std::string username, password, region, role, role_name;
};

// Creates the accounts that do not exist yet; returns all of them.
Result<std::vector<DemoAccount>> seedDemoStaff(const Catalog& catalog, StaffStore& store,
                                               Auth& auth);

}  // namespace jingban
