// effects/reimbursement.cpp and effects/assistance_subsidy.cpp against an in-memory RegisterTx:
// the refusals at 受理, the 结算单 recorded at 初审 (figures from policy/qinghai.yaml's example
// parameters, computed by hand), the payable figure, and what 拨付 / 办结 book.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "effects/handlers.hpp"
#include "policy/policy.hpp"

namespace jingban {
namespace {

using nlohmann::json;

// The registers in memory: what the handlers read and write.
class FakeRegisters : public RegisterTx {
 public:
  std::map<std::string, Person> persons;  // by id_no
  std::vector<Claim> claims;
  std::vector<Payment> payments;
  std::vector<PremiumEntry> premium_entries;

  Result<std::optional<Unit>> unit(const std::string&, const std::string&) override {
    return std::optional<Unit>();
  }
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override {
    auto it = persons.find(id_no);
    if (it == persons.end() || it->second.region != region) return std::optional<Person>();
    return std::optional<Person>(it->second);
  }
  Result<std::optional<Account>> account(const std::string&, const std::string&) override {
    return std::optional<Account>();
  }
  Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                  int year) override {
    YearToDate y;
    for (const auto& c : claims)
      if (c.region == region && c.id_no == id_no && c.year == year) {
        y.fund_fen += c.fund_fen;
        y.serious_illness_fen += c.serious_illness_fen;
        y.assistance_fen += c.assistance_fen;
        y.deductible_fen += c.deductible_fen;
        ++y.claims;
      }
    return y;
  }
  Result<std::vector<PremiumEntry>> premiums(const std::string& region, const std::string& id_no,
                                             int year) override {
    std::vector<PremiumEntry> out;
    for (const auto& p : premium_entries)
      if (p.region == region && p.id_no == id_no && p.year == year) out.push_back(p);
    return out;
  }
  // Entries are not what these tests are about: none exist, and none may be written.
  Result<std::optional<RegisterEntry>> entry(const std::string&, const std::string&,
                                             const std::string&) override {
    return std::optional<RegisterEntry>();
  }
  Result<std::vector<RegisterEntry>> entries(const EntryFilter&) override {
    return std::vector<RegisterEntry>{};
  }
  Result<void> putEntry(const RegisterEntry&, const Cause&) override {
    return fail(ErrorCode::kInternal, "unexpected_entry", "unexpected entry write");
  }
  Result<int64_t> nextNumber(const std::string&) override {
    return fail(ErrorCode::kInternal, "unexpected_number", "unexpected number");
  }
  Result<bool> claim(const Cause&) override { return true; }
  Result<void> putUnit(const Unit&, const Cause&) override { return {}; }
  Result<void> putPerson(const Person& p, const Cause&) override {
    persons[p.id_no] = p;
    return {};
  }
  Result<void> addAccountEntry(const std::string&, const std::string&,
                               const AccountEntry&) override {
    return {};
  }
  Result<void> closeAccount(const std::string&, const std::string&, const Cause&) override {
    return {};
  }
  Result<void> addPayment(const Payment& p) override {
    for (const auto& q : payments)
      if (q.case_no == p.case_no && q.event_seq == p.event_seq)
        return fail(ErrorCode::kConflict, "duplicate_payment", "重复拨付");
    payments.push_back(p);
    return {};
  }
  Result<void> addClaim(const Claim& c) override {
    claims.push_back(c);
    return {};
  }
  Result<void> addPremium(const PremiumEntry& e) override {
    premium_entries.push_back(e);
    return {};
  }
};

const std::shared_ptr<const PolicySet>& policies() {
  static const std::shared_ptr<const PolicySet> set = [] {
    auto s = PolicySet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy");
    if (!s) throw std::runtime_error(s.error().message);
    return *s;
  }();
  return set;
}

// 10:00 Shanghai time on y-m-d.
Instant at(int y, unsigned m, unsigned d, int hour = 10) {
  return Instant{int64_t{Date::fromYmd(y, m, d).days()} * 86400 + (hour - 8) * 3600};
}

constexpr const char* kId = "630102199001011234";

FlowStep flowStep(const char* name, StepKind kind, const char* role) {
  FlowStep f;
  f.step = name;
  f.kind = kind;
  f.role = role;
  return f;
}

Event event(int seq, Instant when, const std::string& action, const std::string& step) {
  Event e;
  e.seq = seq;
  e.at = when;
  e.actor = "staff";
  e.action = action;
  e.step = step;
  return e;
}

Person resident(std::vector<std::string> identities = {}) {
  Person p;
  p.region = "qinghai";
  p.id_no = kId;
  p.name = "张三";
  p.sex = "男";
  p.insurance_type = "城乡居民";
  p.identities = std::move(identities);
  p.enrolments = {Enrolment{"2025-01", "", kEnrolPaying, "城乡居民", ""}};
  return p;
}

// 甲 2000元, 乙 1000元, 丙 300元 at a level-2 hospital on 2026-03-02.
json reimbursementForm() {
  return {{"fee_lines",
           {{{"code", "A1"}, {"name", "床位费"}, {"class", "甲"}, {"amount_fen", 200000}},
            {{"code", "B1"}, {"name", "乙类药品"}, {"class", "乙"}, {"amount_fen", 100000}},
            {{"code", "C1"}, {"name", "丙类耗材"}, {"class", "丙"}, {"amount_fen", 30000}}}},
          {"hospital_level", 2},
          {"visit_date", "2026-03-02"}};
}

class EffectTest : public ::testing::Test {
 protected:
  EffectTest() {
    region_.id = "qinghai";
    region_.name = "青海省";
    item_.code = "002036006001";
    item_.name = "门诊费用报销";
    item_.flow = {flowStep("受理", StepKind::kAccept, "window"),
                  flowStep("初审", StepKind::kReview, "reviewer"),
                  flowStep("复审", StepKind::kReview, "senior_reviewer"),
                  flowStep("拨付", StepKind::kPay, "finance"),
                  flowStep("办结", StepKind::kComplete, "window")};
    c_.case_no = "QH2026000001";
    c_.region = "qinghai";
    c_.applicant = {"person", kId, "张三", ""};
    c_.form = std::make_shared<const json>(reimbursementForm());
    c_.events.push_back(event(1, at(2026, 3, 9), "submit", "申请"));
  }

  // Appends the action's event (as the workflow would) and returns the handler's verdict.
  Result<Verdict> act(const EffectHandler& h, const std::string& action, const std::string& step,
                      Instant when = at(2026, 3, 10), json data = json::object()) {
    Event e = event(static_cast<int>(c_.events.size()) + 1, when, action, step);
    e.data = std::move(data);
    c_.events.push_back(e);
    auto v = h.validate(EffectInput{region_, item_, c_}, regs_);
    if (v)
      for (auto& [k, val] : v->record.items()) c_.events.mutableBack().data[k] = val;
    else
      c_.events.pop_back();  // a refused action leaves no event
    return v;
  }
  Result<void> applyLast(const EffectHandler& h) {
    return h.apply(EffectInput{region_, item_, c_}, c_.events.back(), regs_);
  }

  Region region_;
  Item item_;
  CaseState c_;
  FakeRegisters regs_;
};

class ReimbursementTest : public EffectTest {
 protected:
  std::unique_ptr<EffectHandler> h_ =
      makeReimbursementEffect("outpatient_reimbursement", policies());
};

TEST_F(ReimbursementTest, RefusedAtAcceptanceWhenNotInTheRegister) {
  auto v = act(*h_, "accept", "受理");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(v.error().slug, "not_insured");
  EXPECT_NE(v.error().message.find("无有效参保记录"), std::string::npos);
}

TEST_F(ReimbursementTest, RefusedWhenTheVisitMonthIsNotCovered) {
  Person p = resident();
  p.enrolments = {Enrolment{"2025-01", "2026-02", kEnrolPaying, "城乡居民", ""}};
  regs_.persons[kId] = p;
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_insured");
  p.enrolments = {Enrolment{"2025-01", "", kEnrolSuspended, "城乡居民", ""}};
  regs_.persons[kId] = p;
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_insured");
  p.region = "yunnan";  // insured, but in another 统筹区
  p.enrolments = {Enrolment{"2025-01", "", kEnrolPaying, "城乡居民", ""}};
  regs_.persons[kId] = p;
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_insured");
}

TEST_F(ReimbursementTest, AcceptedWhenInsuredAndNothingSettledYet) {
  regs_.persons[kId] = resident();
  auto v = act(*h_, "accept", "受理");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_TRUE(v->record.empty());
  EXPECT_FALSE(h_->payable(c_).has_value());
  EXPECT_TRUE(h_->view(c_)["settlement"].is_null());
}

TEST_F(ReimbursementTest, ABadFormIsRefusedAtAcceptance) {
  regs_.persons[kId] = resident();
  json f = reimbursementForm();
  f["hospital_level"] = 5;
  c_.form = std::make_shared<const json>(f);
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "invalid_claim");
}

TEST_F(ReimbursementTest, FirstReviewRecordsTheSettlement) {
  regs_.persons[kId] = resident();
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  auto v = act(*h_, "approve", "初审");
  ASSERT_TRUE(v) << v.error().message;
  // qinghai 城乡居民 2026 (example): 丙 300元 out; 乙 1000元 × 10 % = 100元 first paid;
  // eligible 2900元; level-2 deductible 500元 per admission; 2400元 × 75 % = 1800元.
  const json& s = v->record["settlement"];
  EXPECT_EQ(s["total_fen"], 330000);
  EXPECT_EQ(s["fund_fen"], 180000);
  EXPECT_EQ(s["serious_illness_fen"], 0);
  EXPECT_EQ(s["assistance_fen"], 0);
  EXPECT_EQ(s["personal_fen"], 150000);
  EXPECT_EQ(s["example"], true);
  EXPECT_EQ(s["steps"][2]["amount_fen"], 50000);
  EXPECT_EQ(v->record["policy"]["insurance_type"], "城乡居民");
  EXPECT_EQ(h_->payable(c_), 180000);
  EXPECT_EQ(h_->view(c_)["settlement"]["fund_fen"], 180000);
  EXPECT_EQ(h_->view(c_)["payable_fen"], 180000);
  // 复审 recomputes nothing.
  auto second = act(*h_, "approve", "复审");
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->record.empty());
}

TEST_F(ReimbursementTest, TheCasesPinnedFlowDecidesWhichStepSettles) {
  // Opened when the item had one review step (审核); the catalog has since split it (初审, 复审).
  c_.flow = std::make_shared<const std::vector<FlowStep>>(
      std::vector<FlowStep>{flowStep("受理", StepKind::kAccept, "window"),
                            flowStep("审核", StepKind::kReview, "reviewer"),
                            flowStep("拨付", StepKind::kPay, "finance")});
  regs_.persons[kId] = resident();
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  auto v = act(*h_, "approve", "审核");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record["settlement"]["fund_fen"], 180000);
}

TEST_F(ReimbursementTest, AssistanceRecipientGetsTheAssistanceStep) {
  regs_.persons[kId] = resident({"低保"});
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  auto v = act(*h_, "approve", "初审");
  ASSERT_TRUE(v);
  // burden in scope 2900 − 1800 = 1100元 × 70 % (低保) = 770元.
  EXPECT_EQ(v->record["settlement"]["assistance_fen"], 77000);
  EXPECT_EQ(h_->payable(c_), 180000 + 77000);
}

TEST_F(ReimbursementTest, YearToDateCountsEarlierClaims) {
  regs_.persons[kId] = resident();
  // The fund paid 149000元 of the 150000元 cap this year: 1000元 left.
  regs_.claims.push_back(Claim{"qinghai", kId, "QH2026000000", 2026, 0, 14900000, 0, 0, 50000, ""});
  regs_.claims.push_back(Claim{"qinghai", kId, "QH2025000009", 2025, 0, 9000000, 0, 0, 0, ""});
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  auto v = act(*h_, "approve", "初审");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record["settlement"]["fund_fen"], 100000);
}

TEST_F(ReimbursementTest, ClassCOnlyClaimCannotBeApproved) {
  regs_.persons[kId] = resident();
  c_.form = std::make_shared<const json>(
      json{{"fee_lines", {{{"code", "C1"}, {"name", "丙"}, {"class", "丙"}, {"amount_fen", 500}}}},
           {"hospital_level", 1},
           {"visit_date", "2026-03-02"}});
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  auto v = act(*h_, "approve", "初审");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "nothing_payable");
}

TEST_F(ReimbursementTest, NoPolicyForTheYear) {
  Person p = resident();
  p.enrolments = {Enrolment{"2020-01", "", kEnrolPaying, "城乡居民", ""}};
  regs_.persons[kId] = p;
  json f = reimbursementForm();
  f["visit_date"] = "2024-06-01";
  c_.form = std::make_shared<const json>(f);
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "no_policy");
}

TEST_F(ReimbursementTest, SentBackAndApprovedAgainUsesTheNewSettlement) {
  regs_.persons[kId] = resident();
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "初审"));
  ASSERT_TRUE(act(*h_, "send_back", "复审", at(2026, 3, 11), {{"to", "初审"}}));
  regs_.persons[kId] = resident({"特困"});  // recognised meanwhile
  ASSERT_TRUE(act(*h_, "approve", "初审", at(2026, 3, 12)));
  EXPECT_EQ(h_->payable(c_), 180000 + 110000);  // 特困: 100 % of the 1100元 burden
}

TEST_F(ReimbursementTest, PayBooksTheClaimAndThePayment) {
  regs_.persons[kId] = resident();
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "初审"));
  ASSERT_TRUE(act(*h_, "approve", "复审"));
  // 2026-03-31 23:00 Shanghai (15:00 UTC): the payment belongs to March.
  auto v = act(*h_, "pay", "拨付", at(2026, 3, 31, 23), {{"amount_fen", 180000}});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_TRUE(v->send_back_to.empty());
  EXPECT_TRUE(h_->changesAt(c_.events.back()));
  ASSERT_TRUE(applyLast(*h_));
  ASSERT_EQ(regs_.claims.size(), 1u);
  const Claim& cl = regs_.claims[0];
  EXPECT_EQ(cl.year, 2026);
  EXPECT_EQ(cl.case_no, "QH2026000001");
  EXPECT_EQ(cl.total_fen, 330000);
  EXPECT_EQ(cl.fund_fen, 180000);
  EXPECT_EQ(cl.deductible_fen, 50000);
  EXPECT_EQ(cl.admission, "2026-03-02");
  ASSERT_EQ(regs_.payments.size(), 1u);
  const Payment& p = regs_.payments[0];
  EXPECT_EQ(p.payee_kind, "person");
  EXPECT_EQ(p.payee, "张三");
  EXPECT_EQ(p.amount_fen, 180000);
  EXPECT_EQ(p.purpose, "门诊费用报销");
  EXPECT_EQ(p.month, "2026-03");
  EXPECT_EQ(p.event_seq, c_.events.back().seq);
}

TEST_F(ReimbursementTest, PaymentMonthIsShanghaiTime) {
  regs_.persons[kId] = resident();
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "初审"));
  // 2026-04-01 07:00 Shanghai = 2026-03-31 23:00 UTC.
  ASSERT_TRUE(act(*h_, "pay", "拨付", at(2026, 4, 1, 7), {{"amount_fen", 180000}}));
  ASSERT_TRUE(applyLast(*h_));
  EXPECT_EQ(regs_.payments.at(0).month, "2026-04");
}

TEST_F(ReimbursementTest, OnlyPayChangesTheRegisters) {
  for (const char* a : {"submit", "accept", "approve", "send_back", "complete", "reject"})
    EXPECT_FALSE(h_->changesAt(event(1, {}, a, "s"))) << a;
  EXPECT_TRUE(h_->changesAt(event(1, {}, "pay", "拨付")));
}

TEST_F(ReimbursementTest, ClaimsPaidSinceReviewSendTheCaseBackAtPay) {
  regs_.persons[kId] = resident();
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "初审"));
  ASSERT_TRUE(act(*h_, "approve", "复审"));
  regs_.claims.push_back(Claim{"qinghai", kId, "QH2026000002", 2026, 0, 14900000, 0, 0, 0, ""});
  auto v = act(*h_, "pay", "拨付", at(2026, 3, 20), {{"amount_fen", 180000}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->send_back_to, "初审");
  EXPECT_NE(v->reason.find("重新计算"), std::string::npos);
}

TEST(AssistanceReimbursement, PaysTheAssistancePartOnlyAndNeedsARecipient) {
  Region region;
  region.id = "qinghai";
  Item item;
  item.flow = {flowStep("受理", StepKind::kAccept, "window"),
               flowStep("初审", StepKind::kReview, "reviewer"),
               flowStep("拨付", StepKind::kPay, "finance")};
  auto h = makeReimbursementEffect("assistance_reimbursement", policies());
  FakeRegisters regs;
  regs.persons[kId] = resident();
  CaseState c;
  c.case_no = "QH2026000003";
  c.region = "qinghai";
  c.applicant = {"person", kId, "张三", ""};
  c.form = std::make_shared<const json>(reimbursementForm());
  c.events.push_back(event(1, at(2026, 3, 10), "accept", "受理"));
  auto refused = h->validate(EffectInput{region, item, c}, regs);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().slug, "not_assistance_recipient");
  regs.persons[kId] = resident({"特困"});
  ASSERT_TRUE(h->validate(EffectInput{region, item, c}, regs));
  c.events.push_back(event(2, at(2026, 3, 11), "approve", "初审"));
  auto v = h->validate(EffectInput{region, item, c}, regs);
  ASSERT_TRUE(v);
  c.events.mutableBack().data = v->record;
  EXPECT_EQ(h->payable(c), 110000);
  c.events.push_back(event(3, at(2026, 3, 12), "pay", "拨付"));
  c.events.mutableBack().data["amount_fen"] = 110000;
  ASSERT_TRUE(h->apply(EffectInput{region, item, c}, c.events.back(), regs));
  EXPECT_EQ(regs.payments.at(0).purpose, "医疗救助报销");
  EXPECT_EQ(regs.claims.at(0).assistance_fen, 110000);
  EXPECT_EQ(regs.claims.at(0).fund_fen, 180000);
}

class SubsidyTest : public EffectTest {
 protected:
  SubsidyTest() {
    item_.code = "002036008001";
    item_.flow = {flowStep("受理", StepKind::kAccept, "window"),
                  flowStep("审核", StepKind::kReview, "reviewer"),
                  flowStep("拨付", StepKind::kPay, "finance"),
                  flowStep("办结", StepKind::kComplete, "window")};
    c_.form = std::make_shared<const json>(json::object());
  }
  std::unique_ptr<EffectHandler> h_ = makeAssistanceSubsidyEffect(policies());
};

TEST_F(SubsidyTest, RefusalsAtAcceptance) {
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_insured");
  Person emp = resident({"特困"});
  emp.insurance_type = "职工";
  regs_.persons[kId] = emp;
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_resident");
  regs_.persons[kId] = resident({"港澳台"});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "not_assistance_recipient");
  regs_.persons[kId] = resident({"特困"});
  regs_.premium_entries.push_back(PremiumEntry{"qinghai", kId, 2026, "资助", 40000, "QH9"});
  EXPECT_EQ(act(*h_, "accept", "受理").error().slug, "already_subsidised");
}

TEST_F(SubsidyTest, FullForExtremePovertyFixedForLowIncome) {
  regs_.persons[kId] = resident({"特困"});
  auto v = act(*h_, "accept", "受理");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->record["subsidy"]["amount_fen"], 40000);  // qinghai 2026 premium (example)
  EXPECT_EQ(v->record["subsidy"]["full"], true);
  EXPECT_EQ(h_->payable(c_), 40000);
  c_.events.pop_back();
  regs_.persons[kId] = resident({"低保"});
  v = act(*h_, "accept", "受理");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->record["subsidy"]["amount_fen"], 20000);
  EXPECT_EQ(v->record["subsidy"]["identity"], "低保");
}

TEST_F(SubsidyTest, PayBooksThePaymentAndCompletionThePremium) {
  regs_.persons[kId] = resident({"低保"});
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  ASSERT_TRUE(act(*h_, "approve", "审核"));
  ASSERT_TRUE(act(*h_, "pay", "拨付", at(2026, 3, 12), {{"amount_fen", 20000}}));
  ASSERT_TRUE(h_->changesAt(c_.events.back()));
  ASSERT_TRUE(applyLast(*h_));
  ASSERT_EQ(regs_.payments.size(), 1u);
  EXPECT_EQ(regs_.payments[0].amount_fen, 20000);
  EXPECT_TRUE(regs_.premium_entries.empty());
  c_.events.push_back(
      event(static_cast<int>(c_.events.size()) + 1, at(2026, 3, 13), "complete", "办结"));
  ASSERT_TRUE(h_->changesAt(c_.events.back()));
  ASSERT_TRUE(applyLast(*h_));
  ASSERT_EQ(regs_.premium_entries.size(), 1u);
  const PremiumEntry& pe = regs_.premium_entries[0];
  EXPECT_EQ(pe.kind, "资助");
  EXPECT_EQ(pe.year, 2026);
  EXPECT_EQ(pe.amount_fen, 20000);
  EXPECT_EQ(pe.source, "QH2026000001");
  EXPECT_FALSE(h_->changesAt(event(1, {}, "approve", "审核")));
}

TEST_F(SubsidyTest, ASubsidyBookedMeanwhileStopsTheSecondCase) {
  regs_.persons[kId] = resident({"特困"});
  ASSERT_TRUE(act(*h_, "accept", "受理"));
  regs_.premium_entries.push_back(PremiumEntry{"qinghai", kId, 2026, "资助", 40000, "QH9"});
  EXPECT_EQ(act(*h_, "approve", "审核").error().slug, "already_subsidised");
  c_.events.push_back(
      event(static_cast<int>(c_.events.size()) + 1, at(2026, 3, 13), "complete", "办结"));
  auto r = applyLast(*h_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace jingban
