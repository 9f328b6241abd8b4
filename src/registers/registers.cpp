#include "registers/registers.hpp"

#include <cstdio>

namespace jingban {

int monthIndex(const std::string& month) {
  if (month.size() != 7 || month[4] != '-') return -1;
  int y = 0, m = 0;
  for (int i = 0; i < 4; ++i) {
    if (month[i] < '0' || month[i] > '9') return -1;
    y = y * 10 + (month[i] - '0');
  }
  for (int i = 5; i < 7; ++i) {
    if (month[i] < '0' || month[i] > '9') return -1;
    m = m * 10 + (month[i] - '0');
  }
  if (y < 1900 || m < 1 || m > 12) return -1;
  return y * 12 + (m - 1);
}

std::string monthText(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", index / 12, index % 12 + 1);
  return buf;
}

int contributionMonths(const std::vector<Enrolment>& periods, const std::string& until) {
  int end_cap = monthIndex(until);
  int total = 0;
  for (const auto& p : periods) {
    if (p.status != kEnrolPaying) continue;
    int from = monthIndex(p.from);
    int to = p.to.empty() ? end_cap : monthIndex(p.to);
    if (from < 0 || to < 0) continue;
    if (end_cap >= 0 && to > end_cap) to = end_cap;
    if (to >= from) total += to - from + 1;
  }
  return total;
}

namespace {

// RegisterReads::snapshot's default: every read on its own.
class ReadsView : public RegisterView {
 public:
  explicit ReadsView(RegisterReads& r) : r_(r) {}
  Result<std::optional<Unit>> unit(const std::string& region, const std::string& code) override {
    return r_.unit(region, code);
  }
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override {
    return r_.person(region, id_no);
  }
  Result<std::optional<Account>> account(const std::string& region,
                                         const std::string& id_no) override {
    return r_.account(region, id_no);
  }
  Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                  int year) override {
    return r_.claimsInYear(region, id_no, year);
  }
  Result<std::vector<PremiumEntry>> premiums(const std::string& region, const std::string& id_no,
                                             int year) override {
    return r_.premiums(region, id_no, year);
  }
  Result<std::optional<RegisterEntry>> entry(const std::string& kind, const std::string& region,
                                             const std::string& key) override {
    return r_.entry(kind, region, key);
  }
  Result<std::vector<RegisterEntry>> entries(const EntryFilter& f) override {
    return r_.entries(f);
  }

 private:
  RegisterReads& r_;
};

}  // namespace

std::unique_ptr<RegisterView> RegisterReads::snapshot() {
  return std::make_unique<ReadsView>(*this);
}

}  // namespace jingban
