// 职工参保登记 (001002), 职工参保信息变更登记 (001005) and Yunnan's 灵活就业人员参保登记: 新增 /
// 续保 / 恢复 / 暂停 / 终止 / 在职转退休 of employees (the unit applies, `form.persons`) and of
// flexible workers (the person applies for themself). The person register and its enrolment
// periods change at 办结.
//
// 在职转退休 (chart 4-3 of 000_35166810dc8490e3.txt): 初审 computes the missing contribution years
// by hand and enters them (approve data `missing_contribution_years`); 复审 compares them with
// the figure the system derives from the enrolment periods and the region's required years, and
// a different figure returns the case to 初审 ("比对数据不一致，退回重新进行手工初审测算"); the
// same figure yields the 补缴通知单.
#include <cmath>

#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/policy.hpp"
#include "validate/identity.hpp"

namespace jingban {
namespace {

using effects::masked;
using effects::refusal;
using nlohmann::json;

struct Target {
  std::string id_no, name;
  int64_t base_fen = 0;
};

class EmployeeRegistration : public EffectHandler {
 public:
  EmployeeRegistration(std::string name, std::shared_ptr<const PolicySet> policies)
      : name_(std::move(name)), policies_(std::move(policies)) {}
  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    auto targets = this->targets(c);
    if (!targets) return std::unexpected(targets.error());
    std::string change = effects::text(*c.form, "change");
    if (c.applicant.kind == "unit") {
      auto unit = view.unit(c.region, c.applicant.id_no);
      if (!unit) return std::unexpected(unit.error());
      if (!*unit)
        return std::unexpected(refusal(
            "unit_not_found", "申请单位尚未在本统筹区办理单位参保登记，请先办理单位参保登记"));
      if ((*unit)->status != kUnitActive &&
          (change == "新增" || change == "续保" || change == "恢复"))
        return std::unexpected(refusal(
            "unit_not_active", "申请单位参保状态为“" + (*unit)->status + "”，不能为职工办理参保"));
    }
    std::vector<Person> people;
    for (const auto& t : *targets) {
      auto p = view.person(c.region, t.id_no);
      if (!p) return std::unexpected(p.error());
      if (auto r = check(c, change, t, *p); !r) return std::unexpected(r.error());
      if (*p) people.push_back(**p);
    }
    if (change != "在职转退休") return Verdict{};
    return arrears(in, people.front());
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    auto targets = this->targets(c);
    if (!targets) return std::unexpected(targets.error());
    std::string change = effects::text(*c.form, "change");
    std::string start = effects::text(*c.form, "start_month");
    std::string type = c.applicant.kind == "unit" ? "职工" : "灵活就业";
    std::string unit = c.applicant.kind == "unit" ? c.applicant.id_no : "";
    Cause cause{c.case_no, e.seq, e.at.unix_seconds};
    for (const auto& t : *targets) {
      auto found = tx.person(c.region, t.id_no);
      if (!found) return std::unexpected(found.error());
      if (auto r = check(c, change, t, *found); !r)
        return std::unexpected(effects::changedMeanwhile(r.error().message));
      Person p = *found ? **found : Person{};
      if (!*found) {
        p.region = c.region;
        p.id_no = t.id_no;
        p.sex = sexOfCitizenId(t.id_no);
        p.birth_date = birthDateOfCitizenId(t.id_no);
      }
      if (!t.name.empty()) p.name = t.name;
      if (change == "新增" || change == "续保") {
        p.insurance_type = type;
        p.unit = unit;
        p.employment = "在职";
        if (t.base_fen > 0) p.contribution_base_fen = t.base_fen;
        p.enrolments.push_back(Enrolment{start, "", kEnrolPaying, type, unit});
        p.status = kEnrolPaying;
      } else if (change == "暂停") {
        closeOpen(p, start);
        p.enrolments.push_back(Enrolment{start, "", kEnrolSuspended, p.insurance_type, p.unit});
        p.status = kEnrolSuspended;
      } else if (change == "恢复") {
        closeOpen(p, start);
        p.enrolments.push_back(Enrolment{start, "", kEnrolPaying, p.insurance_type, p.unit});
        p.status = kEnrolPaying;
      } else if (change == "终止") {
        closeOpen(p, start);
        p.status = kEnrolEnded;
      } else if (change == "在职转退休") {
        p.employment = "退休";
      }
      if (auto r = tx.putPerson(p, cause); !r) return r;
    }
    return {};
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "persons"}, {"change", effects::text(*c.form, "change")}};
    if (const Event* e = effects::latestWith(c, "arrears")) {
      v["arrears"] = e->data["arrears"];
      if (e->data["arrears"].value("matches", false))
        v["arrears_notice"] = arrearsNotice(c, e->data["arrears"]);
    }
    return v;
  }

 private:
  // Who the case is about: the listed persons (a unit applies), or the applicant (a flexible
  // worker applies for themself).
  Result<std::vector<Target>> targets(const CaseState& c) const {
    std::vector<Target> out;
    const json& form = *c.form;
    if (auto it = form.find("persons"); it != form.end() && it->is_array() && !it->empty()) {
      for (const auto& p : *it)
        out.push_back(Target{p.value("id_no", ""), p.value("name", ""),
                             p.value("contribution_base_fen", int64_t{0})});
    } else if (c.applicant.kind == "person") {
      out.push_back(Target{c.applicant.id_no, c.applicant.name,
                           form.value("contribution_base_fen", int64_t{0})});
    } else {
      return std::unexpected(
          refusal("persons_required", "单位为职工办理参保登记或变更，须列出参保人员（persons）"));
    }
    if (effects::text(form, "change") == "在职转退休" && out.size() != 1)
      return std::unexpected(
          refusal("one_person_per_retirement", "在职转退休须逐人办理：每件只能列一名参保人员"));
    return out;
  }

  Result<void> check(const CaseState& c, const std::string& change, const Target& t,
                     const std::optional<Person>& p) const {
    const Enrolment* open = p ? effects::openPeriod(*p) : nullptr;
    std::string who = t.name.empty() ? masked(t.id_no) : t.name + "（" + masked(t.id_no) + "）";
    std::string start = effects::text(*c.form, "start_month");
    if (change == "新增" || change == "续保") {
      if (open && open->status == kEnrolPaying)
        return fail(ErrorCode::kUnprocessable, "already_enrolled",
                    who + " 已在本统筹区参保缴费（" + open->insurance_type + "），不能重复参保");
      if (open)
        return fail(ErrorCode::kUnprocessable, "suspended_enrolment",
                    who + " 的参保处于暂停状态，请办理“恢复”");
      return {};
    }
    if (!p)
      return fail(ErrorCode::kUnprocessable, "person_not_found", who + " 未在本统筹区参保登记");
    if (!open)
      return fail(ErrorCode::kUnprocessable, "not_insured", who + " 在本统筹区没有正在进行的参保");
    if (monthIndex(start) < monthIndex(open->from))
      return fail(ErrorCode::kUnprocessable, "bad_start_month",
                  "起始年月早于当前参保期间的开始年月（" + open->from + "）");
    if (change == "恢复" && open->status != kEnrolSuspended)
      return fail(ErrorCode::kUnprocessable, "not_suspended", who + " 未处于暂停参保状态");
    if ((change == "暂停" || change == "在职转退休") && open->status != kEnrolPaying)
      return fail(ErrorCode::kUnprocessable, "not_insured", who + " 未处于参保缴费状态");
    if (change == "在职转退休" && p->employment == "退休")
      return fail(ErrorCode::kUnprocessable, "already_retired", who + " 已是退休人员");
    return {};
  }

  // 在职转退休: the hand figure of 初审 against the system's figure.
  Result<Verdict> arrears(const EffectInput& in, const Person& p) const {
    const CaseState& c = in.c;
    const Event& e = c.events.back();
    if (e.action != "approve") return Verdict{};
    auto reviews = effects::reviewSteps(in.c, in.item);
    if (reviews.empty()) return Verdict{};
    auto entered = [](const Event& ev) -> std::optional<int64_t> {
      auto it = ev.data.find("entered");
      if (it == ev.data.end() || !it->contains("missing_contribution_years")) return {};
      const json& v = (*it)["missing_contribution_years"];
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 50) return {};
      return v.get<int64_t>();
    };
    bool at_first = e.step == reviews.front();
    if (at_first && !entered(e))
      return std::unexpected(refusal("arrears_required",
                                     "在职转退休须由初审人员核查缴费年限并录入手工测算的补缴年限"
                                     "（missing_contribution_years，0–50 的整数）"));
    if (at_first && reviews.size() > 1) return Verdict{};  // compared at 复审
    // The figure of the latest 初审 approval (after a return, the new one).
    std::optional<int64_t> hand;
    for (auto it = c.events.rbegin(); it != c.events.rend() && !hand; ++it)
      if (it->action == "approve" && it->step == reviews.front()) hand = entered(*it);
    if (!hand) return std::unexpected(refusal("arrears_required", "未找到初审录入的补缴年限"));
    std::string start = effects::text(*c.form, "start_month");
    int year = monthIndex(start) / 12;
    const InsurancePolicy* policy = policies_ ? policies_->find(c.region, "职工", year) : nullptr;
    if (!policy)
      return std::unexpected(refusal(
          "no_policy",
          "本统筹区 " + std::to_string(year) + " 年的职工医保政策参数未配置，无法测算补缴年限"));
    int required = policy->requiredContributionMonths(p.sex);
    int have = contributionMonths(p.enrolments, effects::monthBefore(start));
    int missing = required > have ? required - have : 0;
    int64_t years = (missing + 11) / 12;
    json figures = {{"required_months", required},      {"contribution_months", have},
                    {"missing_months", missing},        {"missing_years", years},
                    {"entered_years", *hand},           {"matches", years == *hand},
                    {"example_policy", policy->example}};
    Verdict v;
    v.record["arrears"] = figures;
    if (years != *hand) {
      std::string why = "手工测算补缴年限（" + std::to_string(*hand) + " 年）与系统生成补缴年限（" +
                        std::to_string(years) + " 年）不一致，退回重新进行手工初审测算";
      if (reviews.size() == 1) return std::unexpected(refusal("arrears_mismatch", why));
      v.send_back_to = reviews.front();
      v.reason = why;
    }
    return v;
  }

  static void closeOpen(Person& p, const std::string& start) {
    Enrolment* open = effects::openPeriod(p);
    if (!open) return;
    std::string to = effects::monthBefore(start);
    if (monthIndex(to) < monthIndex(open->from)) {
      // Ends in the month it began: the period never ran.
      for (auto it = p.enrolments.begin(); it != p.enrolments.end(); ++it)
        if (&*it == open) {
          p.enrolments.erase(it);
          break;
        }
    } else {
      open->to = to;
    }
  }

  static json arrearsNotice(const CaseState& c, const json& figures) {
    const json& form = *c.form;
    std::string id = c.applicant.kind == "person" ? c.applicant.id_no : "";
    std::string name = c.applicant.kind == "person" ? c.applicant.name : "";
    if (auto it = form.find("persons"); it != form.end() && it->is_array() && !it->empty()) {
      id = (*it)[0].value("id_no", "");
      name = (*it)[0].value("name", "");
    }
    return {{"title", "补缴通知单"},
            {"case_no", c.case_no},
            {"name", name},
            {"id_no", masked(id)},
            {"retirement_month", effects::text(form, "start_month")},
            {"required_months", figures["required_months"]},
            {"contribution_months", figures["contribution_months"]},
            {"missing_years", figures["missing_years"]},
            {"example_policy", figures["example_policy"]}};
  }

  std::string name_;
  std::shared_ptr<const PolicySet> policies_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeEmployeeRegistrationEffect(
    std::string name, std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<EmployeeRegistration>(std::move(name), std::move(policies));
}

}  // namespace jingban
