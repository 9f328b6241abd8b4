// Working-day arithmetic over statutory holidays and 调休 make-up working days, loaded as data
// (calendar/<year>.yaml). A date outside the loaded years is an error, never a guess.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "calendar/date.hpp"
#include "common/error.hpp"

namespace jingban {

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
  Result<bool> isWorkingDay(Date d) const;
  // Day `from` is not counted; day 1 is the next working day. n == 0 returns `from`.
  Result<Date> addWorkingDays(Date from, int n) const;
  // Working days d with a < d <= b (0 when b <= a).
  Result<int> workingDaysBetween(Date a, Date b) const;
  Result<Date> nextWorkingDayOnOrAfter(Date d) const;
  // The due date of a limit counted from acceptance (即时办结: the day of acceptance; N natural
  // days: the N-th day, moved to the next working day if it is not one).
  Result<Date> due(Date accepted, LimitKind kind, int days) const;
  // The holiday name of a date, if any (for messages and the guide).
  std::string holidayName(Date d) const;
  std::vector<int> years() const { return {years_.begin(), years_.end()}; }

 private:
  Error outOfRange(Date d) const;
  std::set<int> years_;
  std::set<int32_t> holidays_;
  std::set<int32_t> workdays_;
  std::map<int32_t, std::string> names_;
};

}  // namespace jingban
