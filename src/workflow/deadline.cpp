#include "workflow/deadline.hpp"

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
  }
  return "not_started";
}

std::optional<DeadlineStatus> parseDeadlineStatus(std::string_view s) {
  for (auto k : {DeadlineStatus::kNotStarted, DeadlineStatus::kOnTime, DeadlineStatus::kDueSoon,
                 DeadlineStatus::kOverdue})
    if (s == deadlineStatusName(k)) return k;
  return std::nullopt;
}

Result<Date> computeDue(const Item& item, const std::set<std::string>& conds, Date accepted,
                        int paused_days, const WorkCalendar& cal) {
  const TimeLimit& lim = item.limitFor(conds);
  auto due = cal.due(accepted, lim.kind, lim.days);
  if (!due || paused_days == 0) return due;
  return cal.addWorkingDays(*due, paused_days);
}

Result<DeadlineView> deadlineOn(const CaseState& c, const WorkCalendar& cal, Date today) {
  DeadlineView v;
  if (!c.accepted_on || !c.due_on) return v;
  Date due = *c.due_on;
  if (c.paused_since) {
    // A pause still running moves the due date up to today, or up to the day the case closed.
    Date until = isTerminal(c.status) && c.closed_on ? *c.closed_on : today;
    auto running = cal.workingDaysBetween(*c.paused_since, until);
    if (!running) return std::unexpected(running.error());
    auto moved = cal.addWorkingDays(due, *running);
    if (!moved) return std::unexpected(moved.error());
    due = *moved;
  }
  v.due = due;
  v.provisional = c.due_provisional;
  Date at = isTerminal(c.status) && c.closed_on ? *c.closed_on : today;
  if (at > due) {
    v.status = DeadlineStatus::kOverdue;
    return v;
  }
  if (isTerminal(c.status)) {
    v.status = DeadlineStatus::kOnTime;
    return v;
  }
  auto next = cal.addWorkingDays(at, 1);
  if (!next) return std::unexpected(next.error());
  v.status = (at == due || *next >= due) ? DeadlineStatus::kDueSoon : DeadlineStatus::kOnTime;
  return v;
}

}  // namespace jingban
