// The monthly settlement of a designated institution (010001 定点医疗机构费用结算, 010002 定点零售
// 药店费用结算): the effect handler, and what the upload route asks of it — the region's fee
// catalogue, the 乙类 first-paid share and the institution's agreement — so that the upload and
// the case check the same things.
//
// The flow (seed 000 chart 4-23; Yunnan's guide): the upload of the month's fee lines is the
// application (申请, its totals in the case's form) → 受理 (the settlement entry is registered,
// 审核中) → 初审 / 复审 see the totals and the rejected lines' counts and sample → passing the last
// review step makes the 基金拨付单 (已制单) → the institution confirms it in the portal (对账,
// 已对账; settlement_record.hpp) → 拨付 pays the 拨付单's amount to the institution through the
// payments ledger (已拨付) → 办结.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "effects/effect.hpp"
#include "settlement/fee_catalogue.hpp"

namespace jingban {

class PolicySet;

// The institution register's entry as the settlement reads it (kind "institution", written by the
// designation items: key = code, owner = credit code, status 定点 | 暂停 | 解除, from / to = the
// agreement period, data {name, category 医疗机构 | 零售药店, bank_account …}).
struct InstitutionFacts {
  std::string code, credit_code, name, category, status, from, to, bank_account;
};

class SettlementEffect : public EffectHandler {
 public:
  // 医疗机构 for institution_settlement, 零售药店 for pharmacy_settlement.
  virtual const char* category() const = 0;
  // The region's fee catalogue (the region's own file, else the one of the region it extends);
  // 503 when the catalogue directory cannot be read, 422 when the region has none.
  virtual Result<const settlement::FeeCatalogue*> catalogue(const Region& region) const = 0;
  // 乙类先行自付比例 of the region's 职工 policy for the month's year (example parameters).
  virtual Result<int> firstPaidPermille(const std::string& region,
                                        const std::string& month) const = 0;
  // The institution, checked for a settlement of `month`: registered in the region, of this
  // item's category, its agreement overlapping the month. The refusal names what is wrong.
  Result<InstitutionFacts> institution(RegisterView& view, const std::string& region,
                                       const std::string& code, const std::string& month) const;
};

// Where the fee catalogues are read from: $JINGBAN_FEE_CATALOGUE_DIR, else catalog/fee_catalogue
// in the working directory, else beside the build directory (as the other data directories).
std::string feeCatalogueDir();

}  // namespace jingban
