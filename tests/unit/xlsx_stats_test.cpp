// The XLSX writer (http/xlsx: typed cells, a valid ZIP with the workbook's parts) and the
// dashboard's counts on SQLite (store/sqlite/sqlite_stats: every figure on hand-made cases, and
// every query on an index).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "http/xlsx.hpp"
#include "store/sqlite/sqlite_stats.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "test_support.hpp"
#include "workflow/event_chain.hpp"

namespace jingban {
namespace {

using nlohmann::json;
using xlsx::CellValue;
using xlsx::Column;
using xlsx::Kind;

uint32_t le(const std::string& b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b.at(at + i));
  return v;
}

// The names in a ZIP's central directory; fails the test when the structure does not hold.
std::set<std::string> zipNames(const std::string& b) {
  std::set<std::string> names;
  EXPECT_GE(b.size(), 22u);
  EXPECT_EQ(b.substr(0, 4), std::string("PK\x03\x04", 4));  // a local file header first
  size_t eocd = b.rfind(std::string("PK\x05\x06", 4));
  EXPECT_NE(eocd, std::string::npos);
  if (eocd == std::string::npos) return names;
  uint32_t count = le(b, eocd + 10, 2), size = le(b, eocd + 12, 4), offset = le(b, eocd + 16, 4);
  EXPECT_EQ(offset + size, eocd);  // the directory ends where its end record starts
  size_t at = offset;
  for (uint32_t i = 0; i < count; ++i) {
    EXPECT_EQ(le(b, at, 4), 0x02014b50u) << "central header " << i;
    uint32_t name_len = le(b, at + 28, 2), extra = le(b, at + 30, 2), comment = le(b, at + 32, 2);
    uint32_t local = le(b, at + 42, 4);
    EXPECT_EQ(le(b, local, 4), 0x04034b50u) << "local header of entry " << i;
    names.insert(b.substr(at + 46, name_len));
    at += 46 + name_len + extra + comment;
  }
  EXPECT_EQ(at, eocd);
  return names;
}

TEST(XlsxTest, CellsAreTypedFromTheJsonRow) {
  json row = {{"n", 42},
              {"fen", 123456},
              {"day", "2026-03-10"},
              {"at", "2026-03-10T09:05:07+08:00"},
              {"share", 0.8333},
              {"status", "in_progress"},
              {"list", {"低保", "特困"}},
              {"flag", true},
              {"nested", {{"name", "初审"}}},
              {"none", nullptr},
              {"text", "=1+1"}};
  auto cell = [&](Column c) { return xlsx::cellOf(c, row); };
  CellValue v = cell({"数", "n", Kind::kInteger});
  EXPECT_EQ(v.type, CellValue::kNumber);
  EXPECT_EQ(v.number, 42);
  v = cell({"金额（元）", "fen", Kind::kMoneyFen});
  EXPECT_EQ(v.type, CellValue::kNumber);
  EXPECT_DOUBLE_EQ(v.number, 1234.56);
  v = cell({"日期", "day", Kind::kDate});
  EXPECT_EQ(v.text, "2026-03-10");
  EXPECT_EQ(v.type, CellValue::kDate);
  v = cell({"时间", "at", Kind::kDateTime});
  EXPECT_EQ(v.type, CellValue::kDateTime);
  v = cell({"率", "share", Kind::kRate});
  EXPECT_DOUBLE_EQ(v.number, 0.8333);
  v = cell({"状态", "status", Kind::kText, xlsx::caseStatusLabels()});
  EXPECT_EQ(v.text, "办理中");
  EXPECT_EQ(cell({"身份", "list"}).text, "低保、特困");
  EXPECT_EQ(cell({"是否", "flag"}).text, "是");
  EXPECT_EQ(cell({"环节", "nested.name"}).text, "初审");
  EXPECT_EQ(cell({"空", "none", Kind::kDate}).type, CellValue::kEmpty);
  EXPECT_EQ(cell({"缺", "missing"}).type, CellValue::kEmpty);
  EXPECT_EQ(cell({"公式", "text"}).text, "=1+1");  // text, written as a string cell
  // A value of another shape than its column is shown as text, not dropped.
  v = cell({"日期", "status", Kind::kDate});
  EXPECT_EQ(v.text, "in_progress");
  EXPECT_EQ(cell({"日期", "status", Kind::kDate}).type, CellValue::kString);
  EXPECT_EQ(cell({"时间", "day", Kind::kDateTime}).type, CellValue::kString);
}

TEST(XlsxTest, WorkbookIsAZipWithOneSheetPerPart) {
  xlsx::Sheet a{"办件列表",
                {{"办件编号", "case_no"}, {"金额（元）", "fen", Kind::kMoneyFen}},
                json::array({{{"case_no", "630000-20260310-000001"}, {"fen", 100}},
                             {{"case_no", "630000-20260310-000002"}, {"fen", 250}}}),
                json{{"case_no", "合计"}, {"fen", 350}}};
  xlsx::Sheet b{
      "每日趋势", {{"日期", "date", Kind::kDate}}, json::array({{{"date", "2026-03-10"}}})};
  auto bytes = xlsx::workbook({a, b});
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto names = zipNames(*bytes);
  for (const char* part :
       {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"})
    EXPECT_TRUE(names.count(part)) << part;
  EXPECT_FALSE(names.count("xl/worksheets/sheet3.xml"));
}

TEST(XlsxTest, BadSheetNameIsAnErrorNotACrash) {
  auto bytes = xlsx::workbook({{"a/b", {{"x", "x"}}, json::array()}});
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().code, ErrorCode::kInternal);
}

TEST(XlsxTest, DownloadNamesTheFileInUtf8) {
  HttpResponse r = xlsx::download("PK", "办件列表", "cases");
  EXPECT_EQ(r.content_type, xlsx::kContentType);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second,
            "attachment; filename=\"cases.xlsx\"; "
            "filename*=UTF-8''%E5%8A%9E%E4%BB%B6%E5%88%97%E8%A1%A8.xlsx");
  HttpRequest req;
  EXPECT_EQ(xlsx::wantsXlsx(req).value(), false);
  req.query["format"] = "xlsx";
  EXPECT_EQ(xlsx::wantsXlsx(req).value(), true);
  req.query["format"] = "pdf";
  ASSERT_FALSE(xlsx::wantsXlsx(req));
  EXPECT_EQ(xlsx::wantsXlsx(req).error().slug, "bad_format");
  EXPECT_EQ(xlsx::tooManyRows("").code, ErrorCode::kUnprocessable);
}

// ---- the counts
// -----------------------------------------------------------------------------------

class DashboardStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("jingban_stats_" + std::to_string(::getpid()) + ".db"))
                .string();
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
    auto s = SqliteStore::open(path_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
  }

  struct Step {
    Date day;
    std::string actor, action;
    json data = json::object();
  };
  // A case of `item` whose events are `steps` (the first is 申请), with the columns set as given.
  void add(const std::string& no, const std::string& region, const std::string& item,
           const std::string& channel, std::vector<Step> steps, CaseStatus status,
           std::optional<Date> due, std::optional<Date> closed, const std::string& rating = "",
           const std::string& follow_up = "", const std::string& step_name = "受理") {
    auto c = std::make_shared<CaseState>();
    c->case_no = no;
    c->region = region;
    c->item_code = item;
    c->channel = channel;
    c->query_code = "ABCD2345";
    c->applicant = {"person", "630099196806089013", "某人", ""};
    c->submitted_at = at(steps.front().day);
    c->status = status;
    c->due_on = due;
    c->closed_on = closed;
    c->rating = rating;
    c->rating_reason = rating.empty() ? "" : "等太久";
    c->follow_up = follow_up;
    int seq = 0;
    for (const auto& s : steps) {
      Event e;
      e.seq = ++seq;
      e.at = at(s.day);
      e.actor = s.actor;
      e.action = s.action;
      e.step = s.action;
      e.data = s.data;
      c->events.push_back(e);
    }
    chainEvents(c->case_no, c->events);
    CaseRow row{c, storageFixed(*c).dump(), storageState(*c).dump(), step_name, false};
    std::vector<UnitOfWork> units{[row](Tx& tx) -> Result<void> {
      if (auto r = tx.insertCase(row); !r) return r;
      const auto events = row.state->events.copy();
      return tx.appendEvents(row.state->case_no, events);
    }};
    std::vector<Result<void>> results;
    store_->runBatch(units, results);
    ASSERT_TRUE(results.at(0)) << results[0].error().message;
  }

  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

int64_t countOf(const std::vector<KeyCount>& v, const std::string& key) {
  for (const auto& k : v)
    if (k.key == key) return k.count;
  return -1;
}

TEST_F(DashboardStatsTest, EveryFigureOfThePeriod) {
  const Date d1 = D(2026, 3, 2), d2 = D(2026, 3, 3), d3 = D(2026, 3, 10), before = D(2026, 2, 27);
  // A: applied d1, 办结 d3 on time (due d3), rated 不满意 on d3: follow-up open.
  add("A", "qinghai", "I1", "窗口",
      {{d1, "clerk", "submit"},
       {d1, "clerk", "accept"},
       {d2, "rev", "approve"},
       {d3, "fin", "complete"},
       {d3, "applicant", "rate", {{"rating", "不满意"}, {"follow_up", true}}}},
      CaseStatus::kCompleted, d3, d3, "不满意", "open");
  // B: applied d1 online, rejected d3 after its due date d2 (late), rated 满意.
  add("B", "qinghai", "I1", "网上",
      {{d1, "applicant", "submit"},
       {d1, "clerk", "accept"},
       {d3, "rev", "reject"},
       {d3, "applicant", "rate", {{"rating", "满意"}, {"follow_up", false}}}},
      CaseStatus::kRejected, d2, d3, "满意");
  // C: applied before the period, still open at 初审.
  add("C", "qinghai", "I2", "窗口", {{before, "clerk", "submit"}, {before, "clerk", "accept"}},
      CaseStatus::kInProgress, d2, std::nullopt, "", "", "初审");
  // D: applied d2, 办结 d2 under an unstated limit (no due date).
  add("D", "qinghai", "I2", "窗口",
      {{d2, "clerk", "submit"}, {d2, "clerk", "accept"}, {d2, "clerk", "complete"}},
      CaseStatus::kCompleted, std::nullopt, d2);
  // E: withdrawn in the period (not 办结); F: another region (never counted).
  add("E", "qinghai", "I2", "网上", {{d2, "applicant", "submit"}, {d2, "applicant", "withdraw"}},
      CaseStatus::kWithdrawn, std::nullopt, d2);
  add("F", "yunnan", "I1", "窗口", {{d2, "yclerk", "submit"}, {d2, "yclerk", "accept"}},
      CaseStatus::kInProgress, d3, std::nullopt);

  auto stats = SqliteCaseStats::open(path_);
  ASSERT_TRUE(stats) << stats.error().message;
  auto c = (*stats)->counts({"qinghai", d1, d3});
  ASSERT_TRUE(c) << c.error().message;

  ASSERT_EQ(c->by_item.size(), 2u);
  const PeriodCounts& i1 = c->by_item[0];
  EXPECT_EQ(i1.key, "I1");
  EXPECT_EQ((std::vector<int64_t>{i1.applications, i1.closed, i1.closed_on_time,
                                  i1.closed_without_limit}),
            (std::vector<int64_t>{2, 2, 1, 0}));
  const PeriodCounts& i2 = c->by_item[1];
  EXPECT_EQ((std::vector<int64_t>{i2.applications, i2.closed, i2.closed_on_time,
                                  i2.closed_without_limit}),
            (std::vector<int64_t>{2, 0, 0, 1}));  // D and E applied; D closed without a limit

  std::map<std::string, PeriodCounts> days;
  for (const auto& p : c->by_day) days[p.key] = p;
  EXPECT_EQ(days.size(), 3u);
  EXPECT_EQ(days["2026-03-02"].applications, 2);
  EXPECT_EQ(days["2026-03-03"].applications, 2);
  EXPECT_EQ(days["2026-03-03"].closed_without_limit, 1);
  EXPECT_EQ(days["2026-03-10"].closed, 2);
  EXPECT_EQ(days["2026-03-10"].closed_on_time, 1);

  EXPECT_EQ(countOf(c->by_status, "completed"), 2);
  EXPECT_EQ(countOf(c->by_status, "rejected"), 1);
  EXPECT_EQ(countOf(c->by_status, "withdrawn"), 1);
  EXPECT_EQ(countOf(c->by_status, "in_progress"), -1);  // C applied before the period
  EXPECT_EQ(c->open_by_step.size(), 1u);
  EXPECT_EQ(countOf(c->open_by_step, "初审"), 1);
  EXPECT_EQ(countOf(c->open_by_item, "I2"), 1);

  ASSERT_EQ(c->by_staff.size(), 3u);  // clerk, fin, rev (not the applicant, not yunnan's)
  EXPECT_EQ(c->by_staff[0].username, "clerk");
  EXPECT_EQ(c->by_staff[0].cases, 3);    // A, B, D (C's events are before the period)
  EXPECT_EQ(c->by_staff[0].actions, 6);  // A submit+accept, B accept, D submit+accept+complete
  EXPECT_EQ(c->by_staff[1].username, "fin");
  EXPECT_EQ(c->by_staff[1].cases, 1);
  EXPECT_EQ(c->by_staff[1].actions, 1);
  EXPECT_EQ(c->by_staff[2].username, "rev");
  EXPECT_EQ(c->by_staff[2].cases, 2);

  ASSERT_EQ(c->ratings.size(), 2u);
  int64_t total = 0;
  for (const auto& r : c->ratings) {
    total += r.count;
    EXPECT_EQ(r.item_code, "I1");
    EXPECT_EQ(r.channel, r.rating == "不满意" ? "窗口" : "网上");
  }
  EXPECT_EQ(total, 2);
  ASSERT_EQ(c->follow_ups.size(), 1u);
  EXPECT_EQ(c->follow_ups[0].case_no, "A");
  EXPECT_EQ(c->follow_ups[0].rating, "不满意");
  EXPECT_EQ(c->follow_ups[0].reason, "等太久");
  EXPECT_EQ(c->follow_ups[0].rated_at, at(d3).unix_seconds);

  // A period that ends before d3 sees neither closing nor rating.
  auto early = (*stats)->counts({"qinghai", d1, d2});
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->ratings.empty());
  EXPECT_EQ(early->follow_ups.size(), 1u);  // open follow-ups are not bound to the period
}

// Every dashboard query reads through an index: no full scan of cases or case_events.
TEST_F(DashboardStatsTest, QueriesUseIndexes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  for (const auto& sql : SqliteCaseStats::queries()) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    std::string plan;
    while (sqlite3_step(st) == SQLITE_ROW)
      plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "\n";
    sqlite3_finalize(st);
    EXPECT_EQ(plan.find("SCAN "), std::string::npos) << sql << "\n" << plan;
    EXPECT_NE(plan.find("INDEX"), std::string::npos) << sql << "\n" << plan;
  }
  sqlite3_close(db);
}

}  // namespace
}  // namespace jingban
