// 退役士兵补缴城镇职工基本医疗保险 (Yunnan 530000990002): a soldier who left active service by
// government placement (政府安排工作) before 2019-01-21 back-pays the months of 职工 insurance that
// were never paid (未参保) or broken off (断缴).
//
// The clerk enters the discharge date and the months to back-pay (form veteran_contribution). At
// 受理 and every review: the discharge must precede 2019-01-21; the months run from the month after
// the discharge (service up to it counts as 军龄, not as months to back-pay) to the month before
// the action (later months are paid the ordinary way); none may fall in a period the person was
// already 参保缴费 in this region (the months are named). From 单位缴纳部分费用 on, who pays the
// unit share (原安置单位 / 财政) must be known; at 办理补缴手续 (the last review) the personal
// share must have been collected. Both come from the form or from the approval data of those steps.
// At 办结 the months become a 参保缴费 职工 period of the person (registered as 职工 if the
// register has no record of them; a 暂停 / 终止 period the months fall in is split around them),
// so the contribution months grow by exactly that many, and a "veteran_back_payment" entry keeps
// what was back-paid.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/extras.hpp"
#include "registers/filing.hpp"
#include "validate/identity.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "back_payment";
constexpr const char* kCutoff = "2019-01-21";  // the date the seed's 服务对象 names

// The latest value of `key` a reviewer entered with an approval, else the form's.
json enteredOrForm(const CaseState& c, const char* key) {
  for (auto it = c.events.rbegin(); it != c.events.rend(); ++it) {
    auto entered = it->data.find("entered");
    if (entered != it->data.end() && entered->is_object() && entered->contains(key))
      return (*entered)[key];
  }
  auto f = c.form->find(key);
  return f == c.form->end() ? json() : *f;
}

// "2015-03至2015-06、2016-01" for the months of [from, to] (month indexes) that lie in a period
// the person paid in.
std::string insuredMonths(const Person& p, int from, int to) {
  std::string out;
  int run_start = -1;
  auto flush = [&](int end) {
    if (run_start < 0) return;
    out += (out.empty() ? "" : "、") + monthText(run_start) +
           (end > run_start ? "至" + monthText(end) : "");
    run_start = -1;
  };
  for (int m = from; m <= to; ++m) {
    bool paid = false;
    for (const auto& e : p.enrolments) {
      int a = monthIndex(e.from), b = e.to.empty() ? m : monthIndex(e.to);
      if (e.status == kEnrolPaying && a <= m && m <= b) paid = true;
    }
    if (paid && run_start < 0) run_start = m;
    if (!paid) flush(m - 1);
  }
  flush(to);
  return out;
}

// The periods with [from, to] cut out of those that are not 参保缴费 (those cannot meet it: the
// overlap was refused), and the back-paid period added, in order of `from`.
std::vector<Enrolment> withBackPaidPeriod(const std::vector<Enrolment>& periods, int from, int to) {
  std::vector<Enrolment> out;
  for (const auto& e : periods) {
    int a = monthIndex(e.from), b = e.to.empty() ? -1 : monthIndex(e.to);
    bool meets = a <= to && (b < 0 || b >= from);
    if (!meets) {
      out.push_back(e);
      continue;
    }
    if (a < from) {
      Enrolment before = e;
      before.to = monthText(from - 1);
      out.push_back(before);
    }
    if (b < 0 || b > to) {
      Enrolment after = e;
      after.from = monthText(to + 1);
      out.push_back(after);
    }
  }
  out.push_back(Enrolment{monthText(from), monthText(to), kEnrolPaying, "职工", ""});
  std::stable_sort(out.begin(), out.end(),
                   [](const Enrolment& x, const Enrolment& y) { return x.from < y.from; });
  return out;
}

class VeteranContribution : public EffectHandler {
 public:
  std::string name() const override { return "veteran_contribution"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    const json& form = *c.form;
    const Event& now = c.events.back();
    std::string discharge = effects::text(form, "discharge_date");
    std::string from = effects::text(form, "from_month"), to = effects::text(form, "to_month");
    if (discharge.empty() || from.empty() || to.empty())
      return std::unexpected(
          refusal("back_payment_form_required", "请填写退出现役日期、补缴起始年月和补缴截止年月"));
    if (discharge >= kCutoff)
      return std::unexpected(refusal("discharged_after_cutoff",
                                     "本事项限2019年1月21日前以政府安排工作方式退出现役的退役士兵，"
                                     "退出现役日期为 " +
                                         discharge + "，不能办理"));
    int f = monthIndex(from), t = monthIndex(to), d = monthIndex(discharge.substr(0, 7));
    if (f > t)
      return std::unexpected(refusal(
          "bad_month_range", "补缴起始年月不能晚于补缴截止年月（" + from + "、" + to + "）"));
    if (f <= d)
      return std::unexpected(refusal("months_before_discharge",
                                     "补缴月份须在退出现役的次月（" + monthText(d + 1) +
                                         "）及以后；服役期间计算为军龄，不办理补缴，起始年月为 " +
                                         from));
    std::string this_month = effects::monthOf(now.at);
    if (t >= monthIndex(this_month))
      return std::unexpected(
          refusal("months_not_due", "补缴截止年月最晚为上月（" + effects::monthBefore(this_month) +
                                        "）；本月及以后的费用按月正常缴纳，截止年月为 " + to));

    auto person = view.person(c.region, c.applicant.id_no);
    if (!person) return std::unexpected(person.error());
    int contribution_before = 0;
    if (*person) {
      std::string paid = insuredMonths(**person, f, t);
      if (!paid.empty())
        return std::unexpected(
            refusal("months_already_insured",
                    "以下月份已参保缴费，不能补缴：" + paid + "；请调整补缴起止年月"));
      contribution_before = contributionMonths((*person)->enrolments, this_month);
    }

    // Who pays what, as far as the case has come (position among the review steps).
    auto steps = effects::reviewSteps(c, in.item);
    int at = -1;
    if (now.action == "approve")
      for (size_t i = 0; i < steps.size(); ++i)
        if (steps[i] == now.step) at = static_cast<int>(i);
    json payer = enteredOrForm(c, "unit_share_payer");
    if (!payer.is_null() && (!payer.is_string() || (payer != "原安置单位" && payer != "财政")))
      return std::unexpected(
          refusal("bad_unit_share_payer", "单位缴纳部分的承担方须为“原安置单位”或“财政”"));
    if (at >= 1 && payer.is_null())
      return std::unexpected(
          refusal("unit_share_payer_required",
                  "请确定单位缴纳部分由原安置单位（或其上级主管部门）缴纳，还是申请财政资金"));
    json collected = enteredOrForm(c, "personal_share_collected");
    if (!collected.is_null() && !collected.is_boolean())
      return std::unexpected(
          refusal("bad_personal_share_collected", "个人应缴部分是否收齐须为是或否"));
    if (at >= 0 && at == static_cast<int>(steps.size()) - 1 && collected != true)
      return std::unexpected(
          refusal("personal_share_not_collected", "个人应缴部分费用尚未收齐，不能办理补缴手续"));

    json record = {{"id_no", c.applicant.id_no},
                   {"name", *person ? (*person)->name : c.applicant.name},
                   {"discharge_date", discharge},
                   {"from_month", from},
                   {"to_month", to},
                   {"months", t - f + 1},
                   {"placement_unit", effects::text(form, "placement_unit")},
                   {"unit_share_payer", payer},
                   {"personal_share_collected", collected.is_boolean() && collected == true},
                   {"registered_before", person->has_value()},
                   {"contribution_months_before", contribution_before}};
    Verdict v;
    v.record[kRecordKey] = std::move(record);
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_back_payment_record",
                  "办件没有审核时确定的补缴信息，不能办结");
    json r = recorded->data[kRecordKey];
    std::string id_no = r.value("id_no", "");
    int from = monthIndex(r.value("from_month", "")), to = monthIndex(r.value("to_month", ""));
    auto found = tx.person(c.region, id_no);
    if (!found) return std::unexpected(found.error());
    Person p;
    if (*found) {
      p = **found;
      if (!insuredMonths(p, from, to).empty())
        return std::unexpected(
            effects::changedMeanwhile("受理后参保人已有补缴月份的参保缴费记录，不能办结"));
    } else {
      p.region = c.region;
      p.id_no = id_no;
      p.name = r.value("name", "");
      p.sex = sexOfCitizenId(id_no);
      p.birth_date = birthDateOfCitizenId(id_no);
      p.insurance_type = "职工";
      p.employment = "在职";
      p.phone = c.applicant.phone;
    }
    std::string month = effects::monthOf(e.at);
    int before = contributionMonths(p.enrolments, month);
    p.enrolments = withBackPaidPeriod(p.enrolments, from, to);
    p.status = p.enrolments.back().status;
    Cause cause{c.case_no, e.seq, e.at.unix_seconds};
    if (auto put = tx.putPerson(p, cause); !put) return put;

    auto n = tx.nextNumber(std::string(kBackPaymentKind) + ":" + c.region);
    if (!n) return std::unexpected(n.error());
    RegisterEntry entry;
    entry.kind = kBackPaymentKind;
    entry.region = c.region;
    entry.key = registerNumber("TY", in.region.division_code, *n);
    entry.owner = id_no;
    entry.status = kBackPaid;
    entry.from = monthText(from) + "-01";
    entry.to = lastDayOfMonth(monthText(to));
    r["number"] = entry.key;
    r["case_no"] = c.case_no;
    r["item_code"] = c.item_code;
    r["completed_on"] = e.at.date().str();
    r["contribution_months_before"] = before;
    r["contribution_months_after"] = contributionMonths(p.enrolments, month);
    entry.data = std::move(r);
    return tx.putEntry(entry, cause);
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "back_payments", "back_payment");
  }
};

}  // namespace

std::unique_ptr<EffectHandler> makeVeteranContributionEffect() {
  return std::make_unique<VeteranContribution>();
}

}  // namespace jingban
