// Civil dates in Asia/Shanghai (UTC+8, no DST) and the single clock the product reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jingban {

// A calendar date, stored as days since 1970-01-01.
class Date {
 public:
  Date() = default;
  explicit Date(int32_t days) : days_(days) {}
  static Date fromYmd(int y, unsigned m, unsigned d);
  // Strict YYYY-MM-DD; nullopt for anything else or an impossible date (2026-02-30).
  static std::optional<Date> parse(std::string_view text);

  int32_t days() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  unsigned weekday() const;     // 0 = Sunday … 6 = Saturday
  std::string str() const;      // YYYY-MM-DD
  std::string compact() const;  // YYYYMMDD

  Date plusDays(int n) const { return Date(days_ + n); }
  auto operator<=>(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

// Wall-clock instant in Asia/Shanghai.
struct Instant {
  int64_t unix_seconds = 0;
  Date date() const;        // the Shanghai calendar date
  std::string iso() const;  // 2026-02-13T09:30:00+08:00
};

// Nothing reads the wall clock but a Clock; tests pass a fixed one.
using Clock = std::function<Instant()>;
Clock systemClock();
Clock fixedClock(Instant at);

}  // namespace jingban
