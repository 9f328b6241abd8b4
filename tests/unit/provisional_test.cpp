// calendar/: reckoning past the last loaded year (issue 5 §5). 2025 and 2026 are loaded; 2027's
// State Council notice is not, so 2027 counts Mon–Fri and every date reckoned over it is
// provisional. Before 2025 is still an error.
#include <gtest/gtest.h>

#include <vector>

#include "calendar/work_calendar.hpp"
#include "test_support.hpp"

namespace jingban {

static void PrintTo(const DueDate& d, std::ostream* os) {
  *os << d.date.str() << (d.provisional ? " (provisional)" : "");
}

namespace {

DueDate sure(Date d) { return DueDate{d, false}; }
DueDate guessed(Date d) { return DueDate{d, true}; }

TEST(ProvisionalTest, InstantItemAcceptedOnNewYearsEveAndItsDueSoonLookAhead) {
  const auto& cal = calendar();
  // 即时办结 on 2026-12-31: due that day, which the loaded calendar covers.
  EXPECT_EQ(*cal.dueDate(D(2026, 12, 31), LimitKind::kInstant, 0), sure(D(2026, 12, 31)));
  // The deadline status looks one working day ahead: Friday 2027-01-01, provisional (the real
  // 2027 notice will surely make it 元旦).
  EXPECT_EQ(*cal.plusWorkingDays(D(2026, 12, 31), 1), guessed(D(2027, 1, 1)));
  // The strict function still refuses, so that no caller gets an unmarked guess.
  EXPECT_FALSE(cal.addWorkingDays(D(2026, 12, 31), 1).has_value());
}

TEST(ProvisionalTest, FifteenWorkingDaysFromNewYearsEveSkipWeekendsIn2027) {
  const auto& cal = calendar();
  // Fri 01-01 (1), 01-04..08 (6), 01-11..15 (11), 01-18..21 (15).
  EXPECT_EQ(*cal.dueDate(D(2026, 12, 31), LimitKind::kWorkingDays, 15), guessed(D(2027, 1, 21)));
  // From 12-11 (Friday): 12-14..18, 12-21..25, 12-28..31 are 14 days in 2026; day 15 is 2027-01-01.
  EXPECT_EQ(*cal.dueDate(D(2026, 12, 11), LimitKind::kWorkingDays, 15), guessed(D(2027, 1, 1)));
  EXPECT_EQ(*cal.dueDate(D(2026, 12, 11), LimitKind::kWorkingDays, 14), sure(D(2026, 12, 31)));
  // Saturday 2027-01-02 and Sunday 01-03 are skipped: 2 working days from 12-31 is Monday 01-04.
  EXPECT_EQ(*cal.plusWorkingDays(D(2026, 12, 31), 2), guessed(D(2027, 1, 4)));
}

TEST(ProvisionalTest, NaturalDaysLandingIn2027MoveOffTheWeekendOnly) {
  const auto& cal = calendar();
  // 12-25 + 10 = Monday 2027-01-04: a working day by weekday count.
  EXPECT_EQ(*cal.dueDate(D(2026, 12, 25), LimitKind::kNaturalDays, 10), guessed(D(2027, 1, 4)));
  // 12-23 + 10 = Saturday 2027-01-02 → Monday 01-04.
  EXPECT_EQ(*cal.dueDate(D(2026, 12, 23), LimitKind::kNaturalDays, 10), guessed(D(2027, 1, 4)));
}

TEST(ProvisionalTest, RangesInsideLoadedYearsEqualTheStrictFunctionsAndAreNotProvisional) {
  const auto& cal = calendar();
  for (Date from = D(2025, 1, 1); from <= D(2026, 11, 30); from = from.plusDays(7)) {
    for (int n : {0, 1, 5, 15, 20}) {
      for (auto kind : {LimitKind::kInstant, LimitKind::kWorkingDays, LimitKind::kNaturalDays}) {
        int days = kind == LimitKind::kInstant ? 0 : n;
        auto strict = cal.due(from, kind, days);
        auto marked = cal.dueDate(from, kind, days);
        ASSERT_TRUE(strict.has_value() && marked.has_value()) << from.str();
        EXPECT_EQ(*marked, sure(*strict)) << from.str() << " + " << days;
      }
    }
  }
  EXPECT_EQ(*cal.dueDate(D(2026, 2, 13), LimitKind::kWorkingDays, 5), sure(D(2026, 2, 27)));
  EXPECT_EQ(*cal.countWorkingDays(D(2025, 12, 31), D(2026, 12, 31)), (WorkingDayCount{248, false}));
  EXPECT_FALSE(cal.provisional(D(2025, 1, 1), D(2026, 12, 31)));
  EXPECT_TRUE(cal.provisional(D(2026, 12, 31), D(2027, 1, 1)));
}

TEST(ProvisionalTest, ProvisionalCarriesOverAndCountsAreMarked) {
  const auto& cal = calendar();
  // A pause over the year end: 12-30 → 2027-01-05 counts 12-31, 01-01, 01-04, 01-05.
  EXPECT_EQ(*cal.countWorkingDays(D(2026, 12, 30), D(2027, 1, 5)), (WorkingDayCount{4, true}));
  EXPECT_EQ(*cal.countWorkingDays(D(2026, 12, 1), D(2026, 12, 31)), (WorkingDayCount{22, false}));
  // Moving a provisional due date by paused days keeps the mark even within one loaded year.
  EXPECT_EQ(*cal.plusWorkingDays(guessed(D(2026, 3, 2)), 1), guessed(D(2026, 3, 3)));
  EXPECT_EQ(*cal.isWorkingDayOrWeekday(D(2027, 1, 1)), true);
  EXPECT_EQ(*cal.isWorkingDayOrWeekday(D(2027, 1, 2)), false);
  EXPECT_EQ(*cal.isWorkingDayOrWeekday(D(2026, 10, 1)), false);  // 国庆, loaded
}

TEST(ProvisionalTest, BeforeTheFirstLoadedYearIsStillAnError) {
  const auto& cal = calendar();
  for (auto r : {cal.dueDate(D(2024, 6, 3), LimitKind::kWorkingDays, 5),
                 cal.dueDate(D(2024, 6, 3), LimitKind::kInstant, 0),
                 cal.dueDate(D(2024, 12, 20), LimitKind::kNaturalDays, 30),
                 cal.plusWorkingDays(D(2024, 12, 31), 1)}) {
    ASSERT_FALSE(r.has_value()) << r->date.str();
    EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
    EXPECT_EQ(r.error().slug, "date_outside_calendar");
  }
  auto count = cal.countWorkingDays(D(2024, 12, 30), D(2025, 1, 3));
  ASSERT_FALSE(count.has_value());
  EXPECT_EQ(count.error().code, ErrorCode::kOutOfRange);
  EXPECT_FALSE(cal.isWorkingDayOrWeekday(D(2024, 12, 31)).has_value());
  EXPECT_FALSE(cal.inMissingYear(D(2024, 12, 31)));
}

TEST(ProvisionalTest, MissingYearsAndTheStartUpWarning) {
  const auto& cal = calendar();
  EXPECT_EQ(cal.missingYearsUpTo(D(2026, 12, 31)), std::vector<int>{});
  EXPECT_EQ(cal.missingYearsUpTo(D(2027, 1, 1)), std::vector<int>{2027});
  EXPECT_EQ(cal.missingYearsUpTo(D(2028, 3, 1)), (std::vector<int>{2027, 2028}));
  EXPECT_EQ(WorkCalendar::missingYearWarning(2027),
            "2027 年节假日安排未载入：2027 年的期限按周一至周五计算，标记为暂定");
  // A gap between loaded years is a missing year too; an empty calendar has none.
  WorkCalendar gap;
  gap.addYear(2025, {}, {});
  gap.addYear(2027, {D(2027, 1, 1)}, {});
  EXPECT_EQ(gap.missingYearsUpTo(D(2027, 6, 1)), std::vector<int>{2026});
  EXPECT_EQ(*gap.plusWorkingDays(D(2025, 12, 31), 1), guessed(D(2026, 1, 1)));
  // 2027 is loaded in `gap`: its 元旦 is skipped. Only counted days decide the mark, and the start
  // day is not counted, so starting on a day of 2026 gives a certain date here…
  EXPECT_EQ(*gap.plusWorkingDays(D(2026, 12, 31), 1), sure(D(2027, 1, 4)));
  // …while counting through 2026 does not.
  EXPECT_EQ(*gap.plusWorkingDays(D(2026, 12, 30), 2), guessed(D(2027, 1, 4)));
  EXPECT_EQ(WorkCalendar().missingYearsUpTo(D(2027, 1, 1)), std::vector<int>{});
}

TEST(ProvisionalTest, LoadingTheMissingYearMakesTheSameReckoningCertain) {
  // What the server does at SIGHUP: load the directory again into a new calendar.
  WorkCalendar before;
  before.addYear(2026, {}, {});
  auto guess = before.dueDate(D(2026, 12, 31), LimitKind::kWorkingDays, 2);
  ASSERT_TRUE(guess.has_value());
  EXPECT_EQ(*guess, guessed(D(2027, 1, 4)));
  WorkCalendar after = before;
  after.addYear(2027, {D(2027, 1, 1)}, {});
  EXPECT_EQ(*after.dueDate(D(2026, 12, 31), LimitKind::kWorkingDays, 2), sure(D(2027, 1, 5)));
  EXPECT_TRUE(after.missingYearsUpTo(D(2027, 12, 31)).empty());
}

}  // namespace

}  // namespace jingban
