// Which of an item's materials a case still lacks, given the situations it declared and what the
// window has checked: the basis of 受理 and of the one-time notice (一次性告知).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace jingban {

// How a material is satisfied: provided (提交), commitment (承诺书代替), shared (数据共享免提交).
using MaterialStatus = std::map<std::string, std::string>;

struct MissingMaterial {
  std::string id;    // material id, or group id for a 任选其一 group
  std::string name;  // what the notice tells the applicant to bring
};

// Refuses unknown material ids, unknown statuses, and a commitment or data-sharing claim on a
// material that does not allow it.
Result<void> checkStatuses(const Item& item, const MaterialStatus& status);
// Everything still missing, in catalog order. Empty means the materials are complete. A material
// waived on the case's `channel` (网上办理无需提交) is not required there.
std::vector<MissingMaterial> missingMaterials(const Item& item, const std::set<std::string>& conds,
                                              const MaterialStatus& status,
                                              const std::string& channel = "");

}  // namespace jingban
