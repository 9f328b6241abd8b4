// calendar/: Date, Instant, WorkCalendar (holidays, 调休, working-day arithmetic), acceptance
// windows.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "calendar/acceptance_window.hpp"
#include "calendar/date.hpp"
#include "calendar/work_calendar.hpp"
#include "test_support.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

// Unix seconds of a UTC wall time, computed independently of the code under test.
int64_t utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  namespace c = std::chrono;
  c::sys_days sd = c::year_month_day{c::year{y}, c::month{mo}, c::day{d}};
  return sd.time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + s;
}

const WorkCalendar& realCalendar() {
  static const WorkCalendar cal = [] {
    auto c = WorkCalendar::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/calendar");
    if (!c) throw std::runtime_error("calendar/ does not load: " + c.error().message);
    return *c;
  }();
  return cal;
}

// ---------------------------------------------------------------- Date and Instant

TEST(DateTest, ParseAndFormatRoundTrip) {
  auto d = Date::parse("2026-02-13");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 2u);
  EXPECT_EQ(d->day(), 13u);
  EXPECT_EQ(d->weekday(), 5u);  // Friday
  EXPECT_EQ(d->str(), "2026-02-13");
  EXPECT_EQ(d->compact(), "20260213");
  EXPECT_EQ(*d, D(2026, 2, 13));
  EXPECT_EQ(Date::parse("1970-01-01")->days(), 0);
  EXPECT_EQ(Date::parse("2024-02-29")->str(), "2024-02-29");  // leap day
  EXPECT_EQ(D(2025, 12, 31).plusDays(1), D(2026, 1, 1));
  EXPECT_LT(D(2025, 12, 31), D(2026, 1, 1));
}

TEST(DateTest, ParseRejectsImpossibleAndMalformedDates) {
  for (const char* bad :
       {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00",
        "2026-2-3", "2026-02-3", "26-02-13", "2026/02/13", "20260213", "2026-02-13T00:00",
        " 2026-02-13", "2026-02-1x", "abcd-ef-gh", "garbage", "", "2026-02-13 "}) {
    EXPECT_FALSE(Date::parse(bad).has_value()) << "accepted '" << bad << "'";
  }
}

// The text forms: zero-padded, and parse(str()) gives the day back for every day of 1900–2100.
TEST(DateTest, TextFormsRoundTrip) {
  EXPECT_EQ(D(2026, 2, 3).str(), "2026-02-03");
  EXPECT_EQ(D(2026, 2, 3).compact(), "20260203");
  EXPECT_EQ(D(2026, 12, 31).str(), "2026-12-31");
  EXPECT_EQ(Date::fromYmd(999, 1, 9).str(), "0999-01-09");
  EXPECT_EQ(Date::fromYmd(10000, 1, 1).str(), "10000-01-01");  // beyond four digits: printed
  for (Date d = D(1900, 1, 1); d <= D(2100, 12, 31); d = d.plusDays(1)) {
    std::string s = d.str();
    ASSERT_EQ(Date::parse(s), d) << s;
    std::string c = s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
    ASSERT_EQ(d.compact(), c);
  }
}

TEST(InstantTest, ShanghaiDateAcrossUtcMidnight) {
  // 16:30 UTC on the 12th is 00:30 on the 13th in Shanghai.
  Instant after{utc(2026, 2, 12, 16, 30)};
  EXPECT_EQ(after.date(), D(2026, 2, 13));
  EXPECT_EQ(after.iso(), "2026-02-13T00:30:00+08:00");
  Instant before{utc(2026, 2, 12, 15, 59, 59)};
  EXPECT_EQ(before.date(), D(2026, 2, 12));
  EXPECT_EQ(before.iso(), "2026-02-12T23:59:59+08:00");
  Instant exact{utc(2026, 2, 12, 16, 0)};
  EXPECT_EQ(exact.date(), D(2026, 2, 13));
  EXPECT_EQ(exact.iso(), "2026-02-13T00:00:00+08:00");
  Instant newYear{utc(2025, 12, 31, 16, 0)};
  EXPECT_EQ(newYear.date(), D(2026, 1, 1));
}

TEST(InstantTest, FixedClockReturnsTheGivenInstant) {
  Instant at{utc(2026, 3, 2, 1, 30)};
  Clock c = fixedClock(at);
  EXPECT_EQ(c().unix_seconds, at.unix_seconds);
  EXPECT_EQ(c().iso(), "2026-03-02T09:30:00+08:00");
}

// ---------------------------------------------------------------- loading and the real data

TEST(WorkCalendarTest, LoadsTheRealCalendarDirectory) {
  auto cal = WorkCalendar::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/calendar");
  ASSERT_TRUE(cal.has_value()) << cal.error().message;
  auto years = cal->years();
  EXPECT_TRUE(std::set<int>(years.begin(), years.end()).count(2025));
  EXPECT_TRUE(std::set<int>(years.begin(), years.end()).count(2026));
  EXPECT_TRUE(cal->covers(D(2025, 1, 1)));
  EXPECT_TRUE(cal->covers(D(2026, 12, 31)));
  EXPECT_FALSE(cal->covers(D(2024, 12, 31)));
  EXPECT_FALSE(cal->covers(D(2027, 1, 1)));
  EXPECT_EQ(cal->holidayName(D(2026, 2, 17)), "春节");
  EXPECT_EQ(cal->holidayName(D(2026, 2, 24)), "");
}

struct Span {
  Date from, to;
};

// Every day of `year` is a working day exactly when (Mon–Fri and not a holiday) or a make-up day.
void expectYear(int year, const std::vector<Span>& off, const std::vector<Date>& makeup) {
  const auto& cal = realCalendar();
  std::set<int32_t> hol, work;
  for (const auto& s : off)
    for (Date d = s.from; d <= s.to; d = d.plusDays(1)) hol.insert(d.days());
  for (Date d : makeup) {
    work.insert(d.days());
    EXPECT_TRUE(d.weekday() == 0 || d.weekday() == 6) << d.str() << " is not a weekend day";
  }
  for (Date d = D(year, 1, 1); d <= D(year, 12, 31); d = d.plusDays(1)) {
    bool weekday = d.weekday() != 0 && d.weekday() != 6;
    bool expected = work.count(d.days()) || (weekday && !hol.count(d.days()));
    auto got = cal.isWorkingDay(d);
    ASSERT_TRUE(got.has_value()) << d.str();
    EXPECT_EQ(*got, expected) << d.str();
  }
}

TEST(WorkCalendarTest, Holidays2025AndMakeUpDays) {
  expectYear(2025,
             {{D(2025, 1, 1), D(2025, 1, 1)},
              {D(2025, 1, 28), D(2025, 2, 4)},
              {D(2025, 4, 4), D(2025, 4, 6)},
              {D(2025, 5, 1), D(2025, 5, 5)},
              {D(2025, 5, 31), D(2025, 6, 2)},
              {D(2025, 10, 1), D(2025, 10, 8)}},
             {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)});
}

TEST(WorkCalendarTest, Holidays2026AndMakeUpDays) {
  expectYear(2026,
             {{D(2026, 1, 1), D(2026, 1, 3)},
              {D(2026, 2, 15), D(2026, 2, 23)},
              {D(2026, 4, 4), D(2026, 4, 6)},
              {D(2026, 5, 1), D(2026, 5, 5)},
              {D(2026, 6, 19), D(2026, 6, 21)},
              {D(2026, 9, 25), D(2026, 9, 27)},
              {D(2026, 10, 1), D(2026, 10, 7)}},
             {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
              D(2026, 10, 10)});
}

TEST(WorkCalendarTest, ExplicitYearViaAddYear) {
  WorkCalendar cal;
  cal.addYear(2026, {D(2026, 3, 3)}, {D(2026, 3, 7)});
  EXPECT_FALSE(*cal.isWorkingDay(D(2026, 3, 3)));  // a Tuesday holiday
  EXPECT_TRUE(*cal.isWorkingDay(D(2026, 3, 7)));   // a Saturday make-up day
  EXPECT_FALSE(*cal.isWorkingDay(D(2026, 3, 8)));  // an ordinary Sunday
  EXPECT_TRUE(*cal.isWorkingDay(D(2026, 3, 4)));
  EXPECT_FALSE(cal.isWorkingDay(D(2025, 3, 4)).has_value());
}

TEST(WorkCalendarTest, MalformedCalendarFileNamesFileAndLine) {
  auto dir = fs::temp_directory_path() / ("jingban_cal_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "2026.yaml") << "year: 2026\n"
                                        "holidays:\n"
                                        "  - {name: 春节, from: 2026-02-15, to: 2026-02-23}\n"
                                        "  - {name: 错误, from: 2026-02-30, to: 2026-03-01}\n";
  }
  auto cal = WorkCalendar::loadDir(dir.string());
  ASSERT_FALSE(cal.has_value());
  EXPECT_NE(cal.error().message.find("2026.yaml:4"), std::string::npos) << cal.error().message;
  fs::remove_all(dir);

  auto missing = WorkCalendar::loadDir((dir / "does_not_exist").string());
  EXPECT_FALSE(missing.has_value());
}

TEST(WorkCalendarTest, NonNumericYearIsAFileLineErrorNotAnException) {
  auto dir = fs::temp_directory_path() / ("jingban_cal_year_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  { std::ofstream(dir / "2026.yaml") << "year: twenty-six\nholidays: []\nworkdays: []\n"; }
  Result<WorkCalendar> cal = std::unexpected(Error{ErrorCode::kInternal, "", "not run"});
  EXPECT_NO_THROW(cal = WorkCalendar::loadDir(dir.string()));
  fs::remove_all(dir);
  ASSERT_FALSE(cal.has_value());
  EXPECT_NE(cal.error().message.find("2026.yaml:1"), std::string::npos) << cal.error().message;
}

// ---------------------------------------------------------------- arithmetic

TEST(WorkCalendarTest, DayOfAcceptanceNotCountedDayOneIsNextWorkingDay) {
  const auto& cal = realCalendar();
  // Friday 2026-02-13: day 1 is the 调休 Saturday 02-14, then the Spring Festival, then 02-24…
  EXPECT_EQ(*cal.addWorkingDays(D(2026, 2, 13), 1), D(2026, 2, 14));
  EXPECT_EQ(*cal.addWorkingDays(D(2026, 2, 13), 2), D(2026, 2, 24));
  EXPECT_EQ(*cal.addWorkingDays(D(2026, 2, 13), 5), D(2026, 2, 27));
  EXPECT_EQ(*cal.due(D(2026, 2, 13), LimitKind::kWorkingDays, 5), D(2026, 2, 27));
  // An ordinary week: Monday + 5 = next Monday.
  EXPECT_EQ(*cal.due(D(2026, 3, 2), LimitKind::kWorkingDays, 5), D(2026, 3, 9));
  // Accepted on a holiday: day 1 is still the next working day.
  EXPECT_EQ(*cal.addWorkingDays(D(2026, 10, 3), 1), D(2026, 10, 8));
  EXPECT_EQ(*cal.addWorkingDays(D(2026, 10, 3), 0), D(2026, 10, 3));
}

TEST(WorkCalendarTest, InstantLimitIsTheDayOfAcceptance) {
  const auto& cal = realCalendar();
  EXPECT_EQ(*cal.due(D(2026, 2, 13), LimitKind::kInstant, 0), D(2026, 2, 13));
  EXPECT_EQ(*cal.due(D(2025, 6, 3), LimitKind::kInstant, 0), D(2025, 6, 3));
}

TEST(WorkCalendarTest, NaturalDaysMoveOffHolidaysAndWeekends) {
  const auto& cal = realCalendar();
  // Lands on a plain working day: unchanged.
  EXPECT_EQ(*cal.due(D(2026, 3, 2), LimitKind::kNaturalDays, 10), D(2026, 3, 12));
  // Lands on Saturday 03-07: moved to Monday 03-09.
  EXPECT_EQ(*cal.due(D(2026, 3, 2), LimitKind::kNaturalDays, 5), D(2026, 3, 7).plusDays(2));
  // Lands on 国庆 10-04: moved to Thursday 10-08.
  EXPECT_EQ(*cal.due(D(2026, 9, 24), LimitKind::kNaturalDays, 10), D(2026, 10, 8));
  // Lands on the Spring Festival: moved to 02-24.
  EXPECT_EQ(*cal.due(D(2026, 2, 10), LimitKind::kNaturalDays, 8), D(2026, 2, 24));
  // Lands on a 调休 Saturday, which is a working day: unchanged.
  EXPECT_EQ(*cal.due(D(2026, 2, 9), LimitKind::kNaturalDays, 5), D(2026, 2, 14));
}

TEST(WorkCalendarTest, CountingCrossesFrom2025Into2026) {
  const auto& cal = realCalendar();
  // 12-30, 12-31, (元旦 01-01..03), 调休 Sunday 01-04, 01-05, 01-06.
  EXPECT_EQ(*cal.addWorkingDays(D(2025, 12, 29), 5), D(2026, 1, 6));
  EXPECT_EQ(*cal.due(D(2025, 12, 29), LimitKind::kNaturalDays, 3), D(2026, 1, 4));
  EXPECT_EQ(*cal.workingDaysBetween(D(2025, 12, 29), D(2026, 1, 6)), 5);
}

void expectOutOfRange(const Result<Date>& r) {
  ASSERT_FALSE(r.has_value()) << "guessed " << r->str();
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(WorkCalendarTest, DatesOutsideLoadedYearsAreErrorsNotGuesses) {
  const auto& cal = realCalendar();
  auto w2024 = cal.isWorkingDay(D(2024, 12, 31));
  ASSERT_FALSE(w2024.has_value());
  EXPECT_EQ(w2024.error().code, ErrorCode::kOutOfRange);
  auto w2027 = cal.isWorkingDay(D(2027, 1, 4));
  ASSERT_FALSE(w2027.has_value());
  EXPECT_EQ(w2027.error().code, ErrorCode::kOutOfRange);
  expectOutOfRange(cal.addWorkingDays(D(2024, 6, 3), 1));
  expectOutOfRange(cal.addWorkingDays(D(2026, 12, 30), 5));  // runs into 2027
  expectOutOfRange(cal.due(D(2024, 6, 3), LimitKind::kInstant, 0));
  expectOutOfRange(cal.due(D(2027, 3, 1), LimitKind::kWorkingDays, 1));
  expectOutOfRange(cal.due(D(2026, 12, 25), LimitKind::kNaturalDays, 10));  // lands in 2027
  expectOutOfRange(cal.nextWorkingDayOnOrAfter(D(2027, 1, 1)));
  auto between = cal.workingDaysBetween(D(2026, 12, 30), D(2027, 1, 5));
  ASSERT_FALSE(between.has_value());
  EXPECT_EQ(between.error().code, ErrorCode::kOutOfRange);
}

TEST(WorkCalendarTest, WorkingDaysBetween) {
  const auto& cal = realCalendar();
  EXPECT_EQ(*cal.workingDaysBetween(D(2026, 2, 13), D(2026, 2, 27)), 5);
  EXPECT_EQ(*cal.workingDaysBetween(D(2026, 3, 6), D(2026, 3, 9)), 1);    // over a weekend
  EXPECT_EQ(*cal.workingDaysBetween(D(2026, 9, 30), D(2026, 10, 8)), 1);  // over 国庆
  EXPECT_EQ(*cal.workingDaysBetween(D(2026, 3, 2), D(2026, 3, 2)), 0);
  EXPECT_EQ(*cal.workingDaysBetween(D(2026, 3, 9), D(2026, 3, 2)), 0);
  EXPECT_EQ(*cal.workingDaysBetween(D(2025, 12, 31), D(2026, 12, 31)), 248);
  EXPECT_EQ(*cal.nextWorkingDayOnOrAfter(D(2026, 10, 1)), D(2026, 10, 8));
  EXPECT_EQ(*cal.nextWorkingDayOnOrAfter(D(2026, 10, 10)), D(2026, 10, 10));
  EXPECT_EQ(*cal.nextWorkingDayOnOrAfter(D(2026, 10, 11)), D(2026, 10, 12));
}

// ---------------------------------------------------------------- acceptance windows

AcceptanceWindow monthly(int from, int to) {
  AcceptanceWindow w;
  w.kind = AcceptanceWindow::Kind::kMonthlyDays;
  w.from = from;
  w.to = to;
  w.text = "每月" + std::to_string(from) + "-" + std::to_string(to) + "日受理";
  return w;
}

AcceptanceWindow quarterFirst(int days) {
  AcceptanceWindow w;
  w.kind = AcceptanceWindow::Kind::kQuarterFirstMonthWorkingDays;
  w.days = days;
  w.text = "每季度第一个月的前" + std::to_string(days) + "个工作日";
  return w;
}

AcceptanceWindow yearly(int from_mmdd, int to_mmdd) {
  AcceptanceWindow w;
  w.kind = AcceptanceWindow::Kind::kYearlyDates;
  w.from_mmdd = from_mmdd;
  w.to_mmdd = to_mmdd;
  w.text = "集中缴费期";
  return w;
}

bool openOn(const AcceptanceWindow& w, Date d) {
  auto r = windowOpen(w, realCalendar(), d);
  EXPECT_TRUE(r.has_value()) << d.str() << ": " << (r ? "" : r.error().message);
  return r.value_or(false);
}

TEST(AcceptanceWindowTest, MonthlyDays) {
  auto w = monthly(1, 15);
  EXPECT_TRUE(openOn(w, D(2026, 3, 1)));
  EXPECT_TRUE(openOn(w, D(2026, 3, 15)));
  EXPECT_FALSE(openOn(w, D(2026, 3, 16)));
  EXPECT_FALSE(openOn(w, D(2026, 2, 28)));
}

void expectOpenExactly(const AcceptanceWindow& w, Date first, Date last,
                       const std::set<int32_t>& open) {
  for (Date d = first; d <= last; d = d.plusDays(1))
    EXPECT_EQ(openOn(w, d), open.count(d.days()) > 0) << d.str();
}

TEST(AcceptanceWindowTest, QuarterFirstMonthWorkingDaysJanuary2026) {
  // 元旦 01-01..03; 调休 Sunday 01-04 is working day 1; 01-08 is day 5.
  std::set<int32_t> open;
  for (Date d = D(2026, 1, 4); d <= D(2026, 1, 8); d = d.plusDays(1)) open.insert(d.days());
  expectOpenExactly(quarterFirst(5), D(2026, 1, 1), D(2026, 1, 31), open);
  EXPECT_FALSE(openOn(quarterFirst(5), D(2026, 2, 2)));  // not a quarter's first month
  EXPECT_FALSE(openOn(quarterFirst(5), D(2026, 3, 2)));
}

TEST(AcceptanceWindowTest, QuarterFirstMonthWorkingDaysAprilWithQingming) {
  // 04-01, 04-02, 04-03, (清明 04-04..06), 04-07, 04-08.
  std::set<int32_t> open{D(2026, 4, 1).days(), D(2026, 4, 2).days(), D(2026, 4, 3).days(),
                         D(2026, 4, 7).days(), D(2026, 4, 8).days()};
  expectOpenExactly(quarterFirst(5), D(2026, 4, 1), D(2026, 4, 30), open);
}

TEST(AcceptanceWindowTest, QuarterFirstMonthWorkingDaysOctoberWithGuoqing) {
  // (国庆 10-01..07), 10-08, 10-09, 调休 Saturday 10-10, 10-12, 10-13.
  std::set<int32_t> open{D(2026, 10, 8).days(), D(2026, 10, 9).days(), D(2026, 10, 10).days(),
                         D(2026, 10, 12).days(), D(2026, 10, 13).days()};
  expectOpenExactly(quarterFirst(5), D(2026, 10, 1), D(2026, 10, 31), open);
  // July: 07-01..03, 07-06, 07-07.
  EXPECT_TRUE(openOn(quarterFirst(5), D(2026, 7, 7)));
  EXPECT_FALSE(openOn(quarterFirst(5), D(2026, 7, 8)));
  // 2027 is not loaded: the window counts Mon–Fri there (01-01 Friday … 01-07 Thursday) instead of
  // refusing; before the first loaded year it is still an error.
  EXPECT_TRUE(openOn(quarterFirst(5), D(2027, 1, 7)));
  EXPECT_FALSE(openOn(quarterFirst(5), D(2027, 1, 8)));
  EXPECT_FALSE(openOn(quarterFirst(5), D(2027, 1, 2)));  // Saturday
  auto outside = windowOpen(quarterFirst(5), realCalendar(), D(2024, 1, 4));
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().code, ErrorCode::kOutOfRange);
}

TEST(AcceptanceWindowTest, YearlyDatesIncludingARangeWrappingTheYearEnd) {
  auto w = yearly(901, 1231);
  EXPECT_TRUE(openOn(w, D(2026, 9, 1)));
  EXPECT_TRUE(openOn(w, D(2026, 12, 31)));
  EXPECT_FALSE(openOn(w, D(2026, 8, 31)));
  EXPECT_FALSE(openOn(w, D(2026, 1, 1)));
  auto wrap = yearly(1115, 228);  // 11-15 .. 02-28
  EXPECT_TRUE(openOn(wrap, D(2026, 11, 15)));
  EXPECT_TRUE(openOn(wrap, D(2026, 12, 31)));
  EXPECT_TRUE(openOn(wrap, D(2026, 1, 1)));
  EXPECT_TRUE(openOn(wrap, D(2026, 2, 28)));
  EXPECT_FALSE(openOn(wrap, D(2026, 3, 1)));
  EXPECT_FALSE(openOn(wrap, D(2026, 11, 14)));
  EXPECT_FALSE(openOn(wrap, D(2026, 7, 1)));
}

TEST(AcceptanceWindowTest, AnyWindowOpen) {
  const auto& cal = realCalendar();
  EXPECT_TRUE(*anyWindowOpen({}, cal, D(2026, 7, 20)));
  std::vector<AcceptanceWindow> ws{monthly(1, 15), yearly(901, 1231)};
  EXPECT_TRUE(*anyWindowOpen(ws, cal, D(2026, 7, 10)));
  EXPECT_FALSE(*anyWindowOpen(ws, cal, D(2026, 7, 20)));
  EXPECT_TRUE(*anyWindowOpen(ws, cal, D(2026, 9, 20)));
}

}  // namespace
}  // namespace jingban
