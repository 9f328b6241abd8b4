#include "policy/settlement.hpp"

#include <algorithm>
#include <cstdio>

#include "calendar/date.hpp"
#include "common/json_object.hpp"

namespace jingban {

const char* feeClassName(FeeClass c) {
  switch (c) {
    case FeeClass::kA:
      return "甲";
    case FeeClass::kB:
      return "乙";
    case FeeClass::kC:
      return "丙";
  }
  return "甲";
}

std::optional<FeeClass> parseFeeClass(std::string_view s) {
  if (s == "甲") return FeeClass::kA;
  if (s == "乙") return FeeClass::kB;
  if (s == "丙") return FeeClass::kC;
  return std::nullopt;
}

namespace {

std::unexpected<Error> invalid(const std::string& msg) {
  return fail(ErrorCode::kUnprocessable, "invalid_claim", msg);
}

std::unexpected<Error> overflow() {
  return fail(ErrorCode::kUnprocessable, "invalid_claim", "费用金额合计超出可结算范围");
}

// base × rate‰, rounded half up to the fen. base ≥ 0 and rate 0 … 1000, so the result is ≤ base.
int64_t ofPermille(int64_t base, int rate) {
  __int128 p = static_cast<__int128>(base) * rate + 500;
  return static_cast<int64_t>(p / 1000);
}

bool addTo(int64_t& acc, int64_t v) { return !__builtin_add_overflow(acc, v, &acc); }

std::string yuan(int64_t fen) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%02lld元", static_cast<long long>(fen / 100),
                static_cast<long long>(fen % 100));
  return buf;
}

std::string percent(int permille) {
  char buf[16];
  if (permille % 10 == 0)
    std::snprintf(buf, sizeof buf, "%d%%", permille / 10);
  else
    std::snprintf(buf, sizeof buf, "%d.%d%%", permille / 10, permille % 10);
  return buf;
}

const char* levelName(int level) {
  static const char* kNames[] = {"一级", "二级", "三级"};
  return kNames[std::clamp(level, 1, 3) - 1];
}

// The year's 政策范围内个人负担 before this claim, which the 大病 threshold counts. YearToDate does
// not carry it yet (asked for: YearToDate::personal_eligible_fen, summed over
// Claim::personal_eligible_fen); until the registers keep it, the threshold counts this claim's
// burden alone, and picks the figure up as soon as the field exists.
template <typename Y>
int64_t priorPersonalEligible(const Y& y) {
  if constexpr (requires { y.personal_eligible_fen; })
    return y.personal_eligible_fen;
  else
    return 0;
}

}  // namespace

Result<ClaimInput> claimInputFromForm(const nlohmann::json& form,
                                      std::vector<std::string> identities) {
  ClaimInput in;
  in.identities = std::move(identities);
  if (!form.is_object()) return invalid("报销信息格式不正确");
  auto lines = form.find("fee_lines");
  if (lines == form.end() || !lines->is_array() || lines->empty())
    return invalid("请填写费用明细（fee_lines）");
  if (lines->size() > kMaxFeeLines)
    return invalid("费用明细不能超过 " + std::to_string(kMaxFeeLines) + " 条");
  in.lines.reserve(lines->size());
  size_t row = 0;
  for (const auto& l : *lines) {
    ++row;
    // Named only when a line is refused (most forms are valid: no text built for them).
    auto at = [row] { return "费用明细第 " + std::to_string(row) + " 条"; };
    if (!l.is_object()) return invalid(at() + "格式不正确");
    FeeLine f;
    auto code = l.find("code");
    auto name = l.find("name");
    auto cls = l.find("class");
    auto amount = l.find("amount_fen");
    auto self = l.find("self_paid_fen");
    if (code == l.end() || !code->is_string() || name == l.end() || !name->is_string())
      return invalid(at() + "缺少项目编码或名称");
    auto fee_class = cls != l.end() && cls->is_string()
                         ? parseFeeClass(cls->get_ref<const std::string&>())
                         : std::nullopt;
    if (!fee_class) return invalid(at() + "的甲乙类别应为 甲、乙 或 丙");
    if (amount == l.end() || !amount->is_number_integer())
      return invalid(at() + "的金额应为整数（分）");
    f.code = code->get<std::string>();
    f.name = name->get<std::string>();
    f.cls = *fee_class;
    f.amount_fen = amount->get<int64_t>();
    if (f.amount_fen < 1 || f.amount_fen > kMaxLineFen)
      return invalid(at() + "的金额应在 1 … 10^12 分之间");
    if (self != l.end() && !self->is_null()) {
      if (!self->is_number_integer()) return invalid(at() + "的自付金额应为整数（分）");
      f.self_paid_fen = self->get<int64_t>();
      if (f.self_paid_fen < 0 || f.self_paid_fen > f.amount_fen)
        return invalid(at() + "的自付金额应在 0 与该条金额之间");
    }
    in.lines.push_back(std::move(f));
  }
  auto level = form.find("hospital_level");
  auto institution = form.find("institution_code");
  bool named = institution != form.end() && institution->is_string() &&
               !institution->get<std::string>().empty();
  if (named && (level == form.end() || level->is_null())) {
    in.hospital_level = 0;  // the institution register gives it (policy/claim_institution.hpp)
  } else {
    if (level == form.end() || !level->is_number_integer() || level->get<int64_t>() < 1 ||
        level->get<int64_t>() > 3)
      return invalid("医疗机构等级（hospital_level）应为 1、2 或 3");
    in.hospital_level = static_cast<int>(level->get<int64_t>());
  }
  auto visit = form.find("visit_date");
  if (visit == form.end() || !visit->is_string() || !Date::parse(visit->get<std::string>()))
    return invalid("就诊日期（visit_date）应为 YYYY-MM-DD");
  in.admission = visit->get<std::string>();
  auto admission = form.find("admission_date");
  if (admission != form.end() && !admission->is_null()) {
    if (!admission->is_string() || !Date::parse(admission->get<std::string>()))
      return invalid("入院日期（admission_date）应为 YYYY-MM-DD");
    in.admission = admission->get<std::string>();
  }
  return in;
}

Result<Settlement> settle(const InsurancePolicy& policy, const ClaimInput& claim,
                          const YearToDate& ytd) {
  if (claim.hospital_level < 1 || claim.hospital_level > 3)
    return invalid("医疗机构等级应为 1、2 或 3");
  if (claim.lines.size() > kMaxFeeLines)
    return invalid("费用明细不能超过 " + std::to_string(kMaxFeeLines) + " 条");
  if (ytd.fund_fen < 0 || ytd.serious_illness_fen < 0 || ytd.assistance_fen < 0 ||
      ytd.deductible_fen < 0 || priorPersonalEligible(ytd) < 0)
    return invalid("本年度累计数不能为负");
  Settlement s;
  s.example = policy.example;
  s.lines.reserve(claim.lines.size());
  s.steps.reserve(6);

  // 1. 丙类 lines leave whole; the 自费 part of any other line leaves too.
  int64_t excluded = 0, excluded_c = 0, class_b_base = 0;
  for (const auto& l : claim.lines) {
    if (l.amount_fen < 0 || l.amount_fen > kMaxLineFen || l.self_paid_fen < 0 ||
        l.self_paid_fen > l.amount_fen)
      return invalid("费用明细的金额或自付金额超出范围");
    SettledLine out{l.code, l.name, l.cls, l.amount_fen, 0, 0, 0};
    out.excluded_fen = l.cls == FeeClass::kC ? l.amount_fen : l.self_paid_fen;
    if (!addTo(s.total_fen, l.amount_fen) || !addTo(excluded, out.excluded_fen)) return overflow();
    if (l.cls == FeeClass::kC && !addTo(excluded_c, l.amount_fen)) return overflow();
    if (l.cls == FeeClass::kB && !addTo(class_b_base, l.amount_fen - out.excluded_fen))
      return overflow();
    s.lines.push_back(std::move(out));
  }
  s.steps.push_back({"剔除丙类及自费", s.total_fen, std::nullopt, excluded,
                     "丙类 " + yuan(excluded_c) + "，甲乙类中的自费部分 " +
                         yuan(excluded - excluded_c) + "，不属于政策范围"});

  // 2. 乙类先行自付: rounded once on the 乙类 sum; the lines carry it cumulatively (each line's
  // share is the rounded running total less the previous one), so they add up to the step.
  const int share = policy.class_b_first_paid_permille;
  int64_t first_paid = ofPermille(class_b_base, share);
  {
    int64_t running = 0, before = 0;
    for (auto& l : s.lines) {
      if (l.cls == FeeClass::kB) {
        running += l.amount_fen - l.excluded_fen;
        int64_t upto = ofPermille(running, share);
        l.first_paid_fen = upto - before;
        before = upto;
      }
      l.eligible_fen = l.amount_fen - l.excluded_fen - l.first_paid_fen;
      s.eligible_fen += l.eligible_fen;  // ≤ total: cannot overflow
    }
  }
  s.steps.push_back({"乙类先行自付", class_b_base, share, first_paid,
                     "乙类费用先由个人自付 " + percent(share) + "，其余进入政策范围"});

  // 3. 起付线.
  const int level = claim.hospital_level;
  const int64_t deductible = policy.deductibleFor(level);
  int64_t remaining_deductible = deductible;
  std::string deductible_note;
  if (policy.deductible_basis == DeductibleBasis::kPerYear) {
    remaining_deductible = std::max<int64_t>(0, deductible - ytd.deductible_fen);
    deductible_note = std::string(levelName(level)) + "医疗机构起付线 " + yuan(deductible) +
                      "，按年度计算，本年此前已计 " + yuan(ytd.deductible_fen);
  } else {
    deductible_note = std::string(levelName(level)) + "医疗机构起付线 " + yuan(deductible) +
                      "，每次入院（就诊）计算";
  }
  s.deductible_fen = std::min(s.eligible_fen, remaining_deductible);
  const int64_t after_deductible = s.eligible_fen - s.deductible_fen;
  s.steps.push_back({"起付线", s.eligible_fen, std::nullopt, s.deductible_fen, deductible_note});

  // 4. 统筹基金: the level's ratio, up to what the annual cap leaves.
  const int ratio = policy.ratioFor(level);
  const int64_t cap_left = std::max<int64_t>(0, policy.annual_fund_cap_fen - ytd.fund_fen);
  const int64_t by_ratio = ofPermille(after_deductible, ratio);
  s.fund_fen = std::min(by_ratio, cap_left);
  std::string fund_note = std::string(levelName(level)) + "医疗机构支付比例 " + percent(ratio) +
                          "；年度最高支付限额 " + yuan(policy.annual_fund_cap_fen) +
                          "，本年此前已支付 " + yuan(ytd.fund_fen);
  if (s.fund_fen < by_ratio)
    fund_note += "，已达年度限额，按比例应付 " + yuan(by_ratio) + "，实付 " + yuan(s.fund_fen);
  s.steps.push_back({"统筹基金支付", after_deductible, ratio, s.fund_fen, fund_note});
  s.personal_eligible_fen = s.eligible_fen - s.fund_fen;

  // 5. 大病保险: the tiers over the year's accumulated personal burden [prior, prior + this claim],
  // above the threshold; summed exactly, rounded once, then held to the annual cap.
  const auto& si = policy.serious_illness;
  const int64_t prior = priorPersonalEligible(ytd);
  int64_t upto_now = prior;
  if (!addTo(upto_now, s.personal_eligible_fen)) return overflow();
  __int128 tier_sum = 0;
  std::string tier_note;
  int64_t lower = si.threshold_fen;
  for (const auto& t : si.tiers) {
    int64_t upper = t.up_to_fen ? *t.up_to_fen : upto_now;
    int64_t from = std::max(lower, prior), to = std::min(upper, upto_now);
    if (to > from) {
      tier_sum += static_cast<__int128>(to - from) * t.ratio_permille;
      tier_note += "；" + yuan(to - from) + " 按 " + percent(t.ratio_permille);
    }
    if (!t.up_to_fen) break;
    lower = upper;
  }
  const int64_t by_tiers = static_cast<int64_t>((tier_sum + 500) / 1000);
  const int64_t si_left = std::max<int64_t>(0, si.annual_cap_fen - ytd.serious_illness_fen);
  s.serious_illness_fen = std::min(by_tiers, si_left);
  std::string si_note = "起付标准 " + yuan(si.threshold_fen) +
                        "（本年累计政策范围内个人负担，含本次 " + yuan(upto_now) + "）" +
                        (tier_note.empty() ? std::string("；未超过起付标准") : tier_note);
  if (s.serious_illness_fen < by_tiers) si_note += "；已达年度限额 " + yuan(si.annual_cap_fen);
  s.steps.push_back(
      {"大病保险", s.personal_eligible_fen, std::nullopt, s.serious_illness_fen, si_note});

  // 6. 医疗救助: the best ratio among the claimant's assistance identities, on what is left of the
  // personal burden within the policy scope, up to what the annual cap leaves.
  const int64_t assist_base = s.personal_eligible_fen - s.serious_illness_fen;
  auto choice = policy.assistanceFor(claim.identities);
  if (choice) {
    const int64_t by_ratio_a = ofPermille(assist_base, choice->ratio_permille);
    const int64_t left =
        std::max<int64_t>(0, policy.assistance.annual_cap_fen - ytd.assistance_fen);
    s.assistance_fen = std::min(by_ratio_a, left);
    std::string note = "救助对象（" + choice->identity + "）救助比例 " +
                       percent(choice->ratio_permille) + "；年度救助限额 " +
                       yuan(policy.assistance.annual_cap_fen) + "，本年此前已救助 " +
                       yuan(ytd.assistance_fen);
    if (s.assistance_fen < by_ratio_a) note += "，已达年度限额";
    s.steps.push_back(
        {"医疗救助", assist_base, choice->ratio_permille, s.assistance_fen, std::move(note)});
  } else {
    s.steps.push_back({"医疗救助", assist_base, std::nullopt, 0, "非医疗救助对象"});
  }

  s.personal_fen = s.total_fen - s.fund_fen - s.serious_illness_fen - s.assistance_fen;
  return s;
}

nlohmann::json settlementJson(const Settlement& s) {
  using nlohmann::json;
  json steps = json::array();
  steps.get_ref<json::array_t&>().reserve(s.steps.size());
  for (const auto& st : s.steps)
    steps.push_back(JsonObject()
                        .set("name", st.name)
                        .set("base_fen", st.base_fen)
                        .set("rate_permille", st.rate_permille ? json(*st.rate_permille) : json())
                        .set("amount_fen", st.amount_fen)
                        .set("note", st.note)
                        .take());
  json lines = json::array();
  lines.get_ref<json::array_t&>().reserve(s.lines.size());
  for (const auto& l : s.lines)
    lines.push_back(JsonObject()
                        .set("code", l.code)
                        .set("name", l.name)
                        .set("class", feeClassName(l.cls))
                        .set("amount_fen", l.amount_fen)
                        .set("excluded_fen", l.excluded_fen)
                        .set("first_paid_fen", l.first_paid_fen)
                        .set("eligible_fen", l.eligible_fen)
                        .take());
  return JsonObject()
      .set("total_fen", s.total_fen)
      .set("fund_fen", s.fund_fen)
      .set("serious_illness_fen", s.serious_illness_fen)
      .set("assistance_fen", s.assistance_fen)
      .set("personal_fen", s.personal_fen)
      .set("steps", std::move(steps))
      .set("lines", std::move(lines))
      .set("example", s.example)
      .take();
}

}  // namespace jingban
