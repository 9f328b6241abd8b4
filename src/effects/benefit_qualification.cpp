// 应届毕业生医保待遇资格确认 (Qingdao 370200990006) and 退役军人医保待遇资格确认 (370200990007).
// 004_a3ed85aa5ef64574.txt item 8, 服务对象: 毕业当年度参加职工社会医疗保险的各类学校全日制应届
// 毕业生; 转业或者复员一年内参加职工社会医疗保险的军转干部和复员退伍军人.
//
// At 受理 and 审核: the applicant must be an insured employee of the region now (an open 职工 or
// 灵活就业 period, status 参保缴费); the graduation year / discharge date the form gives may not
// lie in the future; one of the person's 职工 periods must start within the category's window (the
// graduation year; the discharge month to a year after discharge), else the refusal names the
// window and the person's enrolment months; a person holds one qualification per category. At 办结
// the qualification is registered (kind "benefit_qualification", key "<category>:<ID number>").
// The seed does not say what the confirmation grants; the register records the qualification and
// its period: from the first day of the enrolment it confirms, with no end.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/signing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "benefit_qualification";

// The category an item confirms, by its code.
Result<std::string> categoryOf(const Item& item) {
  if (item.code == "370200990006") return std::string(kGraduateCategory);
  if (item.code == "370200990007") return std::string(kVeteranCategory);
  return std::unexpected(
      refusal("unknown_qualification_item", "本事项不是应届毕业生或退役军人医保待遇资格确认事项"));
}

bool openEmployeePeriod(const Person& p) {
  for (const auto& e : p.enrolments)
    if (e.to.empty() && e.status == kEnrolPaying && employeeInsurance(e)) return true;
  return false;
}

class BenefitQualificationEffect : public EffectHandler {
 public:
  std::string name() const override { return "benefit_qualification"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    const json& form = *c.form;
    auto category = categoryOf(in.item);
    if (!category) return std::unexpected(category.error());
    if (c.applicant.kind != "person")
      return std::unexpected(
          refusal("applicant_not_person", "待遇资格确认由参保职工本人申请，申请人须为个人"));
    const std::string& id_no = c.applicant.id_no;
    const std::string label = benefitCategoryName(*category);
    std::string today =
        c.events.empty() ? c.submitted_at.date().str() : c.events.back().at.date().str();

    auto person = view.person(c.region, id_no);
    if (!person) return std::unexpected(person.error());
    if (!*person || !openEmployeePeriod(**person))
      return std::unexpected(refusal(
          "not_employee_insured", "参保人在本统筹区没有正在缴费的职工医疗保险参保记录，不能办理" +
                                      label + "医保待遇资格确认"));

    json record = {{"category", *category}, {"id_no", id_no}, {"name", (*person)->name}};
    EnrolmentWindow window;
    std::string condition;
    if (*category == kGraduateCategory) {
      auto year = form.find("graduation_year");
      if (year == form.end() || !year->is_number_integer())
        return std::unexpected(refusal("form_incomplete", "请填写毕业年度"));
      int y = year->get<int>();
      if (y > std::stoi(today.substr(0, 4)))
        return std::unexpected(
            refusal("graduation_in_future",
                    "毕业年度晚于本年度，毕业后方可申请应届毕业生医保待遇资格确认"));
      window = graduateWindow(y);
      condition = "毕业当年度（" + std::to_string(y) + " 年）";
      record["graduation_year"] = y;
    } else {
      std::string discharged = effects::text(form, "discharge_date");
      if (discharged.empty())
        return std::unexpected(refusal("form_incomplete", "请填写转业或复员（退役）日期"));
      if (discharged > today)
        return std::unexpected(refusal("discharge_in_future",
                                       "退役日期晚于今天，退役后方可申请退役军人医保待遇资格确认"));
      window = veteranWindow(discharged);
      condition = "转业或复员一年内（" + discharged + " 退役，" + window.first_month + " 至 " +
                  window.last_month + "）";
      record["discharge_date"] = discharged;
    }
    auto enrolment = employeeEnrolmentWithin((*person)->enrolments, window);
    if (!enrolment) {
      std::string starts = employeeEnrolmentStarts((*person)->enrolments);
      return std::unexpected(
          refusal("outside_enrolment_window", "参保人参加职工医疗保险的起始年月为 " + starts +
                                                  "，不是在" + condition + "参加的，不符合" +
                                                  label + "医保待遇资格确认的条件"));
    }
    auto existing =
        view.entry(kBenefitQualificationKind, c.region, benefitQualificationKey(*category, id_no));
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      auto q = benefitQualificationFromEntry(**existing);
      return std::unexpected(refusal("duplicate_benefit_qualification",
                                     "参保人已于 " + (q ? q->confirmed_on : std::string()) +
                                         " 确认" + label + "医保待遇资格（办件 " +
                                         (q ? q->case_no : std::string()) +
                                         "），同一类别只能确认一次"));
    }
    record["enrolment_month"] = enrolment->from;
    record["unit"] = enrolment->unit;
    record["window_from"] = window.first_month;
    record["window_to"] = window.last_month;
    record["from"] = enrolment->from + "-01";
    Verdict v;
    v.record[kRecordKey] = std::move(record);
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_benefit_qualification_record",
                  "办件没有审核时核定的待遇资格信息，不能办结");
    const json& r = recorded->data[kRecordKey];
    BenefitQualification q;
    q.region = c.region;
    q.id_no = r.value("id_no", "");
    q.name = r.value("name", "");
    q.category = r.value("category", "");
    q.graduation_year = r.value("graduation_year", 0);
    q.discharge_date = r.value("discharge_date", "");
    q.enrolment_month = r.value("enrolment_month", "");
    q.unit = r.value("unit", "");
    q.window_from = r.value("window_from", "");
    q.window_to = r.value("window_to", "");
    q.from = r.value("from", "");
    q.confirmed_on = e.at.date().str();
    q.item_code = c.item_code;
    q.case_no = c.case_no;
    RegisterEntry entry = toEntry(q);
    auto existing = tx.entry(entry.kind, entry.region, entry.key);
    if (!existing) return std::unexpected(existing.error());
    if (*existing)
      return std::unexpected(effects::changedMeanwhile(std::string("参保人在受理后已确认") +
                                                       benefitCategoryName(q.category) +
                                                       "医保待遇资格，不能重复办结"));
    return tx.putEntry(entry, Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "benefit_qualifications", "qualification");
  }
};

}  // namespace

std::unique_ptr<EffectHandler> makeBenefitQualificationEffect() {
  return std::make_unique<BenefitQualificationEffect>();
}

}  // namespace jingban
