// effects/institution_settlement.cpp and settlement/settlement_record.cpp against in-memory
// registers: the checks at 受理 (the institution, its category, its agreement, one settlement a
// month), the settlement entry through 审核中 → 已制单 → 已对账 → 已拨付, the 基金拨付单 recorded
// at the last review step only, 拨付 refused before 对账, the payment booked to the institution.
#include <gtest/gtest.h>

#include "effects/handlers.hpp"
#include "effects/institution_settlement.hpp"
#include "fake_registers.hpp"
#include "settlement/settlement_record.hpp"

namespace jingban {
namespace {

using nlohmann::json;
namespace stl = settlement;

constexpr const char* kCredit = "91630000MA0000001X";
constexpr const char* kCode = "H63000000001";

FlowStep step(const char* name, StepKind kind, const char* role) {
  FlowStep f;
  f.step = name;
  f.kind = kind;
  f.role = role;
  return f;
}

Instant at(int day) { return Instant{1772409600 + day * 86400LL}; }  // 2026-03-02 + day

RegisterEntry institution(const std::string& category = "医疗机构", std::string to = "") {
  RegisterEntry e;
  e.kind = "institution";
  e.region = "qinghai";
  e.key = kCode;
  e.owner = kCredit;
  e.status = "定点";
  e.from = "2025-01-01";
  e.to = std::move(to);
  e.data = {{"name", "示例医院"}, {"category", category}, {"bank_account", "6222000000001"}};
  return e;
}

class SettlementEffectTest : public ::testing::Test {
 protected:
  SettlementEffectTest() {
    region_.id = "qinghai";
    region_.name = "青海省";
    item_.code = "002036010001";
    item_.name = "基本医疗保险定点医疗机构费用结算";
    item_.flow = {
        step("受理", StepKind::kAccept, "window"), step("初审", StepKind::kReview, "reviewer"),
        step("复审", StepKind::kReview, "senior_reviewer"), step("拨付", StepKind::kPay, "finance"),
        step("办结", StepKind::kComplete, "window")};
    regs_.entry_rows[{"institution", "qinghai", kCode}] = institution();
    c_ = newCase("QH-1", 5);
  }

  CaseState newCase(const std::string& no, int64_t accepted) {
    CaseState c;
    c.case_no = no;
    c.region = "qinghai";
    c.item_code = item_.code;
    c.item_name = item_.name;
    c.applicant = {"institution", kCredit, "示例医院", ""};
    c.flow = std::make_shared<const std::vector<FlowStep>>(item_.flow);
    json totals = {{"amount_fen", 1500}, {"class_b_first_paid_fen", 50}, {"self_fen", 250},
                   {"fund_fen", 1250},   {"accepted", accepted},         {"rejected", 1}};
    c.form = std::make_shared<const json>(
        json{{"institution_code", kCode},
             {"month", "2026-02"},
             {"upload",
              {{"accepted", accepted}, {"rejected", 1}, {"totals", totals}, {"example", true}}}});
    push(c, "submit", "申请");
    return c;
  }

  void push(CaseState& c, const std::string& action, const std::string& at_step,
            json data = json::object()) {
    Event e;
    e.seq = static_cast<int>(c.events.size()) + 1;
    e.at = at(e.seq);
    e.actor = "staff";
    e.action = action;
    e.step = at_step;
    e.data = std::move(data);
    c.events.push_back(std::move(e));
  }

  // The action's validation, its record merged into the event as the case service does, then
  // the change applied (claimed once).
  Result<Verdict> act(CaseState& c, const std::string& action, const std::string& at_step,
                      json data = json::object(), const EffectHandler* h = nullptr) {
    if (!h) h = hospital_.get();
    push(c, action, at_step, std::move(data));
    Result<Verdict> v = Verdict{};
    if (action == "accept" || action == "approve" || action == "pay") {
      v = h->validate(EffectInput{region_, item_, c}, regs_);
      if (!v) {
        c.events.pop_back();
        return v;
      }
      for (auto& [k, val] : v->record.items()) c.events.mutableBack().data[k] = val;
    }
    if (h->changesAt(c.events.back()))
      if (auto r = h->apply(EffectInput{region_, item_, c}, c.events.back(), regs_); !r)
        return std::unexpected(r.error());
    return v;
  }

  stl::SettlementRecord record() {
    auto e = regs_.entry(stl::kEntryKind, "qinghai", stl::entryKey(kCode, "2026-02"));
    EXPECT_TRUE(e && *e);
    return stl::fromEntry(**e);
  }

  Region region_;
  Item item_;
  testing::FakeRegisterTx regs_;
  std::unique_ptr<EffectHandler> hospital_ =
      makeSettlementEffect("institution_settlement", nullptr);
  std::unique_ptr<EffectHandler> pharmacy_ = makeSettlementEffect("pharmacy_settlement", nullptr);
  CaseState c_;
};

TEST_F(SettlementEffectTest, TheWholeChain) {
  ASSERT_TRUE(act(c_, "accept", "受理"));
  stl::SettlementRecord r = record();
  EXPECT_EQ(r.status, stl::kStatusReviewing);
  EXPECT_EQ(r.case_no, "QH-1");
  EXPECT_EQ(r.payable_fen, 1250);
  EXPECT_EQ(r.institution_name, "示例医院");
  EXPECT_EQ(hospital_->payable(c_), 1250);

  auto first = act(c_, "approve", "初审");
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->record.contains("fund_payment_order"));  // not the last review step
  EXPECT_EQ(record().status, stl::kStatusReviewing);
  auto second = act(c_, "approve", "复审");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->record["fund_payment_order"]["payable_fen"], 1250);
  EXPECT_EQ(record().status, stl::kStatusOrdered);

  auto early = act(c_, "pay", "拨付", {{"amount_fen", 1250}});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().slug, "not_reconciled");

  // 对账: a different amount is refused; the right one moves it on, once.
  stl::SettlementRecord wrong = record();
  wrong.payable_fen = 1249;
  auto refused = stl::applyConfirmation("qinghai", stl::confirmationRows(wrong), 100, "b0", regs_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().slug, "register_changed");
  ASSERT_TRUE(stl::applyConfirmation("qinghai", stl::confirmationRows(record()), 100, "b1", regs_));
  EXPECT_EQ(record().status, stl::kStatusReconciled);
  EXPECT_FALSE(record().confirmed_at.empty());
  ASSERT_TRUE(stl::applyConfirmation("qinghai", "{}", 100, "b1", regs_));  // claimed: nothing
  auto again = stl::applyConfirmation("qinghai", stl::confirmationRows(record()), 100, "b2", regs_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().slug, "not_ordered");

  auto pay = act(c_, "pay", "拨付", {{"amount_fen", 1250}});
  ASSERT_TRUE(pay) << pay.error().message;
  ASSERT_EQ(regs_.payments.size(), 1u);
  EXPECT_EQ(regs_.payments[0].payee_kind, "institution");
  EXPECT_EQ(regs_.payments[0].payee, "示例医院");
  EXPECT_EQ(regs_.payments[0].payee_account, "6222000000001");
  EXPECT_EQ(regs_.payments[0].amount_fen, 1250);
  EXPECT_EQ(record().status, stl::kStatusPaid);
  EXPECT_EQ(record().paid_fen, 1250);
  ASSERT_TRUE(act(c_, "complete", "办结"));
  EXPECT_EQ(record().status, stl::kStatusClosed);

  // The month is taken: another case for it is refused at 受理.
  CaseState other = newCase("QH-2", 3);
  auto dup = act(other, "accept", "受理");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().slug, "settlement_exists");
}

TEST_F(SettlementEffectTest, ARejectedSettlementFreesTheMonth) {
  ASSERT_TRUE(act(c_, "accept", "受理"));
  ASSERT_TRUE(act(c_, "reject", "初审"));
  EXPECT_EQ(record().status, stl::kStatusRefused);
  CaseState other = newCase("QH-2", 3);
  ASSERT_TRUE(act(other, "accept", "受理"));
  EXPECT_EQ(record().case_no, "QH-2");
}

TEST_F(SettlementEffectTest, ASendBackVoidsTheOrder) {
  ASSERT_TRUE(act(c_, "accept", "受理"));
  ASSERT_TRUE(act(c_, "approve", "初审"));
  ASSERT_TRUE(act(c_, "approve", "复审"));
  ASSERT_TRUE(stl::applyConfirmation("qinghai", stl::confirmationRows(record()), 100, "b1", regs_));
  ASSERT_TRUE(act(c_, "send_back", "拨付"));
  EXPECT_EQ(record().status, stl::kStatusReviewing);
  EXPECT_TRUE(record().confirmed_at.empty());
  EXPECT_TRUE(record().ordered_at.empty());
}

TEST_F(SettlementEffectTest, RefusalsAtAcceptance) {
  CaseState none = newCase("QH-3", 0);
  auto empty = act(none, "accept", "受理");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().slug, "no_accepted_lines");

  auto pharmacy = act(c_, "accept", "受理", json::object(), pharmacy_.get());
  ASSERT_FALSE(pharmacy);
  EXPECT_EQ(pharmacy.error().slug, "wrong_category");

  regs_.entry_rows[{"institution", "qinghai", kCode}] = institution("医疗机构", "2026-01-31");
  auto ended = act(c_, "accept", "受理");
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().slug, "outside_agreement");

  regs_.entry_rows[{"institution", "qinghai", kCode}] = institution();
  CaseState stranger = newCase("QH-4", 2);
  stranger.applicant.id_no = "91630000MA00000029";
  auto other = act(stranger, "accept", "受理");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().slug, "not_the_institution");

  regs_.entry_rows.clear();
  auto unknown = act(c_, "accept", "受理");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().slug, "institution_not_found");

  CaseState bare = newCase("QH-5", 1);
  bare.form = std::make_shared<const json>(json{{"remark", "x"}});
  auto missing = act(bare, "accept", "受理");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().slug, "settlement_upload_missing");
}

}  // namespace
}  // namespace jingban
