#include "cli/demo.hpp"

#include <iostream>

#include "obs/log.hpp"

namespace jingban {

Result<std::vector<DemoAccount>> seedDemoStaff(const Catalog& catalog, StaffStore& store,
                                               Auth& auth) {
  const std::string password = kDemoPassword;
  std::vector<DemoAccount> out;
  auto ensure = [&](const Region& r, const std::string& username, const std::string& label,
                    const std::vector<std::string>& roles) -> Result<void> {
    auto existing = store.staff(username);
    if (!existing) return std::unexpected(existing.error());
    if (!*existing) {
      // The demo password is public and weak on purpose (README): the strength rule is waived
      // for these accounts only, which exist only under `serve --demo`.
      auto c =
          auth.addStaff(ChangedBy::operatorNamed("demo"), catalog,
                        {username, r.name + label, r.id, roles, password}, PasswordRule::kDemoOnly);
      if (!c) return std::unexpected(c.error());
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
    // The region's administrator of staff accounts.
    if (auto e = ensure(r, r.id + "_admin", "系统管理员", {kAdminRole}); !e)
      return std::unexpected(e.error());
  }
  std::cerr << kDemoWarning << std::endl;
  obs::warn("demo_accounts",
            {{"count", out.size()}, {"note", "public password, demonstration only"}});
  return out;
}

}  // namespace jingban
