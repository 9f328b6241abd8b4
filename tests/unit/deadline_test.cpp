// workflow/deadline: computeDue, deadlineOn (on_time / due_soon / overdue, closed on time or late),
// and the clock as the workflow drives it: 补正 during review and an item's uncounted periods pause
// it; the due date moves by the working days paused.
#include "workflow/deadline.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>

#include "test_support.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

namespace {

Region makeRegion() {
  Region r;
  r.id = "testland";
  r.roles = {{"window", "窗口受理人员", "window"},
             {"reviewer", "初审人员", "review"},
             {"senior_reviewer", "复审人员", "review"}};
  Item it;
  it.code = "002036001002";
  it.name = "职工参保登记";
  it.applicant = {"person"};
  it.flow = {{"受理", StepKind::kAccept, "window", ""},
             {"初审", StepKind::kReview, "reviewer", ""},
             {"复审", StepKind::kReview, "senior_reviewer", ""},
             {"办结", StepKind::kComplete, "window", ""}};
  it.conditions = {{"flexible", "灵活就业人员"}, {"slow", "需实地核查"}};
  Material form;
  form.id = "reg_form";
  form.name = "参保登记表";
  Material idc;
  idc.id = "id_card";
  idc.name = "有效身份证件";
  it.materials = {form, idc};
  it.time_limit = {LimitKind::kWorkingDays, 5, "不超过5个工作日", ""};
  it.variants = {{LimitKind::kInstant, 0, "灵活就业人员即时办结", "flexible"},
                 {LimitKind::kNaturalDays, 10, "10日", "slow"}};
  it.uncounted_periods = {{"workstation_transfer", "工作站传递", "不含医保工作站传递时间"}};
  it.effect = "employee_enrolment";
  r.items.push_back(it);
  return r;
}

const Actor kWindow{"win1", {"window"}, "testland"};
const Actor kReviewer{"rev1", {"reviewer"}, "testland"};
const Actor kSenior{"sen1", {"senior_reviewer"}, "testland"};
const Actor kApplicant{"applicant", {}, "testland", true};
const MaterialStatus kAll{{"reg_form", "provided"}, {"id_card", "provided"}};

Action A(std::string name, MaterialStatus m = {}, std::string comment = "") {
  Action a;
  a.name = std::move(name);
  a.materials = std::move(m);
  a.comment = std::move(comment);
  return a;
}

class DeadlineTest : public ::testing::Test {
 protected:
  Region region = makeRegion();
  const Item& item() const { return region.items[0]; }

  CaseState must(const CaseState& c, Date d, const Actor& who, const Action& a) const {
    auto r = applyAction({region, item(), calendar(), at(d)}, c, who, a);
    if (!r) ADD_FAILURE() << a.name << " on " << d.str() << ": " << r.error().message;
    return r.value_or(c);
  }
  Result<CaseState> act(const CaseState& c, Date d, const Actor& who, const Action& a) const {
    return applyAction({region, item(), calendar(), at(d)}, c, who, a);
  }
  // Accepted on `d`, at 初审.
  CaseState acceptedOn(Date d) const {
    Submission s;
    s.applicant = {"person", "11010519491231002X", "李四", ""};
    auto c = openCase({region, item(), calendar(), at(d)}, s, "C-9");
    if (!c) throw std::runtime_error(c.error().message);
    return must(*c, d, kWindow, A("accept", kAll));
  }
  DeadlineStatus statusOn(const CaseState& c, Date today) const {
    auto v = deadlineOn(c, calendar(), today);
    if (!v) ADD_FAILURE() << v.error().message;
    return v ? v->status : DeadlineStatus::kNotStarted;
  }
};

TEST_F(DeadlineTest, ComputeDueUsesTheMatchingVariant) {
  EXPECT_EQ((*computeDue(item(), {}, D(2026, 3, 2), 0, calendar()))->date, D(2026, 3, 9));
  EXPECT_EQ((*computeDue(item(), {"flexible"}, D(2026, 3, 2), 0, calendar()))->date, D(2026, 3, 2));
  EXPECT_EQ((*computeDue(item(), {"slow"}, D(2026, 9, 24), 0, calendar()))->date, D(2026, 10, 8));
  EXPECT_EQ((*computeDue(item(), {}, D(2026, 2, 13), 0, calendar()))->date, D(2026, 2, 27));
  // Paused working days are added after the due date: 03-09 + 2 = 03-11.
  EXPECT_EQ((*computeDue(item(), {}, D(2026, 3, 2), 2, calendar()))->date, D(2026, 3, 11));
  // Past the loaded calendar (2027's notice not out): weekdays count, the date is provisional.
  auto out = computeDue(item(), {}, D(2026, 12, 28), 0, calendar());
  ASSERT_TRUE(out.has_value() && out->has_value());
  EXPECT_EQ((*out)->date, D(2027, 1, 4));
  EXPECT_TRUE((*out)->provisional);
  EXPECT_FALSE((*computeDue(item(), {}, D(2026, 3, 2), 0, calendar()))->provisional);
  // Before the first loaded year there is nothing to reckon with: still an error.
  auto early = computeDue(item(), {}, D(2024, 6, 3), 0, calendar());
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kOutOfRange);
}

TEST_F(DeadlineTest, StatusNamesRoundTrip) {
  for (auto s : {DeadlineStatus::kNotStarted, DeadlineStatus::kOnTime, DeadlineStatus::kDueSoon,
                 DeadlineStatus::kOverdue, DeadlineStatus::kUnstated})
    EXPECT_EQ(parseDeadlineStatus(deadlineStatusName(s)), s);
  EXPECT_STREQ(deadlineStatusName(DeadlineStatus::kDueSoon), "due_soon");
  EXPECT_EQ(parseDeadlineStatus("late"), std::nullopt);
}

TEST_F(DeadlineTest, NotStartedBeforeAcceptance) {
  CaseState c;
  EXPECT_EQ(statusOn(c, D(2026, 3, 2)), DeadlineStatus::kNotStarted);
  EXPECT_FALSE(deadlineOn(c, calendar(), D(2026, 3, 2))->due.has_value());
}

TEST_F(DeadlineTest, OnTimeDueSoonOverdue) {
  CaseState c = acceptedOn(D(2026, 3, 2));  // due Monday 03-09
  ASSERT_EQ(c.due_on, D(2026, 3, 9));
  EXPECT_EQ(statusOn(c, D(2026, 3, 2)), DeadlineStatus::kOnTime);
  EXPECT_EQ(statusOn(c, D(2026, 3, 5)), DeadlineStatus::kOnTime);   // Thursday: 2 working days left
  EXPECT_EQ(statusOn(c, D(2026, 3, 6)), DeadlineStatus::kDueSoon);  // Friday: next working day
  EXPECT_EQ(statusOn(c, D(2026, 3, 7)), DeadlineStatus::kDueSoon);  // Saturday
  EXPECT_EQ(statusOn(c, D(2026, 3, 9)), DeadlineStatus::kDueSoon);  // due today
  EXPECT_EQ(statusOn(c, D(2026, 3, 10)), DeadlineStatus::kOverdue);
  EXPECT_EQ(deadlineOn(c, calendar(), D(2026, 3, 10))->due, D(2026, 3, 9));
}

TEST_F(DeadlineTest, DueSoonAcrossTheSpringFestival) {
  CaseState c = acceptedOn(D(2026, 2, 13));  // due 02-27
  ASSERT_EQ(c.due_on, D(2026, 2, 27));
  EXPECT_EQ(statusOn(c, D(2026, 2, 20)), DeadlineStatus::kOnTime);  // a holiday, 4 days left
  EXPECT_EQ(statusOn(c, D(2026, 2, 25)), DeadlineStatus::kOnTime);
  EXPECT_EQ(statusOn(c, D(2026, 2, 26)), DeadlineStatus::kDueSoon);
  EXPECT_EQ(statusOn(c, D(2026, 2, 28)), DeadlineStatus::kOverdue);
}

TEST_F(DeadlineTest, ClosedCasesKeepTheStatusTheyClosedWith) {
  CaseState c = acceptedOn(D(2026, 3, 2));
  c = must(c, D(2026, 3, 3), kReviewer, A("approve"));
  c = must(c, D(2026, 3, 4), kSenior, A("approve"));
  CaseState onTime = must(c, D(2026, 3, 9), kWindow, A("complete"));
  EXPECT_EQ(statusOn(onTime, D(2026, 3, 9)), DeadlineStatus::kOnTime);
  EXPECT_EQ(statusOn(onTime, D(2026, 6, 1)), DeadlineStatus::kOnTime);
  CaseState late = must(c, D(2026, 3, 10), kWindow, A("complete"));
  EXPECT_EQ(statusOn(late, D(2026, 3, 10)), DeadlineStatus::kOverdue);
  EXPECT_EQ(statusOn(late, D(2026, 6, 1)), DeadlineStatus::kOverdue);
  CaseState early = must(c, D(2026, 3, 4), kWindow, A("complete"));
  EXPECT_EQ(statusOn(early, D(2026, 3, 4)), DeadlineStatus::kOnTime);  // closed: not "due soon"
}

TEST_F(DeadlineTest, SupplementDuringReviewPausesTheClock) {
  CaseState c = acceptedOn(D(2026, 3, 2));  // due 03-09
  c = must(c, D(2026, 3, 5), kReviewer, A("return", {{"id_card", "missing"}}, "身份证件不清晰"));
  EXPECT_EQ(c.status, CaseStatus::kSupplement);
  EXPECT_EQ(c.paused_since, D(2026, 3, 5));
  ASSERT_EQ(c.notice.size(), 1u);
  EXPECT_EQ(c.notice[0].id, "id_card");
  // While paused the due date runs with the pause and the case is not overdue.
  auto v = deadlineOn(c, calendar(), D(2026, 3, 10));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->due, D(2026, 3, 12));  // 03-09 + 3 working days paused (03-06, 03-09, 03-10)
  EXPECT_NE(v->status, DeadlineStatus::kOverdue);
  // Review actions wait for the supplement.
  EXPECT_EQ(act(c, D(2026, 3, 6), kReviewer, A("approve")).error().code, ErrorCode::kConflict);
  // Supplemented Monday 03-09: paused 03-06 and 03-09 → due 03-11.
  c = must(c, D(2026, 3, 9), kApplicant, A("supplement", {{"id_card", "provided"}}));
  EXPECT_EQ(c.status, CaseStatus::kInProgress);
  EXPECT_FALSE(c.paused_since.has_value());
  EXPECT_EQ(c.paused_days, 2);
  EXPECT_EQ(c.due_on, D(2026, 3, 11));
  EXPECT_EQ(c.step, 1);
  EXPECT_EQ(statusOn(c, D(2026, 3, 9)), DeadlineStatus::kOnTime);
  EXPECT_EQ(statusOn(c, D(2026, 3, 12)), DeadlineStatus::kOverdue);
}

TEST_F(DeadlineTest, PauseOverAWeekendCountsOnlyWorkingDays) {
  CaseState c = acceptedOn(D(2026, 3, 2));
  c = must(c, D(2026, 3, 6), kReviewer, A("return", {{"reg_form", "missing"}}));
  c = must(c, D(2026, 3, 9), kApplicant, A("supplement", {{"reg_form", "provided"}}));
  EXPECT_EQ(c.paused_days, 1);  // Saturday and Sunday do not count
  EXPECT_EQ(c.due_on, D(2026, 3, 10));
}

TEST_F(DeadlineTest, PauseOverTheSpringFestival) {
  CaseState c = acceptedOn(D(2026, 2, 10));  // 02-11, 02-12, 02-13, 调休 02-14, 02-24
  ASSERT_EQ(c.due_on, D(2026, 2, 24));
  c = must(c, D(2026, 2, 12), kReviewer, A("return", {{"reg_form", "missing"}}));
  c = must(c, D(2026, 2, 25), kApplicant, A("supplement", {{"reg_form", "provided"}}));
  EXPECT_EQ(c.paused_days, 4);          // 02-13, 02-14, 02-24, 02-25
  EXPECT_EQ(c.due_on, D(2026, 2, 28));  // the second 调休 Saturday
}

// "A closed case keeps the status it closed with": closing a paused case must not turn a case
// that was on time into an overdue one.
TEST_F(DeadlineTest, ClosingDuringAPauseKeepsTheStatusItHadWhenClosed) {
  CaseState c = acceptedOn(D(2026, 3, 2));  // due 03-09
  c = must(c, D(2026, 3, 5), kReviewer, A("return", {{"reg_form", "missing"}}));
  auto before = deadlineOn(c, calendar(), D(2026, 3, 20));
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->due, D(2026, 3, 24));  // 03-09 + 11 working days paused
  EXPECT_EQ(before->status, DeadlineStatus::kOnTime);
  CaseState w = must(c, D(2026, 3, 20), kApplicant, A("withdraw"));
  ASSERT_EQ(w.status, CaseStatus::kWithdrawn);
  auto after = deadlineOn(w, calendar(), D(2026, 3, 20));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, DeadlineStatus::kOnTime);
  EXPECT_EQ(after->due, D(2026, 3, 24));
  EXPECT_EQ(deadlineOn(w, calendar(), D(2026, 6, 1))->status, DeadlineStatus::kOnTime);
}

TEST_F(DeadlineTest, PauseAndResumeForAnUncountedPeriod) {
  CaseState c = acceptedOn(D(2026, 3, 2));
  Action bad = A("pause");
  bad.period = "lunch";
  auto refused = act(c, D(2026, 3, 3), kReviewer, bad);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(act(c, D(2026, 3, 3), kReviewer, A("resume")).error().code, ErrorCode::kConflict);
  Action pause = A("pause");
  pause.period = "workstation_transfer";
  EXPECT_EQ(act(c, D(2026, 3, 3), kSenior, pause).error().code, ErrorCode::kForbidden);
  c = must(c, D(2026, 3, 3), kReviewer, pause);
  EXPECT_EQ(c.paused_since, D(2026, 3, 3));
  EXPECT_EQ(c.pause_period, "workstation_transfer");
  EXPECT_EQ(c.events.back().step, "初审");
  EXPECT_EQ(act(c, D(2026, 3, 4), kReviewer, pause).error().code, ErrorCode::kConflict);
  EXPECT_EQ(act(c, D(2026, 3, 4), kReviewer, A("approve")).error().code, ErrorCode::kConflict);
  c = must(c, D(2026, 3, 6), kReviewer, A("resume"));
  EXPECT_FALSE(c.paused_since.has_value());
  EXPECT_EQ(c.paused_days, 3);  // 03-04, 03-05, 03-06
  EXPECT_EQ(c.due_on, D(2026, 3, 12));
  // A second pause adds to the first.
  c = must(c, D(2026, 3, 9), kReviewer, pause);
  c = must(c, D(2026, 3, 10), kReviewer, A("resume"));
  EXPECT_EQ(c.paused_days, 4);
  EXPECT_EQ(c.due_on, D(2026, 3, 13));
  c = must(c, D(2026, 3, 10), kReviewer, A("approve"));
  EXPECT_EQ(c.step, 2);
}

}  // namespace
}  // namespace jingban
