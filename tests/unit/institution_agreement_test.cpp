// effects/institution_agreement.cpp on the real catalog's flows of 009001 / 009002 (Qinghai,
// Yunnan, Qingdao) against the in-memory registers: the figures each stage records, the code
// allocated at 办结 (after the demo's 00001), the failed evaluation and the re-application rule
// at 受理, the 互认 path, and every refusal.
#include <gtest/gtest.h>

#include <stdexcept>

#include "effects/registry.hpp"
#include "fake_registers.hpp"
#include "registers/institution.hpp"

namespace jingban {
namespace {

using nlohmann::json;

const Catalog& catalog() {
  static const std::shared_ptr<const Catalog> c = [] {
    auto r = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog", effectNameKnown);
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }();
  return *c;
}

Instant at(int y, unsigned m, unsigned d) {
  return Instant{int64_t{Date::fromYmd(y, m, d).days()} * 86400 + 2 * 3600};  // 10:00 Beijing
}

constexpr const char* kCredit = "91630000MA0000001X";

class InstitutionEffect : public ::testing::Test {
 protected:
  void open(const std::string& region, const std::string& code,
            std::set<std::string> conditions = {}) {
    region_ = catalog().region(region);
    ASSERT_NE(region_, nullptr);
    item_ = region_->item(code);
    ASSERT_NE(item_, nullptr);
    effects_ = makeEffects(nullptr);
    handler_ = effects_->find(item_->effect);
    ASSERT_NE(handler_, nullptr) << item_->effect;
    c_ = CaseState{};
    c_.case_no = region + "-" + std::to_string(++cases_);
    c_.region = region;
    c_.item_code = code;
    c_.applicant = {"institution", kCredit, "示例医药机构", ""};
    c_.conditions = std::move(conditions);
    if (c_.conditions.count("mutual_recognition")) c_.flow_id = "mutual_recognition";
    Event e;
    e.seq = 1;
    e.action = "submit";
    e.step = "申请";
    e.at = at(2026, 3, 2);
    c_.events.push_back(e);
  }

  // Appends the action's event as the workflow would, then validates like the case service.
  Result<Verdict> act(const std::string& action, const std::string& step, Instant when,
                      json entered = json::object(), std::string comment = "") {
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = when;
    e.actor = "staff";
    e.action = action;
    e.step = step;
    e.comment = std::move(comment);
    if (!entered.empty()) e.data["entered"] = std::move(entered);
    c_.events.push_back(e);
    Result<Verdict> v = Verdict{};
    if (action == "accept" || action == "approve") v = handler_->validate(in(), regs_);
    if (!v) {
      c_.events.pop_back();
      return v;
    }
    for (auto& [k, val] : v->record.items()) c_.events.mutableBack().data[k] = val;
    if (handler_->changesAt(c_.events.back()))
      if (auto r = handler_->apply(in(), c_.events.back(), regs_); !r)
        return std::unexpected(r.error());
    return v;
  }

  EffectInput in() const { return EffectInput{*region_, *item_, c_}; }

  // Every review step of the flow approved on `when`, the first with `entered`.
  void approveAll(Instant when, json entered = json::object()) {
    bool first = true;
    for (const auto& s : caseFlow(c_, *item_))
      if (s.kind == StepKind::kReview) {
        ASSERT_TRUE(act("approve", s.step, when, first ? entered : json::object()));
        first = false;
      }
  }

  std::optional<Institution> designation() {
    EntryFilter f{kInstitutionRegister, region_->id, kCredit, ""};
    auto list = regs_.entries(f);
    if (!list || list->empty()) return std::nullopt;
    return institutionFromEntry(list->back());
  }

  const Region* region_ = nullptr;
  const Item* item_ = nullptr;
  std::unique_ptr<EffectRegistry> effects_;
  const EffectHandler* handler_ = nullptr;
  CaseState c_;
  testing::FakeRegisterTx regs_;
  int cases_ = 0;
};

TEST_F(InstitutionEffect, QingdaoHospitalIsDesignatedAfterTheDemosOne) {
  open("qingdao", "002036009001");
  // The demo's H37020000001 took the counter's first number.
  regs_.numbers[designationCounter("qingdao", "H")] = 1;
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  EXPECT_EQ(c_.events.back().data["institution"]["path"], "新申请");
  ASSERT_TRUE(
      act("approve", "评估", at(2026, 5, 20),
          {{"level", "二级"}, {"address", "青岛市市南区示例路1号"}, {"bank_account", "6222"}}));
  const json& d = c_.events.back().data;
  EXPECT_EQ(d["evaluation"]["result"], "合格");
  EXPECT_EQ(d["evaluation"]["level"], "二级");
  // Qingdao's flow has no 公示 step: the publicity is a figure of the evaluation.
  EXPECT_EQ(d["publicity"]["within_review"], true);
  EXPECT_FALSE(d.contains("training_and_signing_by"));  // Qinghai's 每季度末 only
  ASSERT_TRUE(act("complete", "办结", at(2026, 5, 22)));
  auto i = designation();
  ASSERT_TRUE(i);
  EXPECT_EQ(i->code, "H37020000002");
  EXPECT_EQ(i->status, "定点");
  EXPECT_EQ(i->from, "2026-05-22");
  EXPECT_EQ(i->to, "");
  EXPECT_EQ(i->level, "二级");
  EXPECT_EQ(i->division, "370200");
  EXPECT_EQ(i->category, "医疗机构");
  EXPECT_EQ(i->case_no, c_.case_no);
  EXPECT_EQ(i->address, "青岛市市南区示例路1号");
  EXPECT_EQ(i->agreement_no, "XY-H37020000002-2026");
  // A second application of the same institution is refused at 受理.
  open("qingdao", "002036009001");
  auto again = act("accept", "受理", at(2026, 6, 1));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().slug, "already_designated");
  EXPECT_NE(again.error().message.find("H37020000002"), std::string::npos);
}

TEST_F(InstitutionEffect, YunnanPharmacyRecordsEachStageAndTakesAPCode) {
  open("yunnan", "002036009002");
  ASSERT_TRUE(act("accept", "受理", at(2026, 4, 1)));
  ASSERT_TRUE(act("approve", "审核评估", at(2026, 4, 10), {{"address", "昆明市示例路2号"}}));
  EXPECT_EQ(c_.events.back().data["evaluation"]["result"], "合格");
  ASSERT_TRUE(act("approve", "协商谈判", at(2026, 4, 15)));
  ASSERT_TRUE(act("approve", "结果公示", at(2026, 4, 20)));
  EXPECT_EQ(c_.events.back().data["publicity"]["step"], "结果公示");
  EXPECT_FALSE(c_.events.back().data["publicity"].contains("within_review"));
  ASSERT_TRUE(act("complete", "办结", at(2026, 4, 28)));
  auto i = designation();
  ASSERT_TRUE(i);
  EXPECT_EQ(i->code, "P53000000001");
  EXPECT_EQ(i->category, "零售药店");
  EXPECT_EQ(i->level, "");
  EXPECT_EQ(i->address, "昆明市示例路2号");
  json view = handler_->view(c_);
  EXPECT_EQ(view["register"], "institutions");
  EXPECT_EQ(view["stages"].size(), 3u);  // institution, evaluation, publicity
}

TEST_F(InstitutionEffect, QinghaiRecordsTheQuarterEndOfTrainingAndSigning) {
  open("qinghai", "002036009001");
  ASSERT_TRUE(act("accept", "受理", at(2026, 2, 2)));
  ASSERT_TRUE(act("approve", "审核", at(2026, 2, 10), {{"level", "三级"}}));
  EXPECT_EQ(c_.events.back().data["training_and_signing_by"], "2026-03-31");
  EXPECT_EQ(c_.events.back().data["publicity"]["within_review"], true);
  ASSERT_TRUE(act("complete", "办结", at(2026, 3, 31)));
  EXPECT_EQ(designation()->code, "H63000000001");
}

TEST_F(InstitutionEffect, XiningUsesItsOwnDivision) {
  open("xining", "002036009002");
  ASSERT_TRUE(act("accept", "受理", at(2026, 2, 2)));
  approveAll(at(2026, 2, 10));
  ASSERT_TRUE(act("complete", "办结", at(2026, 3, 31)));
  EXPECT_EQ(designation()->code, "P63010000001");
  EXPECT_EQ(designation()->division, "630100");
}

TEST_F(InstitutionEffect, FailedEvaluationThenReapplyRules) {
  open("qingdao", "002036009001");
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  ASSERT_TRUE(act("reject", "评估", at(2026, 3, 10), json::object(), "信息系统不满足联网要求"));
  auto rec = regs_.entry(kInstitutionApplicationRegister, "qingdao", kCredit);
  ASSERT_TRUE(rec && *rec);
  EXPECT_EQ((*rec)->status, "整改期");
  EXPECT_EQ((*rec)->to, "2026-06-10");
  EXPECT_EQ((*rec)->data["outcomes"][0]["reason"], "信息系统不满足联网要求");

  open("qingdao", "002036009001");
  auto early = act("accept", "受理", at(2026, 6, 9));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().slug, "reapply_too_early");
  EXPECT_EQ(early.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(early.error().message.find("2026-06-10"), std::string::npos);
  // On the day, it may: and the re-evaluation fails again.
  ASSERT_TRUE(act("accept", "受理", at(2026, 6, 10)));
  ASSERT_TRUE(act("reject", "评估", at(2026, 7, 1), json::object(), "整改后仍不符合"));

  open("qingdao", "002036009001");
  auto barred = act("accept", "受理", at(2027, 6, 30));
  ASSERT_FALSE(barred);
  EXPECT_EQ(barred.error().slug, "reapply_barred");
  EXPECT_NE(barred.error().message.find("2027-07-01"), std::string::npos);
  ASSERT_TRUE(act("accept", "受理", at(2027, 7, 1)));
  ASSERT_TRUE(act("approve", "评估", at(2027, 8, 1)));
  ASSERT_TRUE(act("complete", "办结", at(2027, 8, 2)));
  EXPECT_EQ(designation()->code, "H37020000001");
  rec = regs_.entry(kInstitutionApplicationRegister, "qingdao", kCredit);
  EXPECT_EQ((*rec)->status, "已定点");
  EXPECT_EQ((*rec)->to, "");
}

TEST_F(InstitutionEffect, APharmacyFailureDoesNotBarTheHospital) {
  open("qingdao", "002036009002");
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  ASSERT_TRUE(act("reject", "评估", at(2026, 3, 10), json::object(), "不合格"));
  open("qingdao", "002036009001");
  EXPECT_TRUE(act("accept", "受理", at(2026, 3, 11)));
}

TEST_F(InstitutionEffect, MutualRecognitionSkipsTheEvaluation) {
  open("qinghai", "002036009002", {"mutual_recognition"});
  ASSERT_TRUE(act("accept", "受理", at(2026, 2, 2)));
  EXPECT_EQ(c_.events.back().data["institution"]["path"], "互认");
  ASSERT_TRUE(act("approve", "审核", at(2026, 2, 5)));
  EXPECT_FALSE(c_.events.back().data.contains("evaluation"));
  EXPECT_EQ(c_.events.back().data["mutual_recognition"]["result"], "互认");
  // A refusal on this path is not a failed evaluation: nothing is recorded against it.
  open("qinghai", "002036009002", {"mutual_recognition"});
  ASSERT_TRUE(act("accept", "受理", at(2026, 2, 2)));
  ASSERT_TRUE(act("reject", "审核", at(2026, 2, 6), json::object(), "协议已过期"));
  EXPECT_FALSE(*regs_.entry(kInstitutionApplicationRegister, "qinghai", kCredit));
}

TEST_F(InstitutionEffect, Refusals) {
  open("qingdao", "002036009001");
  c_.applicant.kind = "unit";
  auto r = act("accept", "受理", at(2026, 3, 3));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "applicant_not_institution");

  open("qingdao", "002036009001");
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  r = act("approve", "评估", at(2026, 3, 4), {{"level", "特级"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "bad_level");

  open("qingdao", "002036009002");
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  r = act("approve", "评估", at(2026, 3, 4), {{"level", "二级"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "level_not_applicable");
}

TEST_F(InstitutionEffect, ADesignationMeanwhileFailsTheCommit) {
  open("qingdao", "002036009001");
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  ASSERT_TRUE(act("approve", "评估", at(2026, 3, 4)));
  CaseState first = c_;
  open("qingdao", "002036009001");
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  ASSERT_TRUE(act("approve", "评估", at(2026, 3, 4)));
  ASSERT_TRUE(act("complete", "办结", at(2026, 3, 5)));
  c_ = first;
  auto r = act("complete", "办结", at(2026, 3, 6));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST_F(InstitutionEffect, ATakenCodeIsSkipped) {
  open("qingdao", "002036009002");
  Institution taken;
  taken.region = "qingdao";
  taken.code = "P37020000001";
  taken.credit_code = "91370200MA0000009X";
  taken.category = kCategoryPharmacy;
  ASSERT_TRUE(regs_.putEntry(toEntry(taken), Cause{"demo", 0, 0}));
  ASSERT_TRUE(act("accept", "受理", at(2026, 3, 3)));
  approveAll(at(2026, 3, 4));
  ASSERT_TRUE(act("complete", "办结", at(2026, 3, 5)));
  EXPECT_EQ(designation()->code, "P37020000002");
}

}  // namespace
}  // namespace jingban
