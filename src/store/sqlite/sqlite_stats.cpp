#include "store/sqlite/sqlite_stats.hpp"

#include <map>

#include "store/sqlite/db.hpp"

namespace jingban {

using sqlite::Conn;
using sqlite::dbError;
using sqlite::Stmt;

namespace {

constexpr int64_t kBeijingOffset = 8 * 3600;

// The first second of a Beijing calendar day.
int64_t dayStart(Date d) { return static_cast<int64_t>(d.days()) * 86400 - kBeijingOffset; }

// Each query runs on the indexes of migration 5 (cases by region and submission time, by region
// and closing day; events by time) or of migrations 1–2 (open cases by status, follow-ups):
// checked with EXPLAIN QUERY PLAN in tests/unit/xlsx_stats_test.cpp (QueriesUseIndexes).
constexpr const char* kApplications =
    "SELECT item_code, date(submitted_at + 28800, 'unixepoch'), status, count(*) FROM cases "
    "WHERE region=?1 AND submitted_at>=?2 AND submitted_at<?3 GROUP BY 1, 2, 3";
constexpr const char* kClosures =
    "SELECT item_code, closed_on, count(*), "
    "total(due_on IS NOT NULL AND closed_on<=due_on), total(due_on IS NULL) FROM cases "
    "WHERE region=?1 AND closed_on>=?2 AND closed_on<=?3 AND status IN ('completed','rejected') "
    "GROUP BY 1, 2";
constexpr const char* kOpen =
    "SELECT item_code, step, count(*) FROM cases "
    "WHERE region=?1 AND status IN ('submitted','supplement','in_progress') GROUP BY 1, 2";
constexpr const char* kStaffActions =
    "SELECT e.actor, e.action, count(*) FROM case_events e JOIN cases c ON c.case_no=e.case_no "
    "WHERE e.at>=?2 AND e.at<?3 AND c.region=?1 AND e.actor NOT IN ('applicant','system') "
    "GROUP BY 1, 2";
constexpr const char* kStaffCases =
    "SELECT e.actor, count(DISTINCT e.case_no) FROM case_events e "
    "JOIN cases c ON c.case_no=e.case_no "
    "WHERE e.at>=?2 AND e.at<?3 AND c.region=?1 AND e.actor NOT IN ('applicant','system') "
    "GROUP BY 1";
constexpr const char* kRatings =
    "SELECT c.item_code, json_extract(f.fixed, '$.channel'), json_extract(e.data, '$.rating'), "
    "count(*) FROM case_events e JOIN cases c ON c.case_no=e.case_no JOIN case_fixed f ON "
    "f.id=c.id "
    "WHERE e.at>=?2 AND e.at<?3 AND e.action='rate' AND c.region=?1 GROUP BY 1, 2, 3";
constexpr const char* kFollowUps =
    "SELECT c.case_no, c.item_code, json_extract(f.fixed, '$.channel'), "
    "json_extract(c.body, '$.rating'), json_extract(c.body, '$.rating_reason'), "
    "(SELECT max(e.at) FROM case_events e WHERE e.case_no=c.case_no AND e.action='rate') AS at "
    "FROM cases c CROSS JOIN case_fixed f ON f.id=c.id WHERE c.region=?1 AND c.follow_up='open' "
    "ORDER BY at, c.case_no";

}  // namespace

SqliteCaseStats::SqliteCaseStats(std::string path) : path_(std::move(path)) {}
SqliteCaseStats::~SqliteCaseStats() = default;

const std::vector<std::string>& SqliteCaseStats::queries() {
  static const std::vector<std::string> q{kApplications, kClosures, kOpen,     kStaffActions,
                                          kStaffCases,   kRatings,  kFollowUps};
  return q;
}

Result<std::unique_ptr<SqliteCaseStats>> SqliteCaseStats::open(const std::string& path) {
  std::unique_ptr<SqliteCaseStats> s(new SqliteCaseStats(path));
  // One reader at once, so that a file that cannot be opened fails at start, not at first use.
  auto c = sqlite::openConnection(path);
  if (!c) return std::unexpected(c.error());
  s->idle_.push_back(std::move(*c));
  return s;
}

std::unique_ptr<Conn> SqliteCaseStats::acquire() {
  {
    std::lock_guard lk(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = sqlite::openConnection(path_);
  return c ? std::move(*c) : nullptr;
}

void SqliteCaseStats::release(std::unique_ptr<Conn> c) {
  std::lock_guard lk(mu_);
  if (idle_.size() < 4) idle_.push_back(std::move(c));
}

Result<StatsCounts> SqliteCaseStats::counts(const StatsQuery& q) {
  auto c = acquire();
  if (!c)
    return fail(ErrorCode::kUnavailable, "storage_unavailable",
                "数据存储暂不可用（打开数据库），请稍后重试");
  struct Back {  // ends the read transaction and returns the connection, on every path
    SqliteCaseStats* self;
    std::unique_ptr<Conn>& c;
    bool open = false;
    ~Back() {
      if (open) c->run("ROLLBACK");
      self->release(std::move(c));
    }
  } back{this, c};
  auto failed = [&c](const char* what) { return std::unexpected(dbError(c->db, what)); };
  // One snapshot for every figure: BEGIN, then the reads, then ROLLBACK (nothing is written).
  if (!c->run("BEGIN")) return failed("统计办件");
  back.open = true;

  const std::string from = q.from.str(), to = q.to.str();
  const int64_t start = dayStart(q.from), end = dayStart(q.to.plusDays(1));
  auto bindPeriod = [&](Stmt& s, bool days) -> Stmt& {
    s.bind(1, q.region);
    if (days) return s.bind(2, from).bind(3, to);
    return s.bind(2, start).bind(3, end);
  };

  StatsCounts out;
  std::map<std::string, PeriodCounts> items, days;
  std::map<std::string, int64_t> statuses;
  {
    Stmt s = c->prepare(kApplications);
    if (!s.ok()) return failed("统计申请");
    bindPeriod(s, false);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      int64_t n = s.integer(3);
      items[s.text(0)].applications += n;
      days[s.text(1)].applications += n;
      statuses[s.text(2)] += n;
    }
    if (rc != SQLITE_DONE) return failed("统计申请");
  }
  {
    Stmt s = c->prepare(kClosures);
    if (!s.ok()) return failed("统计办结");
    bindPeriod(s, true);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      int64_t all = s.integer(2), on_time = s.integer(3), unstated = s.integer(4);
      for (PeriodCounts* p : {&items[s.text(0)], &days[s.text(1)]}) {
        p->closed += all - unstated;
        p->closed_on_time += on_time;
        p->closed_without_limit += unstated;
      }
    }
    if (rc != SQLITE_DONE) return failed("统计办结");
  }
  for (auto& [k, v] : items) {
    v.key = k;
    out.by_item.push_back(v);
  }
  for (auto& [k, v] : days) {
    v.key = k;
    out.by_day.push_back(v);
  }
  for (auto& [k, v] : statuses) out.by_status.push_back({k, v});
  {
    Stmt s = c->prepare(kOpen);
    if (!s.ok()) return failed("统计在办");
    s.bind(1, q.region);
    std::map<std::string, int64_t> steps, open_items;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      open_items[s.text(0)] += s.integer(2);
      steps[s.text(1)] += s.integer(2);
    }
    if (rc != SQLITE_DONE) return failed("统计在办");
    for (auto& [k, v] : steps) out.open_by_step.push_back({k, v});
    for (auto& [k, v] : open_items) out.open_by_item.push_back({k, v});
  }
  {
    std::map<std::string, StaffCounts> staff;
    Stmt s = c->prepare(kStaffActions);
    if (!s.ok()) return failed("统计经办人");
    bindPeriod(s, false);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      StaffCounts& x = staff[s.text(0)];
      x.actions += s.integer(2);
      x.by_action.push_back({s.text(1), s.integer(2)});
    }
    if (rc != SQLITE_DONE) return failed("统计经办人");
    Stmt t = c->prepare(kStaffCases);
    if (!t.ok()) return failed("统计经办人");
    bindPeriod(t, false);
    while ((rc = t.step()) == SQLITE_ROW) staff[t.text(0)].cases = t.integer(1);
    if (rc != SQLITE_DONE) return failed("统计经办人");
    for (auto& [k, v] : staff) {
      v.username = k;
      out.by_staff.push_back(std::move(v));
    }
  }
  {
    Stmt s = c->prepare(kRatings);
    if (!s.ok()) return failed("统计评价");
    bindPeriod(s, false);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.ratings.push_back({s.text(0), s.text(1), s.text(2), s.integer(3)});
    if (rc != SQLITE_DONE) return failed("统计评价");
  }
  {
    Stmt s = c->prepare(kFollowUps);
    if (!s.ok()) return failed("统计差评回访");
    s.bind(1, q.region);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.follow_ups.push_back(
          {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)});
    if (rc != SQLITE_DONE) return failed("统计差评回访");
  }
  return out;
}

}  // namespace jingban
