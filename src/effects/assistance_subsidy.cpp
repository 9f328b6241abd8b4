// 符合资助条件的救助对象参加城乡居民基本医疗保险个人缴费资助 (008001): a resident the registers
// know as an assistance recipient the policy subsidises (特困: the whole premium; 低保: a fixed
// amount — policy/<region>.yaml) gets the subsidy once per year. 受理 checks and records the
// figure; 拨付 pays it to the recipient (booked in the payments ledger); 办结 books it against the
// recipient's premium (kind 资助) for the year of the completion.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/policy.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kSubsidyKind = "资助";

class AssistanceSubsidy : public EffectHandler {
 public:
  explicit AssistanceSubsidy(std::shared_ptr<const PolicySet> policies)
      : policies_(std::move(policies)) {}

  std::string name() const override { return "assistance_contribution_subsidy"; }
  bool changesAt(const Event& e) const override {
    return e.action == "pay" || e.action == "complete";
  }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.events.empty()) return Verdict{};
    const Event& e = c.events.back();
    int year = e.at.date().year();
    if (e.action != "accept") {
      // Later steps: a subsidy booked meanwhile by another case of the same person stops this one.
      if (auto r = notYetSubsidised(c, view, year); !r) return std::unexpected(r.error());
      return Verdict{};
    }
    if (c.applicant.kind != "person")
      return std::unexpected(
          refusal("applicant_not_person", "个人缴费资助的申请人须为救助对象本人"));
    auto person = view.person(c.region, c.applicant.id_no);
    if (!person) return std::unexpected(person.error());
    if (!*person)
      return std::unexpected(refusal("not_insured", "申请人在本统筹区没有参保登记，不能资助"));
    const Person& p = **person;
    if (p.insurance_type != kResidentInsurance)
      return std::unexpected(
          refusal("not_resident",
                  "个人缴费资助仅适用于城乡居民基本医疗保险参保人，申请人不是城乡居民参保"));
    const InsurancePolicy* policy =
        policies_ ? policies_->find(c.region, kResidentInsurance, year) : nullptr;
    if (!policy || !policy->premium)
      return std::unexpected(refusal("no_policy", "本统筹区没有 " + std::to_string(year) +
                                                      " 年城乡居民个人缴费及资助标准，不能资助"));
    std::vector<std::string> identities = p.identities;
    if (std::string declared = effects::text(*c.form, "identity"); !declared.empty())
      identities.push_back(declared);
    auto choice = policy->subsidyFor(identities);
    if (!choice)
      return std::unexpected(
          refusal("not_assistance_recipient",
                  "申请人不是本统筹区资助参保的救助对象（特困、低保等），不能资助"));
    if (auto r = notYetSubsidised(c, view, year); !r) return std::unexpected(r.error());
    Verdict v;
    v.record["subsidy"] = {{"identity", choice->identity},
                           {"amount_fen", choice->amount_fen},
                           {"premium_fen", policy->premium->personal_fen},
                           {"full", choice->amount_fen == policy->premium->personal_fen},
                           {"year", year},
                           {"example", policy->example},
                           {"source", policy->source}};
    return v;
  }

  std::optional<int64_t> payable(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "subsidy");
    if (!e) return std::nullopt;
    return e->data["subsidy"].value("amount_fen", int64_t{0});
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* rec = effects::latestWith(c, "subsidy");
    if (!rec) return fail(ErrorCode::kConflict, "no_subsidy", "办件没有受理时核定的资助金额");
    const json& s = rec->data["subsidy"];
    if (e.action == "pay") {
      Payment p;
      p.region = c.region;
      p.case_no = c.case_no;
      p.event_seq = e.seq;
      p.payee_kind = "person";
      p.payee = c.applicant.name;
      p.payee_account = effects::text(*c.form, "payee_account");
      p.amount_fen = e.data.value("amount_fen", int64_t{0});
      p.purpose = "救助对象参保个人缴费资助（" + s.value("identity", "") + "）";
      p.at = e.at.unix_seconds;
      p.month = effects::monthOf(e.at);
      return tx.addPayment(p);
    }
    // 办结: once per person and year, also against a case that raced this one past 受理.
    int year = e.at.date().year();
    auto premiums = tx.premiums(c.region, c.applicant.id_no, year);
    if (!premiums) return std::unexpected(premiums.error());
    for (const auto& pe : *premiums)
      if (pe.kind == kSubsidyKind && pe.source != c.case_no)
        return std::unexpected(effects::changedMeanwhile("该救助对象 " + std::to_string(year) +
                                                         " 年已由其他办件资助，不能重复资助"));
    PremiumEntry pe;
    pe.region = c.region;
    pe.id_no = c.applicant.id_no;
    pe.year = year;
    pe.kind = kSubsidyKind;
    pe.amount_fen = s.value("amount_fen", int64_t{0});
    pe.source = c.case_no;
    return tx.addPremium(pe);
  }

  json view(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "subsidy");
    return {{"register", "premiums"}, {"subsidy", e ? e->data["subsidy"] : json(nullptr)}};
  }

 private:
  static Result<void> notYetSubsidised(const CaseState& c, RegisterView& view, int year) {
    auto premiums = view.premiums(c.region, c.applicant.id_no, year);
    if (!premiums) return std::unexpected(premiums.error());
    for (const auto& pe : *premiums)
      if (pe.kind == kSubsidyKind && pe.source != c.case_no)
        return std::unexpected(
            refusal("already_subsidised",
                    "该救助对象 " + std::to_string(year) + " 年已享受个人缴费资助，不能重复资助"));
    return {};
  }

  std::shared_ptr<const PolicySet> policies_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeAssistanceSubsidyEffect(
    std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<AssistanceSubsidy>(std::move(policies));
}

}  // namespace jingban
