// Shared by the unit tests: gtest printers for our types, dates and instants, the real working-day
// calendar, fixture files, and a temporary catalog directory.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include "catalog/catalog.hpp"
#include "effects/registry.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

inline void PrintTo(const Date& d, std::ostream* os) { *os << d.str(); }
inline void PrintTo(DeadlineStatus s, std::ostream* os) { *os << deadlineStatusName(s); }
inline void PrintTo(CaseStatus s, std::ostream* os) { *os << caseStatusName(s); }
inline void PrintTo(LimitKind k, std::ostream* os) { *os << limitKindName(k); }
inline void PrintTo(ErrorCode c, std::ostream* os) { *os << "ErrorCode(" << httpStatus(c) << ")"; }

inline Date D(int y, unsigned m, unsigned d) { return Date::fromYmd(y, m, d); }
// `hour` o'clock Shanghai time on `d`.
inline Instant at(Date d, int hour = 10) {
  return Instant{int64_t{d.days()} * 86400 + (hour - 8) * 3600};
}

// The calendar/ directory of the repository (2025 and 2026).
inline const WorkCalendar& calendar() {
  static const WorkCalendar cal = [] {
    auto c = WorkCalendar::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/calendar");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return cal;
}

inline std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(JINGBAN_UNIT_FIXTURES) + "/" + name);
  if (!in) throw std::runtime_error("missing fixture " + name);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A fresh directory per test to write catalog files into and load them from.
class TempCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jingban_catalog_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  Result<std::shared_ptr<const Catalog>> load() {
    return Catalog::loadDir(dir_.string(), effectNameKnown);
  }

  std::filesystem::path dir_;
};

}  // namespace jingban
