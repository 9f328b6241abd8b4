// store/sqlite/sqlite_maintenance: `jingban verify` finds every kind of tampering (edited, deleted,
// inserted, re-ordered events; altered rows) and names the case and seq; `jingban backup` copies a
// consistent snapshot while another connection keeps writing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/db.hpp"
#include "store/sqlite/sqlite_maintenance.hpp"
#include "test_support.hpp"
#include "workflow/event_chain.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;
using sqlite::VerifyFinding;

const Catalog& realCatalog() {
  static const std::shared_ptr<const Catalog> cat = [] {
    auto c = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog", effectNameKnown);
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return *cat;
}

// A Qinghai item taken by a person, paid, and open all year: the longest ordinary lifecycle.
const Item& payItem(const Region& r) {
  for (const auto& it : r.items) {
    bool pays = false;
    for (const auto& s : it.flow) pays = pays || s.kind == StepKind::kPay;
    if (pays && it.acceptance_windows.empty() && it.acceptsApplicant("person")) return it;
  }
  throw std::runtime_error("no paid item in " + r.id);
}

class MaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jingban_maint_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "jingban.db").string();
    auto c = sqlite::openConnection(db_);
    ASSERT_TRUE(c.has_value());
    conn_ = std::move(*c);
    ASSERT_TRUE(sqlite::migrate(*conn_).has_value());
  }
  void TearDown() override {
    conn_.reset();
    fs::remove_all(dir_);
  }

  const Region& region() { return *realCatalog().region("qinghai"); }

  // A case walked through the pure workflow: `steps` actions after 申请 (accept, each review,
  // pay, complete), one hour apart from 2026-03-10 09:00.
  CaseState makeCase(int n, size_t steps) {
    const Item& item = payItem(region());
    Instant t = at(D(2026, 3, 10), 9);
    auto ctx = [&] { return WorkflowContext{region(), item, calendar(), t}; };
    MaterialStatus all;
    for (const auto& m : item.materials) all[m.id] = "provided";
    Submission s;
    s.channel = item.channels.empty() ? "窗口" : item.channels.front();
    s.applicant = {"person", "63010219900101001" + std::to_string(n % 10), "测试参保人", ""};
    auto c = openCase(
        ctx(), s,
        "630000-20260310-" + std::string(6 - std::to_string(n).size(), '0') + std::to_string(n));
    EXPECT_TRUE(c.has_value()) << c.error().message;
    for (size_t i = 0; i < steps && c && !isTerminal(c->status); ++i) {
      const FlowStep& step = item.flow.at(static_cast<size_t>(c->step));
      t.unix_seconds += 3600;
      Action a;
      Actor who{"staff_" + step.role, {step.role}, region().id};
      switch (step.kind) {
        case StepKind::kAccept:
          a.name = "accept";
          a.materials = all;
          break;
        case StepKind::kReview:
          a.name = "approve";
          break;
        case StepKind::kPay:
          a.name = "pay";
          a.amount_fen = 12345;
          break;
        case StepKind::kComplete:
          a.name = "complete";
          break;
      }
      auto next = applyAction(ctx(), *c, who, a);
      EXPECT_TRUE(next.has_value()) << step.step << ": " << next.error().message;
      if (!next) break;
      c = std::move(next);
    }
    return *c;
  }

  // Writes the case as the committer does (row + events), the events chained unless `legacy`.
  void store(CaseState c, bool legacy = false) { storeOn(*conn_, c, legacy); }

  void storeOn(sqlite::Conn& conn, CaseState& c, bool legacy) {
    const Item& item = *region().item(c.item_code);
    if (!legacy) chainEvents(c.case_no, c.events);
    auto ins = conn.prepare(
        "INSERT INTO cases(case_no,region,item_code,status,step,applicant_id,submitted_at,"
        "accepted_on,due_on,closed_on,follow_up,version,body) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, c.case_no).bind(2, c.region).bind(3, c.item_code).bind(4, caseStatusName(c.status));
    ins.bind(5, item.flow.at(static_cast<size_t>(c.step)).step).bind(6, c.applicant.id_no);
    ins.bind(7, c.submitted_at.unix_seconds).bind(8, c.accepted_on).bind(9, c.due_on);
    ins.bind(10, c.closed_on).bind(11, c.follow_up).bind(12, int64_t{c.version()});
    ins.bind(13, storageState(c).dump());
    ASSERT_EQ(ins.step(), SQLITE_DONE) << sqlite3_errmsg(conn.db);
    auto fx = conn.prepare("INSERT INTO case_fixed(id,fixed) VALUES(last_insert_rowid(),?)");
    fx.bind(1, storageFixed(c).dump());
    ASSERT_EQ(fx.step(), SQLITE_DONE) << sqlite3_errmsg(conn.db);
    for (const auto& e : c.events) {
      auto ev = conn.prepare(
          "INSERT INTO case_events(case_no,seq,at,actor,action,step,comment,data,hash) "
          "VALUES(?,?,?,?,?,?,?,?,?)");
      ev.bind(1, c.case_no).bind(2, int64_t{e.seq}).bind(3, e.at.unix_seconds).bind(4, e.actor);
      ev.bind(5, e.action).bind(6, e.step).bind(7, e.comment).bind(8, e.data.dump());
      ev.bind(9, e.hash);
      ASSERT_EQ(ev.step(), SQLITE_DONE) << sqlite3_errmsg(conn.db);
    }
  }

  void sql(const std::string& s) {
    ASSERT_TRUE(conn_->exec(s.c_str())) << s << ": " << sqlite3_errmsg(conn_->db);
  }

  struct Outcome {
    sqlite::VerifySummary summary;
    std::vector<VerifyFinding> problems, warnings;
    bool has(const std::string& case_no, int seq, const std::string& part) const {
      for (const auto& p : problems)
        if (p.case_no == case_no && p.seq == seq && p.what.find(part) != std::string::npos)
          return true;
      return false;
    }
    std::string all() const {
      std::string s;
      for (const auto& p : problems) s += sqlite::describe(p) + "\n";
      return s;
    }
  };

  Outcome verify(const std::string& path = "") {
    Outcome o;
    sqlite::VerifyOptions opt;
    opt.catalog = &realCatalog();
    opt.calendar = &calendar();
    opt.on_problem = [&](const VerifyFinding& f) { o.problems.push_back(f); };
    opt.on_warning = [&](const VerifyFinding& f) { o.warnings.push_back(f); };
    auto r = sqlite::verifyDatabase(path.empty() ? db_ : path, opt);
    EXPECT_TRUE(r.has_value()) << r.error().message;
    if (r) o.summary = *r;
    EXPECT_EQ(o.summary.problems, static_cast<int64_t>(o.problems.size()));
    return o;
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<sqlite::Conn> conn_;
};

const std::string kA = "630000-20260310-000001";
const std::string kB = "630000-20260310-000002";

TEST_F(MaintenanceTest, SoundDatabaseHasNoProblems) {
  CaseState a = makeCase(1, 10);
  ASSERT_EQ(a.status, CaseStatus::kCompleted);
  ASSERT_GE(a.version(), 5);
  store(a);
  store(makeCase(2, 1));
  Outcome o = verify();
  EXPECT_TRUE(o.problems.empty()) << o.all();
  EXPECT_TRUE(o.warnings.empty());
  EXPECT_EQ(o.summary.cases, 2);
  EXPECT_EQ(o.summary.events, a.version() + 2);
  EXPECT_EQ(o.summary.unchained_cases, 0);
}

TEST_F(MaintenanceTest, EditedEventIsNamedByCaseAndSeq) {
  store(makeCase(1, 10));
  store(makeCase(2, 10));
  sql("UPDATE case_events SET comment='改过' WHERE case_no='" + kA + "' AND seq=3");
  Outcome o = verify();
  ASSERT_EQ(o.problems.size(), 1u) << o.all();
  EXPECT_TRUE(o.has(kA, 3, "hash mismatch (edited or inserted event)")) << o.all();
  EXPECT_EQ(sqlite::describe(o.problems[0]),
            "case " + kA + " seq 3: hash mismatch (edited or inserted event)");
}

TEST_F(MaintenanceTest, EditedEventDataIsFound) {
  store(makeCase(1, 10));
  sql("UPDATE case_events SET data=json_set(data,'$.amount_fen',99999999) WHERE case_no='" + kA +
      "' AND action='pay'");
  Outcome o = verify();
  ASSERT_FALSE(o.problems.empty());
  bool named = false;
  for (const auto& p : o.problems) named = named || (p.seq > 0 && p.what.find("hash") == 0);
  EXPECT_TRUE(named) << o.all();
}

TEST_F(MaintenanceTest, DeletedMiddleEventIsNamed) {
  store(makeCase(1, 10));
  sql("DELETE FROM case_events WHERE case_no='" + kA + "' AND seq=2");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 2, "missing (deleted event)")) << o.all();
  EXPECT_TRUE(o.has(kA, 0, "row version")) << o.all();
}

TEST_F(MaintenanceTest, DeletedLastEventIsFoundThroughTheRow) {
  CaseState a = makeCase(1, 10);
  store(a);
  sql("DELETE FROM case_events WHERE case_no='" + kA + "' AND seq=" + std::to_string(a.version()));
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 0,
                    "row version " + std::to_string(a.version()) + " but " +
                        std::to_string(a.version() - 1) + " events"))
      << o.all();
  // The truncated log replays to an earlier state than the row records.
  EXPECT_TRUE(o.has(kA, 0, "row differs from the replay of its events")) << o.all();
  EXPECT_TRUE(o.has(kA, 0, "status (stored \"completed\"")) << o.all();
}

TEST_F(MaintenanceTest, DeletedEventsAndRenumberedRestAreFound) {
  store(makeCase(1, 10));
  // Hide the gap: seq 3 goes, the later ones move down by one.
  sql("DELETE FROM case_events WHERE case_no='" + kA + "' AND seq=3");
  sql("UPDATE case_events SET seq=seq+100 WHERE case_no='" + kA + "' AND seq>3");
  sql("UPDATE case_events SET seq=seq-101 WHERE case_no='" + kA + "' AND seq>100");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 3, "hash mismatch")) << o.all();
  EXPECT_TRUE(o.has(kA, 4, "hash was chained as seq 5 (re-ordered or renumbered event)"))
      << o.all();
}

TEST_F(MaintenanceTest, InsertedEventsAreNamed) {
  CaseState a = makeCase(1, 2);
  store(a);
  const std::string next = std::to_string(a.version() + 1);
  // Appended without a hash, as a plain INSERT leaves it.
  sql("INSERT INTO case_events(case_no,seq,at,actor,action,step,comment,data) VALUES('" + kA +
      "'," + next + ",0,'x','approve','初审','','{}')");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, a.version() + 1, "no hash in a chained case (inserted event)")) << o.all();
  EXPECT_TRUE(o.has(kA, 0, "row version")) << o.all();

  // Appended with a made-up hash.
  sql("UPDATE case_events SET hash='" + std::string(64, 'a') + "' WHERE case_no='" + kA +
      "' AND seq=" + next);
  o = verify();
  EXPECT_TRUE(o.has(kA, a.version() + 1, "hash mismatch (edited or inserted event)")) << o.all();
}

TEST_F(MaintenanceTest, EventInsertedInTheMiddleIsNamed) {
  store(makeCase(1, 10));
  sql("UPDATE case_events SET seq=seq+100 WHERE case_no='" + kA + "' AND seq>=3");
  sql("UPDATE case_events SET seq=seq-99 WHERE case_no='" + kA + "' AND seq>100");
  sql("INSERT INTO case_events(case_no,seq,at,actor,action,step,comment,data,hash) VALUES('" + kA +
      "',3,0,'x','approve','初审','','{}','" + std::string(64, 'b') + "')");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 3, "hash mismatch (edited or inserted event)")) << o.all();
  EXPECT_TRUE(o.has(kA, 4, "hash was chained as seq 3")) << o.all();
}

TEST_F(MaintenanceTest, ReorderedEventsAreNamed) {
  store(makeCase(1, 10));
  sql("UPDATE case_events SET seq=100 WHERE case_no='" + kA + "' AND seq=2");
  sql("UPDATE case_events SET seq=2 WHERE case_no='" + kA + "' AND seq=3");
  sql("UPDATE case_events SET seq=3 WHERE case_no='" + kA + "' AND seq=100");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 2, "hash was chained as seq 3")) << o.all();
  EXPECT_TRUE(o.has(kA, 3, "hash was chained as seq 2")) << o.all();
  EXPECT_TRUE(o.has(kA, 4, "hash chains from another event than the one before it")) << o.all();
}

TEST_F(MaintenanceTest, AlteredRowColumnIsNamed) {
  store(makeCase(1, 2));
  store(makeCase(2, 2));
  sql("UPDATE cases SET status='completed' WHERE case_no='" + kB + "'");
  Outcome o = verify();
  ASSERT_EQ(o.problems.size(), 1u) << o.all();
  EXPECT_TRUE(o.has(kB, 0, "status column 'completed' differs from the stored projection"))
      << o.all();
}

TEST_F(MaintenanceTest, AlteredProjectionDiffersFromReplay) {
  store(makeCase(1, 10));
  sql("UPDATE cases SET body=json_set(body,'$.paid_fen',99999999) WHERE case_no='" + kA + "'");
  Outcome o = verify();
  ASSERT_EQ(o.problems.size(), 1u) << o.all();
  EXPECT_TRUE(o.has(kA, 0, "row differs from the replay of its events: paid_fen (stored 99999999"))
      << o.all();
}

TEST_F(MaintenanceTest, AlteredStepColumnIsNamed) {
  store(makeCase(1, 1));
  sql("UPDATE cases SET step='办结' WHERE case_no='" + kA + "'");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 0, "step column '办结' differs")) << o.all();
}

TEST_F(MaintenanceTest, DeletedRowAndOrphanEventsAreNamed) {
  store(makeCase(1, 3));
  store(makeCase(2, 3));
  sql("DELETE FROM cases WHERE case_no='" + kA + "'");
  sql("DELETE FROM case_events WHERE case_no='" + kB + "'");
  Outcome o = verify();
  EXPECT_TRUE(o.has(kA, 0, "events but no case row")) << o.all();
  EXPECT_TRUE(o.has(kB, 0, "case row without any event")) << o.all();
}

TEST_F(MaintenanceTest, LegacyCaseIsAWarningButAPartialChainIsNot) {
  store(makeCase(1, 10), /*legacy=*/true);
  store(makeCase(2, 10));
  Outcome o = verify();
  EXPECT_TRUE(o.problems.empty()) << o.all();
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_EQ(o.warnings[0].case_no, kA);
  EXPECT_EQ(o.summary.unchained_cases, 1);

  // Blanking one hash of a chained case does not make it legacy.
  sql("UPDATE case_events SET hash='' WHERE case_no='" + kB + "' AND seq=2");
  o = verify();
  EXPECT_TRUE(o.has(kB, 2, "no hash in a chained case")) << o.all();
}

TEST_F(MaintenanceTest, RefusesMissingFileAndOtherSchemaVersion) {
  sqlite::VerifyOptions opt;
  EXPECT_FALSE(sqlite::verifyDatabase((dir_ / "nothing.db").string(), opt).has_value());
  EXPECT_FALSE(fs::exists(dir_ / "nothing.db"));  // read-only: never creates
  sql("PRAGMA user_version=2");
  auto r = sqlite::verifyDatabase(db_, opt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().slug, "schema_version");
}

TEST_F(MaintenanceTest, BackupIsSoundAndRefusesToOverwrite) {
  store(makeCase(1, 10));
  store(makeCase(2, 3));
  const std::string target = (dir_ / "backup.db").string();
  auto r = sqlite::backupDatabase(db_, target);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_GT(r->pages, 0);
  EXPECT_EQ(r->bytes, static_cast<int64_t>(fs::file_size(target)));
  Outcome o = verify(target);
  EXPECT_TRUE(o.problems.empty()) << o.all();
  EXPECT_EQ(o.summary.cases, 2);
  auto again = sqlite::backupDatabase(db_, target);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().slug, "target_exists");
  sqlite::BackupOptions force;
  force.overwrite = true;
  EXPECT_TRUE(sqlite::backupDatabase(db_, target, force).has_value());
  EXPECT_FALSE(sqlite::backupDatabase(db_, db_, force).has_value());
  for (const auto& f : fs::directory_iterator(dir_))
    EXPECT_EQ(f.path().filename().string().find(".partial"), std::string::npos) << f.path();
}

// The copy is the snapshot at its start, whatever a writer commits meanwhile: each of the
// writer's transactions adds a whole case (row and chained events), so a torn copy would show a
// row without events, events without a row, or a broken chain.
TEST_F(MaintenanceTest, BackupWhileWritingIsAConsistentSnapshot) {
  // Enough pages that a one-page-per-step copy takes many steps.
  sql("CREATE TABLE padding(x BLOB)");
  sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<400) "
      "INSERT INTO padding SELECT randomblob(4000) FROM n");
  for (int n = 1; n <= 5; ++n) store(makeCase(n, 10));
  std::vector<CaseState> more;
  for (int n = 6; n <= 40; ++n) more.push_back(makeCase(n, 10));

  std::atomic<bool> started{false}, stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto c = sqlite::openConnection(db_);
    ASSERT_TRUE(c.has_value());
    for (auto& cs : more) {
      if (stop) break;
      (*c)->exec("BEGIN IMMEDIATE");
      storeOn(**c, cs, false);
      (*c)->exec("COMMIT");
      ++written;
      started = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  while (!started) std::this_thread::yield();
  sqlite::BackupOptions opt;
  opt.pages_per_step = 1;
  opt.pause = std::chrono::milliseconds(1);
  auto r = sqlite::backupDatabase(db_, (dir_ / "live.db").string(), opt);
  stop = true;
  writer.join();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_GT(r->pages, 400);
  Outcome o = verify((dir_ / "live.db").string());
  EXPECT_TRUE(o.problems.empty()) << o.all();
  EXPECT_GE(o.summary.cases, 6);
  EXPECT_LE(o.summary.cases, 5 + written.load());
}

TEST(EventChainCheck, EmptyHashesAreLegacyAndNotChecked) {
  std::vector<Event> events(3);
  for (int i = 0; i < 3; ++i) events[static_cast<size_t>(i)].seq = i + 1;
  std::vector<VerifyFinding> found;
  EXPECT_FALSE(
      sqlite::checkEventChain(kA, events, [&](const VerifyFinding& f) { found.push_back(f); }));
  EXPECT_TRUE(found.empty());
  chainEvents(kA, events);
  EXPECT_TRUE(
      sqlite::checkEventChain(kA, events, [&](const VerifyFinding& f) { found.push_back(f); }));
  EXPECT_TRUE(found.empty());
  events[0].actor = "someone_else";
  sqlite::checkEventChain(kA, events, [&](const VerifyFinding& f) { found.push_back(f); });
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].seq, 1);
}

}  // namespace

}  // namespace jingban
