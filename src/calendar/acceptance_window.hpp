// Periods in which an item may be accepted (每月1-15日; 每季度第一个月的前5个工作日; 集中缴费期).
#pragma once

#include <string>
#include <vector>

#include "calendar/work_calendar.hpp"

namespace jingban {

struct AcceptanceWindow {
  enum class Kind { kMonthlyDays, kQuarterFirstMonthWorkingDays, kYearlyDates };
  Kind kind = Kind::kMonthlyDays;
  int from = 1, to = 31;                // monthly_days: day of month range
  int days = 0;                         // quarter_first_month_working_days
  int from_mmdd = 101, to_mmdd = 1231;  // yearly_dates, month*100+day; may wrap the year end
  std::string text;                     // the seed's words
};

// True when `d` falls in `w`.
Result<bool> windowOpen(const AcceptanceWindow& w, const WorkCalendar& cal, Date d);
// True when there are no windows or `d` falls in any of them.
Result<bool> anyWindowOpen(const std::vector<AcceptanceWindow>& ws, const WorkCalendar& cal,
                           Date d);

}  // namespace jingban
