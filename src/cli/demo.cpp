#include "cli/demo.hpp"

namespace jingban {

Result<std::vector<DemoAccount>> seedDemoStaff(const Catalog& catalog, Store& store, Auth& auth) {
  const std::string password = "jingban-demo";
  std::vector<DemoAccount> out;
  for (const auto& r : catalog.regions()) {
    for (const auto& role : r.roles) {
      DemoAccount a{r.id + "_" + role.id, password, r.id, role.id, role.name};
      auto existing = store.staff(a.username);
      if (!existing) return std::unexpected(existing.error());
      if (!*existing) {
        if (auto c = auth.createStaff(a.username, r.name + role.name, r.id, {role.id}, password); !c)
          return std::unexpected(c.error());
      }
      out.push_back(a);
    }
  }
  return out;
}

}  // namespace jingban
