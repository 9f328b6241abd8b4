// Working-day arithmetic over statutory holidays and 调休 make-up working days, loaded as data
// (calendar/<year>.yaml). Before the first loaded year a date is an error; in a later year whose
// State Council notice is not loaded yet, the counter goes on over Mon–Fri and marks the result
// provisional (暂定), so that a deadline never stops at year end.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "calendar/date.hpp"
#include "common/error.hpp"

namespace jingban {

// A date reckoned in working days. `provisional` when the reckoning ran through a year whose
// holiday notice is not loaded (there Monday–Friday counted as working days): show it as 暂定 and
// recompute it when that year's file is loaded.
struct DueDate {
  Date date;
  bool provisional = false;
  bool operator==(const DueDate&) const = default;
};

// A number of working days, provisional on the same terms as DueDate.
struct WorkingDayCount {
  int days = 0;
  bool provisional = false;
  bool operator==(const WorkingDayCount&) const = default;
};

enum class LimitKind { kInstant, kWorkingDays, kNaturalDays };
const char* limitKindName(LimitKind k);
std::optional<LimitKind> parseLimitKind(std::string_view s);

class WorkCalendar {
 public:
  // Loads every calendar/<year>.yaml in `dir`. Fails with file:line on malformed data.
  static Result<WorkCalendar> loadDir(const std::string& dir);
  // For tests and tools: explicit data.
  void addYear(int year, const std::vector<Date>& holidays, const std::vector<Date>& workdays);

  bool covers(Date d) const { return years_.count(d.year()) > 0; }

  // ---- Strict: every date touched must lie in a loaded year, else 422 date_outside_calendar.
  Result<bool> isWorkingDay(Date d) const;
  // Day `from` is not counted; day 1 is the next working day. n == 0 returns `from`.
  Result<Date> addWorkingDays(Date from, int n) const;
  // Working days d with a < d <= b (0 when b <= a).
  Result<int> workingDaysBetween(Date a, Date b) const;
  Result<Date> nextWorkingDayOnOrAfter(Date d) const;
  // The due date of a limit counted from acceptance (即时办结: the day of acceptance; N natural
  // days: the N-th day, moved to the next working day if it is not one).
  Result<Date> due(Date accepted, LimitKind kind, int days) const;

  // ---- Reckoning past the last loaded year: the same rules, but a day in a missing year after
  // the first loaded one counts as a working day when it is Monday–Friday, and the result is
  // marked provisional. Dates before the first loaded year are still errors. Over fully loaded
  // years the results equal the strict functions' with provisional == false.
  Result<bool> isWorkingDayOrWeekday(Date d) const;
  Result<DueDate> dueDate(Date accepted, LimitKind kind, int days) const;
  // `from.provisional` carries over (a date moved from a provisional date stays provisional).
  Result<DueDate> plusWorkingDays(DueDate from, int n) const;
  Result<DueDate> plusWorkingDays(Date from, int n) const {
    return plusWorkingDays(DueDate{from}, n);
  }
  Result<WorkingDayCount> countWorkingDays(Date a, Date b) const;

  // True when `d` lies in a year after the first loaded year that is not loaded.
  bool inMissingYear(Date d) const;
  // True when any day of [from, to] lies in such a year: a date reckoned over that span is
  // provisional (e.g. which stored due dates to recompute after loading a year).
  bool provisional(Date from, Date to) const;
  // The years after the first loaded year, up to d's year, that are not loaded: the start-up
  // warning lists them (missingYearWarning) and they are the years counted provisionally.
  std::vector<int> missingYearsUpTo(Date d) const;
  // "2027 年节假日安排未载入：2027 年的期限按周一至周五计算，标记为暂定"
  static std::string missingYearWarning(int year);
  // The holiday name of a date, if any (for messages and the guide).
  std::string holidayName(Date d) const;
  std::vector<int> years() const { return {years_.begin(), years_.end()}; }

  // One loaded year as its file states it, for the public calendar listing (GET
  // /api/v1/calendar): the holidays with their names, the 调休 working days with the holiday they
  // make up for, and the notice the file was transcribed from (its first comment line, "" when it
  // has none). Dates are in order.
  struct YearListing {
    int year = 0;
    std::string source;
    std::vector<std::pair<Date, std::string>> holidays;
    std::vector<std::pair<Date, std::string>> adjusted_workdays;
  };
  std::optional<YearListing> listing(int year) const;

 private:
  Error outOfRange(Date d) const;
  // isWorkingDay over loaded years; Mon–Fri (setting `provisional`) in a missing later year.
  Result<bool> reckonDay(Date d, bool& provisional) const;
  std::set<int> years_;
  std::set<int32_t> holidays_;
  std::set<int32_t> workdays_;
  std::map<int32_t, std::string> names_;
  std::map<int32_t, std::string> workday_for_;  // 调休上班 day → the holiday it makes up for
  std::map<int, std::string> sources_;          // year → the notice's title (file comment)
};

}  // namespace jingban
