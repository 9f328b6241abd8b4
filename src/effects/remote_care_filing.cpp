// 异地就医备案 (004001 异地安置退休, 004002 异地长期居住, 004003 常驻异地工作, 004004 异地转诊,
// 004005 其他临时外出; Qingdao's 异地急诊转住院联网备案 as 急诊抢救): a new filing, a change or a
// cancellation (Yunnan's 附件7 登记类别 新增 / 变更 / 取消备案).
//
// At 受理 and every review: the insured person must be insured in the region in the month the
// filing starts; 异地安置退休 is for retired persons; the period is fixed here (long-term: no end;
// temporary: the region's period, policy/filings/<region>.yaml) and recorded in the event; a
// period overlapping a valid filing of the person is refused; a change or cancellation names a
// valid filing of the person and respects the region's minimum period. At 办结 the filing is
// registered (kind "filing", a number from the registers' counter) and a changed or cancelled one
// ends the day before the new one starts, all re-checked inside the transaction.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/policy.hpp"
#include "registers/filing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "filing";

// The category an item files: its national sub-item (004001 … 004005), or 急诊抢救 for Qingdao's
// 异地急诊转住院 (its own effect name). 004005 may name 急诊抢救 in the form: 医保发〔2022〕22号
// counts 急诊抢救人员 among the 临时外出就医人员.
Result<std::string> categoryOf(const std::string& effect, const Item& item, const json& form) {
  if (effect == "emergency_transfer_filing") return std::string("急诊抢救");
  static const std::pair<const char*, const char*> kByCode[] = {{"004001", "异地安置退休"},
                                                                {"004002", "异地长期居住"},
                                                                {"004003", "常驻异地工作"},
                                                                {"004004", "异地转诊"},
                                                                {"004005", "其他临时外出"}};
  std::string chosen = effects::text(form, "category");
  for (const auto& [suffix, category] : kByCode) {
    if (!item.code.ends_with(suffix)) continue;
    if (chosen.empty() || chosen == category) return std::string(category);
    if (std::string(suffix) == "004005" && chosen == "急诊抢救") return chosen;
    return std::unexpected(
        refusal("category_mismatch", std::string("本事项办理“") + category +
                                         "”备案，不能选择其他临时外出类别，请改选相应备案事项"));
  }
  return std::unexpected(
      refusal("unknown_filing_item", "本事项不是异地就医备案事项，不能登记备案"));
}

std::string periodText(const std::string& from, const std::string& to) {
  return to.empty() ? from + " 起长期有效" : from + " 至 " + to;
}

class RemoteCareFiling : public EffectHandler {
 public:
  RemoteCareFiling(std::string name, std::shared_ptr<const PolicySet> policies)
      : name_(std::move(name)), policies_(std::move(policies)) {}

  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    const json& form = *c.form;
    const FilingRules* rules = policies_ ? policies_->filingRules(c.region) : nullptr;
    if (!rules)
      return std::unexpected(
          refusal("no_filing_rules", "本统筹区没有异地就医备案的期限参数，不能办理备案"));
    auto category = categoryOf(name_, in.item, form);
    if (!category) return std::unexpected(category.error());
    auto who = insuredPerson(c);
    if (!who) return std::unexpected(who.error());
    const auto& [id_no, given_name] = *who;
    std::string change = effects::text(form, "change");
    if (change.empty()) change = "新增";
    std::string start = effects::text(form, "start_date");  // the form schema requires a date

    auto person = view.person(c.region, id_no);
    if (!person) return std::unexpected(person.error());
    if (!*person || !insuredInMonth(**person, start.substr(0, 7)))
      return std::unexpected(refusal("not_insured",
                                     "参保人在本统筹区无有效参保记录（备案开始月份未处于参保缴费状"
                                     "态），不能办理异地就医备案"));
    if (*category == "异地安置退休" && change != "取消备案" && (*person)->employment != "退休")
      return std::unexpected(refusal(
          "not_retired", "异地安置退休人员备案限已办理退休的参保人；在职人员请办理其他类别的备案"));

    bool long_term = isLongTermFiling(*category);
    json record = {{"category", *category},
                   {"long_term", long_term},
                   {"change", change},
                   {"id_no", id_no},
                   {"name", given_name.empty() ? (*person)->name : given_name},
                   {"rules",
                    {{"example", rules->example},
                     {"source", rules->source},
                     {"temporary_validity_months", rules->temporary_validity_months}}}};
    std::string replaces;
    if (change != "新增") {
      auto old = filingToEnd(c, id_no, start, *rules, view);
      if (!old) return std::unexpected(old.error());
      replaces = old->number;
      record["replaces"] = replaces;
      record["replaced_to"] = dayBefore(start);
    }
    if (change != "取消备案") {
      if (effects::text(form, "destination").empty())
        return std::unexpected(
            refusal("destination_required", "请填写就医地（省、市），备案须载明就医地"));
      std::string to = long_term
                           ? std::string()
                           : dayBefore(dateAfterMonths(start, rules->temporary_validity_months));
      auto clash = overlapping(view, c.region, id_no, start, to, replaces);
      if (!clash) return std::unexpected(clash.error());
      if (*clash)
        return std::unexpected(
            refusal("filing_overlap",
                    "参保人已有备案 " + (*clash)->number + "（" + (*clash)->category + "，" +
                        periodText((*clash)->from, (*clash)->to) +
                        "）与本次备案期间重叠，不能重复备案；如需更改，请申请变更或取消原备案"));
      record["from"] = start;
      record["to"] = to;
    }
    Verdict v;
    v.record[kRecordKey] = std::move(record);
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_filing_record",
                  "办件没有受理时核定的备案信息，不能办结");
    const json& r = recorded->data[kRecordKey];
    const json& form = *c.form;
    std::string id_no = r.value("id_no", "");
    std::string replaces = r.value("replaces", "");
    std::string change = r.value("change", "新增");
    Cause cause{c.case_no, e.seq, e.at.unix_seconds};

    if (!replaces.empty()) {
      auto old = tx.entry(kFilingKind, c.region, replaces);
      if (!old) return std::unexpected(old.error());
      auto f = *old ? filingFromEntry(**old) : std::nullopt;
      if (!f || f->status != kEntryValid || f->id_no != id_no)
        return std::unexpected(effects::changedMeanwhile("原备案已被变更或取消，请重新受理"));
      f->status = change == "取消备案" ? kFilingCancelled : kFilingChanged;
      f->to = r.value("replaced_to", f->to);
      f->ended_by = c.case_no;
      if (auto put = tx.putEntry(toEntry(*f), cause); !put) return put;
    }
    if (change == "取消备案") return {};

    Filing f;
    f.region = c.region;
    f.id_no = id_no;
    f.name = r.value("name", "");
    f.category = r.value("category", "");
    f.long_term = r.value("long_term", false);
    f.from = r.value("from", "");
    f.to = r.value("to", "");
    f.scope = effects::text(form, "scope");
    f.destination = effects::text(form, "destination");
    f.hospital = effects::text(form, "hospital");
    f.proof = byCommitment(c, in.item) ? "个人承诺书" : "证明材料";
    f.item_code = c.item_code;
    f.case_no = c.case_no;
    f.replaces = replaces;
    auto clash = overlapping(tx, c.region, id_no, f.from, f.to, replaces);
    if (!clash) return std::unexpected(clash.error());
    if (*clash)
      return std::unexpected(effects::changedMeanwhile(
          "参保人在受理后已有备案 " + (*clash)->number + " 与本次备案期间重叠，不能办结"));
    auto n = tx.nextNumber(std::string(kFilingKind) + ":" + c.region);
    if (!n) return std::unexpected(n.error());
    f.number = registerNumber("BA", in.region.division_code, *n);
    return tx.putEntry(toEntry(f), cause);
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "filings", "filing");
  }

 private:
  // The insured person: the applicant, or the person a unit or hospital applies for.
  static Result<std::pair<std::string, std::string>> insuredPerson(const CaseState& c) {
    if (c.applicant.kind == "person") return std::pair{c.applicant.id_no, c.applicant.name};
    std::string id = effects::text(*c.form, "insured_id_no");
    if (id.empty())
      return std::unexpected(refusal("insured_person_required",
                                     "单位或医院代为申请备案的，须填写参保人的公民身份号码"));
    return std::pair{id, effects::text(*c.form, "insured_name")};
  }

  static bool insuredInMonth(const Person& p, const std::string& month) {
    int m = monthIndex(month);
    for (const auto& en : p.enrolments) {
      int from = monthIndex(en.from), to = en.to.empty() ? m : monthIndex(en.to);
      if (en.status == kEnrolPaying && from >= 0 && from <= m && m <= to) return true;
    }
    return false;
  }

  // A proof the seed lets a 个人承诺书 replace (承诺制) was given as a commitment.
  static bool byCommitment(const CaseState& c, const Item& item) {
    for (const auto& m : item.materials)
      if (m.commitment) {
        auto it = c.materials.find(m.id);
        if (it != c.materials.end() && it->second == "commitment") return true;
      }
    return false;
  }

  // The valid filing of the person that a change or cancellation ends, checked against the
  // region's minimum period.
  Result<Filing> filingToEnd(const CaseState& c, const std::string& id_no, const std::string& start,
                             const FilingRules& rules, RegisterView& view) const {
    std::string no = effects::text(*c.form, "filing_no");
    if (no.empty())
      return std::unexpected(refusal("filing_no_required", "变更或取消备案的，须填写原备案编号"));
    auto old = view.entry(kFilingKind, c.region, no);
    if (!old) return std::unexpected(old.error());
    auto f = *old ? filingFromEntry(**old) : std::nullopt;
    if (!f || f->id_no != id_no || f->status != kEntryValid)
      return std::unexpected(
          refusal("filing_not_found", "未找到该参保人名下有效的原备案，请核对原备案编号"));
    if (!f->to.empty() && start > f->to)
      return std::unexpected(refusal(
          "filing_expired", "原备案已于 " + f->to + " 到期，无需变更或取消，请直接申请新的备案"));
    int months =
        f->long_term ? rules.long_term_change_min_months : rules.temporary_change_min_months;
    std::string earliest = dateAfterMonths(f->from, months);
    if (start <= f->from || start < earliest)
      return std::unexpected(refusal(
          "change_too_early", "原备案 " + f->number + " 自 " + f->from + " 起" +
                                  (months > 0 ? "须满 " + std::to_string(months) +
                                                    " 个月方可变更或取消（" + earliest + " 起）"
                                              : "生效，变更或取消的生效日期须晚于该日") +
                                  (rules.example ? "（示例参数）" : "")));
    return *f;
  }

  // The first valid filing of the person whose period meets [from, to], other than `except`.
  static Result<std::optional<Filing>> overlapping(RegisterView& view, const std::string& region,
                                                   const std::string& id_no,
                                                   const std::string& from, const std::string& to,
                                                   const std::string& except) {
    EntryFilter f;
    f.kind = kFilingKind;
    f.region = region;
    f.owner = id_no;
    f.status = kEntryValid;
    f.limit = 1000;
    auto list = view.entries(f);
    if (!list) return std::unexpected(list.error());
    for (const auto& e : *list) {
      if (e.key == except) continue;
      if (periodsOverlap(from, to, e.from, e.to)) return filingFromEntry(e);
    }
    return std::optional<Filing>();
  }

  std::string name_;
  std::shared_ptr<const PolicySet> policies_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeRemoteCareFilingEffect(
    std::string name, std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<RemoteCareFiling>(std::move(name), std::move(policies));
}

}  // namespace jingban
