// 生育保险 rules per region as data (policy/maternity/<region>.yaml) and the pure arithmetic of
// the 生育津贴 (unit's average monthly wage ÷ 30 × entitled days) and of the 医保费申报核定.
//
// Rounding: money is int64 fen; each figure is rounded once, half up to the fen, at the end of its
// own computation (allowance = ⌊(wage × days + 15) / 30⌋; average wage = ⌊(total + 6n) / 12n⌋;
// a fee = ⌊(base × ‰ + 500) / 1000⌋), never from an already rounded intermediate.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "policy/policy.hpp"
#include "policy/settlement.hpp"

namespace jingban {

// The four benefits of 生育保险待遇核准支付 (007001–007004).
enum class MaternityBenefit { kPrenatal, kMedical, kFamilyPlanning, kAllowance };
const char* maternityBenefitKey(
    MaternityBenefit b);  // prenatal | medical | family_planning | allowance
const char* maternityBenefitName(
    MaternityBenefit b);  // 产前检查费 | 生育医疗费 | 计划生育医疗费 | 生育津贴
std::optional<MaternityBenefit> parseMaternityBenefit(std::string_view key);

// The kinds of the 生育待遇申报表 (Yunnan 附件9): births and miscarriages, then 计划生育手术.
inline constexpr const char* kBirthKinds[] = {"顺产", "难产", "剖宫产", "妊娠4个月以上流产",
                                              "妊娠4个月以下流产"};

struct FeeRates {  // 医保费申报核定 (Qingdao): per mille of the declared wage base
  int unit_medical_permille = 0, personal_medical_permille = 0, unit_maternity_permille = 0;
};

struct MaternityRules {
  std::string region;
  bool example = true;
  std::string source, file;

  // 生育津贴: entitled days.
  int birth_days = 98;            // a birth (Yunnan: 158 in all)
  int before_birth_days = 15;     // of which before the birth (shown, not added)
  int difficult_extra_days = 15;  // +15 for a difficult birth
  std::vector<std::string> difficult_kinds{"难产", "剖宫产"};
  int extra_baby_days = 15;                          // +15 per extra baby
  int miscarriage_early_days = 15;                   // 妊娠4个月以下流产
  int miscarriage_late_days = 42;                    // 妊娠4个月以上流产
  std::map<std::string, int> family_planning_days;   // 计划生育津贴 by surgery (example)
  std::string allowance_payee = "unit";              // unit | person
  std::vector<std::string> no_allowance_unit_types;  // Qinghai: 机关, 全额拨款事业
  std::string wage_source = "entered";  // declaration: the unit's wage declaration is required

  // Who may claim what.
  std::vector<std::string> flexible_benefits;  // benefit keys a 灵活就业 person may claim
  bool spouse_medical = false;                 // 男职工未就业配偶 gets the medical costs
  int claim_within_months = 12;                // 生育后一年内 (checked at 受理)
  int filing_after_months = 3;                 // 怀孕满三个月后 (生育备案)
  bool filing_required = false;                // a 生育备案 must precede the benefits

  // Medical costs (产前检查费, 生育医疗费, 计划生育医疗费): settled on the fee lines like a claim,
  // without deductible, at this ratio, up to a cap per benefit and birth (0 = none).
  int medical_ratio_permille = 1000;
  int class_b_first_paid_permille = 0;
  std::map<std::string, int64_t> cap_fen;  // by benefit key

  std::optional<FeeRates> fee_rates;

  bool flexibleMay(MaternityBenefit b) const;
  bool allowanceExcludedFor(const std::string& unit_type) const;
  int64_t capFor(MaternityBenefit b) const;  // 0 = none
};

class MaternityRuleSet {
 public:
  // Every *.yaml of `dir` (one per region, `region:` equal to the stem); strict like the policy
  // loader: unknown keys, negative days or amounts, ratios outside 0 … 1000 are refused with
  // "file:line: message". A region may `extends` another and then takes its rules whole.
  static Result<std::shared_ptr<const MaternityRuleSet>> loadDir(const std::string& dir);
  // The rules of policy/maternity/ beside the files `policies` was read from (PolicySet keeps
  // where each entry came from); nullptr when there are none.
  static std::shared_ptr<const MaternityRuleSet> besidePolicies(const PolicySet* policies);

  const MaternityRules* find(const std::string& region) const;
  std::vector<std::string> regions() const;

  std::map<std::string, MaternityRules> rules_;
  std::map<std::string, std::string> extends_;
};

// The entitled days of one event: a birth kind with its number of babies, a miscarriage, or a
// 计划生育手术 the rules give days for; each part explained. 422 `unknown_birth_kind` otherwise.
struct AllowanceDays {
  int days = 0;
  std::vector<std::pair<std::string, int>> parts;  // (why, days)
};
Result<AllowanceDays> allowanceDays(const MaternityRules& r, const std::string& kind, int babies);

struct Allowance {
  int64_t avg_monthly_wage_fen = 0;
  AllowanceDays days;
  int64_t amount_fen = 0;
};
// avg_monthly_wage ÷ 30 × days, rounded once. 422 for a wage outside 1 … 10^12 fen.
Result<Allowance> maternityAllowance(const MaternityRules& r, int64_t avg_monthly_wage_fen,
                                     const std::string& kind, int babies);
nlohmann::json allowanceJson(const Allowance& a, const MaternityRules& r);

// The unit's average monthly wage of a year: the year's wage total ÷ 12 ÷ average head count.
Result<int64_t> averageMonthlyWage(int64_t year_total_fen, int employees);

// The policy a maternity fee claim is settled with: the settlement of policy/settlement.hpp,
// with no deductible, 大病 or 救助, the maternity ratio, and the benefit's cap (less what was paid
// for the same benefit and event before) as the fund's limit.
InsurancePolicy maternityClaimPolicy(const MaternityRules& r, MaternityBenefit b);
// settle() on that policy, keeping the steps that apply to maternity costs (剔除丙类及自费,
// 乙类先行自付, 生育保险基金支付).
Result<Settlement> settleMaternityClaim(const MaternityRules& r, MaternityBenefit b,
                                        const ClaimInput& claim, int64_t paid_before_fen);

struct FeeAssessment {
  int64_t base_fen = 0;
  int64_t unit_medical_fen = 0, personal_medical_fen = 0, unit_maternity_fen = 0, total_fen = 0;
};
Result<FeeAssessment> assessFees(const FeeRates& rates, int64_t monthly_base_fen);
nlohmann::json feeAssessmentJson(const FeeAssessment& f, const FeeRates& rates);

// `d` plus `months` calendar months (the last day of a shorter month).
std::string plusMonthsText(const std::string& ymd, int months);

}  // namespace jingban
