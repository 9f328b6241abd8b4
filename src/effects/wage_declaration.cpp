// Qingdao's 单位医疗保险工资申报 (wage_declaration, 370200 item 1.6) and 企业职工医疗保险费、生育
// 保险费的申报核定 (fee_declaration, item 4), both 即时办结.
//
// - wage_declaration: the unit declares a year's wage total and its average head count; 受理
//   checks the unit is registered and computes the average monthly wage (total ÷ 12 ÷ head
//   count, rounded once); 办结 writes the "wage" entry "<credit_code>:<year>" (a new declaration
//   of the same year replaces it; the history keeps the old figures). The 生育津贴 of a birth in
//   year Y reads the entry of year Y−1 (effects/maternity.cpp).
// - fee_declaration: a unit (or an insured employee for themself) declares the monthly wage base
//   of a month; 受理 assesses the fees at the region's rates (policy/maternity/<region>.yaml,
//   declaration:) and records them; 办结 writes the "fee" entry "<id>:<YYYY-MM>".
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/maternity.hpp"
#include "registers/maternity.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

int64_t formInt(const json& form, const char* key) {
  auto it = form.find(key);
  return it != form.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

Result<Unit> activeUnit(const CaseState& c, RegisterView& view) {
  auto u = view.unit(c.region, c.applicant.id_no);
  if (!u) return std::unexpected(u.error());
  if (!*u) return std::unexpected(refusal("unit_not_found", "申报单位不在本统筹区参保单位登记中"));
  if ((*u)->status != kUnitActive)
    return std::unexpected(
        refusal("unit_not_active", "申报单位参保状态为" + (*u)->status + "，不能申报"));
  return **u;
}

class WageDeclarationEffect : public EffectHandler {
 public:
  std::string name() const override { return "wage_declaration"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.events.empty() || c.events.back().action != "accept") return Verdict{};
    if (c.applicant.kind != "unit")
      return std::unexpected(refusal("applicant_not_unit", "工资申报的申请人须为用人单位"));
    auto u = activeUnit(c, view);
    if (!u) return std::unexpected(u.error());
    int year = static_cast<int>(formInt(*c.form, "year"));
    int this_year = c.events.back().at.date().year();
    if (year < 2000 || year > this_year)
      return std::unexpected(refusal("invalid_year", "申报年度应为已发生的年度（不晚于本年）"));
    int employees = static_cast<int>(formInt(*c.form, "employees"));
    auto avg = averageMonthlyWage(formInt(*c.form, "wage_total_fen"), employees);
    if (!avg) return std::unexpected(avg.error());
    Verdict v;
    v.record["wage"] = {{"year", year},
                        {"unit_name", u->name},
                        {"wage_total_fen", formInt(*c.form, "wage_total_fen")},
                        {"employees", employees},
                        {"avg_monthly_wage_fen", *avg}};
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* rec = effects::latestWith(c, "wage");
    if (!rec) return fail(ErrorCode::kConflict, "no_record", "办件没有受理时核对的工资申报");
    const json& w = rec->data["wage"];
    WageDeclaration d;
    d.region = c.region;
    d.credit_code = c.applicant.id_no;
    d.unit_name = w.value("unit_name", c.applicant.name);
    d.case_no = c.case_no;
    d.year = w.value("year", 0);
    d.wage_total_fen = w.value("wage_total_fen", int64_t{0});
    d.employees = w.value("employees", 0);
    d.avg_monthly_wage_fen = w.value("avg_monthly_wage_fen", int64_t{0});
    d.declared_on = e.at.date().str();
    return tx.putEntry(toEntry(d), Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "wage"}};
    if (const Event* e = effects::latestWith(c, "wage")) v["wage"] = e->data["wage"];
    return v;
  }
};

class FeeDeclarationEffect : public EffectHandler {
 public:
  explicit FeeDeclarationEffect(std::shared_ptr<const MaternityRuleSet> rules)
      : rules_(std::move(rules)) {}
  std::string name() const override { return "fee_declaration"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.events.empty() || c.events.back().action != "accept") return Verdict{};
    const MaternityRules* r = rules_ ? rules_->find(c.region) : nullptr;
    if (!r || !r->fee_rates)
      return std::unexpected(refusal("no_fee_rates", "本统筹区没有医保费费率参数，不能核定"));
    std::string owner_name;
    if (c.applicant.kind == "unit") {
      auto u = activeUnit(c, view);
      if (!u) return std::unexpected(u.error());
      owner_name = u->name;
    } else {
      auto p = view.person(c.region, c.applicant.id_no);
      if (!p) return std::unexpected(p.error());
      if (!*p || !effects::openPeriod(**p))
        return std::unexpected(refusal("not_insured", "申报人在本统筹区没有有效的参保登记"));
      owner_name = (*p)->name;
    }
    std::string month = effects::text(*c.form, "month");
    if (monthIndex(month) < 0)
      return std::unexpected(refusal("month_required", "请填写申报所属年月"));
    auto f = assessFees(*r->fee_rates, formInt(*c.form, "monthly_base_fen"));
    if (!f) return std::unexpected(f.error());
    Verdict v;
    v.record["fee"] = {{"month", month},
                       {"owner_name", owner_name},
                       {"assessment", feeAssessmentJson(*f, *r->fee_rates)},
                       {"example", r->example}};
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* rec = effects::latestWith(c, "fee");
    if (!rec) return fail(ErrorCode::kConflict, "no_record", "办件没有受理时核定的费用");
    const json& f = rec->data["fee"];
    FeeDeclaration d;
    d.region = c.region;
    d.owner = c.applicant.id_no;
    d.owner_kind = c.applicant.kind;
    d.owner_name = f.value("owner_name", c.applicant.name);
    d.case_no = c.case_no;
    d.month = f.value("month", "");
    d.assessment = f["assessment"];
    d.assessed_on = e.at.date().str();
    return tx.putEntry(toEntry(d), Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "fee"}};
    if (const Event* e = effects::latestWith(c, "fee")) v["fee"] = e->data["fee"];
    return v;
  }

 private:
  std::shared_ptr<const MaternityRuleSet> rules_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeDeclarationEffect(std::string name,
                                                     std::shared_ptr<const PolicySet> policies) {
  if (name == "wage_declaration") return std::make_unique<WageDeclarationEffect>();
  return std::make_unique<FeeDeclarationEffect>(MaternityRuleSet::besidePolicies(policies.get()));
}

}  // namespace jingban
