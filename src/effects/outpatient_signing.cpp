// 门诊统筹签约 (Qingdao 370200990005): an insured person signs with a designated community clinic
// and one of its doctors, on the website, on WeChat or at the clinic (the catalog's flows, chosen
// by the channel). 004_a3ed85aa5ef64574.txt item 7: 正常享受基本医疗保险统筹待遇的参保人，自签约
// 之日起享受门诊统筹支付待遇.
//
// At 受理 (and any later validation): the person must be insured in the region in the month of
// signing; the institution must be in the region's institution register, a designated 医疗机构
// whose agreement covers the day; a doctor must be named. One signing is in force per person: a
// signing with the same clinic and doctor is refused, and a new one replaces the current one only
// after the region's minimum period (policy/signing/<region>.yaml, an example: the seed is
// silent). At 办结 the signing is registered from that day (kind "outpatient_signing", keyed by
// the ID number), re-checking the clinic and that the signing it replaces is still the one in
// force.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/policy.hpp"
#include "registers/institution.hpp"
#include "registers/signing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "signing";

bool insuredInMonth(const Person& p, const std::string& month) {
  int m = monthIndex(month);
  for (const auto& en : p.enrolments) {
    int from = monthIndex(en.from), to = en.to.empty() ? m : monthIndex(en.to);
    if (en.status == kEnrolPaying && from >= 0 && from <= m && m <= to) return true;
  }
  return false;
}

// The designated clinic of the region that `code` names on `day`, or the refusal.
Result<Institution> designatedClinic(RegisterView& view, const std::string& region,
                                     const std::string& code, const std::string& day) {
  auto entry = view.entry(kInstitutionRegister, region, code);
  if (!entry) return std::unexpected(entry.error());
  if (!*entry)
    return std::unexpected(
        refusal("institution_not_designated",
                "所选机构不在本统筹区定点医药机构名单中，请选择本市协议定点社区医疗机构签约"));
  Institution i = institutionFromEntry(**entry);
  if (i.category != kCategoryHospital)
    return std::unexpected(
        refusal("institution_not_designated",
                "“" + i.name + "”是定点零售药店，门诊统筹须与协议定点社区医疗机构签约"));
  if (i.status != kInstitutionStatusDesignated || i.from.empty() || day < i.from ||
      (!i.to.empty() && day > i.to))
    return std::unexpected(
        refusal("institution_not_designated",
                "“" + i.name + "”当前不是定点医疗机构（状态：" + i.status + "，协议期限 " + i.from +
                    " 至 " + (i.to.empty() ? std::string("未定") : i.to) + "），不能签约"));
  return i;
}

class OutpatientSigningEffect : public EffectHandler {
 public:
  explicit OutpatientSigningEffect(std::shared_ptr<const PolicySet> policies)
      : policies_(std::move(policies)) {}

  std::string name() const override { return "outpatient_pooling_signing"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    const json& form = *c.form;
    const SigningRules* rules = policies_ ? policies_->signingRules(c.region) : nullptr;
    if (!rules)
      return std::unexpected(
          refusal("no_signing_rules", "本统筹区没有门诊统筹签约的参数，不能办理签约"));
    if (c.applicant.kind != "person")
      return std::unexpected(
          refusal("applicant_not_person", "门诊统筹签约由参保人本人办理，申请人须为个人"));
    const std::string& id_no = c.applicant.id_no;
    std::string today =
        c.events.empty() ? c.submitted_at.date().str() : c.events.back().at.date().str();

    auto person = view.person(c.region, id_no);
    if (!person) return std::unexpected(person.error());
    if (!*person || !insuredInMonth(**person, today.substr(0, 7)))
      return std::unexpected(refusal("not_insured",
                                     "参保人在本统筹区无有效参保记录（当月未处于参保缴费状态），"
                                     "不能办理门诊统筹签约"));
    std::string doctor = effects::text(form, "doctor");
    if (doctor.empty())
      return std::unexpected(refusal(
          "doctor_required", "请填写签约医生：参保人应与具备条件的医生签订门诊统筹服务协议"));
    auto clinic = designatedClinic(view, c.region, effects::text(form, "institution_code"), today);
    if (!clinic) return std::unexpected(clinic.error());

    json record = {{"id_no", id_no},
                   {"name", (*person)->name},
                   {"institution_code", clinic->code},
                   {"institution_name", clinic->name},
                   {"doctor", doctor},
                   {"channel", c.channel},
                   {"replaced_case", ""},
                   {"rules",
                    {{"example", rules->example},
                     {"source", rules->source},
                     {"change_min_months", rules->change_min_months}}}};
    auto current = view.entry(kOutpatientSigningKind, c.region, id_no);
    if (!current) return std::unexpected(current.error());
    if (auto s = *current ? signingFromEntry(**current) : std::nullopt;
        s && s->status == kSigningInForce) {
      if (s->institution_code == clinic->code && s->doctor == doctor)
        return std::unexpected(refusal("already_signed", "参保人自 " + s->from + " 起已与“" +
                                                             s->institution_name +
                                                             "”的签约医生签约，无需重复签约"));
      std::string earliest = signingChangeableOn(s->from, rules->change_min_months);
      if (today < earliest)
        return std::unexpected(refusal(
            "change_too_early",
            "参保人当前的门诊统筹签约（“" + s->institution_name + "”，自 " + s->from +
                " 起）须满 " + std::to_string(rules->change_min_months) + " 个月方可变更签约（" +
                earliest + " 起）" + (rules->example ? "（示例参数）" : "")));
      record["replaced_case"] = s->case_no;
      record["replaces"] = {{"institution_code", s->institution_code},
                            {"institution_name", s->institution_name},
                            {"doctor", s->doctor},
                            {"from", s->from}};
    }
    Verdict v;
    v.record[kRecordKey] = std::move(record);
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_signing_record",
                  "办件没有受理时核定的签约信息，不能办结");
    const json& r = recorded->data[kRecordKey];
    OutpatientSigning s;
    s.region = c.region;
    s.id_no = r.value("id_no", "");
    s.name = r.value("name", "");
    s.institution_code = r.value("institution_code", "");
    s.institution_name = r.value("institution_name", "");
    s.doctor = r.value("doctor", "");
    s.channel = r.value("channel", "");
    s.replaced_case = r.value("replaced_case", "");
    s.from = e.at.date().str();  // 自签约之日起
    s.item_code = c.item_code;
    s.case_no = c.case_no;

    auto clinic = designatedClinic(tx, c.region, s.institution_code, s.from);
    if (!clinic)
      return std::unexpected(
          effects::changedMeanwhile("受理后所选机构的定点状态已变化：" + clinic.error().message));
    auto current = tx.entry(kOutpatientSigningKind, c.region, s.id_no);
    if (!current) return std::unexpected(current.error());
    auto in_force = *current ? signingFromEntry(**current) : std::nullopt;
    std::string now_case = in_force && in_force->status == kSigningInForce ? in_force->case_no : "";
    if (now_case != s.replaced_case)
      return std::unexpected(
          effects::changedMeanwhile("参保人在受理后已办理了其他门诊统筹签约，请重新受理"));
    return tx.putEntry(toEntry(s), Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "outpatient_signing", "signing");
  }

 private:
  std::shared_ptr<const PolicySet> policies_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeOutpatientSigningEffect(
    std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<OutpatientSigningEffect>(std::move(policies));
}

}  // namespace jingban
