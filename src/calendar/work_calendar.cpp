#include "calendar/work_calendar.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace jingban {

const char* limitKindName(LimitKind k) {
  switch (k) {
    case LimitKind::kInstant:
      return "instant";
    case LimitKind::kWorkingDays:
      return "working_days";
    case LimitKind::kNaturalDays:
      return "natural_days";
  }
  return "instant";
}

std::optional<LimitKind> parseLimitKind(std::string_view s) {
  if (s == "instant") return LimitKind::kInstant;
  if (s == "working_days") return LimitKind::kWorkingDays;
  if (s == "natural_days") return LimitKind::kNaturalDays;
  return std::nullopt;
}

namespace {

std::string where(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line + 1);
}

Result<Date> dateAt(const std::string& file, const YAML::Node& n) {
  if (!n || !n.IsScalar())
    return fail(ErrorCode::kBadRequest, "calendar_invalid", where(file, n) + ": 缺少日期");
  auto d = Date::parse(n.as<std::string>());
  if (!d)
    return fail(ErrorCode::kBadRequest, "calendar_invalid",
                where(file, n) + ": 日期格式应为 YYYY-MM-DD");
  return *d;
}

}  // namespace

Result<WorkCalendar> WorkCalendar::loadDir(const std::string& dir) {
  namespace fs = std::filesystem;
  WorkCalendar cal;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  if (ec || files.empty())
    return fail(ErrorCode::kBadRequest, "calendar_missing", "找不到节假日数据目录或文件: " + dir);
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string file = p.string();
    YAML::Node root;
    try {
      root = YAML::LoadFile(file);
    } catch (const YAML::Exception& e) {
      return fail(ErrorCode::kBadRequest, "calendar_invalid",
                  file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!root["year"])
      return fail(ErrorCode::kBadRequest, "calendar_invalid", file + ":1: 缺少 year");
    int year = 0;
    try {
      year = root["year"].as<int>();
    } catch (const YAML::Exception&) {
      return fail(ErrorCode::kBadRequest, "calendar_invalid",
                  where(file, root["year"]) + ": year 须为整数");
    }
    // The file's first line, when a comment, names the State Council notice it transcribes.
    if (std::ifstream in(file); in) {
      std::string first;
      std::getline(in, first);
      if (first.starts_with("#")) {
        first.erase(0, first.find_first_not_of("# "));
        while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.pop_back();
        cal.sources_[year] = first;
      }
    }
    std::vector<Date> hol, work;
    for (const auto& h : root["holidays"]) {
      auto from = dateAt(file, h["from"]);
      if (!from) return std::unexpected(from.error());
      auto to = h["to"] ? dateAt(file, h["to"]) : from;
      if (!to) return std::unexpected(to.error());
      if (*to < *from || from->year() != year || to->year() != year)
        return fail(ErrorCode::kBadRequest, "calendar_invalid",
                    where(file, h) + ": 假期区间无效或不在 " + std::to_string(year) + " 年");
      std::string name = h["name"] ? h["name"].as<std::string>() : "";
      for (Date d = *from; d <= *to; d = d.plusDays(1)) {
        hol.push_back(d);
        cal.names_[d.days()] = name;
      }
    }
    for (const auto& w : root["workdays"]) {
      auto d = dateAt(file, w["date"]);
      if (!d) return std::unexpected(d.error());
      if (d->year() != year)
        return fail(ErrorCode::kBadRequest, "calendar_invalid",
                    where(file, w) + ": 调休日期不在该年");
      work.push_back(*d);
      if (w["for"]) cal.workday_for_[d->days()] = w["for"].as<std::string>();
    }
    cal.addYear(year, hol, work);
  }
  return cal;
}

void WorkCalendar::addYear(int year, const std::vector<Date>& holidays,
                           const std::vector<Date>& workdays) {
  years_.insert(year);
  for (Date d : holidays) holidays_.insert(d.days());
  for (Date d : workdays) workdays_.insert(d.days());
}

Error WorkCalendar::outOfRange(Date d) const {
  std::string loaded;
  for (int y : years_) loaded += (loaded.empty() ? "" : "、") + std::to_string(y);
  return Error{ErrorCode::kOutOfRange, "date_outside_calendar",
               "日期 " + d.str() + " 超出已加载的工作日历年份（" + loaded + "），无法计算工作日"};
}

Result<bool> WorkCalendar::isWorkingDay(Date d) const {
  if (!covers(d)) return std::unexpected(outOfRange(d));
  if (workdays_.count(d.days())) return true;
  if (holidays_.count(d.days())) return false;
  unsigned wd = d.weekday();
  return wd != 0 && wd != 6;
}

Result<Date> WorkCalendar::addWorkingDays(Date from, int n) const {
  if (!covers(from)) return std::unexpected(outOfRange(from));
  Date d = from;
  while (n > 0) {
    d = d.plusDays(1);
    auto w = isWorkingDay(d);
    if (!w) return std::unexpected(w.error());
    if (*w) --n;
  }
  return d;
}

Result<int> WorkCalendar::workingDaysBetween(Date a, Date b) const {
  if (b <= a) return 0;
  int count = 0;
  for (Date d = a.plusDays(1); d <= b; d = d.plusDays(1)) {
    auto w = isWorkingDay(d);
    if (!w) return std::unexpected(w.error());
    count += *w ? 1 : 0;
  }
  return count;
}

Result<Date> WorkCalendar::nextWorkingDayOnOrAfter(Date d) const {
  for (;; d = d.plusDays(1)) {
    auto w = isWorkingDay(d);
    if (!w) return std::unexpected(w.error());
    if (*w) return d;
  }
}

Result<Date> WorkCalendar::due(Date accepted, LimitKind kind, int days) const {
  if (!covers(accepted)) return std::unexpected(outOfRange(accepted));
  switch (kind) {
    case LimitKind::kInstant:
      return accepted;
    case LimitKind::kWorkingDays:
      return addWorkingDays(accepted, days);
    case LimitKind::kNaturalDays:
      return nextWorkingDayOnOrAfter(accepted.plusDays(days));
  }
  return accepted;
}

bool WorkCalendar::inMissingYear(Date d) const {
  return !years_.empty() && d.year() > *years_.begin() && !years_.count(d.year());
}

bool WorkCalendar::provisional(Date from, Date to) const {
  if (years_.empty() || to < from) return false;
  for (int y = std::max(from.year(), *years_.begin() + 1); y <= to.year(); ++y)
    if (!years_.count(y)) return true;
  return false;
}

std::vector<int> WorkCalendar::missingYearsUpTo(Date d) const {
  std::vector<int> out;
  if (years_.empty()) return out;
  for (int y = *years_.begin() + 1; y <= d.year(); ++y)
    if (!years_.count(y)) out.push_back(y);
  return out;
}

std::string WorkCalendar::missingYearWarning(int year) {
  std::string y = std::to_string(year);
  return y + " 年节假日安排未载入：" + y + " 年的期限按周一至周五计算，标记为暂定";
}

Result<bool> WorkCalendar::reckonDay(Date d, bool& provisional) const {
  if (inMissingYear(d)) {
    // No State Council notice for this year yet: weekends are the only days off we know of.
    provisional = true;
    unsigned wd = d.weekday();
    return wd != 0 && wd != 6;
  }
  return isWorkingDay(d);
}

Result<bool> WorkCalendar::isWorkingDayOrWeekday(Date d) const {
  bool unused = false;
  return reckonDay(d, unused);
}

Result<DueDate> WorkCalendar::plusWorkingDays(DueDate from, int n) const {
  // Only the days counted decide the flag: the start day is not counted, so a result that is the
  // start day itself (n == 0) is as certain as that day.
  bool prov = from.provisional;
  if (!covers(from.date) && !inMissingYear(from.date))
    return std::unexpected(outOfRange(from.date));
  Date d = from.date;
  while (n > 0) {
    d = d.plusDays(1);
    auto w = reckonDay(d, prov);
    if (!w) return std::unexpected(w.error());
    if (*w) --n;
  }
  return DueDate{d, prov};
}

Result<WorkingDayCount> WorkCalendar::countWorkingDays(Date a, Date b) const {
  WorkingDayCount out;
  for (Date d = a.plusDays(1); d <= b; d = d.plusDays(1)) {
    auto w = reckonDay(d, out.provisional);
    if (!w) return std::unexpected(w.error());
    out.days += *w ? 1 : 0;
  }
  return out;
}

Result<DueDate> WorkCalendar::dueDate(Date accepted, LimitKind kind, int days) const {
  if (!covers(accepted) && !inMissingYear(accepted)) return std::unexpected(outOfRange(accepted));
  switch (kind) {
    case LimitKind::kInstant:  // the day of acceptance, whatever the calendar says of it
      return DueDate{accepted, false};
    case LimitKind::kWorkingDays:
      return plusWorkingDays(accepted, days);
    case LimitKind::kNaturalDays: {
      bool prov = false;
      for (Date d = accepted.plusDays(days);; d = d.plusDays(1)) {
        auto w = reckonDay(d, prov);
        if (!w) return std::unexpected(w.error());
        if (*w) return DueDate{d, prov};
      }
    }
  }
  return DueDate{accepted, false};
}

std::optional<WorkCalendar::YearListing> WorkCalendar::listing(int year) const {
  if (!years_.count(year)) return std::nullopt;
  YearListing out;
  out.year = year;
  if (auto it = sources_.find(year); it != sources_.end()) out.source = it->second;
  const int32_t first = Date::fromYmd(year, 1, 1).days(), last = Date::fromYmd(year, 12, 31).days();
  for (auto it = holidays_.lower_bound(first); it != holidays_.end() && *it <= last; ++it)
    out.holidays.emplace_back(Date(*it), holidayName(Date(*it)));
  for (auto it = workdays_.lower_bound(first); it != workdays_.end() && *it <= last; ++it) {
    auto name = workday_for_.find(*it);
    out.adjusted_workdays.emplace_back(Date(*it), name == workday_for_.end() ? "" : name->second);
  }
  return out;
}

std::string WorkCalendar::holidayName(Date d) const {
  auto it = names_.find(d.days());
  return it == names_.end() ? std::string() : it->second;
}

}  // namespace jingban
