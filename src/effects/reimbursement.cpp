// 门诊费用报销 (006001), 住院费用报销 (006002) and 医疗救助对象手工（零星）报销 (008002): the
// claimant must be insured in the region in the month of the visit (checked at 受理); the first
// review step (初审) computes the 结算单 with the claimant's year-to-date figures and identities
// and records it in its event (data.settlement); 拨付 must pay its payable figure (the case service
// refuses another amount without a reason), and books the claim and the payment.
//
// 008002 pays the 医疗救助 part only: its applicant brings the 结算单 of the basic insurance and
// 大病保险 already settled (materials of chart 4-21), so those parts are shown, not paid again.
//
// A claim naming the treating institution (form.institution_code) is checked against the
// institution register at 受理 and at every review approval (policy/claim_institution.hpp: a
// designated 医疗机构 of the region whose agreement covers the visit date; a 零售药店 only for an
// outpatient or 医疗救助 claim), and the 结算单 uses the register's level rather than the typed
// hospital_level: when they differ the register wins and the 起付线 step's note says so.
#include <algorithm>

#include "common/json_object.hpp"
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/claim_institution.hpp"
#include "policy/policy.hpp"
#include "policy/settlement.hpp"
#include "registers/filing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

// The claim's figures apply() books beside the 结算单 (the 结算单's JSON keys are the contract).
constexpr const char* kClaimKey = "claim";

// The first review step (初审) of the flow the case runs on (its pinned flow), or "" when none.
std::string firstReviewStep(const CaseState& c, const Item& item) {
  for (const auto& s : caseFlow(c, item))
    if (s.kind == StepKind::kReview) return s.step;
  return "";
}

template <typename C>
void setPersonalEligible(C& claim, int64_t fen) {
  // Claim::personal_eligible_fen (asked for, see policy/settlement.cpp) lets the next claim's
  // 大病 threshold count this one; set as soon as the registers carry it.
  if constexpr (requires { claim.personal_eligible_fen; }) claim.personal_eligible_fen = fen;
}

class Reimbursement : public EffectHandler {
 public:
  Reimbursement(std::string name, std::shared_ptr<const PolicySet> policies)
      : name_(std::move(name)), policies_(std::move(policies)) {}

  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override { return e.action == "pay"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.events.empty()) return Verdict{};
    const Event& e = c.events.back();
    std::string first = firstReviewStep(c, in.item);
    bool at_first_review = e.action == "approve" && !first.empty() && e.step == first;
    // Without a review step the 结算单 is made at 受理 (no shipped item lacks one).
    bool settles = at_first_review || (e.action == "accept" && first.empty());
    if (e.action == "accept" || settles) {
      auto ctx = claimContext(c, view);
      if (!ctx) return std::unexpected(ctx.error());
      if (!settles) return Verdict{};
      return settleNow(c, *ctx, view);
    }
    if (e.action == "pay") return recheckAtPay(in, view);
    if (e.action == "approve") {
      // A later review approves only while the institution is still designated.
      auto t = institutionOf(c, view);
      if (!t) return std::unexpected(t.error());
    }
    return Verdict{};
  }

  std::optional<int64_t> payable(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "settlement");
    if (!e) return std::nullopt;
    return payableOf(e->data["settlement"]);
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* s = effects::latestWith(c, "settlement");
    if (!s || !s->data.contains(kClaimKey))
      return fail(ErrorCode::kConflict, "no_settlement", "办件没有初审结算单，不能拨付");
    const json& st = s->data["settlement"];
    const json& figures = s->data[kClaimKey];
    Claim claim;
    claim.region = c.region;
    claim.id_no = figures.value("id_no", c.applicant.id_no);
    claim.case_no = c.case_no;
    claim.year = figures.value("year", 0);
    claim.total_fen = st.value("total_fen", int64_t{0});
    claim.fund_fen = st.value("fund_fen", int64_t{0});
    claim.serious_illness_fen = st.value("serious_illness_fen", int64_t{0});
    claim.assistance_fen = st.value("assistance_fen", int64_t{0});
    claim.deductible_fen = figures.value("deductible_fen", int64_t{0});
    claim.admission = figures.value("admission", "");
    setPersonalEligible(claim, figures.value("personal_eligible_fen", int64_t{0}));
    if (auto r = tx.addClaim(claim); !r) return r;
    Payment p;
    p.region = c.region;
    p.case_no = c.case_no;
    p.event_seq = e.seq;
    p.payee_kind = "person";
    p.payee = figures.value("name", c.applicant.name);
    p.payee_account = effects::text(*c.form, "payee_account");
    p.amount_fen = e.data.value("amount_fen", int64_t{0});
    p.purpose = purpose();
    p.at = e.at.unix_seconds;
    p.month = effects::monthOf(e.at);
    return tx.addPayment(p);
  }

  json view(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "settlement");
    json v = {{"register", "claims"}, {"settlement", e ? e->data["settlement"] : json(nullptr)}};
    if (e) {
      v["payable_fen"] = payableOf(e->data["settlement"]);
      if (e->data.contains("policy")) v["policy"] = e->data["policy"];
    }
    return v;
  }

 private:
  // Who is claiming, under which policy, for what.
  struct Context {
    std::string id_no, name;
    Person person;
    const InsurancePolicy* policy = nullptr;
    ClaimInput input;
    int year = 0;
    // 门诊慢特病: the policy with the chronic-disease deductible and ratios, and the qualification.
    std::optional<InsurancePolicy> chronic;
    json qualification;
    std::optional<TreatingInstitution> institution;  // form.institution_code, when given
    const InsurancePolicy& settling() const { return chronic ? *chronic : *policy; }
  };

  bool assistanceOnly() const { return name_ == "assistance_reimbursement"; }

  std::string purpose() const {
    if (name_ == "outpatient_reimbursement") return "门诊费用报销";
    if (name_ == "inpatient_reimbursement") return "住院费用报销";
    return "医疗救助报销";
  }

  int64_t payableOf(const json& s) const {
    int64_t assistance = s.value("assistance_fen", int64_t{0});
    if (assistanceOnly()) return assistance;
    return s.value("fund_fen", int64_t{0}) + s.value("serious_illness_fen", int64_t{0}) +
           assistance;
  }

  // The insured person (the applicant; a unit applying for an employee names them in
  // form.insured_id_no), insured in the region in the month of the visit, and the policy.
  Result<Context> claimContext(const CaseState& c, RegisterView& view) const {
    Context ctx;
    if (c.applicant.kind == "person") {
      ctx.id_no = c.applicant.id_no;
      ctx.name = c.applicant.name;
    } else {
      ctx.id_no = effects::text(*c.form, "insured_id_no");
      ctx.name = effects::text(*c.form, "insured_name");
      if (ctx.id_no.empty())
        return std::unexpected(
            refusal("insured_person_required", "单位代为申请报销的，须填写参保人的公民身份号码"));
    }
    auto input = claimInputFromForm(*c.form, {});
    if (!input) return std::unexpected(input.error());
    ctx.input = std::move(*input);
    auto institution = institutionOf(c, view);
    if (!institution) return std::unexpected(institution.error());
    if (*institution) {
      ctx.institution = **institution;
      ctx.input.hospital_level = ctx.institution->level;
    }
    std::string visit = effects::text(*c.form, "visit_date");
    ctx.year = std::stoi(visit.substr(0, 4));  // claimInputFromForm checked the date
    int month = monthIndex(visit.substr(0, 7));
    auto person = view.person(c.region, ctx.id_no);
    if (!person) return std::unexpected(person.error());
    const Enrolment* covering = nullptr;
    if (*person)
      for (const auto& en : (*person)->enrolments) {
        int from = monthIndex(en.from), to = en.to.empty() ? month : monthIndex(en.to);
        if (en.status == kEnrolPaying && from >= 0 && from <= month && month <= to) covering = &en;
      }
    if (!covering)
      return std::unexpected(refusal(
          "not_insured", "申请人在本统筹区无有效参保记录（就诊当月未处于参保缴费状态），不能报销"));
    ctx.person = **person;
    if (ctx.name.empty()) ctx.name = ctx.person.name;
    std::string type =
        covering->insurance_type.empty() ? ctx.person.insurance_type : covering->insurance_type;
    ctx.policy = policies_ ? policies_->find(c.region, type, ctx.year) : nullptr;
    if (!ctx.policy)
      return std::unexpected(refusal("no_policy", "本统筹区没有 " + std::to_string(ctx.year) +
                                                      " 年" + type +
                                                      "医保的待遇政策参数，不能结算"));
    ctx.input.identities = ctx.person.identities;
    if (auto r = chronicDisease(c, view, ctx, visit); !r) return std::unexpected(r.error());
    if (assistanceOnly() && !ctx.policy->assistanceFor(ctx.input.identities) &&
        !c.conditions.count("not_yet_recognised"))
      return std::unexpected(
          refusal("not_assistance_recipient",
                  "申请人在本统筹区未被认定为医疗救助对象，不能办理医疗救助报销"));
    return ctx;
  }

  Result<Settlement> compute(const CaseState& c, const Context& ctx, RegisterView& view,
                             YearToDate* used = nullptr) const {
    auto ytd = view.claimsInYear(c.region, ctx.id_no, ctx.year);
    if (!ytd) return std::unexpected(ytd.error());
    if (used) *used = *ytd;
    return settle(ctx.settling(), ctx.input, *ytd);
  }

  // The year-to-date figures a 结算单 was computed on (recorded with it, compared at 拨付).
  static json ytdJson(const YearToDate& y) {
    return JsonObject()
        .set("fund_fen", y.fund_fen)
        .set("serious_illness_fen", y.serious_illness_fen)
        .set("assistance_fen", y.assistance_fen)
        .set("deductible_fen", y.deductible_fen)
        .set("personal_eligible_fen", y.personal_eligible_fen)
        .set("claims", y.claims)
        .take();
  }

  Result<Verdict> settleNow(const CaseState& c, const Context& ctx, RegisterView& view) const {
    YearToDate ytd;
    auto s = compute(c, ctx, view, &ytd);
    if (!s) return std::unexpected(s.error());
    json sj = settlementJson(*s);
    if (ctx.institution) {
      sj["institution"] = treatingInstitutionJson(*ctx.institution);
      if (!ctx.institution->note.empty())
        for (auto& step : sj["steps"])
          if (step.value("name", "") == "起付线")
            step["note"] = step.value("note", "") + "；" + ctx.institution->note;
    }
    if (payableOf(sj) <= 0)
      return std::unexpected(
          refusal("nothing_payable",
                  assistanceOnly()
                      ? "按结算单本次没有可支付的医疗救助金额，不能审核通过，请作审核不通过处理"
                      : "按结算单本次没有可报销的金额，不能审核通过，请作审核不通过处理"));
    Verdict v;
    v.record["settlement"] = std::move(sj);
    v.record[kClaimKey] = JsonObject()
                              .set("id_no", ctx.id_no)
                              .set("name", ctx.name)
                              .set("year", ctx.year)
                              .set("admission", ctx.input.admission)
                              .set("deductible_fen", s->deductible_fen)
                              .set("personal_eligible_fen", s->personal_eligible_fen)
                              .set("ytd", ytdJson(ytd))
                              .take();
    v.record["policy"] = JsonObject()
                             .set("region", ctx.policy->region)
                             .set("insurance_type", ctx.policy->insurance_type)
                             .set("year", ctx.policy->year)
                             .set("example", ctx.policy->example)
                             .set("source", ctx.policy->source)
                             .take();
    if (ctx.chronic) v.record["policy"]["chronic_disease"] = ctx.qualification;
    return v;
  }

  // At 拨付: when claims paid since 初审 change this 结算单 (the deductible, a cap), the case goes
  // back to 初审 to be settled again, rather than paying a figure the registers no longer support.
  Result<Verdict> recheckAtPay(const EffectInput& in, RegisterView& view) const {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, "settlement");
    if (!recorded) return std::unexpected(refusal("no_settlement", "办件没有初审结算单，不能拨付"));
    // The 结算单 depends on the registers only through the claimant's year-to-date figures: when
    // they are those it was computed on, it stands (one read instead of a second settlement).
    if (const json* claim =
            recorded->data.contains(kClaimKey) ? &recorded->data[kClaimKey] : nullptr;
        claim && claim->contains("ytd")) {
      auto now = view.claimsInYear(c.region, claim->value("id_no", c.applicant.id_no),
                                   claim->value("year", 0));
      if (!now) return std::unexpected(now.error());
      if (ytdJson(*now) == (*claim)["ytd"]) return Verdict{};
    }
    auto ctx = claimContext(c, view);
    if (!ctx) return std::unexpected(ctx.error());
    auto s = compute(c, *ctx, view);
    if (!s) return std::unexpected(s.error());
    const json& old = recorded->data["settlement"];
    // Compared figure by figure (the 结算单's JSON is not rebuilt for this on every 拨付).
    const std::pair<const char*, int64_t> now[] = {{"fund_fen", s->fund_fen},
                                                   {"serious_illness_fen", s->serious_illness_fen},
                                                   {"assistance_fen", s->assistance_fen},
                                                   {"personal_fen", s->personal_fen}};
    for (const auto& [k, fen] : now) {
      if (old.value(k, int64_t{-1}) != fen) {
        Verdict v;
        v.send_back_to = firstReviewStep(c, in.item);
        if (v.send_back_to.empty())
          return std::unexpected(
              refusal("settlement_outdated", "本年度已报销数额在结算后发生变化，结算单须重新计算"));
        v.reason = "本年度已报销数额在初审后发生变化，结算单须重新计算，退回" + v.send_back_to;
        return v;
      }
    }
    return Verdict{};
  }

  // form.institution_code: the institution register's entry checked for this claim, or nullopt
  // when the form names none (the typed hospital_level then stands, as before). A 定点零售药店
  // sells outpatient medicines; an admission is a hospital's.
  Result<std::optional<TreatingInstitution>> institutionOf(const CaseState& c,
                                                           RegisterView& view) const {
    return effects::claimInstitution(c, view, name_ != "inpatient_reimbursement", true);
  }

  // form.chronic_disease_code: an outpatient claim for a disease the claimant is qualified for on
  // the visit date (effects/disease_qualification.cpp) is settled with the policy's chronic-disease
  // parameters (门诊慢特病待遇).
  Result<void> chronicDisease(const CaseState& c, RegisterView& view, Context& ctx,
                              const std::string& visit) const {
    std::string code = effects::text(*c.form, "chronic_disease_code");
    if (code.empty()) return {};
    if (name_ != "outpatient_reimbursement")
      return std::unexpected(refusal("chronic_disease_outpatient_only",
                                     "门诊慢特病病种仅适用于门诊费用报销，本事项请勿填写病种编码"));
    EntryFilter f;
    f.kind = kQualificationKind;
    f.region = c.region;
    f.owner = ctx.id_no;
    f.status = kEntryValid;
    f.limit = 1000;
    auto list = view.entries(f);
    if (!list) return std::unexpected(list.error());
    std::optional<Qualification> found;
    for (const auto& e : *list)
      if (auto q = qualificationFromEntry(e);
          q && q->disease_code == code && dateWithin(visit, q->from, q->to))
        found = q;
    if (!found)
      return std::unexpected(
          refusal("not_qualified",
                  "参保人在就诊日期没有该门诊慢特病病种的有效认定，不能按门诊慢特病待遇报销"));
    if (!ctx.policy->chronic_outpatient)
      return std::unexpected(
          refusal("no_policy", "本统筹区没有门诊慢特病的待遇政策参数，不能结算"));
    InsurancePolicy p = *ctx.policy;
    p.deductible_basis = DeductibleBasis::kPerYear;
    p.deductible_fen = p.chronic_outpatient->deductible_fen;
    p.ratio_permille = p.chronic_outpatient->ratio_permille;
    ctx.chronic = std::move(p);
    ctx.qualification = {{"number", found->number},
                         {"disease_code", found->disease_code},
                         {"disease_name", found->disease_name}};
    return {};
  }

  std::string name_;
  std::shared_ptr<const PolicySet> policies_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeReimbursementEffect(std::string name,
                                                       std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<Reimbursement>(std::move(name), std::move(policies));
}

}  // namespace jingban
