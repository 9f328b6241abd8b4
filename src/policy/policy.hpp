// Policy parameters (待遇政策参数) per region, insurance type and year, loaded from
// policy/<region>.yaml: what the settlement arithmetic (policy/settlement.hpp) and the premium
// subsidy read. The seeds give no figures, so every shipped value is an example (`example: true`,
// shown as 示例参数) with its `source`; the format is in docs/POLICY.md.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "policy/care_rules.hpp"

namespace jingban {

// Insurance types the registers know (Person::insurance_type).
inline constexpr const char* kEmployeeInsurance = "职工";
inline constexpr const char* kResidentInsurance = "城乡居民";
inline constexpr const char* kFlexibleInsurance = "灵活就业";

enum class DeductibleBasis {
  kPerYear,       // 起付线 once per calendar year: what earlier claims of the year used counts
  kPerAdmission,  // 起付线 at every admission / visit
};
const char* deductibleBasisName(DeductibleBasis b);  // per_year | per_admission

// One tier of 大病保险: the ratio applies to the year's accumulated 政策范围内个人负担 from the
// previous tier's bound (the threshold for the first tier) up to `up_to_fen`; the last tier may
// have no bound.
struct SeriousIllnessTier {
  std::optional<int64_t> up_to_fen;
  int ratio_permille = 0;
};

struct SeriousIllnessPolicy {
  int64_t threshold_fen = 0;  // 起付标准, over the year's accumulated personal burden
  std::vector<SeriousIllnessTier> tiers;
  int64_t annual_cap_fen = 0;
};

struct AssistancePolicy {
  std::map<std::string, int> ratio_permille;  // identity (特困, 低保, 重度残疾 …) → ratio
  int64_t annual_cap_fen = 0;
};

// A subsidy of the resident premium for one identity: the whole premium, or a fixed amount.
struct PremiumSubsidy {
  bool full = false;
  int64_t amount_fen = 0;  // when not full
};

struct PremiumPolicy {
  int64_t personal_fen = 0;  // 个人缴费, per person and year
  std::map<std::string, PremiumSubsidy> subsidy;
};

// 门诊慢特病: the outpatient claim for a qualified disease (policy/care_rules.hpp) is settled with
// these instead of the general deductible and ratios; the annual fund cap stays the policy's.
struct ChronicOutpatientPolicy {
  std::array<int64_t, 3> deductible_fen{};  // by hospital level 1 … 3, once per year
  std::array<int, 3> ratio_permille{};
};

struct InsurancePolicy {
  std::string region, insurance_type;
  int year = 0;
  bool example = true;
  std::string source;
  std::string file;  // where it was read, for messages
  int line = 0;

  DeductibleBasis deductible_basis = DeductibleBasis::kPerYear;
  std::array<int64_t, 3> deductible_fen{};  // by hospital level 1 … 3
  std::array<int, 3> ratio_permille{};      // by hospital level 1 … 3
  int64_t annual_fund_cap_fen = 0;          // 统筹基金年度最高支付限额
  int class_b_first_paid_permille = 0;      // 乙类先行自付比例
  SeriousIllnessPolicy serious_illness;
  AssistancePolicy assistance;
  std::optional<PremiumPolicy> premium;  // 城乡居民 (required there)
  // 退休时医保最低缴费年限 by sex (男 / 女); empty when the type has none (城乡居民).
  std::map<std::string, int> required_contribution_years;
  std::optional<ChronicOutpatientPolicy> chronic_outpatient;

  // The deductible / ratio of a hospital level 1 … 3 (levels outside are clamped: the caller
  // validates them first).
  int64_t deductibleFor(int level) const;
  int ratioFor(int level) const;
  // Months of contribution required at retirement for 男 / 女; 0 when the type sets none; for any
  // other value the larger of the two (an unknown sex must not lower the requirement).
  int requiredContributionMonths(const std::string& sex) const;
  // The premium subsidy for the first of `identities` the policy subsidises, best first (a full
  // subsidy before a fixed one, then the larger amount); nullopt when none applies.
  struct SubsidyChoice {
    std::string identity;
    int64_t amount_fen = 0;
  };
  std::optional<SubsidyChoice> subsidyFor(const std::vector<std::string>& identities) const;
  // The 医疗救助 ratio for the best of `identities`; nullopt when none is an assistance identity.
  struct AssistanceChoice {
    std::string identity;
    int ratio_permille = 0;
  };
  std::optional<AssistanceChoice> assistanceFor(const std::vector<std::string>& identities) const;
};

class PolicySet {
 public:
  // Loads every *.yaml in `dir` (one file per region, `region:` equal to the file's stem). Strict:
  // unknown keys, ratios outside 0 … 1000, negative amounts, tiers out of order, a duplicate
  // (region, type, year) are refused; the message lists every problem as "file:line: message".
  static Result<std::shared_ptr<const PolicySet>> loadDir(const std::string& dir);

  // The policy of (region, insurance type, year). 灵活就业 falls back to 职工 when the region
  // gives it no entry of its own; a region that `extends` another falls back to that one.
  // nullptr when none applies.
  const InsurancePolicy* find(const std::string& region, const std::string& insurance_type,
                              int year) const;
  const std::vector<InsurancePolicy>& policies() const { return policies_; }
  // The region a region's file extends, or "".
  std::string extends(const std::string& region) const;
  // Remote-care filing rules and the disease catalogue of a region (or the region it extends);
  // nullptr when none is loaded (policy/filings/, policy/diseases/: care_rules.cpp).
  const FilingRules* filingRules(const std::string& region) const;
  const DiseaseCatalog* diseases(const std::string& region) const;
  // 门诊统筹签约 rules (policy/signing/); nullptr when none is loaded.
  const SigningRules* signingRules(const std::string& region) const;

 private:
  friend class PolicyLoader;
  friend class CareRulesLoader;
  std::map<std::string, FilingRules> filing_rules_;
  std::map<std::string, DiseaseCatalog> diseases_;
  std::map<std::string, SigningRules> signing_rules_;
  const InsurancePolicy* exact(const std::string& region, const std::string& type, int year) const;
  std::vector<InsurancePolicy> policies_;
  std::map<std::string, std::string> extends_;
};

}  // namespace jingban
