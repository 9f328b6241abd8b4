// effects/remote_care_filing.cpp, effects/disease_qualification.cpp and the 门诊慢特病 hook of
// effects/reimbursement.cpp against the in-memory registers, with the shipped data
// (policy/filings/, policy/diseases/, policy/*.yaml chronic_outpatient; all example figures):
// every refusal at 受理, the periods fixed there, what 办结 registers, and a claim settled with
// and without the qualification (figures computed by hand).
#include <gtest/gtest.h>

#include <stdexcept>

#include "effects/handlers.hpp"
#include "fake_registers.hpp"
#include "policy/policy.hpp"
#include "registers/filing.hpp"

namespace jingban {
namespace {

using nlohmann::json;

const std::shared_ptr<const PolicySet>& policies() {
  static const std::shared_ptr<const PolicySet> set = [] {
    auto s = PolicySet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy");
    if (!s) throw std::runtime_error(s.error().message);
    return *s;
  }();
  return set;
}

Instant at(int y, unsigned m, unsigned d) {
  return Instant{int64_t{Date::fromYmd(y, m, d).days()} * 86400 + 2 * 3600};  // 10:00 Shanghai
}

constexpr const char* kId = "630102199001011234";

FlowStep flowStep(const char* name, StepKind kind, const char* role) {
  FlowStep f;
  f.step = name;
  f.kind = kind;
  f.role = role;
  return f;
}

Person insured(const std::string& region, const std::string& employment = "在职") {
  Person p;
  p.region = region;
  p.id_no = kId;
  p.name = "张三";
  p.insurance_type = "职工";
  p.employment = employment;
  p.enrolments = {Enrolment{"2020-01", "", kEnrolPaying, "职工", ""}};
  return p;
}

// One case of an item of a region, walked action by action as the workflow would.
class CaseFixture : public ::testing::Test {
 protected:
  void setUp(const std::string& region, const std::string& division, const std::string& code,
             json form) {
    region_.id = region;
    region_.division_code = division;
    item_ = Item{};
    item_.code = code;
    item_.flow = {flowStep("受理", StepKind::kAccept, "window"),
                  flowStep("审核", StepKind::kReview, "reviewer"),
                  flowStep("办结", StepKind::kComplete, "window")};
    c_ = CaseState{};
    c_.case_no = "C" + std::to_string(++cases_);
    c_.region = region;
    c_.item_code = code;
    c_.applicant = {"person", kId, "张三", ""};
    c_.form = std::make_shared<const json>(std::move(form));
  }
  Result<Verdict> act(const EffectHandler& h, const std::string& action, Instant when) {
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = when;
    e.actor = "staff";
    e.action = action;
    e.step = action == "accept" ? "受理" : "审核";
    c_.events.push_back(e);
    auto v = h.validate(EffectInput{region_, item_, c_}, regs_);
    if (v)
      for (auto& [k, val] : v->record.items()) c_.events.mutableBack().data[k] = val;
    else
      c_.events.pop_back();
    return v;
  }
  // 受理, 审核 and 办结 (apply) on one day.
  Result<void> run(const EffectHandler& h, Instant when) {
    for (const char* a : {"accept", "approve"})
      if (auto v = act(h, a, when); !v) return std::unexpected(v.error());
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = when;
    e.action = "complete";
    c_.events.push_back(e);
    return h.apply(EffectInput{region_, item_, c_}, c_.events.back(), regs_);
  }
  std::vector<RegisterEntry> entries(const char* kind) {
    EntryFilter f;
    f.kind = kind;
    f.region = region_.id;
    return *regs_.entries(f);
  }

  Region region_;
  Item item_;
  CaseState c_;
  testing::FakeRegisterTx regs_;
  int cases_ = 0;
};

json filingForm(const std::string& start, json extra = json::object()) {
  json f = {{"destination", "广东省广州市"}, {"scope", "省外"}, {"start_date", start}};
  f.update(extra);
  return f;
}

class FilingTest : public CaseFixture {
 protected:
  std::unique_ptr<EffectHandler> h_ = makeRemoteCareFilingEffect("remote_care_filing", policies());
  void filing(const std::string& code, const std::string& start, json extra = json::object()) {
    setUp("qinghai", "630000", code, filingForm(start, std::move(extra)));
  }
};

TEST_F(FilingTest, RefusedWhenNotInsuredInTheRegion) {
  filing("002036004002", "2026-03-10");
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_insured");
  Person p = insured("qinghai");
  p.enrolments = {Enrolment{"2020-01", "2026-02", kEnrolPaying, "职工", ""}};
  regs_.persons[{"qinghai", kId}] = p;  // the enrolment ended before the filing starts
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(v.error().message.find("无有效参保记录"), std::string::npos);
}

TEST_F(FilingTest, LongTermFilingHasNoEndAndIsRegisteredAtCompletion) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004002", "2026-03-10");
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  auto list = entries(kFilingKind);
  ASSERT_EQ(list.size(), 1u);
  auto f = filingFromEntry(list[0]);
  EXPECT_EQ(f->number, "BA630000000001");
  EXPECT_EQ(f->id_no, kId);
  EXPECT_EQ(f->category, "异地长期居住");
  EXPECT_TRUE(f->long_term);
  EXPECT_EQ(f->from, "2026-03-10");
  EXPECT_EQ(f->to, "");
  EXPECT_EQ(f->status, "有效");
  EXPECT_EQ(f->destination, "广东省广州市");
  EXPECT_EQ(f->proof, "证明材料");
  EXPECT_EQ(f->case_no, c_.case_no);
}

TEST_F(FilingTest, TemporaryFilingIsValidForTheRegionsPeriod) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004005", "2026-03-31");
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_TRUE(v) << v.error().message;
  // policy/filings/qinghai.yaml: 6 months (example): 03-31 + 6 months = 09-30, the day before.
  EXPECT_EQ(v->record["filing"]["from"], "2026-03-31");
  EXPECT_EQ(v->record["filing"]["to"], "2026-09-29");
  EXPECT_EQ(v->record["filing"]["category"], "其他临时外出");
  EXPECT_EQ(v->record["filing"]["rules"]["example"], true);
}

TEST_F(FilingTest, OtherTemporaryItemMayNameEmergencyButOthersMayNot) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004005", "2026-03-10", {{"category", "急诊抢救"}});
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->record["filing"]["category"], "急诊抢救");
  filing("002036004002", "2026-03-10", {{"category", "急诊抢救"}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "category_mismatch");
}

TEST_F(FilingTest, QingdaoEmergencyTransferIsAnEmergencyFiling) {
  auto h = makeRemoteCareFilingEffect("emergency_transfer_filing", policies());
  regs_.persons[{"qingdao", kId}] = insured("qingdao");
  setUp("qingdao", "370200", "370200990004", filingForm("2026-03-10"));
  ASSERT_TRUE(run(*h, at(2026, 3, 10)));
  auto f = filingFromEntry(entries(kFilingKind).at(0));
  EXPECT_EQ(f->number, "BA370200000001");
  EXPECT_EQ(f->category, "急诊抢救");
  EXPECT_FALSE(f->long_term);
  EXPECT_EQ(f->to, "2026-09-09");
}

TEST_F(FilingTest, OverlappingFilingIsRefusedAtAcceptance) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004005", "2026-03-10");
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));  // 2026-03-10 … 2026-09-09
  filing("002036004002", "2026-09-09");    // meets the last day
  auto v = act(*h_, "accept", at(2026, 3, 11));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "filing_overlap");
  EXPECT_NE(v.error().message.find("BA630000000001"), std::string::npos);
  EXPECT_NE(v.error().message.find("期间重叠"), std::string::npos);
  filing("002036004002", "2026-09-10");  // the day after it ends
  EXPECT_TRUE(act(*h_, "accept", at(2026, 3, 11)));
}

TEST_F(FilingTest, ARaceBetweenTwoCasesFailsTheLaterCommit) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004002", "2026-03-10");
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  CaseState first = c_;
  filing("002036004003", "2026-04-01");
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));  // the second case completes first
  c_ = first;
  Event e;
  e.seq = 2;
  e.at = at(2026, 3, 11);
  e.action = "complete";
  c_.events.push_back(e);
  auto r = h_->apply(EffectInput{region_, item_, c_}, c_.events.back(), regs_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST_F(FilingTest, ResettlementIsForRetiredPersons) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai", "在职");
  filing("002036004001", "2026-03-10");
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_retired");
  regs_.persons[{"qinghai", kId}] = insured("qinghai", "退休");
  EXPECT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
}

TEST_F(FilingTest, CommitmentInPlaceOfProofIsRecorded) {
  regs_.persons[{"qingdao", kId}] = insured("qingdao");
  setUp("qingdao", "370200", "002036004002", filingForm("2026-03-10"));
  Material m;
  m.id = "residence_material";
  m.commitment = true;
  item_.materials = {m};
  c_.materials = {{"residence_material", "commitment"}};
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  EXPECT_EQ(filingFromEntry(entries(kFilingKind).at(0))->proof, "个人承诺书");
}

TEST_F(FilingTest, AUnitMustNameTheInsuredPerson) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004003", "2026-03-10");
  c_.applicant = {"unit", "91630100MA0000000X", "某单位", ""};
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "insured_person_required");
  filing("002036004003", "2026-03-10", {{"insured_id_no", kId}});
  c_.applicant = {"unit", "91630100MA0000000X", "某单位", ""};
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  EXPECT_EQ(entries(kFilingKind).at(0).owner, kId);
}

TEST_F(FilingTest, ChangeRespectsTheMinimumPeriodAndEndsTheOldFiling) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004002", "2026-03-10");
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  // A long-term filing changes after 6 months (example): not from 2026-09-09.
  filing("002036004002", "2026-09-09",
         {{"change", "变更"}, {"filing_no", "BA630000000001"}, {"destination", "海南省三亚市"}});
  auto v = act(*h_, "accept", at(2026, 9, 1));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "change_too_early");
  EXPECT_NE(v.error().message.find("2026-09-10"), std::string::npos);
  filing("002036004002", "2026-09-10",
         {{"change", "变更"}, {"filing_no", "BA630000000001"}, {"destination", "海南省三亚市"}});
  ASSERT_TRUE(run(*h_, at(2026, 9, 1)));
  auto old = filingFromEntry(*regs_.entry(kFilingKind, "qinghai", "BA630000000001").value());
  EXPECT_EQ(old->status, "已变更");
  EXPECT_EQ(old->to, "2026-09-09");
  EXPECT_EQ(old->ended_by, c_.case_no);
  auto now = filingFromEntry(*regs_.entry(kFilingKind, "qinghai", "BA630000000002").value());
  EXPECT_EQ(now->status, "有效");
  EXPECT_EQ(now->from, "2026-09-10");
  EXPECT_EQ(now->replaces, "BA630000000001");
  EXPECT_EQ(now->destination, "海南省三亚市");
}

TEST_F(FilingTest, CancellationNeedsAValidFilingOfThePerson) {
  regs_.persons[{"qinghai", kId}] = insured("qinghai");
  filing("002036004005", "2026-03-10", {{"change", "取消备案"}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "filing_no_required");
  filing("002036004005", "2026-03-10", {{"change", "取消备案"}, {"filing_no", "BA630000000099"}});
  auto v = act(*h_, "accept", at(2026, 3, 10));
  EXPECT_EQ(v.error().slug, "filing_not_found");
  EXPECT_EQ(v.error().message.find("BA630000000099"), std::string::npos);  // no echo
  filing("002036004005", "2026-03-10");
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  // A temporary filing may be cancelled at once (minimum 0 months), from the day after it starts.
  filing("002036004005", "2026-04-01", {{"change", "取消备案"}, {"filing_no", "BA630000000001"}});
  ASSERT_TRUE(run(*h_, at(2026, 3, 31)));
  auto f = filingFromEntry(*regs_.entry(kFilingKind, "qinghai", "BA630000000001").value());
  EXPECT_EQ(f->status, "已取消");
  EXPECT_EQ(f->to, "2026-03-31");
  EXPECT_EQ(entries(kFilingKind).size(), 1u);  // nothing new
  // Cancelled: no longer valid, so a second cancellation finds nothing.
  filing("002036004005", "2026-04-02", {{"change", "取消备案"}, {"filing_no", "BA630000000001"}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 4, 1)).error().slug, "filing_not_found");
}

TEST(FilingDates, PeriodArithmetic) {
  EXPECT_EQ(dateAfterMonths("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(dateAfterMonths("2027-11-30", 3), "2028-02-29");
  EXPECT_EQ(dayBefore("2026-03-01"), "2026-02-28");
  EXPECT_EQ(dayBefore("2026-01-01"), "2025-12-31");
  EXPECT_TRUE(periodsOverlap("2026-01-01", "", "2030-01-01", "2030-02-01"));
  EXPECT_FALSE(periodsOverlap("2026-01-01", "2026-06-30", "2026-07-01", ""));
  EXPECT_TRUE(periodsOverlap("2026-01-01", "2026-07-01", "2026-07-01", ""));
  EXPECT_EQ(registerNumber("MT", "530000", 12), "MT530000000012");
}

TEST(CareRules, ShippedDataLoads) {
  const DiseaseCatalog* yn = policies()->diseases("yunnan");
  ASSERT_NE(yn, nullptr);
  int chronic = 0, special = 0;
  for (const auto& d : yn->diseases) (d.kind == "chronic" ? chronic : special)++;
  EXPECT_EQ(chronic, 25);  // the guide's 25 chronic and 15 special diseases
  EXPECT_EQ(special, 15);
  // Xining has no file of its own: it extends Qinghai.
  EXPECT_EQ(policies()->diseases("xining"), policies()->diseases("qinghai"));
  ASSERT_NE(policies()->filingRules("xining"), nullptr);
  EXPECT_GE(policies()->filingRules("qingdao")->temporary_validity_months, 6);
}

class QualificationTest : public CaseFixture {
 protected:
  std::unique_ptr<EffectHandler> h_ = makeDiseaseQualificationEffect(policies());
  void yunnan(const std::string& code, bool special_condition) {
    setUp("yunnan", "530000", "002036005000",
          {{"disease_code", code}, {"hospital", "昆明医科大学第一附属医院"}});
    Condition cond;
    cond.id = "special_disease";
    cond.name = "特殊病病种";
    item_.conditions = {cond};
    if (special_condition) c_.conditions.insert("special_disease");
  }
};

TEST_F(QualificationTest, UnknownDiseaseAndUninsuredAreRefused) {
  yunnan("C16", false);
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_insured");
  regs_.persons[{"yunnan", kId}] = insured("yunnan");
  yunnan("X99", false);
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "unknown_disease");
  EXPECT_EQ(v.error().message.find("X99"), std::string::npos);
}

TEST_F(QualificationTest, TheLimitConditionMustMatchTheDisease) {
  regs_.persons[{"yunnan", kId}] = insured("yunnan");
  yunnan("S01", false);  // 恶性肿瘤: 特殊病, 5 working days
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "limit_condition_required");
  yunnan("C16", true);  // 糖尿病: 慢性病, 10 working days
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "limit_condition_mismatch");
  yunnan("S01", true);
  EXPECT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
}

TEST_F(QualificationTest, RegisteredAtCompletionForTheKindsPeriod) {
  regs_.persons[{"yunnan", kId}] = insured("yunnan");
  yunnan("C16", false);
  ASSERT_TRUE(run(*h_, at(2026, 3, 12)));
  auto q = qualificationFromEntry(entries(kQualificationKind).at(0));
  EXPECT_EQ(q->number, "MT530000000001");
  EXPECT_EQ(q->disease_code, "C16");
  EXPECT_EQ(q->disease_name, "糖尿病");
  EXPECT_EQ(q->disease_kind, "chronic");
  EXPECT_EQ(q->hospital, "昆明医科大学第一附属医院");
  EXPECT_EQ(q->from, "2026-03-12");  // the day of 办结
  EXPECT_EQ(q->to, "2028-03-11");    // chronic: 24 months (example)
  EXPECT_EQ(q->assessment, "评估认定");
}

TEST_F(QualificationTest, DuplicateIsRefusedUntilTheRenewalWindow) {
  regs_.persons[{"yunnan", kId}] = insured("yunnan");
  yunnan("S01", true);
  ASSERT_TRUE(run(*h_, at(2026, 3, 12)));  // special: 12 months → 2027-03-11
  yunnan("S01", true);
  auto v = act(*h_, "accept", at(2026, 12, 10));  // 91 days before the end
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "duplicate_qualification");
  EXPECT_NE(v.error().message.find("MT530000000001"), std::string::npos);
  yunnan("S02", true);  // another disease is no duplicate
  EXPECT_TRUE(act(*h_, "accept", at(2026, 12, 10)));
  yunnan("S01", true);
  ASSERT_TRUE(run(*h_, at(2026, 12, 11)));  // 90 days before: a renewal
  auto q =
      qualificationFromEntry(*regs_.entry(kQualificationKind, "yunnan", "MT530000000002").value());
  EXPECT_EQ(q->renews, "MT530000000001");
  EXPECT_EQ(q->from, "2027-03-12");
  EXPECT_EQ(q->to, "2028-03-11");
}

TEST_F(QualificationTest, QingdaoInstantDiseases) {
  regs_.persons[{"qingdao", kId}] = insured("qingdao");
  setUp("qingdao", "370200", "002036005000",
        {{"disease_code", "Q01"}, {"hospital", "青岛大学附属医院"}});
  Condition cond;
  cond.id = "instant_diseases";
  cond.name = "恶性肿瘤、器官移植、尿毒症透析治疗、精神病等27个病种";
  item_.conditions = {cond};
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "limit_condition_required");
  c_.conditions.insert("instant_diseases");
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  EXPECT_EQ(qualificationFromEntry(entries(kQualificationKind).at(0))->assessment, "即时认定");
}

// The reimbursement hook: the same outpatient claim with and without the qualification.
class ChronicClaimTest : public CaseFixture {
 protected:
  std::unique_ptr<EffectHandler> h_ =
      makeReimbursementEffect("outpatient_reimbursement", policies());
  void claim(json extra) {
    // 甲 2000元, 乙 1000元, 丙 300元 at a level-2 hospital on 2026-03-02.
    json f = {{"fee_lines",
               {{{"code", "A1"}, {"name", "诊查费"}, {"class", "甲"}, {"amount_fen", 200000}},
                {{"code", "B1"}, {"name", "乙类药品"}, {"class", "乙"}, {"amount_fen", 100000}},
                {{"code", "C1"}, {"name", "丙类耗材"}, {"class", "丙"}, {"amount_fen", 30000}}}},
              {"hospital_level", 2},
              {"visit_date", "2026-03-02"}};
    f.update(extra);
    setUp("qinghai", "630000", "002036006001", f);
  }
  void SetUp() override {
    Person p = insured("qinghai");
    p.insurance_type = "城乡居民";
    p.employment = "";
    p.enrolments = {Enrolment{"2025-01", "", kEnrolPaying, "城乡居民", ""}};
    regs_.persons[{"qinghai", kId}] = p;
  }
  void qualify(const std::string& from, const std::string& to) {
    Qualification q;
    q.region = "qinghai";
    q.number = "MT630000000001";
    q.id_no = kId;
    q.disease_code = "H04";
    q.disease_name = "高血压";
    q.disease_kind = "chronic";
    q.from = from;
    q.to = to;
    ASSERT_TRUE(regs_.putEntry(toEntry(q), Cause{"C0", 1, 0}));
  }
};

TEST_F(ChronicClaimTest, QualifiedDiseaseUsesTheChronicParameters) {
  // Without: qinghai 城乡居民 2026 (example): 丙 300元 out; 乙 first-paid 10 % = 100元; eligible
  // 2900元; level-2 deductible 500元; 2400元 × 75 % = 1800元.
  claim(json::object());
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  auto plain = act(*h_, "approve", at(2026, 3, 10));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->record["settlement"]["fund_fen"], 180000);
  // With: chronic_outpatient (example): no deductible, level 2 85 %: 2900元 × 85 % = 2465元.
  qualify("2026-01-15", "2028-01-14");
  claim({{"chronic_disease_code", "H04"}});
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  auto chronic = act(*h_, "approve", at(2026, 3, 10));
  ASSERT_TRUE(chronic) << chronic.error().message;
  EXPECT_EQ(chronic->record["settlement"]["fund_fen"], 246500);
  EXPECT_EQ(chronic->record["settlement"]["personal_fen"], 83500);
  EXPECT_EQ(chronic->record["policy"]["chronic_disease"]["number"], "MT630000000001");
  EXPECT_EQ(h_->payable(c_), 246500);
}

TEST_F(ChronicClaimTest, RefusedWithoutAQualificationCoveringTheVisit) {
  claim({{"chronic_disease_code", "H04"}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_qualified");
  qualify("2026-03-03", "2028-03-02");  // starts the day after the visit
  claim({{"chronic_disease_code", "H04"}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_qualified");
  auto inpatient = makeReimbursementEffect("inpatient_reimbursement", policies());
  claim({{"chronic_disease_code", "H04"}});
  EXPECT_EQ(act(*inpatient, "accept", at(2026, 3, 10)).error().slug,
            "chronic_disease_outpatient_only");
}

}  // namespace
}  // namespace jingban
