// The deadline clock of a case: due date from acceptance, moved by paused working days (补正 and
// the item's uncounted periods), and its status on a given day.
#pragma once

#include "catalog/catalog.hpp"
#include "workflow/case_state.hpp"

namespace jingban {

enum class DeadlineStatus { kNotStarted, kOnTime, kDueSoon, kOverdue };
const char* deadlineStatusName(DeadlineStatus s);
std::optional<DeadlineStatus> parseDeadlineStatus(std::string_view s);

// Due date for a case accepted on `accepted` that has been paused `paused_days` working days.
// Provisional when the count ran through a year whose holiday notice is not loaded.
Result<DueDate> computeDue(const Item& item, const std::set<std::string>& conds, Date accepted,
                           int paused_days, const WorkCalendar& cal);

struct DeadlineView {
  DeadlineStatus status = DeadlineStatus::kNotStarted;
  std::optional<Date> due;   // including a pause that is still running, as of `today`
  bool provisional = false;  // counted over a year whose holiday notice is not loaded yet
};
// On time; due within 1 working day (today is the due day or the working day before it); overdue.
// A closed case keeps the status it closed with.
Result<DeadlineView> deadlineOn(const CaseState& c, const WorkCalendar& cal, Date today);

}  // namespace jingban
