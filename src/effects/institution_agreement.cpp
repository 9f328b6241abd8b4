// 医疗机构申请定点协议管理 (009001, institution_agreement) and 零售药店申请定点协议管理 (009002,
// pharmacy_agreement) in Qinghai, Xining (by extends), Yunnan and Qingdao.
//
// The stages: application → 受理 (the workflow's 一次性告知 returns an incomplete application;
// a return during review pauses the limit, so supplement time is not counted) → evaluation (the
// flow's first review step: 审核 / 审核评估 / 评估) → the region's further review steps (Yunnan's
// 协商谈判, 结果公示) → 办结, where the agreement is signed (协议签订 / 签订服务协议) and the
// institution is designated with its code. Where a flow has no 公示 step (Qinghai, Qingdao), the
// publicity is recorded as a figure of the last review step; where it says training and signing
// happen 每季度末 (Qinghai chart 4-22), the quarter's end is recorded at the last review.
//
// Chart 4-22's 互认 path (condition mutual_recognition: already designated elsewhere) skips the
// evaluation: its review checks the existing agreement, and a refusal there is not an evaluation
// failure. On the new-application path a refusal at any review step is a failed evaluation
// (kind institution_application): the institution may apply again 3 months after the result, and
// a second failure bars it for a year (refused at 受理 with the date).
//
// The institution's level, address and bank account come from the application form when the
// item's form carries them, else from what the evaluating reviewer enters on approval (action
// data level / address / bank_account, transcribed from the paper 申请表).
#include <map>

#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/institution.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kDetails[] = {"level", "address", "bank_account"};

class InstitutionAgreement : public EffectHandler {
 public:
  InstitutionAgreement(std::string name, std::string category)
      : name_(std::move(name)), category_(std::move(category)) {}
  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override {
    return e.action == "complete" || e.action == "reject";
  }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.applicant.kind != "institution")
      return std::unexpected(refusal("applicant_not_institution",
                                     "定点协议管理的申请人须为" + category_ + "（机构）"));
    const Event& e = c.events.back();
    std::string today = e.at.date().str();
    if (auto r = notDesignated(c, view); !r) return std::unexpected(r.error());
    Verdict v;
    if (e.action == "accept") {
      auto rec = view.entry(kInstitutionApplicationRegister, c.region, c.applicant.id_no);
      if (!rec) return std::unexpected(rec.error());
      if (*rec) {
        Reapply rule = reapplyRule(applicationFromEntry(**rec).outcomes, category_);
        if (!rule.may_apply_on.empty() && today < rule.may_apply_on)
          return std::unexpected(
              rule.barred
                  ? refusal("reapply_barred", "该机构整改后再次评估仍不合格，1年内不得再次申请，" +
                                                  rule.may_apply_on + " 起方可再次申请")
                  : refusal("reapply_too_early", "该机构评估不合格，须自结果告知之日起整改3个月，" +
                                                     rule.may_apply_on + " 起方可再次申请评估"));
      }
      v.record["institution"] = {
          {"category", category_}, {"path", mutual(c) ? "互认" : "新申请"}, {"applied_on", today}};
      return v;
    }
    if (e.action != "approve") return v;

    auto steps = effects::reviewSteps(c, in.item);
    bool first = !steps.empty() && e.step == steps.front();
    bool last = !steps.empty() && e.step == steps.back();
    auto details = this->details(c);
    if (!details) return std::unexpected(details.error());
    if (first) {
      json stage = {{"on", today}, {"step", e.step}};
      for (const char* k : kDetails) stage[k] = (*details)[k];
      if (mutual(c)) {
        stage["result"] = "互认";  // chart 4-22: the existing agreement, no evaluation
        v.record["mutual_recognition"] = stage;
      } else {
        stage["result"] = "合格";
        v.record["evaluation"] = stage;
      }
    }
    if (e.step.find("公示") != std::string::npos)
      v.record["publicity"] = {{"on", today}, {"step", e.step}};
    if (last) {
      if (!hasStep(c, in.item, "公示"))
        // The flow has no 公示 step (Qinghai 审核 "包括…公示、协议签订", Qingdao 评估): the
        // publicity is a figure of this last review.
        v.record["publicity"] = {{"on", today}, {"step", e.step}, {"within_review", true}};
      if (textMentions(c, in.item, "每季度末"))
        v.record["training_and_signing_by"] = quarterEnd(today);
    }
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    Cause cause{c.case_no, e.seq, e.at.unix_seconds};
    std::string today = e.at.date().str();
    if (e.action == "reject") {
      // Only the evaluation of a new application counts towards the re-application rule.
      if (mutual(c)) return {};
      return addOutcome(
          tx, c, cause,
          ApplicationOutcome{today, c.case_no, category_, "不合格", e.step, e.comment});
    }
    if (auto r = notDesignated(c, tx); !r)
      return std::unexpected(effects::changedMeanwhile(r.error().message));
    auto details = this->details(c);
    if (!details) return std::unexpected(details.error());
    std::string prefix = designationPrefix(category_);
    std::string code;
    // The counter is the registers' own (a rebuild allocates the same numbers); a code already
    // taken (an entry written without the counter) is skipped rather than overwritten.
    for (int tries = 0; tries < 100 && code.empty(); ++tries) {
      auto n = tx.nextNumber(designationCounter(c.region, prefix));
      if (!n) return std::unexpected(n.error());
      std::string candidate = designationCode(prefix, in.region.division_code, *n);
      if (candidate.empty())
        return fail(ErrorCode::kUnprocessable, "code_exhausted",
                    "本统筹区" + category_ + "定点编码已用尽，请联系管理员");
      auto taken = tx.entry(kInstitutionRegister, c.region, candidate);
      if (!taken) return std::unexpected(taken.error());
      if (!*taken) code = candidate;
    }
    if (code.empty())
      return fail(ErrorCode::kInternal, "code_unavailable", "未能分配定点编码，请联系管理员");
    Institution i;
    i.region = c.region;
    i.code = code;
    i.credit_code = c.applicant.id_no;
    i.status = kInstitutionStatusDesignated;
    i.from = today;  // the agreement is signed at 办结; the seeds set no term, so no end date
    i.name = c.applicant.name;
    i.category = category_;
    i.level = (*details)["level"];
    i.division = in.region.division_code;
    i.agreement_no = agreementNumber(code, today);
    i.case_no = c.case_no;
    i.address = (*details)["address"];
    i.bank_account = (*details)["bank_account"];
    if (auto r = tx.putEntry(toEntry(i), cause); !r) return r;
    // A designation ends a run of failed evaluations (kept when there was one).
    auto rec = tx.entry(kInstitutionApplicationRegister, c.region, c.applicant.id_no);
    if (!rec) return std::unexpected(rec.error());
    if (!*rec) return {};
    return addOutcome(tx, c, cause,
                      ApplicationOutcome{today, c.case_no, category_, "定点", "办结", ""});
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "institutions"},
              {"category", category_},
              {"path", mutual(c) ? "互认" : "新申请"}};
    if (c.due_on) v["evaluation_due_on"] = c.due_on->str();
    json stages = json::array();
    for (const char* k : {"institution", "evaluation", "mutual_recognition", "publicity"})
      if (const Event* e = effects::latestWith(c, k)) stages.push_back({{k, e->data[k]}});
    if (const Event* e = effects::latestWith(c, "training_and_signing_by"))
      v["training_and_signing_by"] = e->data["training_and_signing_by"];
    v["stages"] = std::move(stages);
    return v;
  }

 private:
  static bool mutual(const CaseState& c) {
    return c.flow_id == "mutual_recognition" || c.conditions.count("mutual_recognition") > 0;
  }

  static bool hasStep(const CaseState& c, const Item& item, const char* word) {
    for (const auto& s : caseFlow(c, item))
      if (s.step.find(word) != std::string::npos) return true;
    return false;
  }

  static bool textMentions(const CaseState& c, const Item& item, const char* word) {
    for (const auto& s : caseFlow(c, item))
      if (s.text.find(word) != std::string::npos) return true;
    return false;
  }

  // The institution's level, address and bank account: the form's when it holds them, else the
  // latest figures a reviewer entered. The level is checked against the category.
  Result<std::map<std::string, std::string>> details(const CaseState& c) const {
    std::map<std::string, std::string> out;
    for (const char* k : kDetails) {
      std::string v = effects::text(*c.form, k);
      if (v.empty())
        for (auto it = c.events.rbegin(); it != c.events.rend() && v.empty(); ++it)
          if (auto en = it->data.find("entered"); en != it->data.end() && en->is_object())
            v = effects::text(*en, k);
      out[k] = v;
    }
    const std::string& level = out["level"];
    if (category_ == kCategoryPharmacy && !level.empty())
      return fail(ErrorCode::kUnprocessable, "level_not_applicable",
                  "零售药店没有医院等级，请不要填写等级");
    if (!level.empty() && level != "一级" && level != "二级" && level != "三级")
      return fail(ErrorCode::kUnprocessable, "bad_level",
                  "医院等级须为一级、二级或三级（未定级的不填）");
    return out;
  }

  // Refused when the applicant is already designated (定点) as this category in the region.
  Result<void> notDesignated(const CaseState& c, RegisterView& view) const {
    EntryFilter f;
    f.kind = kInstitutionRegister;
    f.region = c.region;
    f.owner = c.applicant.id_no;
    f.status = kInstitutionStatusDesignated;
    auto list = view.entries(f);
    if (!list) return std::unexpected(list.error());
    for (const auto& e : *list)
      if (institutionFromEntry(e).category == category_)
        return fail(ErrorCode::kUnprocessable, "already_designated",
                    "该机构已是本统筹区定点" + category_ + "（编码 " + e.key + "），不能重复申请");
    return {};
  }

  Result<void> addOutcome(RegisterTx& tx, const CaseState& c, const Cause& cause,
                          ApplicationOutcome o) const {
    auto rec = tx.entry(kInstitutionApplicationRegister, c.region, c.applicant.id_no);
    if (!rec) return std::unexpected(rec.error());
    ApplicationRecord r = *rec ? applicationFromEntry(**rec) : ApplicationRecord{};
    r.region = c.region;
    r.credit_code = c.applicant.id_no;
    r.name = c.applicant.name;
    r.outcomes.push_back(std::move(o));
    return tx.putEntry(toEntry(r), cause);
  }

  std::string name_, category_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeInstitutionAgreementEffect(std::string name,
                                                              std::string category) {
  return std::make_unique<InstitutionAgreement>(std::move(name), std::move(category));
}

}  // namespace jingban
