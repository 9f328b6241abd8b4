// The deadline clock of a case: due date from acceptance, moved by paused working days (补正 and
// the item's uncounted periods), and its status on a given day. A limit the seed does not state
// (未载明) gives no due date and is never overdue; a stage with its own limit has its own due date.
#pragma once

#include "catalog/catalog.hpp"
#include "workflow/case_state.hpp"

namespace jingban {

enum class DeadlineStatus { kNotStarted, kOnTime, kDueSoon, kOverdue, kUnstated };
const char* deadlineStatusName(DeadlineStatus s);
std::optional<DeadlineStatus> parseDeadlineStatus(std::string_view s);

// Due date for a case accepted on `accepted` that has been paused `paused_days` working days;
// nullopt when the item's limit for `conds` is unstated (未载明). Provisional when the count ran
// through a year whose holiday notice is not loaded.
Result<std::optional<DueDate>> computeDue(const Item& item, const std::set<std::string>& conds,
                                          Date accepted, int paused_days, const WorkCalendar& cal);
// The due date of an accepted case: its limit from 受理, moved by the working days it was paused
// and by every approved extension (nullopt when unstated).
Result<std::optional<DueDate>> caseDue(const Item& item, const CaseState& c,
                                       const WorkCalendar& cal);
// The due date of one limit counted from `from` (calendar months: the same day N months on, or
// the month's last day; a calendar date: the next such date on or after `from`; natural days and
// months move to the next working day). nullopt for an unstated limit.
Result<std::optional<DueDate>> limitDue(const TimeLimit& t, Date from, const WorkCalendar& cal);
// The latest day on which an applicant may apply when the event in question happened on `event`
// (生育后三个月内: event + 3 months). Natural days and months only.
Date applicantDeadline(const TimeLimit& t, Date event);

struct DeadlineView {
  DeadlineStatus status = DeadlineStatus::kNotStarted;
  std::optional<Date> due;   // including a pause that is still running, as of `today`
  bool provisional = false;  // counted over a year whose holiday notice is not loaded yet
  // When the step the case is at has its own limit (FlowStep::limit): its due date, counted from
  // the day the case reached the step, and the step's status (on_time / due_soon / overdue).
  std::optional<Date> step_due;
  std::optional<DeadlineStatus> step_status;
  // The working days approved extensions add (遇特殊情况适当延长; CaseState::extensions).
  int extended_working_days = 0;
  // Items with a one-time notice limit (Item::notice_limit, pinned with the case as
  // CaseState::notice_due_on): the day by which the 一次性告知 (a return at 受理) or the
  // acceptance is owed, the day the application was first answered (return, accept or
  // not_accept), and the status as of that day, or as of today (or the day the case closed) while
  // unanswered. While the notice is owed (CaseState::noticeOwedBy) `status` is this status too.
  std::optional<Date> notice_due;
  std::optional<Date> notice_answered_on;
  std::optional<DeadlineStatus> notice_status;
};

// On time; due within 1 working day (today is the due day or the working day before it); overdue.
// A closed case keeps the status it closed with.
Result<DeadlineView> deadlineOn(const CaseState& c, const WorkCalendar& cal, Date today);

}  // namespace jingban
