// workflow/: every action of 受理(window) → 初审(reviewer) → 复审(senior_reviewer) → 拨付(finance)
// → 办结(window), and every refusal. Time is passed explicitly; the calendar is the real one.
#include "workflow/workflow.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <ostream>
#include <stdexcept>
#include <string>

#include "common/money.hpp"
#include "test_support.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

namespace {

Material mat(std::string id, std::string name, std::string group = "", bool commitment = false) {
  Material m;
  m.id = std::move(id);
  m.name = std::move(name);
  m.group = std::move(group);
  m.commitment = commitment;
  return m;
}

Region makeRegion() {
  Region r;
  r.id = "testland";
  r.name = "测试省";
  r.division_code = "990000";
  r.roles = {{"window", "窗口受理人员", "window"},
             {"reviewer", "初审人员", "review"},
             {"senior_reviewer", "复审人员", "review"},
             {"finance", "财务人员", "finance"},
             {"supervisor", "监督人员", "supervisor"}};
  r.rating_scale = {"非常满意", "满意", "基本满意", "不满意", "非常不满意"};
  r.rating_satisfied = "满意";
  Item it;
  it.code = "002036006002";
  it.name = "住院费用报销";
  it.applicant = {"person"};
  it.steps = {"申请", "受理", "审核", "拨付", "办结"};
  it.flow = {{"受理", StepKind::kAccept, "window", "", {}},
             {"初审", StepKind::kReview, "reviewer", "", {}},
             {"复审", StepKind::kReview, "senior_reviewer", "", {}},
             {"拨付", StepKind::kPay, "finance", "", {}},
             {"办结", StepKind::kComplete, "window", "", {}}};
  it.conditions = {{"remote", "异地就医"}};
  it.material_groups = {{"identity", "医保电子凭证或有效身份证件"}};
  it.materials = {mat("invoice", "住院收费票据"), mat("e_voucher", "医保电子凭证", "identity"),
                  mat("id_card", "有效身份证件", "identity"),
                  mat("discharge", "出院记录", "", true)};
  Material filing = mat("filing", "异地就医备案表");
  filing.when = "remote";
  it.materials.push_back(filing);
  it.time_limit = {LimitKind::kWorkingDays, 5, "5个工作日", ""};
  it.uncounted_periods = {{"workstation_transfer", "工作站传递", "不含医保工作站传递时间"}};
  it.effect = "inpatient_reimbursement";
  r.items.push_back(it);
  r.index[it.code] = 0;
  return r;
}

const MaterialStatus kComplete{
    {"invoice", "provided"}, {"id_card", "provided"}, {"discharge", "commitment"}};

const Actor kWindow{"win1", {"window"}, "testland"};
const Actor kReviewer{"rev1", {"reviewer"}, "testland"};
const Actor kBothReviews{"rev2", {"reviewer", "senior_reviewer"}, "testland"};
const Actor kSenior{"sen1", {"senior_reviewer"}, "testland"};
const Actor kFinance{"fin1", {"finance"}, "testland"};
const Actor kSupervisor{"sup1", {"supervisor"}, "testland"};
const Actor kApplicant{"applicant", {}, "testland", true};
const Actor kForeignWindow{"win9", {"window", "reviewer"}, "otherland"};

Action A(std::string name, std::string comment = "") {
  Action a;
  a.name = std::move(name);
  a.comment = std::move(comment);
  return a;
}
Action withMaterials(Action a, MaterialStatus m) {
  a.materials = std::move(m);
  return a;
}

class WorkflowTest : public ::testing::Test {
 protected:
  Region region = makeRegion();
  const Item& item() const { return region.items[0]; }

  WorkflowContext ctx(Date d, int hour = 10) const {
    return {region, item(), calendar(), at(d, hour)};
  }
  Result<CaseState> act(const CaseState& c, Date d, const Actor& who, const Action& a) const {
    return applyAction(ctx(d), c, who, a);
  }
  CaseState must(const CaseState& c, Date d, const Actor& who, const Action& a) const {
    auto r = act(c, d, who, a);
    if (!r) ADD_FAILURE() << a.name << " by " << who.username << ": " << r.error().message;
    return r.value_or(c);
  }
  Error refused(const CaseState& c, Date d, const Actor& who, const Action& a) const {
    auto r = act(c, d, who, a);
    if (r) {
      ADD_FAILURE() << a.name << " by " << who.username << " was not refused";
      return {};
    }
    return r.error();
  }
  CaseState open(Date d, MaterialStatus m = {}, std::set<std::string> conds = {}) const {
    Submission s;
    s.channel = "窗口";
    s.applicant = {"person", "11010519491231002X", "张三", "13800000000"};
    s.conditions = std::move(conds);
    s.materials = std::move(m);
    auto c = openCase(ctx(d), s, "C-1");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }
  // Accepted Monday 2026-03-02: due Monday 2026-03-09.
  CaseState accepted() const {
    return must(open(D(2026, 3, 2)), D(2026, 3, 2), kWindow, withMaterials(A("accept"), kComplete));
  }
};

TEST_F(WorkflowTest, OpenCaseRecordsTheSubmission) {
  CaseState c = open(D(2026, 3, 2), {{"invoice", "provided"}});
  EXPECT_EQ(c.status, CaseStatus::kSubmitted);
  EXPECT_EQ(c.step, 0);
  EXPECT_EQ(c.region, "testland");
  EXPECT_EQ(c.item_code, "002036006002");
  EXPECT_FALSE(c.accepted_on.has_value());
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].seq, 1);
  EXPECT_EQ(c.events[0].actor, "applicant");
  EXPECT_EQ(c.events[0].step, "申请");
}

TEST_F(WorkflowTest, OpenCaseAtTheWindowRecordsTheClerk) {
  Submission s;
  s.channel = "窗口";
  s.applicant = {"person", "11010519491231002X", "张三", "13800000000"};
  s.entered_by = "win1";
  auto c = openCase(ctx(D(2026, 3, 2)), s, "C-3");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->events[0].actor, "applicant");
  EXPECT_EQ(c->events[0].data.value("entered_by", ""), "win1");
  EXPECT_FALSE(open(D(2026, 3, 2)).events[0].data.contains("entered_by"));
}

TEST_F(WorkflowTest, OpenCaseRefusesWrongApplicantKindAndUnknownCondition) {
  Submission s;
  s.applicant = {"unit", "91350100M000100Y43", "某公司", ""};
  auto wrong = openCase(ctx(D(2026, 3, 2)), s, "C-2");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnprocessable);
  s.applicant.kind = "person";
  s.conditions = {"martian"};
  auto cond = openCase(ctx(D(2026, 3, 2)), s, "C-2");
  ASSERT_FALSE(cond.has_value());
  EXPECT_EQ(cond.error().code, ErrorCode::kUnprocessable);
}

TEST_F(WorkflowTest, HappyPathThroughEveryStepAppendsEvents) {
  CaseState c = accepted();
  EXPECT_EQ(c.status, CaseStatus::kInProgress);
  EXPECT_EQ(c.accepted_on, D(2026, 3, 2));
  EXPECT_EQ(c.due_on, D(2026, 3, 9));
  EXPECT_EQ(c.step, 1);
  c = must(c, D(2026, 3, 3), kReviewer, A("approve", "材料齐全"));
  EXPECT_EQ(c.step, 2);
  c = must(c, D(2026, 3, 4), kSenior, A("approve"));
  EXPECT_EQ(c.step, 3);
  Action pay = A("pay");
  pay.amount_fen = 123456;
  c = must(c, D(2026, 3, 5), kFinance, pay);
  EXPECT_EQ(c.paid_fen, 123456);
  EXPECT_EQ(c.step, 4);
  c = must(c, D(2026, 3, 6), kWindow, A("complete"));
  EXPECT_EQ(c.status, CaseStatus::kCompleted);
  EXPECT_EQ(c.closed_on, D(2026, 3, 6));
  ASSERT_EQ(c.events.size(), 6u);
  const char* steps[] = {"申请", "受理", "初审", "复审", "拨付", "办结"};
  const char* actors[] = {"applicant", "win1", "rev1", "sen1", "fin1", "win1"};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(c.events[i].seq, i + 1);
    EXPECT_EQ(c.events[i].step, steps[i]);
    EXPECT_EQ(c.events[i].actor, actors[i]);
  }
  EXPECT_EQ(c.events[2].comment, "材料齐全");
  EXPECT_EQ(c.events[2].action, "approve");
  EXPECT_EQ(c.events[2].at.unix_seconds, at(D(2026, 3, 3)).unix_seconds);
  EXPECT_EQ(c.version(), 6);
}

TEST_F(WorkflowTest, AcceptUsesTheShanghaiDate) {
  // 2026-02-12T16:30Z is 00:30 on Friday the 13th in Shanghai: due 2026-02-27.
  Instant now{int64_t{D(2026, 2, 12).days()} * 86400 + 16 * 3600 + 30 * 60};
  WorkflowContext c{region, item(), calendar(), now};
  auto r = applyAction(c, open(D(2026, 2, 12)), kWindow, withMaterials(A("accept"), kComplete));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->accepted_on, D(2026, 2, 13));
  EXPECT_EQ(r->due_on, D(2026, 2, 27));
}

TEST_F(WorkflowTest, AcceptWithIncompleteChecklistNamesEveryMissingMaterial) {
  CaseState c = open(D(2026, 3, 2), {}, {"remote"});
  Error e =
      refused(c, D(2026, 3, 2), kWindow, withMaterials(A("accept"), {{"discharge", "provided"}}));
  EXPECT_EQ(e.code, ErrorCode::kUnprocessable);
  EXPECT_EQ(e.slug, "materials_missing");
  for (const char* name : {"住院收费票据", "医保电子凭证或有效身份证件", "异地就医备案表"})
    EXPECT_NE(e.message.find(name), std::string::npos) << name << " not in: " << e.message;
  EXPECT_EQ(e.message.find("出院记录"), std::string::npos) << e.message;
}

TEST_F(WorkflowTest, AcceptOutsideTheAcceptanceWindowNamesTheWindow) {
  AcceptanceWindow w;
  w.kind = AcceptanceWindow::Kind::kMonthlyDays;
  w.from = 1;
  w.to = 15;
  w.text = "每月1-15日受理";
  region.items[0].acceptance_windows = {w};
  Error e =
      refused(open(D(2026, 3, 20)), D(2026, 3, 20), kWindow, withMaterials(A("accept"), kComplete));
  EXPECT_EQ(e.code, ErrorCode::kUnprocessable);
  EXPECT_EQ(e.slug, "outside_acceptance_window");
  EXPECT_NE(e.message.find("每月1-15日受理"), std::string::npos) << e.message;
  EXPECT_TRUE(
      act(open(D(2026, 3, 13)), D(2026, 3, 13), kWindow, withMaterials(A("accept"), kComplete))
          .has_value());
}

TEST_F(WorkflowTest, AcceptRefusals) {
  CaseState c = open(D(2026, 3, 2));
  Action a = withMaterials(A("accept"), kComplete);
  Error role = refused(c, D(2026, 3, 2), kReviewer, a);
  EXPECT_EQ(role.code, ErrorCode::kForbidden);
  EXPECT_EQ(role.slug, "role_required");
  Error region = refused(c, D(2026, 3, 2), kForeignWindow, a);
  EXPECT_EQ(region.code, ErrorCode::kForbidden);
  EXPECT_EQ(refused(c, D(2026, 3, 2), kApplicant, a).code, ErrorCode::kForbidden);
  Error bad =
      refused(c, D(2026, 3, 2), kWindow, withMaterials(A("accept"), {{"invoice", "commitment"}}));
  EXPECT_EQ(bad.slug, "commitment_not_allowed");
  // Accepting twice.
  EXPECT_EQ(refused(accepted(), D(2026, 3, 3), kWindow, a).code, ErrorCode::kConflict);
  // Past the loaded calendar (2027's holiday notice not out): weekdays count, the due date is
  // marked provisional, and the counter does not stop.
  CaseState late = must(open(D(2027, 1, 4)), D(2027, 1, 4), kWindow, a);
  EXPECT_TRUE(late.due_provisional);
  EXPECT_EQ(late.due_on, D(2027, 1, 11));
}

TEST_F(WorkflowTest, ReturnBeforeAcceptanceListsEveryMissingMaterialAndStartsNoClock) {
  CaseState c = open(D(2026, 3, 2), {{"invoice", "provided"}}, {"remote"});
  c = must(c, D(2026, 3, 2), kWindow, A("return", "请补齐材料"));
  EXPECT_EQ(c.status, CaseStatus::kSupplement);
  std::vector<std::string> ids;
  for (const auto& m : c.notice) ids.push_back(m.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"identity", "discharge", "filing"}));
  EXPECT_FALSE(c.accepted_on.has_value());
  EXPECT_FALSE(c.due_on.has_value());
  EXPECT_FALSE(c.paused_since.has_value());
  EXPECT_EQ(deadlineOn(c, calendar(), D(2026, 3, 20))->status, DeadlineStatus::kNotStarted);
  // Not acceptable until supplemented; then acceptance starts the clock on that day.
  EXPECT_EQ(refused(c, D(2026, 3, 3), kWindow, withMaterials(A("accept"), kComplete)).code,
            ErrorCode::kConflict);
  EXPECT_EQ(refused(c, D(2026, 3, 3), kApplicant, A("supplement")).slug, "materials_required");
  c = must(
      c, D(2026, 3, 10), kApplicant,
      withMaterials(A("supplement"),
                    {{"id_card", "provided"}, {"discharge", "provided"}, {"filing", "provided"}}));
  EXPECT_EQ(c.status, CaseStatus::kSubmitted);
  c = must(c, D(2026, 3, 10), kWindow, A("accept"));
  EXPECT_EQ(c.accepted_on, D(2026, 3, 10));
  EXPECT_EQ(c.due_on, D(2026, 3, 17));
  EXPECT_EQ(c.paused_days, 0);
}

TEST_F(WorkflowTest, ReturnWithNothingMissingIsRefused) {
  Error e = refused(open(D(2026, 3, 2), kComplete), D(2026, 3, 2), kWindow, A("return"));
  EXPECT_EQ(e.code, ErrorCode::kUnprocessable);
}

TEST_F(WorkflowTest, NotAcceptNeedsAReasonAndOnlyBeforeAcceptance) {
  CaseState c = open(D(2026, 3, 2));
  EXPECT_EQ(refused(c, D(2026, 3, 2), kWindow, A("not_accept")).slug, "reason_required");
  CaseState n = must(c, D(2026, 3, 2), kWindow, A("not_accept", "不属于受理范围"));
  EXPECT_EQ(n.status, CaseStatus::kNotAccepted);
  EXPECT_EQ(n.closed_on, D(2026, 3, 2));
  EXPECT_EQ(n.events.back().comment, "不属于受理范围");
  EXPECT_EQ(refused(accepted(), D(2026, 3, 3), kWindow, A("not_accept", "x")).code,
            ErrorCode::kConflict);
}

TEST_F(WorkflowTest, ApproveByTheRightRoleOnly) {
  CaseState c = accepted();
  for (const Actor* who : {&kWindow, &kSenior, &kFinance, &kSupervisor}) {
    Error e = refused(c, D(2026, 3, 3), *who, A("approve"));
    EXPECT_EQ(e.code, ErrorCode::kForbidden) << who->username;
    EXPECT_EQ(e.slug, "role_required") << who->username;
  }
  Error foreign = refused(c, D(2026, 3, 3), kForeignWindow, A("approve"));
  EXPECT_EQ(foreign.code, ErrorCode::kForbidden);
  EXPECT_EQ(refused(c, D(2026, 3, 3), kApplicant, A("approve")).code, ErrorCode::kForbidden);
}

TEST_F(WorkflowTest, FourEyesSameUserCannotApproveBothReviews) {
  CaseState c = must(accepted(), D(2026, 3, 3), kBothReviews, A("approve"));
  Error e = refused(c, D(2026, 3, 3), kBothReviews, A("approve"));
  EXPECT_EQ(e.code, ErrorCode::kForbidden);
  EXPECT_EQ(e.slug, "four_eyes");
  // Still after a send-back to 初审 and a fresh 初审 approval by the same user.
  Action back = A("send_back", "重新初审");
  back.target_step = "初审";
  CaseState again =
      must(must(c, D(2026, 3, 4), kSenior, back), D(2026, 3, 4), kBothReviews, A("approve"));
  EXPECT_EQ(refused(again, D(2026, 3, 4), kBothReviews, A("approve")).slug, "four_eyes");
  c = must(c, D(2026, 3, 3), kSenior, A("approve"));
  EXPECT_EQ(c.step, 3);
  EXPECT_EQ(c.approvals, (std::map<int, std::string>{{1, "rev2"}, {2, "sen1"}}));
}

TEST_F(WorkflowTest, SendBackToAnEarlierReviewStepWithReason) {
  CaseState c = must(accepted(), D(2026, 3, 3), kReviewer, A("approve"));
  Action back = A("send_back");
  back.target_step = "初审";
  EXPECT_EQ(refused(c, D(2026, 3, 4), kSenior, back).slug, "reason_required");
  back.comment = "测算有误";
  EXPECT_EQ(refused(c, D(2026, 3, 4), kReviewer, back).code, ErrorCode::kForbidden);
  CaseState b = must(c, D(2026, 3, 4), kSenior, back);
  EXPECT_EQ(b.step, 1);
  EXPECT_EQ(b.status, CaseStatus::kInProgress);
  EXPECT_EQ(b.events.back().comment, "测算有误");
  EXPECT_EQ(b.approvals.count(1), 0u);
  // Targets that are not an earlier review step.
  for (const char* target : {"受理", "复审", "拨付", "办结", "不存在"}) {
    Action t = back;
    t.target_step = target;
    EXPECT_EQ(refused(c, D(2026, 3, 4), kSenior, t).code, ErrorCode::kUnprocessable) << target;
  }
  // Re-approval after the send-back, then on through 复审.
  b = must(b, D(2026, 3, 5), kReviewer, A("approve"));
  b = must(b, D(2026, 3, 5), kSenior, A("approve"));
  EXPECT_EQ(b.step, 3);
  // Nothing to send back from 受理-level or after completion.
  EXPECT_EQ(refused(open(D(2026, 3, 2)), D(2026, 3, 2), kWindow, back).code, ErrorCode::kConflict);
}

TEST_F(WorkflowTest, RejectNeedsAReason) {
  CaseState c = accepted();
  EXPECT_EQ(refused(c, D(2026, 3, 3), kReviewer, A("reject")).slug, "reason_required");
  CaseState r = must(c, D(2026, 3, 3), kReviewer, A("reject", "不符合报销条件"));
  EXPECT_EQ(r.status, CaseStatus::kRejected);
  EXPECT_EQ(r.closed_on, D(2026, 3, 3));
  EXPECT_EQ(refused(r, D(2026, 3, 3), kReviewer, A("approve")).code, ErrorCode::kConflict);
}

TEST_F(WorkflowTest, PayNeedsFinanceAndAnAmountOfOneFenToTenBillionYuan) {
  CaseState c = must(accepted(), D(2026, 3, 3), kReviewer, A("approve"));
  c = must(c, D(2026, 3, 3), kSenior, A("approve"));
  Action pay = A("pay");
  EXPECT_EQ(refused(c, D(2026, 3, 4), kFinance, pay).code, ErrorCode::kUnprocessable);
  pay.amount_fen = -1;
  EXPECT_EQ(refused(c, D(2026, 3, 4), kFinance, pay).code, ErrorCode::kUnprocessable);
  pay.amount_fen = 0;
  EXPECT_EQ(refused(c, D(2026, 3, 4), kFinance, pay).slug, "amount_out_of_range");
  pay.amount_fen = Money::kMaxFen + 1;
  EXPECT_EQ(refused(c, D(2026, 3, 4), kFinance, pay).slug, "amount_out_of_range");
  pay.amount_fen = INT64_MAX;
  EXPECT_EQ(refused(c, D(2026, 3, 4), kFinance, pay).slug, "amount_out_of_range");
  pay.amount_fen = Money::kMaxFen;
  Error role = refused(c, D(2026, 3, 4), kSenior, pay);
  EXPECT_EQ(role.code, ErrorCode::kForbidden);
  EXPECT_EQ(role.slug, "role_required");
  CaseState p = must(c, D(2026, 3, 4), kFinance, pay);
  EXPECT_EQ(p.paid_fen, Money::kMaxFen);
  EXPECT_EQ(p.step, 4);
  EXPECT_EQ(refused(p, D(2026, 3, 4), kFinance, pay).code, ErrorCode::kConflict);  // twice
}

// Xining's 待遇支付 (chart 16) has two pay steps: 支付审核后的各项医疗待遇 pays, then
// 编制待遇支付会计凭证 books what was paid (its amount is checked by the effect against the total
// paid, effects/benefit_payment.cpp). The second pay step of one flow does not pay again: the
// case's paid amount stays that of the first, even at the largest amount one payment may carry.
TEST_F(WorkflowTest, ASecondPayStepOfOneFlowBooksWithoutPayingAgain) {
  Item& it = region.items[0];
  it.flow = {{"受理", StepKind::kAccept, "window", "", {}},
             {"审核", StepKind::kReview, "reviewer", "", {}},
             {"拨付", StepKind::kPay, "finance", "", {}},
             {"编制会计凭证", StepKind::kPay, "finance", "", {}},
             {"办结", StepKind::kComplete, "window", "", {}}};
  CaseState c = must(accepted(), D(2026, 3, 3), kReviewer, A("approve"));
  Action pay = A("pay");
  pay.amount_fen = Money::kMaxFen;
  c = must(c, D(2026, 3, 4), kFinance, pay);
  EXPECT_EQ(c.paid_fen, Money::kMaxFen);
  EXPECT_EQ(c.step, 3);
  c = must(c, D(2026, 3, 4), kFinance, pay);
  EXPECT_EQ(c.step, 4);
  EXPECT_EQ(c.paid_fen, Money::kMaxFen);
  EXPECT_EQ(c.events.back().data["amount_fen"], Money::kMaxFen);
  c = must(c, D(2026, 3, 5), kWindow, A("complete"));
  EXPECT_EQ(c.status, CaseStatus::kCompleted);
  EXPECT_EQ(c.paid_fen, Money::kMaxFen);
  EXPECT_EQ(c.events.back().action, "complete");
}

TEST_F(WorkflowTest, OutOfOrderAndTwiceAreConflicts) {
  CaseState sub = open(D(2026, 3, 2));
  Action pay = A("pay");
  pay.amount_fen = 100;
  EXPECT_EQ(refused(sub, D(2026, 3, 2), kReviewer, A("approve")).code, ErrorCode::kConflict);
  EXPECT_EQ(refused(sub, D(2026, 3, 2), kWindow, A("complete")).code, ErrorCode::kConflict);
  CaseState c = accepted();
  EXPECT_EQ(refused(c, D(2026, 3, 3), kFinance, pay).code, ErrorCode::kConflict);
  EXPECT_EQ(refused(c, D(2026, 3, 3), kWindow, A("complete")).code, ErrorCode::kConflict);
  c = must(c, D(2026, 3, 3), kReviewer, A("approve"));
  EXPECT_EQ(refused(c, D(2026, 3, 3), kWindow, A("complete")).code, ErrorCode::kConflict);
  c = must(c, D(2026, 3, 3), kSenior, A("approve"));
  EXPECT_EQ(refused(c, D(2026, 3, 3), kSenior, A("approve")).code, ErrorCode::kConflict);
  c = must(must(c, D(2026, 3, 4), kFinance, pay), D(2026, 3, 4), kWindow, A("complete"));
  EXPECT_EQ(refused(c, D(2026, 3, 4), kWindow, A("complete")).code, ErrorCode::kConflict);
  EXPECT_EQ(refused(c, D(2026, 3, 4), kApplicant, A("withdraw")).code, ErrorCode::kConflict);
  EXPECT_EQ(refused(c, D(2026, 3, 4), kWindow, A("fly")).code, ErrorCode::kNotFound);
}

TEST_F(WorkflowTest, WithdrawByApplicantOrByWindowWithReason) {
  CaseState w = must(accepted(), D(2026, 3, 3), kApplicant, A("withdraw"));
  EXPECT_EQ(w.status, CaseStatus::kWithdrawn);
  EXPECT_EQ(w.closed_on, D(2026, 3, 3));
  EXPECT_EQ(w.events.back().actor, "applicant");
  EXPECT_EQ(refused(open(D(2026, 3, 2)), D(2026, 3, 2), kWindow, A("withdraw")).slug,
            "reason_required");
  EXPECT_EQ(
      must(open(D(2026, 3, 2)), D(2026, 3, 2), kWindow, A("withdraw", "申请人电话要求")).status,
      CaseStatus::kWithdrawn);
}

// permittedActions is a dry run of applyAction: what it offers is what the workflow would take.
TEST_F(WorkflowTest, PermittedActionsFollowTheStepTheRoleAndFourEyes) {
  auto has = [](const std::vector<std::string>& v, const char* name) {
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  CaseState submitted = open(D(2026, 3, 2));
  auto window = permittedActions(ctx(D(2026, 3, 2)), submitted, kWindow);
  for (const char* a : {"accept", "return", "not_accept", "withdraw"})
    EXPECT_TRUE(has(window, a)) << a;
  for (const char* a : {"approve", "pay", "complete", "rate", "reject"})
    EXPECT_FALSE(has(window, a)) << a;
  EXPECT_FALSE(has(permittedActions(ctx(D(2026, 3, 2)), submitted, kReviewer), "accept"));
  EXPECT_TRUE(permittedActions(ctx(D(2026, 3, 2)), submitted, kForeignWindow).empty());

  CaseState c = accepted();
  auto reviewer = permittedActions(ctx(D(2026, 3, 3)), c, kReviewer);
  EXPECT_TRUE(has(reviewer, "approve"));
  EXPECT_TRUE(has(reviewer, "reject"));
  EXPECT_FALSE(has(reviewer, "accept"));
  EXPECT_FALSE(has(permittedActions(ctx(D(2026, 3, 3)), c, kSenior), "approve"));
  // The hand that decided 初审 is not offered 复审.
  CaseState first = must(c, D(2026, 3, 3), kBothReviews, A("approve"));
  EXPECT_FALSE(has(permittedActions(ctx(D(2026, 3, 3)), first, kBothReviews), "approve"));
  EXPECT_TRUE(has(permittedActions(ctx(D(2026, 3, 3)), first, kSenior), "approve"));
  // Every offered action with its input is accepted, every other one refused.
  for (const auto& name : permittedActions(ctx(D(2026, 3, 3)), first, kSenior)) {
    Action a = A(name.c_str(), "原因");
    if (name == "send_back") a.target_step = "初审";
    if (name == "approve" || name == "reject" || name == "send_back")
      EXPECT_TRUE(act(first, D(2026, 3, 3), kSenior, a).has_value()) << name;
  }
  // The applicant: withdraw while open, rate once closed, never staff actions.
  auto applicant = permittedActions(ctx(D(2026, 3, 3)), first, kApplicant);
  EXPECT_TRUE(has(applicant, "withdraw"));
  EXPECT_FALSE(has(applicant, "approve"));
  EXPECT_FALSE(has(applicant, "rate"));
}

}  // namespace
}  // namespace jingban
