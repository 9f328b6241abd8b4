// 生育保险 (007001–007004 in all four regions, Xining's 生育备案 630100990002 and 异地生育医疗费
// 630100990003): the rules per region are policy/maternity/<region>.yaml (policy/maternity.hpp).
//
// - maternity_filing (Xining chart 17): the unit files for an employee 怀孕满三个月后 (refused at
//   受理 before that day, naming it) or before a 计划生育手术; 办结 writes a "maternity" entry.
// - prenatal_payment, maternity_medical_payment, family_planning_payment: claims with fee lines
//   (the reimbursement form's fee_lines / hospital_level / visit_date), settled at 初审 by the
//   settlement arithmetic (policy/settlement.hpp) with the region's maternity ratio and cap;
//   拨付 pays exactly the settled figure once and records the benefit.
// - maternity_allowance: the unit's average monthly wage of the year before the birth ÷ 30 × the
//   entitled days, computed at 初审. The wage is the unit's wage declaration (kind "wage") where
//   one exists — required where the region says so (Qingdao); otherwise the figure the 初审 clerk
//   enters (approve data avg_monthly_wage_fen), else the one the unit's form carries.
//
// Who: the insured (the applicant, or form.insured_id_no when a unit applies) must be in an
// employee (职工 / 灵活就业) enrolment that is paying in the month of the event; a flexible worker
// gets what the region's flexible_benefits list; no allowance for the unit types the region
// excludes (Qinghai: 机关, 全额拨款事业); the unemployed spouse of a male employee (spouse_id_no)
// gets the medical costs where spouse_medical is set. The claim limit (生育后一年内 / 三个月内)
// is checked at 受理 from the birth date (the catalog's applicant limit already checks it at 申请).
#include "policy/maternity.hpp"

#include <algorithm>

#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/maternity.hpp"
#include "validate/identity.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "maternity";  // the figures recorded at 初审

std::string firstReviewStep(const CaseState& c, const Item& item) {
  auto r = effects::reviewSteps(c, item);
  return r.empty() ? std::string() : r.front();
}

bool isBirthKind(const std::string& k) {
  return std::find(std::begin(kBirthKinds), std::end(kBirthKinds), k) != std::end(kBirthKinds);
}

int64_t formInt(const json& form, const char* key, int64_t fallback) {
  auto it = form.find(key);
  return it != form.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

// The insured person of a case: the applicant, or the employee a unit names.
struct Insured {
  std::string id_no, name;
  Person person;
  const Enrolment* covering = nullptr;
  std::string type;  // 职工 | 灵活就业
  std::string unit;  // credit code, "" for 灵活就业
};

// A paying employee enrolment covering `month`.
const Enrolment* coveringEnrolment(const Person& p, const std::string& month) {
  int m = monthIndex(month);
  const Enrolment* found = nullptr;
  for (const auto& en : p.enrolments) {
    int from = monthIndex(en.from), to = en.to.empty() ? m : monthIndex(en.to);
    if (en.status == kEnrolPaying && from >= 0 && from <= m && m <= to) found = &en;
  }
  return found;
}

Result<Insured> findInsured(const CaseState& c, RegisterView& view, const std::string& on_date) {
  Insured who;
  if (c.applicant.kind == "person") {
    who.id_no = c.applicant.id_no;
    who.name = c.applicant.name;
  } else {
    who.id_no = effects::text(*c.form, "insured_id_no");
    who.name = effects::text(*c.form, "insured_name");
    if (who.id_no.empty())
      return std::unexpected(
          refusal("insured_person_required", "单位代为申请的，须填写参保职工的公民身份号码"));
  }
  auto p = view.person(c.region, who.id_no);
  if (!p) return std::unexpected(p.error());
  if (!*p) return std::unexpected(refusal("not_insured", "参保人在本统筹区没有参保登记，不能办理"));
  who.person = **p;
  if (who.name.empty()) who.name = who.person.name;
  who.covering = coveringEnrolment(who.person, on_date.substr(0, 7));
  if (!who.covering)
    return std::unexpected(refusal(
        "not_insured", "参保人在 " + on_date.substr(0, 7) + " 未处于参保缴费状态，不能办理"));
  who.type = who.covering->insurance_type.empty() ? who.person.insurance_type
                                                  : who.covering->insurance_type;
  if (who.type != kEmployeeInsurance && who.type != kFlexibleInsurance)
    return std::unexpected(refusal("not_employee_insurance",
                                   "生育保险待遇限参加职工基本医疗保险的人员，城乡居民不适用"));
  who.unit = who.covering->unit.empty() ? who.person.unit : who.covering->unit;
  if (who.type == kFlexibleInsurance) who.unit.clear();
  if (c.applicant.kind == "unit" && who.unit != c.applicant.id_no)
    return std::unexpected(
        refusal("not_unit_employee", "该参保人不是申请单位的参保职工，单位不能代为申请"));
  return who;
}

Result<std::vector<MaternityRecord>> recordsOf(RegisterView& view, const std::string& region,
                                               const std::string& id_no) {
  EntryFilter f;
  f.kind = kMaternityKind;
  f.region = region;
  f.owner = id_no;
  f.limit = 1000;
  auto es = view.entries(f);
  if (!es) return std::unexpected(es.error());
  std::vector<MaternityRecord> out;
  for (const auto& e : *es) out.push_back(maternityFromEntry(e));
  return out;
}

const MaternityRules* rulesFor(const std::shared_ptr<const MaternityRuleSet>& set,
                               const std::string& region) {
  return set ? set->find(region) : nullptr;
}

Error noRules() {
  return refusal("no_maternity_rules", "本统筹区没有生育保险待遇规则参数，不能办理");
}

Date eventDay(const CaseState& c) { return c.events.back().at.date(); }

// ------------------------------------------------------------------------------ the filing

class MaternityFiling : public EffectHandler {
 public:
  explicit MaternityFiling(std::shared_ptr<const MaternityRuleSet> rules)
      : rules_(std::move(rules)) {}
  std::string name() const override { return "maternity_filing"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.events.empty()) return Verdict{};
    const Event& e = c.events.back();
    if (e.action != "accept" && e.action != "approve") return Verdict{};
    const MaternityRules* r = rulesFor(rules_, c.region);
    if (!r) return std::unexpected(noRules());
    Date today = eventDay(c);
    std::string kind = effects::text(*c.form, "filing_kind");
    std::string start = effects::text(*c.form, "pregnancy_start");
    std::string surgery = effects::text(*c.form, "surgery_date");
    if (kind == "计划生育手术") {
      auto d = Date::parse(surgery);
      if (!d)
        return std::unexpected(refusal("surgery_date_required", "计划生育手术备案须填写手术日期"));
      if (e.action == "accept" && *d < today)
        return std::unexpected(refusal("surgery_done", "计划生育手术备案须在手术前办理"));
    } else {
      auto d = Date::parse(start);
      if (!d)
        return std::unexpected(
            refusal("pregnancy_start_required", "生育备案须填写怀孕起始日期（末次月经日期）"));
      if (*d > today)
        return std::unexpected(refusal("pregnancy_start_future", "怀孕起始日期不能晚于受理日期"));
      std::string earliest = plusMonthsText(start, r->filing_after_months);
      if (today.str() < earliest)
        return std::unexpected(
            refusal("too_early", "怀孕满" + std::to_string(r->filing_after_months) +
                                     "个月后方可办理生育备案，最早可于 " + earliest + " 备案"));
    }
    auto who = findInsured(c, view, today.str());
    if (!who) return std::unexpected(who.error());
    if (kind != "计划生育手术" && who->person.sex != "女")
      return std::unexpected(refusal("not_female", "生育备案的参保人应为女职工"));
    auto recs = recordsOf(view, c.region, who->id_no);
    if (!recs) return std::unexpected(recs.error());
    if (kind != "计划生育手术")
      for (const auto& rec : *recs)
        if (rec.type == "filing" && rec.status == "有效" && rec.event_kind == "生育" &&
            rec.case_no != c.case_no) {
          // A pregnancy lasts at most ten months: a filing whose start is closer is the same one.
          auto other = Date::parse(rec.event_date), mine = Date::parse(start);
          if (other && mine && std::abs(other->days() - mine->days()) < 300)
            return std::unexpected(
                refusal("already_filed", "该参保人本次妊娠已办理生育备案（" + rec.case_no + "）"));
        }
    Verdict v;
    v.record[kRecordKey] = {{"insured",
                             {{"id_no", who->id_no},
                              {"name", who->name},
                              {"unit", who->unit},
                              {"insurance_type", who->type}}}};
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* rec = effects::latestWith(c, kRecordKey);
    if (!rec) return fail(ErrorCode::kConflict, "no_record", "办件没有受理时核对的参保人信息");
    const json& ins = rec->data[kRecordKey]["insured"];
    MaternityRecord r;
    r.region = c.region;
    r.case_no = c.case_no;
    r.id_no = ins.value("id_no", "");
    r.name = ins.value("name", "");
    r.unit = ins.value("unit", "");
    r.type = "filing";
    r.status = "有效";
    std::string kind = effects::text(*c.form, "filing_kind");
    r.event_kind = kind == "计划生育手术" ? kind : "生育";
    r.event_date = kind == "计划生育手术" ? effects::text(*c.form, "surgery_date")
                                          : effects::text(*c.form, "pregnancy_start");
    r.recorded_on = e.at.date().str();
    r.detail = {{"remote", c.form->value("remote", false)},
                {"hospital", effects::text(*c.form, "hospital")}};
    return tx.putEntry(toEntry(r), Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "maternity"}};
    if (const Event* e = effects::latestWith(c, kRecordKey))
      v["insured"] = e->data[kRecordKey]["insured"];
    return v;
  }

 private:
  std::shared_ptr<const MaternityRuleSet> rules_;
};

// --------------------------------------------------------------------- claims and allowance

class MaternityBenefitEffect : public EffectHandler {
 public:
  MaternityBenefitEffect(std::string name, MaternityBenefit benefit,
                         std::shared_ptr<const MaternityRuleSet> rules)
      : name_(std::move(name)), benefit_(benefit), rules_(std::move(rules)) {}

  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override { return e.action == "pay"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.events.empty()) return Verdict{};
    const Event& e = c.events.back();
    std::string first = firstReviewStep(c, in.item);
    bool settles =
        (e.action == "approve" && e.step == first) || (e.action == "accept" && first.empty());
    if (e.action == "pay") return recheckAtPay(in, view);
    if (e.action != "accept" && !settles) return Verdict{};
    const MaternityRules* r = rulesFor(rules_, c.region);
    if (!r) return std::unexpected(noRules());
    auto ctx = context(c, *r, view, eventDay(c));
    if (!ctx) return std::unexpected(ctx.error());
    // A fee claim naming its institution: a designated 医疗机构 on the visit date (the level does
    // not matter: one maternity ratio for every level).
    auto institution = effects::claimInstitution(c, view, false, false);
    if (!institution) return std::unexpected(institution.error());
    if (!settles) return Verdict{};
    return settle(c, *r, *ctx, view, *institution);
  }

  std::optional<int64_t> payable(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, kRecordKey);
    if (!e) return std::nullopt;
    return e->data[kRecordKey].value("payable_fen", int64_t{0});
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* s = effects::latestWith(c, kRecordKey);
    if (!s) return fail(ErrorCode::kConflict, "no_settlement", "办件没有初审核定的待遇，不能拨付");
    const json& m = s->data[kRecordKey];
    const json& ins = m["insured"];
    MaternityRecord r;
    r.region = c.region;
    r.case_no = c.case_no;
    r.id_no = ins.value("id_no", "");
    r.name = ins.value("name", "");
    r.unit = ins.value("unit", "");
    r.type = maternityBenefitKey(benefit_);
    r.status = "已拨付";
    r.event_date = m.value("event_date", "");
    r.event_kind = m.value("event_kind", "");
    r.babies = m.value("babies", 0);
    r.spouse_id_no = m.value("spouse_id_no", "");
    r.recorded_on = e.at.date().str();
    r.amount_fen = e.data.value("amount_fen", int64_t{0});
    r.days = m.contains("allowance") ? m["allowance"].value("days", 0) : 0;
    r.payee_kind = m["payee"].value("kind", "");
    r.detail = m.contains("allowance") ? m["allowance"] : m["settlement"];
    // Re-checked inside the transaction: two cases for one birth cannot both be paid.
    auto recs = recordsOf(tx, c.region, r.id_no);
    if (!recs) return std::unexpected(recs.error());
    if (onceOnly())
      for (const auto& o : *recs)
        if (o.type == r.type && o.event_date == r.event_date && o.status == "已拨付" &&
            o.case_no != c.case_no)
          return std::unexpected(effects::changedMeanwhile(std::string("本次") +
                                                           maternityBenefitName(benefit_) +
                                                           "已由办件 " + o.case_no + " 拨付"));
    if (auto w = tx.putEntry(toEntry(r), Cause{c.case_no, e.seq, e.at.unix_seconds}); !w) return w;
    Payment p;
    p.region = c.region;
    p.case_no = c.case_no;
    p.event_seq = e.seq;
    p.payee_kind = m["payee"].value("kind", "person");
    p.payee = m["payee"].value("name", "");
    p.payee_account = m["payee"].value("account", "");
    p.amount_fen = r.amount_fen;
    p.purpose = maternityBenefitName(benefit_);
    p.at = e.at.unix_seconds;
    p.month = effects::monthOf(e.at);
    return tx.addPayment(p);
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "maternity"}, {"benefit", maternityBenefitKey(benefit_)}};
    if (const Event* e = effects::latestWith(c, kRecordKey)) {
      const json& m = e->data[kRecordKey];
      for (const char* k : {"insured", "payee", "settlement", "allowance", "wage", "event_date",
                            "event_kind", "payable_fen", "example"})
        if (m.contains(k)) v[k] = m[k];
    }
    return v;
  }

 private:
  struct Context {
    Insured who;
    std::string event_date, event_kind, spouse_id_no;
    int babies = 1;
    std::string unit_type, unit_name, unit_account;
  };

  bool allowance() const { return benefit_ == MaternityBenefit::kAllowance; }
  // One allowance and one 生育医疗费 per birth; 产前检查费 and 计划生育 may come in several claims.
  bool onceOnly() const {
    return benefit_ == MaternityBenefit::kAllowance || benefit_ == MaternityBenefit::kMedical;
  }

  Result<Context> context(const CaseState& c, const MaternityRules& r, RegisterView& view,
                          Date today) const {
    Context ctx;
    const json& form = *c.form;
    ctx.event_date = effects::text(form, "birth_date");
    ctx.event_kind = effects::text(form, "birth_kind");
    ctx.babies = static_cast<int>(formInt(form, "babies", 1));
    ctx.spouse_id_no = effects::text(form, "spouse_id_no");
    std::string visit = effects::text(form, "visit_date");
    // 产前检查 happens before the birth: its claim is dated by the visit when no birth is given.
    if (ctx.event_date.empty() && benefit_ == MaternityBenefit::kPrenatal) ctx.event_date = visit;
    auto event = Date::parse(ctx.event_date);
    if (!event)
      return std::unexpected(
          refusal("birth_date_required", "请在表单中填写生育或计划生育手术日期"));
    if (*event > today)
      return std::unexpected(
          refusal("birth_date_future", "生育或计划生育手术日期不能晚于受理日期"));
    if (allowance() && ctx.event_kind.empty())
      return std::unexpected(refusal("birth_kind_required", "生育津贴须填写生育或计划生育类别"));
    // 生育后一年内 / 三个月内: from a birth or miscarriage (a 计划生育手术 claim has none where
    // the catalog says so, e.g. Xining's “计划生育手术后”).
    if (ctx.event_kind.empty() || isBirthKind(ctx.event_kind)) {
      std::string last = plusMonthsText(event->str(), r.claim_within_months);
      if (today.str() > last)
        return std::unexpected(refusal(
            "claim_too_late", "已超过申报期限（生育后" + std::to_string(r.claim_within_months) +
                                  "个月内，最迟应于 " + last + " 申报）"));
    }
    auto who = findInsured(c, view, ctx.event_date);
    if (!who) return std::unexpected(who.error());
    ctx.who = std::move(*who);
    if (ctx.who.type == kFlexibleInsurance && !r.flexibleMay(benefit_))
      return std::unexpected(
          refusal("flexible_not_entitled",
                  std::string("灵活就业人员在本统筹区不享受") + maternityBenefitName(benefit_)));
    if (!ctx.spouse_id_no.empty()) {
      if (!r.spouse_medical || allowance() || benefit_ == MaternityBenefit::kPrenatal)
        return std::unexpected(refusal(
            "spouse_not_entitled",
            std::string("本统筹区男职工未就业配偶不享受") + maternityBenefitName(benefit_)));
      if (ctx.who.person.sex != "男")
        return std::unexpected(refusal("spouse_claim_not_male", "未就业配偶的待遇由男职工申报"));
      if (!validCitizenId(ctx.spouse_id_no))
        return std::unexpected(refusal("invalid_spouse_id", "配偶公民身份号码有误"));
      auto sp = view.person(c.region, ctx.spouse_id_no);
      if (!sp) return std::unexpected(sp.error());
      if (*sp) {
        const Enrolment* en = coveringEnrolment(**sp, ctx.event_date.substr(0, 7));
        std::string t =
            en ? (en->insurance_type.empty() ? (*sp)->insurance_type : en->insurance_type) : "";
        if (t == kEmployeeInsurance || t == kFlexibleInsurance)
          return std::unexpected(refusal(
              "spouse_insured", "配偶本人参加职工医保，应由配偶以本人名义申报，不属未就业配偶"));
      }
    } else if (benefit_ != MaternityBenefit::kFamilyPlanning && ctx.who.person.sex != "女") {
      return std::unexpected(
          refusal("not_female", std::string(maternityBenefitName(benefit_)) +
                                    "由女职工本人享受；男职工未就业配偶须填写配偶身份号码"));
    }
    if (!ctx.who.unit.empty()) {
      auto u = view.unit(c.region, ctx.who.unit);
      if (!u) return std::unexpected(u.error());
      if (*u) {
        ctx.unit_type = (*u)->type;
        ctx.unit_name = (*u)->name;
        ctx.unit_account = (*u)->bank_account;
      }
    }
    if (allowance()) {
      if (ctx.who.unit.empty())
        return std::unexpected(
            refusal("no_unit", "生育津贴按用人单位上年度职工月平均工资计发，参保人没有用人单位"));
      if (r.allowanceExcludedFor(ctx.unit_type))
        return std::unexpected(refusal(
            "unit_type_excluded", "用人单位类型为" + ctx.unit_type + "，其职工不享受生育津贴"));
      if (r.wage_source == "declaration") {
        auto w = wageEntry(c.region, ctx, view);
        if (!w) return std::unexpected(w.error());
        if (!*w) return std::unexpected(noDeclaration(ctx));
      }
    }
    if (r.filing_required) {
      auto recs = recordsOf(view, c.region, ctx.who.id_no);
      if (!recs) return std::unexpected(recs.error());
      bool filed = std::any_of(recs->begin(), recs->end(), [](const MaternityRecord& m) {
        return m.type == "filing" && m.status == "有效";
      });
      if (!filed)
        return std::unexpected(refusal("not_filed", "参保人未办理生育保险待遇备案，请先办理备案"));
    }
    if (onceOnly()) {
      auto recs = recordsOf(view, c.region, ctx.who.id_no);
      if (!recs) return std::unexpected(recs.error());
      for (const auto& o : *recs)
        if (o.type == maternityBenefitKey(benefit_) && o.event_date == ctx.event_date &&
            o.status == "已拨付" && o.case_no != c.case_no)
          return std::unexpected(refusal("already_paid", std::string("本次生育的") +
                                                             maternityBenefitName(benefit_) +
                                                             "已由办件 " + o.case_no + " 拨付"));
    }
    return ctx;
  }

  static int previousYear(const Context& ctx) { return std::stoi(ctx.event_date.substr(0, 4)) - 1; }

  Result<std::optional<RegisterEntry>> wageEntry(const std::string& region, const Context& ctx,
                                                 RegisterView& view) const {
    return view.entry(kWageKind, region, wageKey(ctx.who.unit, previousYear(ctx)));
  }

  Error noDeclaration(const Context& ctx) const {
    return refusal("no_wage_declaration",
                   "用人单位未申报 " + std::to_string(previousYear(ctx)) +
                       " 年度职工工资（单位医疗保险工资申报），不能计发生育津贴");
  }

  // What earlier payments of the same benefit count against its cap: the same birth, or for
  // 产前检查费 the same calendar year.
  Result<int64_t> paidBefore(const CaseState& c, const Context& ctx, RegisterView& view) const {
    auto recs = recordsOf(view, c.region, ctx.who.id_no);
    if (!recs) return std::unexpected(recs.error());
    int64_t sum = 0;
    for (const auto& o : *recs) {
      if (o.type != maternityBenefitKey(benefit_) || o.status != "已拨付" || o.case_no == c.case_no)
        continue;
      bool same = benefit_ == MaternityBenefit::kPrenatal
                      ? o.event_date.substr(0, 4) == ctx.event_date.substr(0, 4)
                      : o.event_date == ctx.event_date;
      if (same) sum += o.amount_fen;
    }
    return sum;
  }

  Result<Verdict> settle(const CaseState& c, const MaternityRules& r, const Context& ctx,
                         RegisterView& view,
                         const std::optional<TreatingInstitution>& institution) const {
    json m = {{"benefit", maternityBenefitKey(benefit_)},
              {"insured",
               {{"id_no", ctx.who.id_no},
                {"name", ctx.who.name},
                {"unit", ctx.who.unit},
                {"insurance_type", ctx.who.type}}},
              {"event_date", ctx.event_date},
              {"event_kind", ctx.event_kind},
              {"babies", ctx.babies},
              {"spouse_id_no", ctx.spouse_id_no},
              {"example", r.example},
              {"rules_source", r.source}};
    // Paid to the unit that applies (its account in the unit register), or to the person.
    bool to_unit = allowance() ? r.allowance_payee == "unit" : c.applicant.kind == "unit";
    if (to_unit && ctx.unit_name.empty())
      return std::unexpected(
          refusal("unit_not_found", "用人单位不在本统筹区参保单位登记中，无法拨付到单位账户"));
    m["payee"] =
        to_unit ? json{{"kind", "unit"}, {"name", ctx.unit_name}, {"account", ctx.unit_account}}
                : json{{"kind", "person"},
                       {"name", ctx.who.name},
                       {"account", effects::text(*c.form, "payee_account")}};
    if (allowance()) {
      auto wage = wageFigure(c, r, ctx, view);
      if (!wage) return std::unexpected(wage.error());
      auto a = maternityAllowance(r, wage->second, ctx.event_kind, ctx.babies);
      if (!a) return std::unexpected(a.error());
      m["wage"] = {{"source", wage->first},
                   {"year", previousYear(ctx)},
                   {"avg_monthly_wage_fen", wage->second}};
      m["allowance"] = allowanceJson(*a, r);
      m["payable_fen"] = a->amount_fen;
    } else {
      auto input = claimInputFromForm(*c.form, {});
      if (!input) return std::unexpected(input.error());
      if (institution) {
        // Any level settles alike (maternityClaimPolicy): an ungraded hospital counts as 一级.
        input->hospital_level = std::max(1, institution->level);
        m["institution"] = treatingInstitutionJson(*institution);
      }
      auto before = paidBefore(c, ctx, view);
      if (!before) return std::unexpected(before.error());
      auto s = settleMaternityClaim(r, benefit_, *input, *before);
      if (!s) return std::unexpected(s.error());
      m["settlement"] = settlementJson(*s);
      m["paid_before_fen"] = *before;
      m["payable_fen"] = s->fund_fen;
      if (s->fund_fen <= 0)
        return std::unexpected(
            refusal("nothing_payable", "按结算单本次没有可支付的金额，请作审核不通过处理"));
    }
    Verdict v;
    v.record[kRecordKey] = std::move(m);
    return v;
  }

  // (source, figure): the declaration, else the 初审 clerk's figure, else the form's.
  Result<std::pair<std::string, int64_t>> wageFigure(const CaseState& c, const MaternityRules& r,
                                                     const Context& ctx, RegisterView& view) const {
    auto w = wageEntry(c.region, ctx, view);
    if (!w) return std::unexpected(w.error());
    if (*w)
      return std::pair<std::string, int64_t>{"单位工资申报",
                                             (*w)->data.value("avg_monthly_wage_fen", int64_t{0})};
    if (r.wage_source == "declaration") return std::unexpected(noDeclaration(ctx));
    const Event& e = c.events.back();
    if (auto it = e.data.find("entered");
        it != e.data.end() && it->contains("avg_monthly_wage_fen")) {
      const json& v = (*it)["avg_monthly_wage_fen"];
      if (!v.is_number_integer() || v.get<int64_t>() <= 0)
        return std::unexpected(
            refusal("invalid_wage", "录入的单位上年度职工月平均工资应为正整数（分）"));
      return std::pair<std::string, int64_t>{"初审录入", v.get<int64_t>()};
    }
    int64_t f = formInt(*c.form, "unit_avg_monthly_wage_fen", 0);
    if (f > 0) return std::pair<std::string, int64_t>{"申报表", f};
    return std::unexpected(
        refusal("wage_required",
                "请初审人员录入用人单位上年度职工月平均工资（avg_monthly_wage_fen，单位：分）"));
  }

  // At 拨付: a payment for the same birth since 初审 refuses; a change of what counts against
  // the cap sends the case back to 初审 to be settled again.
  Result<Verdict> recheckAtPay(const EffectInput& in, RegisterView& view) const {
    const CaseState& c = in.c;
    const Event* s = effects::latestWith(c, kRecordKey);
    if (!s) return std::unexpected(refusal("no_settlement", "办件没有初审核定的待遇，不能拨付"));
    const json& m = s->data[kRecordKey];
    Context ctx;
    ctx.who.id_no = m["insured"].value("id_no", "");
    ctx.event_date = m.value("event_date", "");
    auto recs = recordsOf(view, c.region, ctx.who.id_no);
    if (!recs) return std::unexpected(recs.error());
    if (onceOnly())
      for (const auto& o : *recs)
        if (o.type == maternityBenefitKey(benefit_) && o.event_date == ctx.event_date &&
            o.status == "已拨付" && o.case_no != c.case_no)
          return std::unexpected(refusal("already_paid", std::string("本次生育的") +
                                                             maternityBenefitName(benefit_) +
                                                             "已由办件 " + o.case_no + " 拨付"));
    if (!allowance()) {
      auto before = paidBefore(c, ctx, view);
      if (!before) return std::unexpected(before.error());
      if (*before != m.value("paid_before_fen", int64_t{0})) {
        Verdict v;
        v.send_back_to = firstReviewStep(c, in.item);
        if (v.send_back_to.empty())
          return std::unexpected(
              refusal("settlement_outdated", "此前已支付金额发生变化，结算单须重新计算"));
        v.reason =
            "此前已支付的同类生育待遇在初审后发生变化，结算单须重新计算，退回" + v.send_back_to;
        return v;
      }
    }
    return Verdict{};
  }

  std::string name_;
  MaternityBenefit benefit_;
  std::shared_ptr<const MaternityRuleSet> rules_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeMaternityEffect(std::string name,
                                                   std::shared_ptr<const PolicySet> policies) {
  auto rules = MaternityRuleSet::besidePolicies(policies.get());
  if (name == "maternity_filing") return std::make_unique<MaternityFiling>(std::move(rules));
  MaternityBenefit b = name == "prenatal_payment"            ? MaternityBenefit::kPrenatal
                       : name == "maternity_medical_payment" ? MaternityBenefit::kMedical
                       : name == "family_planning_payment"   ? MaternityBenefit::kFamilyPlanning
                                                             : MaternityBenefit::kAllowance;
  return std::make_unique<MaternityBenefitEffect>(std::move(name), b, std::move(rules));
}

}  // namespace jingban
