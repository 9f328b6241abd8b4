// Counts over the stored cases and their events for the supervisor's dashboard (issue 7): what an
// engine answers with grouped queries on its indexed columns, never by loading cases one by one.
// The meaning of each figure (the period, 办结, on time, rated) is fixed here; http/ turns them
// into rates and sheets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calendar/date.hpp"
#include "common/error.hpp"

namespace jingban {

// A region and a period of Beijing calendar days, both ends included.
struct StatsQuery {
  std::string region;
  Date from, to;
};

// What happened in the period, per key (an item code, or a day YYYY-MM-DD):
//  applications: cases submitted (申请) on a day of the period;
//  closed: cases 办结 — status completed (已办结) or rejected (审核不通过) — with closed_on in the
//    period and a due date (accepted under a stated limit);
//  closed_on_time: of those, closed_on <= due_on (the stored due date: every pause and extension
//    already counted in it);
//  closed_without_limit: 办结 in the period without a due date (limit 未载明): in neither figure.
// Not counted as 办结: 不予受理 (decided before the clock starts) and 撤回 (the applicant's).
struct PeriodCounts {
  std::string key;
  int64_t applications = 0, closed = 0, closed_on_time = 0, closed_without_limit = 0;
};

struct KeyCount {
  std::string key;
  int64_t count = 0;
};

// One staff member's work in the period: the events they recorded (case_events.actor), by action.
struct StaffCounts {
  std::string username;
  int64_t cases = 0;    // distinct cases acted on
  int64_t actions = 0;  // events recorded
  std::vector<KeyCount> by_action;
};

// Ratings (好差评) given in the period (the `rate` event's time), per item, channel and rating.
struct RatingCount {
  std::string item_code, channel, rating;
  int64_t count = 0;
};

// A case whose poor rating still waits for the supervisor's follow-up (follow_up = open).
struct OpenFollowUp {
  std::string case_no, item_code, channel, rating, reason;
  int64_t rated_at = 0;  // the `rate` event (unix seconds)
};

struct StatsCounts {
  std::vector<PeriodCounts> by_item;   // items with any figure in the period, by code
  std::vector<PeriodCounts> by_day;    // days with any figure in the period, by date
  std::vector<KeyCount> by_status;     // cases submitted in the period, by their status now
  std::vector<KeyCount> open_by_step;  // open cases now, by the step they wait at (any period)
  std::vector<KeyCount> open_by_item;  // open cases now, by item
  std::vector<StaffCounts> by_staff;   // by username (the applicant and `system` left out)
  std::vector<RatingCount> ratings;
  std::vector<OpenFollowUp> follow_ups;  // every open one of the region, oldest rating first
};

class CaseStats {
 public:
  virtual ~CaseStats() = default;
  // Every figure of the query, read in one transaction (one consistent snapshot).
  virtual Result<StatsCounts> counts(const StatsQuery& q) = 0;
};

}  // namespace jingban
