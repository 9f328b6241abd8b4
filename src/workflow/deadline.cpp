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

Result<DueDate> computeDue(const Item& item, const std::set<std::string>& conds, Date accepted,
                           int paused_days, const WorkCalendar& cal) {
  const TimeLimit& lim = item.limitFor(conds);
  auto due = cal.dueDate(accepted, lim.kind, lim.days);
  if (!due || paused_days == 0) return due;
  return cal.plusWorkingDays(*due, paused_days);
}

Result<DeadlineView> deadlineOn(const CaseState& c, const WorkCalendar& cal, Date today) {
  DeadlineView v;
  if (!c.accepted_on || !c.due_on) return v;
  Date due = *c.due_on;
  if (c.paused_since) {
    // A pause still running moves the due date up to today, or up to the day the case closed.
    Date until = isTerminal(c.status) && c.closed_on ? *c.closed_on : today;
    auto running = cal.countWorkingDays(*c.paused_since, until);
    if (!running) return std::unexpected(running.error());
    auto moved = cal.plusWorkingDays(DueDate{due, c.due_provisional}, running->days);
    if (!moved) return std::unexpected(moved.error());
    due = moved->date;
    v.provisional = moved->provisional || running->provisional;
  }
  v.due = due;
  v.provisional = v.provisional || c.due_provisional;
  Date at = isTerminal(c.status) && c.closed_on ? *c.closed_on : today;
  if (at > due) {
    v.status = DeadlineStatus::kOverdue;
    return v;
  }
  if (isTerminal(c.status)) {
    v.status = DeadlineStatus::kOnTime;
    return v;
  }
  // The look-ahead may cross into a year whose notice is not out (2026-12-31): weekdays count.
  auto next = cal.plusWorkingDays(at, 1);
  if (!next) return std::unexpected(next.error());
  v.status = (at == due || next->date >= due) ? DeadlineStatus::kDueSoon : DeadlineStatus::kOnTime;
  return v;
}

}  // namespace jingban
