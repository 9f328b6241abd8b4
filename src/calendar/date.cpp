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

namespace {
// YYYY-MM-DD (sep '-') or YYYYMMDD (sep 0) from one calendar conversion, without printf: dates
// are formatted several times per request (deadlines, the case view).
std::string formatDate(int32_t days, char sep) {
  auto v = ymd(days);
  int y = static_cast<int>(v.year());
  unsigned m = static_cast<unsigned>(v.month()), d = static_cast<unsigned>(v.day());
  if (y < 0 || y > 9999) {
    char buf[32];
    int n = sep ? std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d)
                : std::snprintf(buf, sizeof buf, "%04d%02u%02u", y, m, d);
    return std::string(buf, static_cast<size_t>(n));
  }
  char buf[10];
  size_t i = 0;
  buf[i++] = static_cast<char>('0' + y / 1000);
  buf[i++] = static_cast<char>('0' + y / 100 % 10);
  buf[i++] = static_cast<char>('0' + y / 10 % 10);
  buf[i++] = static_cast<char>('0' + y % 10);
  if (sep) buf[i++] = sep;
  buf[i++] = static_cast<char>('0' + m / 10);
  buf[i++] = static_cast<char>('0' + m % 10);
  if (sep) buf[i++] = sep;
  buf[i++] = static_cast<char>('0' + d / 10);
  buf[i++] = static_cast<char>('0' + d % 10);
  return std::string(buf, i);
}
}  // namespace

std::string Date::str() const { return formatDate(days_, '-'); }

std::string Date::compact() const { return formatDate(days_, 0); }

Date Instant::date() const {
  int64_t local = unix_seconds + kShanghaiOffset;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return Date(static_cast<int32_t>(days));
}

std::string Instant::iso() const {
  int64_t local = unix_seconds + kShanghaiOffset;
  Date d = date();
  auto secs = static_cast<int>(local - static_cast<int64_t>(d.days()) * 86400);
  std::string out = d.str();
  char t[15] = {'T', '0', '0', ':', '0', '0', ':', '0', '0', '+', '0', '8', ':', '0', '0'};
  int parts[3] = {secs / 3600, secs / 60 % 60, secs % 60};
  for (int k = 0; k < 3; ++k) {
    t[1 + 3 * k] = static_cast<char>('0' + parts[k] / 10);
    t[2 + 3 * k] = static_cast<char>('0' + parts[k] % 10);
  }
  out.append(t, sizeof t);
  return out;
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
