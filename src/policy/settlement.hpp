// The settlement arithmetic of a reimbursement claim (结算单): a pure function of the policy, the
// claim's fee lines and the claimant's year-to-date figures, explaining every line and every step.
// Money is int64 fen with checked sums; each step rounds once, half up to the fen (docs/POLICY.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "policy/policy.hpp"
#include "registers/registers.hpp"

namespace jingban {

enum class FeeClass { kA, kB, kC };    // 甲类, 乙类, 丙类
const char* feeClassName(FeeClass c);  // 甲 | 乙 | 丙
std::optional<FeeClass> parseFeeClass(std::string_view s);

struct FeeLine {
  std::string code, name;
  FeeClass cls = FeeClass::kA;
  int64_t amount_fen = 0;
  int64_t self_paid_fen = 0;  // 自费: paid by the patient outright, outside the policy scope
};

struct ClaimInput {
  std::vector<FeeLine> lines;
  int hospital_level = 1;               // 1 … 3 (0 until the institution register gives it)
  std::string admission;                // admission / visit date, YYYY-MM-DD
  std::vector<std::string> identities;  // the claimant's (低保, 特困 …) for 医疗救助
};

// Bounds a claim must respect (the form schema enforces the same): they keep every product of an
// amount and a ratio inside int64.
inline constexpr size_t kMaxFeeLines = 1000;
inline constexpr int64_t kMaxLineFen = 1'000'000'000'000;  // Money::kMaxFen

// The claim of a reimbursement form (`fee_lines`, `hospital_level`, `visit_date`, and
// `admission_date` when given: the per-admission deductible counts admissions). A form naming
// `institution_code` may leave `hospital_level` out (hospital_level 0: the caller takes the
// level from the institution register before settling). 422
// `invalid_claim` names the problem (never the input).
Result<ClaimInput> claimInputFromForm(const nlohmann::json& form,
                                      std::vector<std::string> identities);

struct SettledLine {
  std::string code, name;
  FeeClass cls = FeeClass::kA;
  int64_t amount_fen = 0;
  int64_t excluded_fen = 0;    // 丙类 (whole line) or its 自费 part
  int64_t first_paid_fen = 0;  // 乙类先行自付
  int64_t eligible_fen = 0;    // 政策范围内: amount − excluded − first-paid
};

struct SettlementStep {
  std::string name;  // 剔除丙类及自费, 乙类先行自付, 起付线, 统筹基金支付 …
  int64_t base_fen = 0;              // what the step applies to
  std::optional<int> rate_permille;  // the ratio, when the step applies one
  int64_t amount_fen = 0;            // what the step takes or pays
  std::string note;                  // why, in Chinese, with the policy figures
};

struct Settlement {
  int64_t total_fen = 0, fund_fen = 0, serious_illness_fen = 0, assistance_fen = 0;
  int64_t personal_fen = 0;           // total − fund − serious illness − assistance
  int64_t deductible_fen = 0;         // the part of the deductible this claim used
  int64_t eligible_fen = 0;           // Σ eligible of the lines
  int64_t personal_eligible_fen = 0;  // 政策范围内个人负担 of this claim: eligible − fund
  std::vector<SettledLine> lines;
  std::vector<SettlementStep> steps;
  bool example = false;  // the policy's figures are examples (示例参数)
};

// Order: remove 丙类 and 自费 → remove the 乙类 first-paid share → the deductible (less what the
// year's claims used, when it counts once per year) → the fund ratio of the hospital level, up to
// the annual cap less what the fund paid this year → 大病保险 tiers on the year's accumulated
// personal burden above its threshold → 医疗救助 for an assistance identity. Fails (422
// `invalid_claim`) on a claim outside the bounds above.
Result<Settlement> settle(const InsurancePolicy& policy, const ClaimInput& claim,
                          const YearToDate& ytd);

// {total_fen, fund_fen, serious_illness_fen, assistance_fen, personal_fen, steps, lines, example}.
nlohmann::json settlementJson(const Settlement& s);

}  // namespace jingban
