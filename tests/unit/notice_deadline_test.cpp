// workflow/deadline's one-time notice of a 定点医药机构 application (issue 8 §5: one notice of
// everything missing within 5 working days): which items carry it, the due date over the region
// calendar, and its status unanswered, answered in time, answered late, and closed unanswered.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "workflow/deadline.hpp"

namespace jingban {
namespace {

// An application of `item_code` submitted on `day`, then `actions` as (action, day).
CaseState application(const std::string& item_code, Date day,
                      std::vector<std::pair<std::string, Date>> actions = {}) {
  CaseState c;
  c.case_no = "QD2026000001";
  c.item_code = item_code;
  c.submitted_at = at(day);
  c.status = CaseStatus::kSubmitted;
  Event submit;
  submit.seq = 1;
  submit.at = at(day);
  submit.action = "submit";
  submit.step = "申请";
  c.events.push_back(submit);
  for (const auto& [action, when] : actions) {
    Event e;
    e.seq = static_cast<int>(c.events.size()) + 1;
    e.at = at(when);
    e.action = action;
    e.step = "受理";
    c.events.push_back(e);
    if (action == "return") c.status = CaseStatus::kSupplement;
    if (action == "withdraw") {
      c.status = CaseStatus::kWithdrawn;
      c.closed_on = when;
    }
    // An acceptance starts the item's own clock too: left unset here (no due_on: unstated).
    if (action == "accept") {
      c.status = CaseStatus::kInProgress;
      c.accepted_on = when;
    }
  }
  return c;
}

DeadlineView on(const CaseState& c, Date today) {
  auto v = deadlineOn(c, calendar(), today);
  if (!v) ADD_FAILURE() << v.error().message;
  return v.value_or(DeadlineView{});
}

TEST(NoticeDeadline, OnlyTheInstitutionApplications) {
  EXPECT_EQ(noticeLimitDays("002036009001"), 5);
  EXPECT_EQ(noticeLimitDays("002036009002"), 5);
  EXPECT_EQ(noticeLimitDays("002036006001"), 0);
  EXPECT_EQ(noticeLimitDays("009001X"), 0);
  EXPECT_EQ(noticeLimitDays(""), 0);
  auto other = on(application("002036006001", D(2026, 2, 13)), D(2026, 3, 10));
  EXPECT_FALSE(other.notice_due);
  EXPECT_FALSE(other.notice_status);
}

TEST(NoticeDeadline, UnansweredOverTheSpringFestival) {
  // Friday 2026-02-13 + 5 working days crosses the Spring Festival holidays: 2026-02-27.
  CaseState c = application("002036009001", D(2026, 2, 13));
  auto v = on(c, D(2026, 2, 25));
  EXPECT_EQ(v.notice_due, D(2026, 2, 27));
  EXPECT_FALSE(v.notice_answered_on);
  EXPECT_EQ(v.notice_status, DeadlineStatus::kOnTime);
  EXPECT_EQ(on(c, D(2026, 2, 26)).notice_status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(on(c, D(2026, 2, 27)).notice_status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(on(c, D(2026, 3, 2)).notice_status, DeadlineStatus::kOverdue);
}

TEST(NoticeDeadline, AnsweredInTimeStaysOnTimeAndAResubmissionDoesNotRestartIt) {
  CaseState c = application("002036009002", D(2026, 2, 13),
                            {{"return", D(2026, 2, 27)}, {"supplement", D(2026, 3, 3)}});
  auto v = on(c, D(2026, 3, 20));
  EXPECT_EQ(v.notice_due, D(2026, 2, 27));
  EXPECT_EQ(v.notice_answered_on, D(2026, 2, 27));
  EXPECT_EQ(v.notice_status, DeadlineStatus::kOnTime);
}

TEST(NoticeDeadline, AnAnswerAfterTheDueDayIsLate) {
  for (const char* action : {"accept", "return", "not_accept"}) {
    CaseState c = application("002036009001", D(2026, 2, 13), {{action, D(2026, 3, 2)}});
    auto v = on(c, D(2026, 3, 20));
    EXPECT_EQ(v.notice_answered_on, D(2026, 3, 2)) << action;
    EXPECT_EQ(v.notice_status, DeadlineStatus::kOverdue) << action;
  }
}

TEST(NoticeDeadline, AWithdrawalBeforeTheDueDayIsNotOverdue) {
  CaseState c = application("002036009001", D(2026, 2, 13), {{"withdraw", D(2026, 2, 24)}});
  auto v = on(c, D(2026, 3, 20));
  EXPECT_FALSE(v.notice_answered_on);
  EXPECT_EQ(v.notice_status, DeadlineStatus::kOnTime);
}

}  // namespace
}  // namespace jingban
