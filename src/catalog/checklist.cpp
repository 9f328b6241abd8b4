#include "catalog/checklist.hpp"

namespace jingban {

Result<void> checkStatuses(const Item& item, const MaterialStatus& status) {
  for (const auto& [id, st] : status) {
    const Material* m = item.material(id);
    if (!m)
      return fail(ErrorCode::kUnprocessable, "unknown_material",
                  "事项“" + item.name + "”没有材料 " + id);
    if (st == "provided" || st == "missing") continue;
    if (st == "commitment") {
      if (!m->commitment)
        return fail(ErrorCode::kUnprocessable, "commitment_not_allowed",
                    "材料“" + m->name + "”不适用承诺制，须提交原件或复印件");
      continue;
    }
    if (st == "shared") {
      if (m->shared_data.empty())
        return fail(ErrorCode::kUnprocessable, "sharing_not_allowed",
                    "材料“" + m->name + "”不能通过数据共享免于提交");
      continue;
    }
    return fail(ErrorCode::kBadRequest, "bad_material_status",
                "材料状态须为 provided / commitment / shared / missing，收到：" + st);
  }
  return {};
}

std::vector<MissingMaterial> missingMaterials(const Item& item, const std::set<std::string>& conds,
                                              const MaterialStatus& status,
                                              const std::string& channel) {
  auto satisfied = [&](const Material& m) {
    auto it = status.find(m.id);
    return it != status.end() && it->second != "missing";
  };
  auto applies = [&](const Material& m) {
    return !m.optional && (m.when.empty() || conds.count(m.when)) && !m.waivedOn(channel);
  };
  std::vector<MissingMaterial> out;
  std::set<std::string> groupsDone;
  for (const auto& m : item.materials) {
    if (!applies(m)) continue;
    if (m.group.empty()) {
      if (!satisfied(m)) out.push_back({m.id, m.name});
      continue;
    }
    if (groupsDone.count(m.group)) continue;
    groupsDone.insert(m.group);
    bool any = false;
    for (const auto& o : item.materials)
      if (o.group == m.group && applies(o) && satisfied(o)) any = true;
    if (any) continue;
    std::string text;
    for (const auto& g : item.material_groups)
      if (g.id == m.group) text = g.text;
    out.push_back({m.group, text + "（任选其一）"});
  }
  return out;
}

}  // namespace jingban
