// 门诊慢特病病种待遇认定 (005000: Qinghai / Xining, Yunnan, Qingdao): the insured person applies
// for one disease of the region's catalogue (policy/diseases/<region>.yaml) with the assessing
// hospital. At 受理 and review: the person must be insured in the region; an unknown disease is
// refused; the item's limit condition must match the disease (Yunnan 特殊病 5 working days vs
// 慢性病 10; Qingdao 即时办结 diseases vs 7 working days); a valid qualification for the same
// disease is refused unless it ends within the region's renewal window — then this is its renewal
// and starts the day after it ends. At 办结 the qualification is registered (kind
// "qualification"), valid from that day (Qingdao: 核准当日享受待遇) for the region's period of the
// disease's kind. Reimbursement reads it (effects/reimbursement.cpp: chronic_disease_code).
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/policy.hpp"
#include "registers/filing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "qualification";

class DiseaseQualification : public EffectHandler {
 public:
  explicit DiseaseQualification(std::shared_ptr<const PolicySet> policies)
      : policies_(std::move(policies)) {}

  std::string name() const override { return "chronic_disease_qualification"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    const json& form = *c.form;
    const DiseaseCatalog* catalog = policies_ ? policies_->diseases(c.region) : nullptr;
    if (!catalog)
      return std::unexpected(
          refusal("no_disease_catalog", "本统筹区没有门诊慢特病病种目录，不能办理认定"));
    std::string id_no = c.applicant.id_no, name = c.applicant.name;
    if (c.applicant.kind != "person") {
      id_no = effects::text(form, "insured_id_no");
      name = effects::text(form, "insured_name");
      if (id_no.empty())
        return std::unexpected(refusal("insured_person_required",
                                       "单位或医院代为申请认定的，须填写参保人的公民身份号码"));
    }
    std::string today =
        c.events.empty() ? c.submitted_at.date().str() : c.events.back().at.date().str();
    auto person = view.person(c.region, id_no);
    if (!person) return std::unexpected(person.error());
    if (!*person || !insuredInMonth(**person, today.substr(0, 7)))
      return std::unexpected(refusal(
          "not_insured",
          "参保人在本统筹区无有效参保记录（当月未处于参保缴费状态），不能办理门诊慢特病认定"));

    const Disease* d = catalog->find(effects::text(form, "disease_code"));
    if (!d)
      return std::unexpected(refusal(
          "unknown_disease", "申报病种不在本统筹区门诊慢特病病种目录中，请按目录选择病种编码"));
    if (auto r = checkLimitCondition(c, in.item, *catalog, *d); !r)
      return std::unexpected(r.error());

    // The latest end among the person's valid qualifications for this disease.
    EntryFilter f;
    f.kind = kQualificationKind;
    f.region = c.region;
    f.owner = id_no;
    f.status = kEntryValid;
    f.limit = 1000;
    auto list = view.entries(f);
    if (!list) return std::unexpected(list.error());
    std::optional<Qualification> latest;
    for (const auto& e : *list) {
      auto q = qualificationFromEntry(e);
      if (!q || q->disease_code != d->code) continue;
      if (q->to.empty()) {  // never ends: always a duplicate
        latest = q;
        break;
      }
      if (q->to < today) continue;  // expired: no bar
      if (!latest || q->to > latest->to) latest = q;
    }
    json record = {{"id_no", id_no},
                   {"name", name.empty() ? (*person)->name : name},
                   {"disease_code", d->code},
                   {"disease_name", d->name},
                   {"disease_kind", d->kind},
                   {"instant", d->instant},
                   {"specialist", d->specialist},
                   {"hospital", effects::text(form, "hospital")},
                   {"validity_months", validityMonths(*catalog, *d)},
                   {"catalog", {{"example", catalog->example}, {"source", catalog->source}}}};
    if (latest) {
      std::string window_opens = latest->to.empty()
                                     ? std::string()
                                     : dateAfterDays(latest->to, -catalog->renewal_window_days);
      if (latest->to.empty() || today < window_opens)
        return std::unexpected(refusal(
            "duplicate_qualification",
            "参保人已有该病种的有效认定 " + latest->number + "（" +
                (latest->to.empty()
                     ? latest->from + " 起长期有效"
                     : "有效期至 " + latest->to + "，到期前 " +
                           std::to_string(catalog->renewal_window_days) + " 天内方可申请续期") +
                "），不能重复认定"));
      record["renews"] = latest->number;
      record["renew_from"] = dateAfterDays(latest->to, 1);
    }
    Verdict v;
    v.record[kRecordKey] = std::move(record);
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_qualification_record",
                  "办件没有受理时核定的认定信息，不能办结");
    const json& r = recorded->data[kRecordKey];
    Qualification q;
    q.region = c.region;
    q.id_no = r.value("id_no", "");
    q.name = r.value("name", "");
    q.disease_code = r.value("disease_code", "");
    q.disease_name = r.value("disease_name", "");
    q.disease_kind = r.value("disease_kind", "");
    q.hospital = r.value("hospital", "");
    q.assessment = r.value("instant", false) ? "即时认定" : "评估认定";
    q.item_code = c.item_code;
    q.case_no = c.case_no;
    q.renews = r.value("renews", "");
    // Valid from the day of 办结, or, for a renewal, the day after the renewed one ends.
    q.from = e.at.date().str();
    std::string renew_from = r.value("renew_from", "");
    if (!renew_from.empty() && renew_from > q.from) q.from = renew_from;
    int months = r.value("validity_months", 0);
    q.to = months > 0 ? dayBefore(dateAfterMonths(q.from, months)) : std::string();

    EntryFilter f;
    f.kind = kQualificationKind;
    f.region = c.region;
    f.owner = q.id_no;
    f.status = kEntryValid;
    f.limit = 1000;
    auto list = tx.entries(f);
    if (!list) return std::unexpected(list.error());
    for (const auto& x : *list)
      if (auto other = qualificationFromEntry(x);
          other && other->disease_code == q.disease_code &&
          periodsOverlap(q.from, q.to, other->from, other->to))
        return std::unexpected(effects::changedMeanwhile("参保人在受理后已取得该病种的认定 " +
                                                         other->number + "，不能重复认定"));
    auto n = tx.nextNumber(std::string(kQualificationKind) + ":" + c.region);
    if (!n) return std::unexpected(n.error());
    q.number = registerNumber("MT", in.region.division_code, *n);
    return tx.putEntry(toEntry(q), Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "qualifications", "qualification");
  }

 private:
  static bool insuredInMonth(const Person& p, const std::string& month) {
    int m = monthIndex(month);
    for (const auto& en : p.enrolments) {
      int from = monthIndex(en.from), to = en.to.empty() ? m : monthIndex(en.to);
      if (en.status == kEnrolPaying && from >= 0 && from <= m && m <= to) return true;
    }
    return false;
  }

  static int validityMonths(const DiseaseCatalog& catalog, const Disease& d) {
    auto it = catalog.validity_months.find(d.kind);
    return it == catalog.validity_months.end() ? 0 : it->second;
  }

  static std::string dateAfterDays(const std::string& date, int days) {
    auto d = Date::parse(date);
    return d ? d->plusDays(days).str() : date;
  }

  // The item's condition that selects the shorter limit must be chosen exactly for the diseases
  // it names: a wrong choice would give the case a wrong legal deadline.
  static Result<void> checkLimitCondition(const CaseState& c, const Item& item,
                                          const DiseaseCatalog& catalog, const Disease& d) {
    if (catalog.limit_condition.empty()) return {};
    const Condition* cond = nullptr;
    for (const auto& x : item.conditions)
      if (x.id == catalog.limit_condition) cond = &x;
    if (!cond) return {};
    bool chosen = c.conditions.count(cond->id) > 0;
    bool belongs = catalog.inLimitGroup(d);
    if (chosen == belongs) return {};
    std::string group =
        catalog.limit_condition_applies_to == "special" ? "特殊病病种" : "即时办结病种";
    if (belongs)
      return std::unexpected(refusal(
          "limit_condition_required",
          "所申报病种“" + d.name + "”属" + group + "，申请时须选择条件“" + cond->name + "”"));
    return std::unexpected(
        refusal("limit_condition_mismatch",
                "所申报病种“" + d.name + "”不属" + group + "，不能选择条件“" + cond->name + "”"));
  }

  std::shared_ptr<const PolicySet> policies_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeDiseaseQualificationEffect(
    std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<DiseaseQualification>(std::move(policies));
}

}  // namespace jingban
