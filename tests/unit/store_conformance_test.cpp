// The store conformance suite: what every engine of store/store.hpp must do (SQLite now; a
// PostgreSQL engine must pass the same tests). Units of work commit together or not at all, one
// failing unit rolls back alone, sequences are numeric and survive a reopen, versions conflict,
// idempotency records are found again, and what was committed is there after a crash-like reopen.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>

#include "store/committer.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "test_support.hpp"
#include "workflow/event_chain.hpp"

namespace jingban {
namespace {

using Factory = std::function<std::unique_ptr<Store>(const std::string& path)>;

struct Engine {
  const char* name;
  Factory open;
};
void PrintTo(const Engine& e, std::ostream* os) { *os << e.name; }

std::vector<Engine> engines() {
  return {{"sqlite", [](const std::string& path) -> std::unique_ptr<Store> {
             auto s = SqliteStore::open(path);
             if (!s) throw std::runtime_error(s.error().message);
             return std::move(*s);
           }}};
}

class StoreConformance : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');  // "Test/sqlite"
    path_ = (std::filesystem::temp_directory_path() /
             ("jingban_store_" + std::to_string(::getpid()) + "_" + name + ".db"))
                .string();
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
    store_ = GetParam().open(path_);
  }
  void TearDown() override {
    store_.reset();
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
  }
  void reopen() {
    store_.reset();
    store_ = GetParam().open(path_);
  }

  // A submitted case numbered `no`, its events chained.
  static std::shared_ptr<CaseState> makeCase(const std::string& no) {
    auto c = std::make_shared<CaseState>();
    c->case_no = no;
    c->region = "qinghai";
    c->item_code = "002036001001";
    c->item_name = "单位参保登记";
    c->channel = "窗口";
    c->query_code = "ABCD2345";
    c->applicant = {"unit", "91630100MA0000001X", "某公司", ""};
    c->submitted_at = at(D(2026, 3, 10));
    Event e;
    e.seq = 1;
    e.at = c->submitted_at;
    e.actor = "applicant";
    e.action = "submit";
    e.step = "申请";
    c->events.push_back(e);
    chainEvents(c->case_no, c->events);
    return c;
  }
  static UnitOfWork insertUnit(std::shared_ptr<CaseState> c) {
    CaseRow row{c, storageFixed(*c).dump(), storageState(*c).dump(), "受理", false};
    return [row](Tx& tx) -> Result<void> {
      if (auto r = tx.insertCase(row); !r) return r;
      return tx.appendEvents(row.state->case_no, row.state->events);
    };
  }
  std::vector<Result<void>> run(std::vector<UnitOfWork> units) {
    std::vector<Result<void>> results;
    store_->runBatch(units, results);
    return results;
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformance, AUnitCommitsItsReadsAndWritesTogether) {
  auto c = makeCase("630000-20260310-000001");
  auto results = run({insertUnit(c)});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0]) << results[0].error().message;
  auto loaded = store_->loadCase(c->case_no);
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ((*loaded)->events.size(), 1u);
  EXPECT_EQ((*loaded)->events[0].hash, c->events[0].hash);
  EXPECT_EQ((*loaded)->query_code, "ABCD2345");
}

TEST_P(StoreConformance, AFailingUnitRollsBackAloneInItsBatch) {
  auto a = makeCase("630000-20260310-000001");
  auto b = makeCase("630000-20260310-000002");
  auto c = makeCase("630000-20260310-000003");
  // The middle unit writes, then fails: its writes (the case row) must vanish, its neighbours'
  // must stay.
  UnitOfWork failing = [inner = insertUnit(b)](Tx& tx) -> Result<void> {
    if (auto r = inner(tx); !r) return r;
    if (auto n = tx.nextSequence("x"); !n) return std::unexpected(n.error());
    return fail(ErrorCode::kUnprocessable, "refused", "被规则拒绝");
  };
  auto results = run({insertUnit(a), failing, insertUnit(c)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().slug, "refused");
  EXPECT_TRUE(results[2]);
  EXPECT_TRUE(*store_->loadCase(a->case_no));
  EXPECT_FALSE(*store_->loadCase(b->case_no));
  EXPECT_TRUE(*store_->loadCase(c->case_no));
  // The failed unit's sequence allocation was rolled back too.
  auto n = run({[](Tx& tx) -> Result<void> {
    auto v = tx.nextSequence("x");
    if (!v) return std::unexpected(v.error());
    if (*v != 1) return fail(ErrorCode::kInternal, "seq", "expected 1, got " + std::to_string(*v));
    return {};
  }});
  EXPECT_TRUE(n[0]) << n[0].error().message;
}

TEST_P(StoreConformance, SequencesAreNumericPastAMillionAndSurviveAReopen) {
  std::vector<int64_t> seen;
  auto take = [&](int count) {
    std::vector<UnitOfWork> units;
    for (int i = 0; i < count; ++i)
      units.push_back([&seen](Tx& tx) -> Result<void> {
        auto v = tx.nextSequence("case:630000-20260310");
        if (!v) return std::unexpected(v.error());
        seen.push_back(*v);
        return {};
      });
    for (auto& r : run(std::move(units))) ASSERT_TRUE(r);
  };
  take(3);
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
  // Past 999,999 the numbers keep growing numerically (text comparison would wrap).
  auto jump = run({[](Tx& tx) -> Result<void> {
    for (int i = 0; i < 999'996; ++i) {
      // Allocate in bulk through the same statement a busy day would.
      auto v = tx.nextSequence("case:630000-20260310");
      if (!v) return std::unexpected(v.error());
    }
    return {};
  }});
  ASSERT_TRUE(jump[0]);
  reopen();
  seen.clear();
  take(2);
  EXPECT_EQ(seen, (std::vector<int64_t>{1'000'000, 1'000'001}));
}

TEST_P(StoreConformance, AStaleVersionConflicts) {
  auto c = makeCase("630000-20260310-000001");
  ASSERT_TRUE(run({insertUnit(c)})[0]);
  auto next = std::make_shared<CaseState>(*c);
  Event e;
  e.seq = 2;
  e.at = at(D(2026, 3, 10), 11);
  e.actor = "qinghai_window";
  e.action = "accept";
  e.step = "受理";
  next->events.push_back(e);
  chainEvents(next->case_no, next->events, 1);
  CaseRow row{next, "", storageState(*next).dump(), "初审", false};
  auto update = [row](int previous) {
    return [row, previous](Tx& tx) -> Result<void> {
      if (auto r = tx.updateCase(row, previous, true); !r) return r;
      return tx.appendEvents(row.state->case_no, {row.state->events.back()});
    };
  };
  auto first = run({update(1)});
  ASSERT_TRUE(first[0]) << first[0].error().message;
  auto second = run({update(1)});  // the row is at version 2 now
  ASSERT_FALSE(second[0]);
  EXPECT_EQ(second[0].error().code, ErrorCode::kConflict);
  EXPECT_EQ((*store_->loadCase(c->case_no))->events.size(), 2u);
}

TEST_P(StoreConformance, IdempotencyRecordsAreFoundAgainAndUnique) {
  auto c = makeCase("630000-20260310-000001");
  IdempotencyRecord rec{"staff:qinghai_window|submit|k1", "hash1", c->case_no, "{\"ok\":1}", 1};
  auto results = run({[inner = insertUnit(c), rec](Tx& tx) -> Result<void> {
    if (auto r = inner(tx); !r) return r;
    return tx.putIdempotency(rec);
  }});
  ASSERT_TRUE(results[0]);
  reopen();
  auto found = store_->idempotency(rec.scope);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->request_hash, "hash1");
  EXPECT_EQ((*found)->response, "{\"ok\":1}");
  EXPECT_FALSE(*store_->idempotency("staff:xining_window|submit|k1"));
  auto again = run({[rec](Tx& tx) { return tx.putIdempotency(rec); }});
  ASSERT_FALSE(again[0]);
}

TEST_P(StoreConformance, CommittedWorkSurvivesAReopenWithoutShutdown) {
  // The committer acknowledges only after COMMIT (synchronous=FULL); a reopen sees everything.
  {
    Committer committer(*store_);
    std::atomic<int> acknowledged{0};
    for (int i = 1; i <= 50; ++i)
      committer.submit(insertUnit(makeCase("630000-20260310-" + std::to_string(100000 + i))),
                       [&](Result<void> r) {
                         if (r) acknowledged++;
                       });
    committer.stop();
    EXPECT_EQ(acknowledged.load(), 50);
  }
  reopen();
  CaseFilter f;
  f.limit = 500;
  auto n = store_->countCases(f);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 50);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreConformance, ::testing::ValuesIn(engines()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace jingban
