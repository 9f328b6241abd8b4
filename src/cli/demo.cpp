#include "cli/demo.hpp"

namespace jingban {

Result<std::vector<DemoAccount>> seedDemoStaff(const Catalog& catalog, StaffStore& store,
                                               Auth& auth) {
  const std::string password = "jingban-demo";
  std::vector<DemoAccount> out;
  auto ensure = [&](const Region& r, const std::string& username, const std::string& label,
                    const std::vector<std::string>& roles) -> Result<void> {
    auto existing = store.staff(username);
    if (!existing) return std::unexpected(existing.error());
    if (!*existing) {
      if (auto c = auth.createStaff(username, r.name + label, r.id, roles, password); !c)
        return std::unexpected(c.error());
    }
    std::string joined;
    for (const auto& x : roles) joined += (joined.empty() ? "" : ",") + x;
    out.push_back({username, password, r.id, joined, label});
    return {};
  };
  for (const auto& r : catalog.regions()) {
    std::vector<std::string> reviewRoles;
    for (const auto& role : r.roles) {
      if (auto e = ensure(r, r.id + "_" + role.id, role.name, {role.id}); !e)
        return std::unexpected(e.error());
      // A second reviewer per review role, so that an item with two review steps of the same role
      // can be handled without breaking the four-eyes rule.
      if (role.kind == "review") {
        reviewRoles.push_back(role.id);
        if (auto e = ensure(r, r.id + "_" + role.id + "_2", role.name + "（二）", {role.id}); !e)
          return std::unexpected(e.error());
      }
    }
    // A section head (科长) who may act at any review step, but never twice on one case.
    if (auto e = ensure(r, r.id + "_lead", "审核科长", reviewRoles); !e)
      return std::unexpected(e.error());
  }
  return out;
}

}  // namespace jingban
