#include "registers/extras.hpp"

#include <cstdio>

namespace jingban {

std::string lastDayOfMonth(const std::string& month) {
  int i = monthIndex(month);
  if (i < 0) return "";
  int y = i / 12, m = i % 12 + 1;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int d = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) d = 29;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace jingban
