#include "calendar/date.hpp"

#include <cstdio>

namespace jingban {

namespace chr = std::chrono;

namespace {
constexpr int64_t kShanghaiOffset = 8 * 3600;

chr::year_month_day ymd(int32_t days) {
  return chr::year_month_day{chr::sys_days{chr::days{days}}};
}
}  // namespace

Date Date::fromYmd(int y, unsigned m, unsigned d) {
  chr::sys_days s = chr::year_month_day{chr::year{y}, chr::month{m}, chr::day{d}};
  return Date(static_cast<int32_t>(s.time_since_epoch().count()));
}

std::optional<Date> Date::parse(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](size_t from, size_t len) -> int {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  chr::year_month_day v{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                        chr::day{static_cast<unsigned>(d)}};
  if (!v.ok()) return std::nullopt;
  return fromYmd(y, m, d);
}

int Date::year() const { return static_cast<int>(ymd(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymd(days_).day()); }
unsigned Date::weekday() const {
  return chr::weekday{chr::sys_days{chr::days{days_}}}.c_encoding();
}

std::string Date::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
  return buf;
}

std::string Date::compact() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", year(), month(), day());
  return buf;
}

Date Instant::date() const {
  int64_t local = unix_seconds + kShanghaiOffset;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return Date(static_cast<int32_t>(days));
}

std::string Instant::iso() const {
  int64_t local = unix_seconds + kShanghaiOffset;
  Date d = date();
  int64_t secs = local - static_cast<int64_t>(d.days()) * 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+08:00", d.str().c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

Clock systemClock() {
  return [] {
    auto now = chr::system_clock::now();
    return Instant{chr::duration_cast<chr::seconds>(now.time_since_epoch()).count()};
  };
}

Clock fixedClock(Instant at) {
  return [at] { return at; };
}

}  // namespace jingban
