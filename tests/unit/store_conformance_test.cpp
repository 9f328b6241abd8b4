// The store conformance suite: what every engine of store/store.hpp must do (SQLite now; a
// PostgreSQL engine must pass the same tests). Units of work commit together or not at all, one
// failing unit rolls back alone, sequences are numeric and survive a reopen, versions conflict,
// idempotency records are found again, and what was committed is there after a crash-like reopen.
// The registers: a unit's register writes roll back with it, claim() marks an event applied once,
// a payment is booked once, an account never goes below zero and closes only at zero, every change
// of a unit or person is kept with before/after, and dump() is the same after clearing the
// registers and applying the same changes again, and after a reopen.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
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
      const auto events = row.state->events.copy();
      return tx.appendEvents(row.state->case_no, events);
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
      return tx.appendEvents(row.state->case_no, std::span(&row.state->events.back(), 1));
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

// ---- the registers -----------------------------------------------------------------------------

Cause cause(const std::string& source, int seq, int64_t at_seconds = 1'773'100'000) {
  return Cause{source, seq, at_seconds};
}

Unit sampleUnit(const std::string& code = "91630100MA0000001X") {
  Unit u;
  u.region = "qinghai";
  u.credit_code = code;
  u.name = "青海某某有限公司";
  u.type = "企业";
  u.address = "西宁市城中区某路1号";
  u.legal_representative = "王某";
  u.phone = "0971-1234567";
  return u;
}

Person samplePerson(const std::string& id_no = "630102199001011234",
                    const std::string& name = "张三") {
  Person p;
  p.region = "qinghai";
  p.id_no = id_no;
  p.name = name;
  p.sex = "男";
  p.birth_date = "1990-01-01";
  p.insurance_type = "职工";
  p.unit = "91630100MA0000001X";
  p.employment = "在职";
  p.contribution_base_fen = 500'000;
  p.identities = {"低保"};
  p.enrolments = {Enrolment{"2020-01", "2023-12", kEnrolPaying, "职工", "91630100MA0000001X"},
                  Enrolment{"2024-03", "", kEnrolPaying, "职工", "91630100MA0000001X"}};
  return p;
}

Payment samplePayment(const std::string& case_no, int seq, int64_t fen, int64_t at_seconds) {
  Payment p;
  p.region = "qinghai";
  p.case_no = case_no;
  p.event_seq = seq;
  p.payee_kind = "person";
  p.payee = "张三";
  p.payee_account = "6222000000000001";
  p.amount_fen = fen;
  p.purpose = "住院费用报销";
  p.at = at_seconds;
  p.month = "2026-03";
  return p;
}

PersonFilter personFilter(const std::string& name, const std::string& unit = "",
                          const std::string& type = "", int limit = 100, int offset = 0) {
  PersonFilter f;
  f.region = "qinghai";
  f.name = name;
  f.unit = unit;
  f.insurance_type = type;
  f.limit = limit;
  f.offset = offset;
  return f;
}

UnitFilter unitFilter(const std::string& name, const std::string& status = "") {
  UnitFilter f;
  f.region = "qinghai";
  f.name = name;
  f.status = status;
  return f;
}

// A claim of 2026 (amounts zero: each test sets what it counts).
Claim sampleClaim(const std::string& id_no, const std::string& case_no) {
  Claim c;
  c.region = "qinghai";
  c.id_no = id_no;
  c.case_no = case_no;
  c.year = 2026;
  c.admission = "2026-03-01";
  return c;
}

// Runs one unit of work that only touches the registers; its result.
Result<void> StoreConformanceRun(Store& s, std::function<Result<void>(RegisterTx&)> f) {
  std::vector<UnitOfWork> units{[f](Tx& tx) { return f(tx.registers()); }};
  std::vector<Result<void>> results;
  s.runBatch(units, results);
  return results.at(0);
}

#define REG(body) StoreConformanceRun(*store_, [&](RegisterTx & r) -> Result<void> body)
#define TRY(expr)                       \
  if (auto _r = (expr); !_r) {          \
    return std::unexpected(_r.error()); \
  }

TEST_P(StoreConformance, RegisterWritesOfAFailingUnitRollBackAlone) {
  auto a = makeCase("630000-20260310-000001");
  auto b = makeCase("630000-20260310-000002");
  auto c = makeCase("630000-20260310-000003");
  auto apply = [](std::shared_ptr<CaseState> cs, Person p, bool then_fail) -> UnitOfWork {
    return [inner = insertUnit(cs), cs, p, then_fail](Tx& tx) -> Result<void> {
      TRY(inner(tx));
      RegisterTx& r = tx.registers();
      auto claimed = r.claim(cause(cs->case_no, 1));
      if (!claimed) return std::unexpected(claimed.error());
      TRY(r.putPerson(p, cause(cs->case_no, 1)));
      TRY(r.addAccountEntry(p.region, p.id_no, {1, 10'000, "划入", cs->case_no}));
      TRY(r.addPayment(samplePayment(cs->case_no, 1, 2'000, 5)));
      if (then_fail) return fail(ErrorCode::kUnprocessable, "refused", "被规则拒绝");
      return {};
    };
  };
  auto results = run({apply(a, samplePerson("630102199001011234"), false),
                      apply(b, samplePerson("630102199001012345"), true),
                      apply(c, samplePerson("630102199001013456"), false)});
  ASSERT_TRUE(results[0]) << results[0].error().message;
  ASSERT_FALSE(results[1]);
  ASSERT_TRUE(results[2]) << results[2].error().message;
  RegisterReads& regs = store_->registers();
  EXPECT_TRUE(*regs.person("qinghai", "630102199001011234"));
  EXPECT_FALSE(*regs.person("qinghai", "630102199001012345"));
  EXPECT_FALSE(*regs.account("qinghai", "630102199001012345"));
  EXPECT_TRUE(*regs.person("qinghai", "630102199001013456"));
  auto payments = regs.payments({"qinghai", "2026-03"});
  ASSERT_TRUE(payments);
  ASSERT_EQ(payments->size(), 2u);
  EXPECT_EQ((*payments)[0].case_no, a->case_no);
  EXPECT_EQ((*payments)[1].case_no, c->case_no);
  auto log = store_->registerLog();
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].source, a->case_no);
  EXPECT_EQ((*log)[1].source, c->case_no);
  // The failed unit's claim went with it: its event can still be applied.
  EXPECT_TRUE(REG({
    auto claimed = r.claim(cause(b->case_no, 1));
    if (!claimed) return std::unexpected(claimed.error());
    if (!*claimed) return fail(ErrorCode::kInternal, "claimed", "the rolled-back claim stayed");
    return {};
  }));
}

TEST_P(StoreConformance, AnEventIsClaimedOnceAndTheLogKeepsCommitOrder) {
  std::vector<bool> answers;
  auto claim = [&](const Cause& c) {
    return REG({
      auto v = r.claim(c);
      if (!v) return std::unexpected(v.error());
      answers.push_back(*v);
      return {};
    });
  };
  ASSERT_TRUE(claim(cause("630000-20260310-000002", 3, 20)));
  ASSERT_TRUE(claim(cause("630000-20260310-000001", 5, 10)));
  ASSERT_TRUE(claim(cause("630000-20260310-000002", 3, 30)));  // the same event again
  ASSERT_TRUE(claim(cause("630000-20260310-000002", 4, 40)));  // the next event of the case
  ASSERT_TRUE(claim(cause("import:b1", 0, 50)));
  EXPECT_EQ(answers, (std::vector<bool>{true, true, false, true, true}));
  // Twice in one unit: the second answer is false as well.
  answers.clear();
  ASSERT_TRUE(REG({
    for (int i = 0; i < 2; ++i) {
      auto v = r.claim(cause("630000-20260310-000003", 2));
      if (!v) return std::unexpected(v.error());
      answers.push_back(*v);
    }
    return {};
  }));
  EXPECT_EQ(answers, (std::vector<bool>{true, false}));
  auto log = store_->registerLog();
  ASSERT_TRUE(log);
  std::vector<std::string> order;
  for (const auto& c : *log) order.push_back(c.source + "#" + std::to_string(c.event_seq));
  EXPECT_EQ(order, (std::vector<std::string>{"630000-20260310-000002#3", "630000-20260310-000001#5",
                                             "630000-20260310-000002#4", "import:b1#0",
                                             "630000-20260310-000003#2"}));
  EXPECT_EQ((*log)[0].at, 20);  // the first claim's time, not the repeated one's
}

TEST_P(StoreConformance, APaymentIsBookedExactlyOnce) {
  const std::string no = "630000-20260310-000001";
  ASSERT_TRUE(REG({ return r.addPayment(samplePayment(no, 6, 12'345, 100)); }));
  auto again = REG({ return r.addPayment(samplePayment(no, 6, 12'345, 100)); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  // Another event of the same case is another payment.
  ASSERT_TRUE(REG({ return r.addPayment(samplePayment(no, 7, 1, 50)); }));
  auto zero = REG({ return r.addPayment(samplePayment(no, 8, 0, 50)); });
  ASSERT_FALSE(zero);
  auto all = store_->registers().payments({"qinghai", "2026-03"});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].event_seq, 7);  // ordered by time
  EXPECT_EQ((*all)[1].amount_fen, 12'345);
  EXPECT_EQ((*all)[1].payee_account, "6222000000000001");
  auto page = store_->registers().payments({"qinghai", "2026-03", 1, 1});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].event_seq, 6);
  EXPECT_TRUE(store_->registers().payments({"qinghai", "2026-04"})->empty());
  EXPECT_TRUE(store_->registers().payments({"xining", "2026-03"})->empty());
}

TEST_P(StoreConformance, AnAccountNeverGoesBelowZeroAndClosesOnlyAtZero) {
  const std::string id = "630102199001011234";
  auto entry = [&](int64_t fen) {
    return REG({
      return r.addAccountEntry("qinghai", id,
                               {100, fen, fen > 0 ? "划入" : "支取", "630000-20260310-000001"});
    });
  };
  auto refused = entry(-1);  // no account yet: a debit cannot open one
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(*store_->registers().account("qinghai", id));
  auto close_missing = REG({ return r.closeAccount("qinghai", id, cause("x", 1)); });
  ASSERT_FALSE(close_missing);

  ASSERT_TRUE(entry(1'000));
  ASSERT_TRUE(entry(500));
  auto over = entry(-1'501);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kConflict);
  auto acc = store_->registers().account("qinghai", id);
  ASSERT_TRUE(acc && *acc);
  EXPECT_EQ((*acc)->balance_fen, 1'500);
  EXPECT_EQ((*acc)->status, "正常");

  auto early = REG({ return r.closeAccount("qinghai", id, cause("630000-20260310-000002", 4)); });
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);

  // A withdrawal and the close in one unit, as 一次性支取 does it.
  ASSERT_TRUE(REG({
    TRY(r.addAccountEntry("qinghai", id, {200, -1'500, "支取", "630000-20260310-000002"}));
    auto a = r.account("qinghai", id);  // the unit reads its own write
    if (!a) return std::unexpected(a.error());
    if (!*a || (*a)->balance_fen != 0) return fail(ErrorCode::kInternal, "balance", "not zero");
    return r.closeAccount("qinghai", id, cause("630000-20260310-000002", 4));
  }));
  acc = store_->registers().account("qinghai", id);
  ASSERT_TRUE(acc && *acc);
  EXPECT_EQ((*acc)->status, "已销户");
  EXPECT_EQ((*acc)->balance_fen, 0);
  auto after_close = entry(100);
  ASSERT_FALSE(after_close);
  EXPECT_EQ(after_close.error().code, ErrorCode::kConflict);
  auto twice = REG({ return r.closeAccount("qinghai", id, cause("630000-20260310-000003", 4)); });
  ASSERT_FALSE(twice);

  auto entries = store_->registers().accountEntries("qinghai", id);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[2].amount_fen, -1'500);
  EXPECT_EQ((*entries)[2].source, "630000-20260310-000002");
}

TEST_P(StoreConformance, AnAccountSumCannotOverflow) {
  const std::string id = "630102199001011234";
  // Each entry is at most 10^12 fen; 10^7 of them cannot be written here, so the overflow check
  // is exercised on the bound itself: an entry above it is refused outright.
  auto big = REG({
    return r.addAccountEntry("qinghai", id, {1, std::numeric_limits<int64_t>::max(), "划入", "s"});
  });
  ASSERT_FALSE(big);
  auto low = REG({
    return r.addAccountEntry("qinghai", id, {1, std::numeric_limits<int64_t>::min(), "支取", "s"});
  });
  ASSERT_FALSE(low);
  EXPECT_FALSE(*store_->registers().account("qinghai", id));
}

TEST_P(StoreConformance, EveryChangeOfAUnitOrPersonIsKeptWithBeforeAndAfter) {
  const std::string code = "91630100MA0000001X";
  ASSERT_TRUE(
      REG({ return r.putUnit(sampleUnit(code), cause("630000-20260310-000001", 5, 100)); }));
  Unit changed = sampleUnit(code);
  changed.name = "青海新名称有限公司";
  changed.status = kUnitSuspended;
  ASSERT_TRUE(REG({ return r.putUnit(changed, cause("630000-20260311-000001", 6, 200)); }));
  // The same again changes nothing and adds no entry.
  ASSERT_TRUE(REG({ return r.putUnit(changed, cause("630000-20260312-000001", 6, 300)); }));

  auto h = store_->registers().unitHistory("qinghai", code);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].source, "630000-20260310-000001");
  EXPECT_EQ((*h)[0].at, 100);
  const auto& first = (*h)[0].changes;
  EXPECT_TRUE(first["name"]["before"].is_null());
  EXPECT_EQ(first["name"]["after"], "青海某某有限公司");
  EXPECT_EQ(first["status"]["after"], "正常");
  EXPECT_FALSE(first.contains("bank_account"));  // empty: not recorded
  EXPECT_FALSE(first.contains("credit_code"));   // the key is not a change
  nlohmann::json second = {
      {"name", {{"before", "青海某某有限公司"}, {"after", "青海新名称有限公司"}}},
      {"status", {{"before", "正常"}, {"after", "暂停"}}}};
  EXPECT_EQ((*h)[1].changes, second);
  auto u = store_->registers().unit("qinghai", code);
  ASSERT_TRUE(u && *u);
  EXPECT_EQ((*u)->name, "青海新名称有限公司");
  EXPECT_EQ((*u)->type, "企业");
  EXPECT_FALSE(*store_->registers().unit("xining", code));

  Person p = samplePerson();
  ASSERT_TRUE(REG({ return r.putPerson(p, cause("630000-20260310-000002", 5, 100)); }));
  Person q = p;
  q.enrolments[1].to = "2026-02";
  q.enrolments.push_back(Enrolment{"2026-03", "", kEnrolSuspended, "职工", p.unit});
  q.status = kEnrolSuspended;
  q.identities = {};
  ASSERT_TRUE(REG({ return r.putPerson(q, cause("630000-20260311-000002", 7, 200)); }));
  auto got = store_->registers().person("qinghai", p.id_no);
  ASSERT_TRUE(got && *got);
  ASSERT_EQ((*got)->enrolments.size(), 3u);
  EXPECT_EQ((*got)->enrolments[1].to, "2026-02");
  EXPECT_EQ((*got)->enrolments[2].status, kEnrolSuspended);
  EXPECT_EQ((*got)->status, kEnrolSuspended);
  EXPECT_TRUE((*got)->identities.empty());
  EXPECT_EQ((*got)->contribution_base_fen, 500'000);
  auto ph = store_->registers().personHistory("qinghai", p.id_no);
  ASSERT_TRUE(ph);
  ASSERT_EQ(ph->size(), 2u);
  const auto& created = (*ph)[0].changes;
  EXPECT_TRUE(created["contribution_base_fen"]["before"].is_null());
  EXPECT_EQ(created["contribution_base_fen"]["after"], 500'000);
  EXPECT_EQ(created["identities"]["after"], nlohmann::json::array({"低保"}));
  EXPECT_EQ(created["enrolments"]["after"].size(), 2u);
  EXPECT_EQ(created["enrolments"]["after"][1]["from"], "2024-03");
  const auto& change = (*ph)[1].changes;
  EXPECT_EQ(change.size(), 3u) << change.dump();  // enrolments, identities, status
  EXPECT_EQ(change["status"]["before"], kEnrolPaying);
  EXPECT_EQ(change["identities"]["after"], nlohmann::json::array());
  EXPECT_EQ(change["enrolments"]["before"].size(), 2u);
  EXPECT_EQ(change["enrolments"]["after"].size(), 3u);
  EXPECT_EQ(contributionMonths((*got)->enrolments, "2026-12"), 48 + 24);
}

TEST_P(StoreConformance, ClaimsAndPremiumsAddUpPerYear) {
  const std::string id = "630102199001011234";
  Claim c = sampleClaim(id, "630000-20260310-000001");
  c.total_fen = 100'000;
  c.fund_fen = 60'000;
  c.serious_illness_fen = 5'000;
  c.assistance_fen = 1'000;
  c.deductible_fen = 80'000;
  c.personal_eligible_fen = 20'000;
  ASSERT_TRUE(REG({ return r.addClaim(c); }));
  Claim d = c;
  d.case_no = "630000-20260410-000001";
  d.fund_fen = 40'000;
  d.deductible_fen = 0;
  ASSERT_TRUE(REG({ return r.addClaim(d); }));
  auto dup = REG({ return r.addClaim(d); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  Claim last_year = c;
  last_year.year = 2025;
  last_year.case_no = "630000-20251210-000001";
  ASSERT_TRUE(REG({ return r.addClaim(last_year); }));
  auto ytd = store_->registers().claimsInYear("qinghai", id, 2026);
  ASSERT_TRUE(ytd);
  EXPECT_EQ(ytd->fund_fen, 100'000);
  EXPECT_EQ(ytd->serious_illness_fen, 10'000);
  EXPECT_EQ(ytd->assistance_fen, 2'000);
  EXPECT_EQ(ytd->deductible_fen, 80'000);
  EXPECT_EQ(ytd->personal_eligible_fen, 40'000);
  EXPECT_EQ(ytd->claims, 2);
  EXPECT_EQ(store_->registers().claimsInYear("qinghai", id, 2024)->claims, 0);

  ASSERT_TRUE(REG({
    TRY(r.addPremium({"qinghai", id, 2026, "个人缴费", 40'000, "import:b1"}));
    return r.addPremium({"qinghai", id, 2026, "资助", 40'000, "630000-20260310-000009"});
  }));
  auto prem = store_->registers().premiums("qinghai", id, 2026);
  ASSERT_TRUE(prem);
  ASSERT_EQ(prem->size(), 2u);
  EXPECT_EQ((*prem)[1].kind, "资助");
  EXPECT_TRUE(store_->registers().premiums("qinghai", id, 2025)->empty());
}

TEST_P(StoreConformance, PersonsAndUnitsAreSearchedByNamePrefixUnitAndStatus) {
  ASSERT_TRUE(REG({
    TRY(r.putUnit(sampleUnit("91630100MA0000001X"), cause("s", 1)));
    Unit other = sampleUnit("91630100MA0000002X");
    other.name = "西宁某某医院";
    other.status = kUnitCancelled;
    TRY(r.putUnit(other, cause("s", 1)));
    TRY(r.putPerson(samplePerson("630102199001011234", "张三"), cause("s", 1)));
    TRY(r.putPerson(samplePerson("630102199001012345", "张三丰"), cause("s", 1)));
    Person resident = samplePerson("630102199001013456", "李四");
    resident.insurance_type = "城乡居民";
    resident.unit = "";
    return r.putPerson(resident, cause("s", 1));
  }));
  RegisterReads& regs = store_->registers();
  auto names = [](const std::vector<Person>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(names(*regs.persons(personFilter("张三"))),
            (std::vector<std::string>{"张三", "张三丰"}));
  EXPECT_EQ(names(*regs.persons(personFilter("张三丰"))), (std::vector<std::string>{"张三丰"}));
  EXPECT_TRUE(regs.persons(personFilter("张%"))->empty());  // no wildcards in a prefix
  EXPECT_EQ(names(*regs.persons(personFilter("", "91630100MA0000001X"))),
            (std::vector<std::string>{"张三", "张三丰"}));
  EXPECT_EQ(names(*regs.persons(personFilter("", "", "城乡居民"))),
            (std::vector<std::string>{"李四"}));
  EXPECT_EQ(names(*regs.persons(personFilter("", "", "", 1, 1))),
            (std::vector<std::string>{"张三丰"}));
  EXPECT_TRUE(regs.persons(PersonFilter{"xining", "", "", "", 100, 0})->empty());
  auto listed = regs.persons(personFilter(""));
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_TRUE((*listed)[0].enrolments.empty());  // lists carry no enrolments
  EXPECT_EQ((*listed)[0].identities, std::vector<std::string>{"低保"});

  EXPECT_EQ(regs.units(unitFilter(""))->size(), 2u);
  auto hospital = regs.units(unitFilter("西宁"));
  ASSERT_EQ(hospital->size(), 1u);
  EXPECT_EQ((*hospital)[0].credit_code, "91630100MA0000002X");
  auto active = regs.units(unitFilter("", kUnitActive));
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].credit_code, "91630100MA0000001X");
}

// The changes of a small history, applied as effects do: claim first, change only when claimed.
Result<void> applyScript(RegisterTx& r) {
  auto once = [&](const Cause& c, const std::function<Result<void>()>& change) -> Result<void> {
    auto claimed = r.claim(c);
    if (!claimed) return std::unexpected(claimed.error());
    if (!*claimed) return {};
    return change();
  };
  const Cause c1 = cause("630000-20260310-000001", 5, 100);
  const Cause c2 = cause("630000-20260311-000001", 6, 200);
  const Cause c3 = cause("import:batch-1", 0, 300);
  const Cause c4 = cause("630000-20260312-000001", 7, 400);
  TRY(once(c1, [&] { return r.putUnit(sampleUnit(), c1); }));
  TRY(once(c2, [&]() -> Result<void> {
    TRY(r.putPerson(samplePerson(), c2));
    return r.addAccountEntry("qinghai", "630102199001011234", {200, 30'000, "划入", c2.source});
  }));
  TRY(once(c3, [&]() -> Result<void> {
    for (int i = 0; i < 20; ++i) {
      Person p =
          samplePerson("63010219900101" + std::to_string(5000 + i), "居民" + std::to_string(i));
      p.insurance_type = "城乡居民";
      p.unit = p.employment = "";
      p.contribution_base_fen = 0;
      p.enrolments = {Enrolment{"2026-01", "", kEnrolPaying, "城乡居民", ""}};
      TRY(r.putPerson(p, c3));
      TRY(r.addPremium({"qinghai", p.id_no, 2026, "个人缴费", 40'000, c3.source}));
    }
    return {};
  }));
  TRY(once(c4, [&]() -> Result<void> {
    Person p = samplePerson();
    p.employment = "退休";
    TRY(r.putPerson(p, c4));
    TRY(r.addAccountEntry("qinghai", p.id_no, {400, -30'000, "支取", c4.source}));
    TRY(r.closeAccount("qinghai", p.id_no, c4));
    TRY(r.addPayment(samplePayment(c4.source, c4.event_seq, 30'000, 400)));
    Claim claim = sampleClaim(p.id_no, c4.source);
    claim.total_fen = claim.fund_fen = claim.personal_eligible_fen = 1;
    TRY(r.addClaim(claim));
    auto n = r.nextNumber("filing:qinghai");
    TRY(n);
    RegisterEntry e{"filing",     "qinghai", "BA" + std::to_string(*n), p.id_no, "有效",
                    "2026-04-01", ""};
    e.data = {{"category", "异地安置退休"}, {"place", "海南省三亚市"}};
    return r.putEntry(e, c4);
  }));
  return {};
}

TEST_P(StoreConformance, AnEntryKeepsEveryChangeAndIsFoundByOwnerAndStatus) {
  const std::string id = "630102199001011234";
  RegisterEntry e{"filing", "qinghai", "F1", id, "有效", "2026-03-01", "2026-08-31"};
  e.data = {{"category", "其他临时外出"}, {"place", "北京市"}};
  ASSERT_TRUE(REG({ return r.putEntry(e, cause("630000-20260301-000001", 5, 100)); }));
  RegisterEntry later{"filing", "qinghai", "F0", id, "有效", "2026-09-01", ""};
  ASSERT_TRUE(REG({ return r.putEntry(later, cause("630000-20260302-000001", 5, 150)); }));
  RegisterEntry other{"filing", "qinghai", "F2", "630102199001015000", "有效", "2026-01-01", ""};
  ASSERT_TRUE(REG({ return r.putEntry(other, cause("630000-20260303-000001", 5, 160)); }));
  // A change: status and one data field; a field removed is recorded with after = null.
  RegisterEntry changed = e;
  changed.status = "已撤销";
  changed.to = "2026-05-31";
  changed.data = {{"category", "其他临时外出"}};
  ASSERT_TRUE(REG({ return r.putEntry(changed, cause("630000-20260401-000001", 5, 200)); }));
  // The same again adds no history.
  ASSERT_TRUE(REG({ return r.putEntry(changed, cause("630000-20260402-000001", 5, 300)); }));

  RegisterReads& regs = store_->registers();
  auto got = regs.entry("filing", "qinghai", "F1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->status, "已撤销");
  EXPECT_EQ((*got)->to, "2026-05-31");
  EXPECT_EQ((*got)->data, (nlohmann::json{{"category", "其他临时外出"}}));
  EXPECT_FALSE(*regs.entry("filing", "xining", "F1"));
  EXPECT_FALSE(*regs.entry("qualification", "qinghai", "F1"));

  auto h = regs.entryHistory("filing", "qinghai", "F1");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].changes["data.place"]["after"], "北京市");
  EXPECT_TRUE((*h)[0].changes["status"]["before"].is_null());
  nlohmann::json second = {{"status", {{"before", "有效"}, {"after", "已撤销"}}},
                           {"to", {{"before", "2026-08-31"}, {"after", "2026-05-31"}}},
                           {"data.place", {{"before", "北京市"}, {"after", nullptr}}}};
  EXPECT_EQ((*h)[1].changes, second);
  EXPECT_EQ((*h)[1].source, "630000-20260401-000001");

  auto mine = regs.entries(EntryFilter{"filing", "qinghai", id});
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].key, "F1");  // in order of `from`
  EXPECT_EQ((*mine)[1].key, "F0");
  auto valid = regs.entries(EntryFilter{"filing", "qinghai", "", "有效"});
  ASSERT_TRUE(valid);
  EXPECT_EQ(valid->size(), 2u);  // F2 (another person) and F0
  auto page = regs.entries(EntryFilter{"filing", "qinghai", "", "", 1, 1});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].key, "F1");

  // Bad periods are refused and change nothing.
  RegisterEntry bad = later;
  bad.to = "2026-08-01";  // before `from`
  auto r1 = REG({ return r.putEntry(bad, cause("630000-20260501-000001", 5, 400)); });
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, ErrorCode::kUnprocessable);
  bad.to = "2026-13";
  EXPECT_FALSE(REG({ return r.putEntry(bad, cause("630000-20260501-000001", 5, 400)); }));
  EXPECT_EQ((*regs.entry("filing", "qinghai", "F0"))->to, "");

  // Numbers count per name, inside the unit of work: a failing unit gives its number back.
  ASSERT_TRUE(REG({
    auto n = r.nextNumber("institution:qinghai:H");
    TRY(n);
    EXPECT_EQ(*n, 1);
    return {};
  }));
  EXPECT_FALSE(REG({
    auto n = r.nextNumber("institution:qinghai:H");
    TRY(n);
    EXPECT_EQ(*n, 2);
    return fail(ErrorCode::kConflict, "x", "回滚");
  }));
  ASSERT_TRUE(REG({
    auto n = r.nextNumber("institution:qinghai:H");
    TRY(n);
    EXPECT_EQ(*n, 2);
    auto m = r.nextNumber("institution:qinghai:P");
    TRY(m);
    EXPECT_EQ(*m, 1);
    return {};
  }));
}

TEST_P(StoreConformance, TheRegistersDumpTheSameAfterClearingAndApplyingAgain) {
  ASSERT_TRUE(run({[](Tx& tx) -> Result<void> {
    TRY(tx.putImportBatch({"batch-1", "qinghai", "residents", 300, "qinghai_window",
                           "id_no,name,phone,identity\n", 20, 3}));
    return applyScript(tx.registers());
  }})[0]);
  // Applying again changes nothing: every event is claimed already.
  auto before = store_->registers().dump();
  ASSERT_TRUE(before) << before.error().message;
  ASSERT_TRUE(REG({ return applyScript(r); }));
  EXPECT_EQ(store_->registers().dump()->dump(), before->dump());
  EXPECT_EQ(before->at("persons").size(), 21u);
  EXPECT_EQ(before->at("units").size(), 1u);
  EXPECT_EQ(before->at("payments").size(), 1u);
  EXPECT_EQ(before->at("applied").size(), 4u);
  ASSERT_EQ(before->at("entries").size(), 1u);
  EXPECT_EQ(before->at("entries")[0].at("key"), "BA1");  // numbered again from 1 on a rebuild
  EXPECT_EQ(before->at("numbers").at("filing:qinghai"), 1);
  EXPECT_EQ(before->at("persons")[0].at("history").size(), 2u) << before->at("persons")[0].dump();

  ASSERT_TRUE(run({[](Tx& tx) { return tx.clearRegisters(); }})[0]);
  auto empty = store_->registers().dump();
  ASSERT_TRUE(empty);
  for (const auto& [k, v] : empty->items()) EXPECT_TRUE(v.empty()) << k;
  EXPECT_TRUE(store_->registerLog()->empty());
  auto batch = store_->importBatch("batch-1");  // a source document: it stays
  ASSERT_TRUE(batch && *batch);
  EXPECT_EQ((*batch)->accepted, 20);
  EXPECT_EQ((*batch)->rows, "id_no,name,phone,identity\n");
  EXPECT_FALSE(*store_->importBatch("batch-2"));

  ASSERT_TRUE(REG({ return applyScript(r); }));
  auto after = store_->registers().dump();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->dump(), before->dump());

  // Crash recovery: what was committed is there, the same, after reopening the file.
  reopen();
  auto reopened = store_->registers().dump();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->dump(), before->dump());
  EXPECT_EQ(store_->registerLog()->size(), 4u);
  auto dup = run({[](Tx& tx) {
    return tx.putImportBatch({"batch-1", "qinghai", "residents", 1, "x", "", 0, 0});
  }});
  ASSERT_FALSE(dup[0]);
  EXPECT_EQ(dup[0].error().code, ErrorCode::kConflict);
}

TEST_P(StoreConformance, RegistersSurviveAProcessThatDiesRightAfterCommitting) {
  // A child process commits and dies without closing anything (no destructor, no checkpoint);
  // whatever it was told was committed must be there when the file is opened again.
  store_.reset();
  ::fflush(nullptr);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int code = 1;
    try {
      auto s = GetParam().open(path_);
      std::vector<UnitOfWork> units{[](Tx& tx) -> Result<void> {
        TRY(tx.putImportBatch({"batch-1", "qinghai", "residents", 300, "qinghai_window",
                               "id_no,name,phone,identity\n", 20, 3}));
        return applyScript(tx.registers());
      }};
      std::vector<Result<void>> results;
      s->runBatch(units, results);
      if (results.at(0)) code = 0;
      s.release();  // never closed: the process just ends
    } catch (...) {
    }
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  store_ = GetParam().open(path_);
  auto log = store_->registerLog();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->size(), 4u);
  auto dumped = store_->registers().dump();
  ASSERT_TRUE(dumped);
  EXPECT_EQ(dumped->at("persons").size(), 21u);
  EXPECT_EQ(dumped->at("payments").size(), 1u);
  EXPECT_TRUE(*store_->importBatch("batch-1"));
  // And it is the same as applying the same changes in this process.
  ASSERT_TRUE(run({[](Tx& tx) { return tx.clearRegisters(); }})[0]);
  ASSERT_TRUE(REG({ return applyScript(r); }));
  EXPECT_EQ(store_->registers().dump()->dump(), dumped->dump());
}

#undef TRY
#undef REG

INSTANTIATE_TEST_SUITE_P(Engines, StoreConformance, ::testing::ValuesIn(engines()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace jingban
