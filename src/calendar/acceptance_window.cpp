#include "calendar/acceptance_window.hpp"

namespace jingban {

Result<bool> windowOpen(const AcceptanceWindow& w, const WorkCalendar& cal, Date d) {
  switch (w.kind) {
    case AcceptanceWindow::Kind::kMonthlyDays:
      return static_cast<int>(d.day()) >= w.from && static_cast<int>(d.day()) <= w.to;
    case AcceptanceWindow::Kind::kQuarterFirstMonthWorkingDays: {
      if ((d.month() - 1) % 3 != 0) return false;
      // Acceptance is decided today, so in a year whose holiday notice is not loaded the window
      // counts Mon–Fri rather than refusing every applicant (nothing is stored to recompute).
      auto working = cal.isWorkingDayOrWeekday(d);
      if (!working) return std::unexpected(working.error());
      if (!*working) return false;
      Date first = Date::fromYmd(d.year(), d.month(), 1);
      auto before = cal.countWorkingDays(first.plusDays(-1), d);  // working days 1st..d
      if (!before) return std::unexpected(before.error());
      return before->days <= w.days;
    }
    case AcceptanceWindow::Kind::kYearlyDates: {
      int md = static_cast<int>(d.month() * 100 + d.day());
      if (w.from_mmdd <= w.to_mmdd) return md >= w.from_mmdd && md <= w.to_mmdd;
      return md >= w.from_mmdd || md <= w.to_mmdd;
    }
  }
  return false;
}

Result<bool> anyWindowOpen(const std::vector<AcceptanceWindow>& ws, const WorkCalendar& cal,
                           Date d) {
  if (ws.empty()) return true;
  for (const auto& w : ws) {
    auto open = windowOpen(w, cal, d);
    if (!open) return open;
    if (*open) return true;
  }
  return false;
}

}  // namespace jingban
