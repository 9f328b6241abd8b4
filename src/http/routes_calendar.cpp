// The holiday calendar the deadlines are reckoned by (GET /api/v1/calendar), for the
// administration page and anyone who wants to check a due date: every loaded year with its
// holidays and 调休 working days, and the years the counter reckons without a notice (暂定).
// Anonymous: the calendar is the State Council's public notice.
#include <algorithm>

#include "http/api.hpp"
#include "http/json_io.hpp"

namespace jingban {

using nlohmann::json;

namespace {

json yearJson(const WorkCalendar::YearListing& y) {
  json holidays = json::array(), workdays = json::array(), names = json::object();
  for (const auto& [date, name] : y.holidays) {
    holidays.push_back(date.str());
    if (!name.empty()) names[date.str()] = name;
  }
  for (const auto& [date, made_up_for] : y.adjusted_workdays) {
    workdays.push_back(date.str());
    if (!made_up_for.empty()) names[date.str()] = made_up_for;
  }
  json out = {{"year", y.year},
              {"provisional", false},
              {"holidays", holidays},
              {"adjusted_workdays", workdays},
              {"names", names}};
  if (!y.source.empty()) out["source"] = y.source;
  return out;
}

}  // namespace

void addCalendarRoutes(Router& R, ApiDeps& d) {
  R.add("GET", "/api/v1/calendar", [&d](HttpRequest&&, const Params&, Responder res) {
    auto cal = d.cases.calendar();
    Date today = d.cases.today();
    std::vector<int> loaded = cal->years();
    json years = json::array();
    if (!loaded.empty()) {
      // A year after the first loaded one without its notice is counted Monday–Friday and its
      // dates marked 暂定. Listed up to the year after the later of today's and the last loaded
      // one: the next year a deadline reckoned now can reach.
      int last = std::max(loaded.back(), today.year()) + 1;
      for (int y = loaded.front(); y <= last; ++y) {
        if (auto listing = cal->listing(y)) {
          years.push_back(yearJson(*listing));
          continue;
        }
        years.push_back({{"year", y},
                         {"provisional", true},
                         {"holidays", json::array()},
                         {"adjusted_workdays", json::array()},
                         {"names", json::object()}});
      }
    }
    res(ok({{"today", today.str()}, {"years", years}}));
  });
}

}  // namespace jingban
