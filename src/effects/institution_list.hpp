// 定点医药机构名单: the hospitals and pharmacies designated before the agency ran its items in
// Jingban, taken over as one import batch per region (the demo seeds one hospital and one pharmacy
// per region this way). Codes come from the same counter the designation effect (009001 / 009002)
// allocates from, so the list's institutions are H…00001, P…00001 and later designations follow.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace jingban {

class Committer;

inline constexpr const char* kInstitutionBatchKind = "institutions";
inline constexpr const char* kInstitutionKind = "institution";  // RegisterEntry kind
inline constexpr const char* kInstitutionDesignated = "定点";

// 'H' for a 医疗机构, 'P' for a 零售药店 (issue 8 §5).
char institutionPrefix(const std::string& category);
// The counter of a region's codes of one prefix: "institution:<region>:H".
std::string institutionCounter(const std::string& region, char prefix);
// prefix + 6-digit division + 5-digit sequence: H63000000001.
Result<std::string> institutionCode(char prefix, const std::string& division, int64_t n);

struct ListedInstitution {
  std::string category;  // 医疗机构 | 零售药店
  std::string credit_code, name;
  std::string level;  // 一级 | 二级 | 三级 (hospitals), "" (pharmacies)
  std::string agreement_from, agreement_to;  // YYYY-MM-DD; to "" = open
  std::string address, bank_account;
};

// Stores the list as a batch of `region` (division: its 6-digit code) and registers each
// institution (status 定点, the agreement period as from/to) in one unit of work; `done` gets
// the codes, in list order.
void importInstitutions(Committer& committer, const std::string& region,
                        const std::string& division, const std::string& actor, int64_t at,
                        std::vector<ListedInstitution> list,
                        std::function<void(Result<std::vector<std::string>>)> done);

// Applies a stored batch again (the rebuild): the same codes, allocated in the same order.
Result<std::vector<std::string>> applyInstitutionBatch(const ImportBatch& batch, RegisterTx& tx);

}  // namespace jingban
