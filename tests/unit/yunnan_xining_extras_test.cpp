// effects/veteran_contribution.cpp, effects/social_security_card.cpp and
// effects/benefit_payment.cpp against the in-memory registers: every refusal, what 办结 (or 拨付)
// writes, and the re-checks inside the transaction.
#include <gtest/gtest.h>

#include "effects/handlers.hpp"
#include "fake_registers.hpp"
#include "registers/extras.hpp"

namespace jingban {
namespace {

using nlohmann::json;

Instant at(int y, unsigned m, unsigned d) {
  return Instant{int64_t{Date::fromYmd(y, m, d).days()} * 86400 + 2 * 3600};  // 10:00 Shanghai
}

constexpr const char* kId = "530102198001011234";

FlowStep flowStep(const char* name, StepKind kind, const char* role) {
  FlowStep f;
  f.step = name;
  f.kind = kind;
  f.role = role;
  return f;
}

// One case walked event by event as the workflow would, the effect validating each.
class ExtrasFixture : public ::testing::Test {
 protected:
  void setUp(const std::string& region, const std::string& division, std::vector<FlowStep> flow,
             json form, std::set<std::string> conditions = {}) {
    region_.id = region;
    region_.name = region == "yunnan" ? "云南省" : "西宁市";
    region_.division_code = division;
    item_ = Item{};
    item_.code = division + "990001";
    item_.flow = std::move(flow);
    c_ = CaseState{};
    c_.case_no = division + "-20260310-00000" + std::to_string(++cases_);
    c_.region = region;
    c_.item_code = item_.code;
    c_.applicant = {"person", kId, "李四", ""};
    c_.conditions = std::move(conditions);
    c_.form = std::make_shared<const json>(std::move(form));
  }
  Event next(const std::string& action, const std::string& step, Instant when) {
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = when;
    e.actor = "staff";
    e.action = action;
    e.step = step;
    return e;
  }
  // An action the effect validates (受理, approve, pay); `data` is its event data.
  Result<Verdict> act(const EffectHandler& h, const std::string& action, const std::string& step,
                      json data = json::object(), Instant when = at(2026, 3, 10)) {
    Event e = next(action, step, when);
    e.data = std::move(data);
    c_.events.push_back(e);
    auto v = h.validate(EffectInput{region_, item_, c_}, regs_);
    if (v)
      for (auto& [k, val] : v->record.items()) c_.events.mutableBack().data[k] = val;
    else
      c_.events.pop_back();
    return v;
  }
  // An event the effect applies (without validating: 办结, or a pay already validated).
  Result<void> applyLast() {
    return h_->apply(EffectInput{region_, item_, c_}, c_.events.back(), regs_);
  }
  Result<void> complete(Instant when = at(2026, 3, 10)) {
    c_.events.push_back(next("complete", "办结", when));
    return applyLast();
  }

  Region region_;
  Item item_;
  CaseState c_;
  testing::FakeRegisterTx regs_;
  const EffectHandler* h_ = nullptr;
  int cases_ = 0;
};

// ───────────────────────────── 退役士兵补缴 ─────────────────────────────

class VeteranTest : public ExtrasFixture {
 protected:
  void SetUp() override { h_ = handler_.get(); }
  void open(json form) {
    setUp("yunnan", "530000",
          {flowStep("受理", StepKind::kAccept, "window"),
           flowStep("材料审核", StepKind::kReview, "reviewer"),
           flowStep("单位缴纳部分费用", StepKind::kReview, "reviewer"),
           flowStep("个人应缴部分费用收齐", StepKind::kReview, "reviewer"),
           flowStep("办理补缴手续", StepKind::kReview, "senior_reviewer"),
           flowStep("办结", StepKind::kComplete, "window")},
          std::move(form));
  }
  static json form(json extra = json::object()) {
    json f = {{"discharge_date", "2012-11-30"},
              {"from_month", "2013-01"},
              {"to_month", "2014-06"},
              {"placement_unit", "某县粮食局"}};
    f.update(extra);
    return f;
  }
  // Employed 2010-01 … 2012-12 (参保缴费), then 暂停 from 2013-01 (断缴), still open.
  void registerPerson() {
    Person p;
    p.region = "yunnan";
    p.id_no = kId;
    p.name = "李四";
    p.insurance_type = "职工";
    p.employment = "在职";
    p.enrolments = {Enrolment{"2010-01", "2012-12", kEnrolPaying, "职工", ""},
                    Enrolment{"2013-01", "", kEnrolSuspended, "职工", ""}};
    p.status = kEnrolSuspended;
    regs_.persons[{"yunnan", kId}] = p;
  }
  Result<void> walk() {
    for (auto [a, s, d] : std::initializer_list<std::tuple<const char*, const char*, json>>{
             {"accept", "受理", json::object()},
             {"approve", "材料审核", json::object()},
             {"approve", "单位缴纳部分费用", {{"entered", {{"unit_share_payer", "财政"}}}}},
             {"approve",
              "个人应缴部分费用收齐",
              {{"entered", {{"personal_share_collected", true}}}}},
             {"approve", "办理补缴手续", json::object()}})
      if (auto v = act(*h_, a, s, d); !v) return std::unexpected(v.error());
    return complete();
  }
  std::unique_ptr<EffectHandler> handler_ = makeVeteranContributionEffect();
};

TEST_F(VeteranTest, BackPaidMonthsBecomeAPeriodAndTheSuspensionIsSplitAroundThem) {
  registerPerson();
  open(form());
  ASSERT_TRUE(walk());
  const Person& p = regs_.persons.at({"yunnan", kId});
  ASSERT_EQ(p.enrolments.size(), 3u);
  EXPECT_EQ(p.enrolments[1].from, "2013-01");
  EXPECT_EQ(p.enrolments[1].to, "2014-06");
  EXPECT_EQ(p.enrolments[1].status, kEnrolPaying);
  EXPECT_EQ(p.enrolments[2].from, "2014-07");
  EXPECT_EQ(p.enrolments[2].status, kEnrolSuspended);
  EXPECT_EQ(p.status, kEnrolSuspended);
  EXPECT_EQ(contributionMonths(p.enrolments, "2026-03"), 36 + 18);
  auto e = regs_.entry(kBackPaymentKind, "yunnan", "TY530000000001");
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->owner, kId);
  EXPECT_EQ((*e)->from, "2013-01-01");
  EXPECT_EQ((*e)->to, "2014-06-30");
  EXPECT_EQ((*e)->data["months"], 18);
  EXPECT_EQ((*e)->data["unit_share_payer"], "财政");
  EXPECT_EQ((*e)->data["contribution_months_before"], 36);
  EXPECT_EQ((*e)->data["contribution_months_after"], 54);
}

TEST_F(VeteranTest, APersonTheRegisterDoesNotHoldIsRegisteredAsEmployee) {
  open(form({{"unit_share_payer", "原安置单位"}, {"personal_share_collected", true}}));
  ASSERT_TRUE(walk());
  const Person& p = regs_.persons.at({"yunnan", kId});
  EXPECT_EQ(p.insurance_type, "职工");
  EXPECT_EQ(p.sex, "男");
  EXPECT_EQ(p.birth_date, "1980-01-01");
  ASSERT_EQ(p.enrolments.size(), 1u);
  EXPECT_EQ(p.enrolments[0].to, "2014-06");
  EXPECT_EQ(contributionMonths(p.enrolments, "2026-03"), 18);
}

TEST_F(VeteranTest, RefusesDischargeOnOrAfterTheCutoff) {
  open(
      form({{"discharge_date", "2019-01-21"}, {"from_month", "2019-02"}, {"to_month", "2019-03"}}));
  auto v = act(*h_, "accept", "受理");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "discharged_after_cutoff");
  open(
      form({{"discharge_date", "2019-01-20"}, {"from_month", "2019-02"}, {"to_month", "2019-03"}}));
  EXPECT_TRUE(act(*h_, "accept", "受理"));
}

TEST_F(VeteranTest, RefusesMonthsOutOfOrderBeforeTheDischargeOrNotYetDue) {
  open(form({{"from_month", "2014-06"}, {"to_month", "2013-01"}}));
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "bad_month_range");
  open(form({{"from_month", "2012-11"}}));
  auto v = act(*h_, "accept", "受理");
  EXPECT_EQ(v.error().slug, "months_before_discharge");
  EXPECT_NE(v.error().message.find("2012-12"), std::string::npos) << v.error().message;
  open(form({{"to_month", "2026-03"}}));
  v = act(*h_, "accept", "受理");
  EXPECT_EQ(v.error().slug, "months_not_due");
  EXPECT_NE(v.error().message.find("2026-02"), std::string::npos);
}

TEST_F(VeteranTest, RefusesMonthsAlreadyInsuredAndNamesThem) {
  registerPerson();
  open(form({{"from_month", "2012-12"}, {"to_month", "2013-02"}}));
  auto v = act(*h_, "accept", "受理");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "months_already_insured");
  EXPECT_NE(v.error().message.find("2012-12"), std::string::npos) << v.error().message;
  EXPECT_EQ(v.error().message.find("2013-01"), std::string::npos) << v.error().message;
}

TEST_F(VeteranTest, TheUnitSharePayerIsRequiredFromItsStepOn) {
  open(form());
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "材料审核"));
  auto v = act(*h_, "approve", "单位缴纳部分费用");
  EXPECT_EQ(v.error().slug, "unit_share_payer_required");
  v = act(*h_, "approve", "单位缴纳部分费用", {{"entered", {{"unit_share_payer", "本人"}}}});
  EXPECT_EQ(v.error().slug, "bad_unit_share_payer");
  EXPECT_TRUE(
      act(*h_, "approve", "单位缴纳部分费用", {{"entered", {{"unit_share_payer", "原安置单位"}}}}));
}

TEST_F(VeteranTest, ThePersonalShareMustBeCollectedAtTheBackPayment) {
  open(form({{"unit_share_payer", "原安置单位"}}));
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "材料审核"));
  ASSERT_TRUE(act(*h_, "approve", "单位缴纳部分费用"));
  ASSERT_TRUE(act(*h_, "approve", "个人应缴部分费用收齐",
                  {{"entered", {{"personal_share_collected", false}}}}));
  auto v = act(*h_, "approve", "办理补缴手续");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "personal_share_not_collected");
}

TEST_F(VeteranTest, MonthsInsuredMeanwhileFailTheCommit) {
  open(form({{"unit_share_payer", "财政"}, {"personal_share_collected", true}}));
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  for (auto s : {"材料审核", "单位缴纳部分费用", "个人应缴部分费用收齐", "办理补缴手续"})
    ASSERT_TRUE(act(*h_, "approve", s));
  registerPerson();
  regs_.persons[{"yunnan", kId}].enrolments.push_back(
      Enrolment{"2014-01", "2014-01", kEnrolPaying, "职工", ""});
  auto r = complete();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "register_changed");
}

// ───────────────────────────── 社会保障卡 ─────────────────────────────

class CardTest : public ExtrasFixture {
 protected:
  void SetUp() override {
    h_ = handler_.get();
    Person p;
    p.region = "yunnan";
    p.id_no = kId;
    p.name = "李四";
    p.insurance_type = "城乡居民";
    p.enrolments = {Enrolment{"2026-01", "", kEnrolPaying, "城乡居民", ""}};
    regs_.persons[{"yunnan", kId}] = p;
  }
  void open(std::set<std::string> situation, json form = json::object()) {
    setUp("yunnan", "530000",
          {flowStep("受理", StepKind::kAccept, "window"),
           flowStep("审核", StepKind::kReview, "reviewer"),
           flowStep("办结", StepKind::kComplete, "window")},
          std::move(form), std::move(situation));
  }
  Result<void> run(std::set<std::string> situation, json form = json::object(),
                   Instant when = at(2026, 3, 10)) {
    open(std::move(situation), std::move(form));
    if (auto v = act(*h_, "accept", "受理", {}, when); !v) return std::unexpected(v.error());
    if (auto v = act(*h_, "approve", "审核", {}, when); !v) return std::unexpected(v.error());
    return complete(when);
  }
  RegisterEntry card() { return **regs_.entry(kCardKind, "yunnan", kId); }
  std::unique_ptr<EffectHandler> handler_ = makeSocialSecurityCardEffect();
};

TEST_F(CardTest, ANewCardIsMadeOnceAndASecondIsRefused) {
  ASSERT_TRUE(run({"new_card"}));
  EXPECT_EQ(card().status, kCardValid);
  EXPECT_EQ(card().data["card_no"], "SB530000000001");
  EXPECT_EQ(card().data["issued_on"], "2026-03-10");
  open({"new_card"});
  auto v = act(*h_, "accept", "受理");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "card_already_valid");
  EXPECT_NE(v.error().message.find("SB530000000001"), std::string::npos);
  open({"instant_card"});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "card_already_valid");
}

TEST_F(CardTest, AReplacementMarksTheOldCardAndIssuesANewOne) {
  open({"replacement"}, {{"loss_kind", "遗失"}});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "no_card");
  ASSERT_TRUE(run({"new_card"}, json::object(), at(2026, 3, 2)));
  open({"replacement"});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "loss_kind_required");
  ASSERT_TRUE(run({"replacement"}, {{"loss_kind", "遗失"}}, at(2026, 3, 10)));
  RegisterEntry e = card();
  EXPECT_EQ(e.status, kCardValid);
  EXPECT_EQ(e.data["card_no"], "SB530000000002");
  ASSERT_EQ(e.data["cards"].size(), 2u);
  EXPECT_EQ(e.data["cards"][0]["status"], kCardLost);
  EXPECT_EQ(e.data["cards"][0]["ended_on"], "2026-03-10");
  EXPECT_EQ(e.data["cards"][1]["status"], kCardValid);
  ASSERT_TRUE(run({"replacement"}, {{"loss_kind", "损坏"}}, at(2026, 3, 11)));
  EXPECT_EQ(card().data["cards"][1]["status"], kCardVoid);
  EXPECT_EQ(card().data["cards"][2]["card_no"], "SB530000000003");
}

TEST_F(CardTest, AnInstantCardIssuesTheBankNotice) {
  ASSERT_TRUE(run({"instant_card"}, {{"bank", "某银行昆明分行"}}));
  RegisterEntry e = card();
  EXPECT_EQ(e.status, kCardAtBank);
  EXPECT_EQ(e.data["notice"]["number"], "TZ530000000001");
  EXPECT_EQ(e.data["notice"]["title"], "云南省金融社保卡新发卡通知单");
  EXPECT_EQ(e.data["notice"]["bank"], "某银行昆明分行");
  // The notice is not a card: the agency may still make one.
  ASSERT_TRUE(run({"new_card"}));
  EXPECT_EQ(card().status, kCardValid);
  EXPECT_FALSE(card().data.contains("notice"));
}

TEST_F(CardTest, RefusesNoSituationSeveralOrAnUninsuredPerson) {
  open({});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "card_situation_required");
  open({"new_card", "instant_card"});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "card_situation_required");
  regs_.persons[{"yunnan", kId}].enrolments[0].to = "2026-02";
  open({"new_card"});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_insured");
  regs_.persons.clear();
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_insured");
}

TEST_F(CardTest, ACardMadeMeanwhileFailsTheCommit) {
  open({"new_card"});
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "审核"));
  CaseState first = c_;
  ASSERT_TRUE(run({"new_card"}));
  c_ = first;
  c_.events.push_back(next("complete", "办结", at(2026, 3, 10)));
  auto r = applyLast();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "register_changed");
}

// ───────────────────────────── 待遇支付 ─────────────────────────────

class BenefitRunTest : public ExtrasFixture {
 protected:
  void SetUp() override { h_ = handler_.get(); }
  void open(json lines, std::string month = "2026-02") {
    setUp("xining", "630100",
          {flowStep("受理", StepKind::kAccept, "window"),
           flowStep("审核", StepKind::kReview, "reviewer"),
           flowStep("拨付", StepKind::kPay, "finance"),
           flowStep("编制会计凭证", StepKind::kPay, "finance"),
           flowStep("办结", StepKind::kComplete, "window")},
          {{"month", month}, {"lines", std::move(lines)}});
    c_.applicant = {"agency", "630100", "西宁市医疗保障经办机构", ""};
  }
  static json line(const char* payee, int64_t fen, const char* purpose, const char* case_no = "") {
    json l = {{"payee_kind", "个人"},
              {"payee", payee},
              {"payee_account", "6222000011112222"},
              {"amount_fen", fen},
              {"purpose", purpose}};
    if (*case_no) l["case_no"] = case_no;
    return l;
  }
  static json twoLines() {
    json ls = json::array({line("张三", 120000, "住院待遇", "630100-20260205-000003"),
                           line("王五", 30050, "门诊待遇")});
    ls.push_back({{"payee_kind", "医药机构"},
                  {"payee", "示例医院"},
                  {"payee_account", "3301"},
                  {"amount_fen", 500000},
                  {"purpose", "住院待遇"}});
    return ls;
  }
  std::unique_ptr<EffectHandler> handler_ = makeBenefitPaymentEffect();
};

TEST_F(BenefitRunTest, PaysEachLineOnceThenMakesAndReconcilesTheVoucher) {
  open(twoLines());
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "审核"));
  EXPECT_EQ(h_->payable(c_), 650050);
  ASSERT_TRUE(act(*h_, "pay", "拨付", {{"amount_fen", 650050}}));
  ASSERT_TRUE(applyLast());
  ASSERT_EQ(regs_.payments.size(), 3u);
  // Booked under the 拨付 event's own sequence, one line per line of the 结算单.
  for (size_t i = 0; i < regs_.payments.size(); ++i) {
    EXPECT_EQ(regs_.payments[i].event_seq, c_.events.back().seq) << i;
    EXPECT_EQ(regs_.payments[i].line, static_cast<int>(i) + 1) << i;
  }
  EXPECT_EQ(regs_.payments[0].purpose, "住院待遇（630100-20260205-000003）");
  EXPECT_EQ(regs_.payments[0].payee_kind, "person");
  EXPECT_EQ(regs_.payments[2].payee_kind, "institution");
  EXPECT_EQ(regs_.payments[1].amount_fen, 30050);
  // Applying the same event again is refused by the ledger: never paid twice.
  EXPECT_FALSE(applyLast());
  EXPECT_EQ(regs_.payments.size(), 3u);

  ASSERT_TRUE(act(*h_, "pay", "编制会计凭证", {{"amount_fen", 650050}}, at(2026, 3, 11)));
  ASSERT_TRUE(applyLast());
  auto v = regs_.entry(kVoucherKind, "xining", "PZ630100000001");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ((*v)->owner, c_.case_no);
  EXPECT_EQ((*v)->status, kVoucherMade);
  EXPECT_EQ((*v)->data["total_fen"], 650050);
  EXPECT_EQ((*v)->data["payments_month"], "2026-03");
  json by = (*v)->data["by_purpose"];
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by[0]["purpose"], "住院待遇");
  EXPECT_EQ(by[0]["count"], 2);
  EXPECT_EQ(by[0]["amount_fen"], 620000);
  EXPECT_EQ(by[1]["amount_fen"], 30050);

  ASSERT_TRUE(complete(at(2026, 3, 31)));
  v = regs_.entry(kVoucherKind, "xining", "PZ630100000001");
  EXPECT_EQ((*v)->status, kVoucherReconciled);
  EXPECT_EQ((*v)->data["reconciled_on"], "2026-03-31");
  EXPECT_EQ((*v)->data["export"],
            "/api/v1/regions/xining/payments/export?month=2026-03&format=csv");
}

TEST_F(BenefitRunTest, RefusesAnEmptyStatementAndAMonthNotStarted) {
  open(json::array());
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "no_lines");
  open(twoLines(), "2026-04");
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "month_not_started");
}

TEST_F(BenefitRunTest, RefusesForeignCaseNumbersACasePaidTwiceAndRepeatedLines) {
  open(json::array({line("张三", 100, "住院待遇", "530000-20260205-000003")}));
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "bad_case_no");
  open(json::array({line("张三", 100, "住院待遇", "630100-2026025-000003")}));
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "bad_case_no");
  open(json::array({line("张三", 100, "住院待遇", "630100-20260205-000003"),
                    line("张三", 200, "住院待遇", "630100-20260205-000003")}));
  auto v = act(*h_, "accept", "受理");
  EXPECT_EQ(v.error().slug, "case_paid_twice");
  EXPECT_NE(v.error().message.find("第 1 条和第 2 条"), std::string::npos);
  open(json::array({line("王五", 100, "门诊待遇"), line("王五", 100, "门诊待遇")}));
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "duplicate_line");
}

TEST_F(BenefitRunTest, RefusesAPaymentOtherThanTheTotal) {
  open(twoLines());
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "审核"));
  auto v = act(*h_, "pay", "拨付", {{"amount_fen", 650000}});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "run_amount_differs");
  EXPECT_NE(v.error().message.find("6500.50"), std::string::npos) << v.error().message;
}

TEST_F(BenefitRunTest, NoVoucherBeforeThePaymentNorReconciliationWithoutAVoucher) {
  open(twoLines());
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  c_.events.push_back(next("complete", "办结", at(2026, 3, 31)));
  auto r = applyLast();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "no_voucher");
  c_.events.pop_back();
  Event e = next("pay", "编制会计凭证", at(2026, 3, 31));
  c_.events.push_back(e);
  r = applyLast();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "not_paid");
}

}  // namespace
}  // namespace jingban
