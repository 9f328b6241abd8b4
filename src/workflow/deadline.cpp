#include "workflow/deadline.hpp"

#include <algorithm>

namespace jingban {

const char* deadlineStatusName(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kNotStarted:
      return "not_started";
    case DeadlineStatus::kOnTime:
      return "on_time";
    case DeadlineStatus::kDueSoon:
      return "due_soon";
    case DeadlineStatus::kOverdue:
      return "overdue";
    case DeadlineStatus::kUnstated:
      return "unstated";
  }
  return "not_started";
}

std::optional<DeadlineStatus> parseDeadlineStatus(std::string_view s) {
  for (auto k : {DeadlineStatus::kNotStarted, DeadlineStatus::kOnTime, DeadlineStatus::kDueSoon,
                 DeadlineStatus::kOverdue, DeadlineStatus::kUnstated})
    if (s == deadlineStatusName(k)) return k;
  return std::nullopt;
}

namespace {

int daysInMonth(int y, unsigned m) {
  Date first = Date::fromYmd(y, m, 1);
  Date next = m == 12 ? Date::fromYmd(y + 1, 1, 1) : Date::fromYmd(y, m + 1, 1);
  return next.days() - first.days();
}

Date plusMonths(Date d, int months) {
  int index = d.year() * 12 + static_cast<int>(d.month()) - 1 + months;
  int y = index / 12;
  unsigned m = static_cast<unsigned>(index % 12) + 1;
  unsigned day = std::min<unsigned>(d.day(), static_cast<unsigned>(daysInMonth(y, m)));
  return Date::fromYmd(y, m, day);
}

// On time, due soon (today is the due day or the working day before it) or overdue, on `at`.
Result<DeadlineStatus> statusOn(Date due, Date at, bool closed, const WorkCalendar& cal) {
  if (at > due) return DeadlineStatus::kOverdue;
  if (closed) return DeadlineStatus::kOnTime;
  // The look-ahead may cross into a year whose notice is not out (2026-12-31): weekdays count.
  auto next = cal.plusWorkingDays(at, 1);
  if (!next) return std::unexpected(next.error());
  return (at == due || next->date >= due) ? DeadlineStatus::kDueSoon : DeadlineStatus::kOnTime;
}

}  // namespace

Date applicantDeadline(const TimeLimit& t, Date event) {
  if (t.basis == LimitBasis::kCalendarMonths) return plusMonths(event, t.months);
  return event.plusDays(t.days);
}

Result<std::optional<DueDate>> limitDue(const TimeLimit& t, Date from, const WorkCalendar& cal) {
  switch (t.basis) {
    case LimitBasis::kUnstated:
      return std::nullopt;
    case LimitBasis::kDays: {
      auto due = cal.dueDate(from, t.kind, t.days);
      if (!due) return std::unexpected(due.error());
      return *due;
    }
    case LimitBasis::kCalendarMonths: {
      // Reckoned like natural days: the day N months on, moved to a working day if it is not one.
      auto due = cal.dueDate(from, LimitKind::kNaturalDays,
                             plusMonths(from, t.months).days() - from.days());
      if (!due) return std::unexpected(due.error());
      return *due;
    }
    case LimitBasis::kCalendarDate: {
      // The date the document fixes (12月25日前) is the date itself, never moved.
      int mm = t.by_mmdd / 100, dd = t.by_mmdd % 100;
      Date due = Date::fromYmd(from.year(), static_cast<unsigned>(mm), static_cast<unsigned>(dd));
      if (due < from)
        due = Date::fromYmd(from.year() + 1, static_cast<unsigned>(mm), static_cast<unsigned>(dd));
      auto known = cal.isWorkingDayOrWeekday(due);  // refuses a date before the loaded years
      if (!known) return std::unexpected(known.error());
      return DueDate{due, cal.provisional(from, due)};
    }
  }
  return std::nullopt;
}

Result<std::optional<DueDate>> computeDue(const Item& item, const std::set<std::string>& conds,
                                          Date accepted, int paused_days, const WorkCalendar& cal) {
  auto due = limitDue(item.limitFor(conds), accepted, cal);
  if (!due || !*due || paused_days == 0) return due;
  auto moved = cal.plusWorkingDays(**due, paused_days);
  if (!moved) return std::unexpected(moved.error());
  return *moved;
}

Result<std::optional<DueDate>> caseDue(const Item& item, const CaseState& c,
                                       const WorkCalendar& cal) {
  if (!c.accepted_on)
    return fail(ErrorCode::kConflict, "not_accepted", "办件尚未受理，办理时限尚未起算");
  // Moving a due date by a then b working days is moving it by a + b: one count does both.
  return computeDue(item, c.conditions, *c.accepted_on, c.paused_days + c.extendedWorkingDays(),
                    cal);
}

namespace {

// The one-time notice of an application (DeadlineView::notice_*): due on the day pinned at 申请
// (CaseState::notice_due_on), answered by the first return, acceptance or refusal.
Result<void> noticeDeadline(const CaseState& c, const WorkCalendar& cal, Date today,
                            DeadlineView& v) {
  if (!c.notice_due_on) return {};
  v.notice_due = c.notice_due_on;
  v.notice_answered_on = c.notice_answered_on;
  Date at = c.notice_answered_on                  ? *c.notice_answered_on
            : isTerminal(c.status) && c.closed_on ? *c.closed_on
                                                  : today;
  bool closed = c.notice_answered_on || isTerminal(c.status);
  auto st = statusOn(*c.notice_due_on, at, closed, cal);
  if (!st) return std::unexpected(st.error());
  v.notice_status = *st;
  return {};
}

}  // namespace

Result<DeadlineView> deadlineOn(const CaseState& c, const WorkCalendar& cal, Date today) {
  DeadlineView v;
  v.extended_working_days = c.extendedWorkingDays();
  if (auto n = noticeDeadline(c, cal, today, v); !n) return std::unexpected(n.error());
  // An application still owing its notice is not accepted yet: its clock is the notice's, and
  // supervision (the lists by deadline, the dashboard) counts it by that.
  if (c.noticeOwedBy() && v.notice_status) v.status = *v.notice_status;
  if (!c.accepted_on) return v;
  Date at = isTerminal(c.status) && c.closed_on ? *c.closed_on : today;
  // A stage with its own limit: counted from the day the case last reached the step.
  if (c.flow && c.status == CaseStatus::kInProgress && c.step > 0 &&
      static_cast<size_t>(c.step) < c.flow->size()) {
    const FlowStep& s = (*c.flow)[static_cast<size_t>(c.step)];
    static const std::set<std::string> kMoves{"accept", "approve", "send_back", "pay"};
    std::optional<Date> since;
    for (const auto& e : c.events)
      if (kMoves.count(e.action)) since = e.at.date();
    if (s.limit && since) {
      auto due = limitDue(*s.limit, *since, cal);
      if (!due) return std::unexpected(due.error());
      if (*due) {
        v.step_due = (*due)->date;
        auto st = statusOn((*due)->date, at, false, cal);
        if (!st) return std::unexpected(st.error());
        v.step_status = *st;
      }
    }
  }
  if (!c.due_on) {
    // Accepted without a due date: the seed states no limit (未载明), so nothing is overdue.
    v.status = DeadlineStatus::kUnstated;
    return v;
  }
  Date due = *c.due_on;
  if (c.paused_since) {
    // A pause still running moves the due date up to today, or up to the day the case closed.
    auto running = cal.countWorkingDays(*c.paused_since, at);
    if (!running) return std::unexpected(running.error());
    auto moved = cal.plusWorkingDays(DueDate{due, c.due_provisional}, running->days);
    if (!moved) return std::unexpected(moved.error());
    due = moved->date;
    v.provisional = moved->provisional || running->provisional;
  }
  v.due = due;
  v.provisional = v.provisional || c.due_provisional;
  auto st = statusOn(due, at, isTerminal(c.status), cal);
  if (!st) return std::unexpected(st.error());
  v.status = *st;
  return v;
}

}  // namespace jingban
