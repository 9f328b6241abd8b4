// The SQLite engine's registers beyond the engine-neutral contract (store_conformance_test.cpp):
// migration 4 upgrades a version-3 file (the register_journal stub goes, cases stay), `verify`
// reports a register that breaks its invariants, and the cost of putPerson on the resident import's
// path (printed, not asserted: the bench is the judge of speed).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/sqlite/sqlite_maintenance.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "workflow/event_chain.hpp"

namespace jingban {
namespace {

class RegisterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("jingban_registers_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    removeFiles();
  }
  void TearDown() override { removeFiles(); }
  void removeFiles() {
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
  }
  std::unique_ptr<SqliteStore> open() {
    auto s = SqliteStore::open(path_);
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(*s);
  }
  // Runs SQL on the file directly, as an old program version or a hand edit would.
  void exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }
  int64_t scalar(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  Result<void> runOne(Store& s, UnitOfWork unit) {
    std::vector<UnitOfWork> units{std::move(unit)};
    std::vector<Result<void>> results;
    s.runBatch(units, results);
    return results.at(0);
  }

  std::string path_;
};

CaseRow caseRow(const std::string& no) {
  auto c = std::make_shared<CaseState>();
  c->case_no = no;
  c->region = "qinghai";
  c->item_code = "002036001001";
  c->item_name = "单位参保登记";
  c->channel = "窗口";
  c->query_code = "ABCD2345";
  c->applicant = {"unit", "91630100MA0000001X", "某公司", ""};
  c->submitted_at = Instant{1'773'100'000};
  Event e;
  e.seq = 1;
  e.at = c->submitted_at;
  e.actor = "applicant";
  e.action = "submit";
  e.step = "申请";
  c->events.push_back(e);
  chainEvents(c->case_no, c->events);
  return CaseRow{c, storageFixed(*c).dump(), storageState(*c).dump(), "受理", false};
}

UnitOfWork insertCase(CaseRow row) {
  return [row](Tx& tx) -> Result<void> {
    if (auto r = tx.insertCase(row); !r) return r;
    const auto events = row.state->events.copy();
    return tx.appendEvents(row.state->case_no, events);
  };
}

// The tables migration 4 creates (what a version-3 file does not have).
constexpr const char* kV4Tables[] = {
    "units",           "unit_history", "persons", "enrolments", "person_history", "accounts",
    "account_entries", "payments",     "claims",  "premiums",   "register_log",   "import_batches"};

TEST_F(RegisterStoreTest, MigrationFourUpgradesAVersionThreeFile) {
  const std::string no = "630000-20260310-000001";
  {
    auto s = open();
    ASSERT_TRUE(runOne(*s, insertCase(caseRow(no))));
  }
  // Turn the file back into version 3: no register tables, the journal stub as migration 1 made
  // it, with a row nobody ever read.
  std::string down = "BEGIN;";
  for (const char* t : kV4Tables) down += std::string("DROP TABLE ") + t + ";";
  // …and without the indexes later versions (5: the dashboard's) add.
  down +=
      "DROP INDEX cases_by_submitted; DROP INDEX cases_by_closed; DROP INDEX case_events_by_at;";
  // …and without the tables later versions add (6: notifications outbox, 7: material files).
  down += "DROP TABLE notifications; DROP TABLE case_files;";
  // (8: register entries and the registers' counters, 9: the transfers' delivery log).
  down +=
      "DROP TABLE register_entries; DROP TABLE register_entry_history; DROP TABLE "
      "register_numbers; DROP TABLE peer_deliveries;";
  // (11: the column of a one-time notice still owed, and its index.)
  down += "DROP INDEX cases_notice_owed; ALTER TABLE cases DROP COLUMN notice_due_on;";
  down +=
      "CREATE TABLE register_journal(case_no TEXT PRIMARY KEY, effect TEXT NOT NULL, payload TEXT "
      "NOT NULL, applied INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
      "INSERT INTO register_journal VALUES('" +
      no + "','register_unit','{}',0);PRAGMA user_version=3;COMMIT;";
  exec(down);
  ASSERT_EQ(scalar("PRAGMA user_version"), 3);

  auto s = open();
  EXPECT_EQ(scalar("PRAGMA user_version"), SqliteStore::schemaVersion());
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_schema WHERE name='register_journal'"), 0);
  for (const char* t : kV4Tables)
    EXPECT_EQ(scalar(std::string("SELECT count(*) FROM sqlite_schema WHERE name='") + t + "'"), 1)
        << t;
  auto c = s->loadCase(no);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->events.size(), 1u);
  // The new tables work on the upgraded file.
  ASSERT_TRUE(runOne(*s, [](Tx& tx) -> Result<void> {
    Unit u;
    u.region = "qinghai";
    u.credit_code = "91630100MA0000001X";
    u.name = "某公司";
    return tx.registers().putUnit(u, Cause{"630000-20260310-000001", 1, 1});
  }));
  EXPECT_TRUE(*s->registers().unit("qinghai", "91630100MA0000001X"));
}

TEST_F(RegisterStoreTest, VerifyReportsRegistersThatBreakTheirInvariants) {
  const std::string no = "630000-20260310-000001";
  {
    auto s = open();
    ASSERT_TRUE(runOne(*s, [inner = insertCase(caseRow(no)), no](Tx& tx) -> Result<void> {
      if (auto r = inner(tx); !r) return r;
      RegisterTx& r = tx.registers();
      if (auto c = r.claim(Cause{no, 1, 1}); !c) return std::unexpected(c.error());
      if (auto e = r.addAccountEntry("qinghai", "630102199001011234", {1, 500, "划入", no}); !e)
        return e;
      Payment p;
      p.region = "qinghai";
      p.case_no = no;
      p.event_seq = 1;
      p.amount_fen = 500;
      p.month = "2026-03";
      return r.addPayment(p);
    }));
  }
  auto problems = [&] {
    std::vector<std::string> out;
    sqlite::VerifyOptions o;
    o.on_problem = [&](const sqlite::VerifyFinding& f) { out.push_back(sqlite::describe(f)); };
    auto summary = sqlite::verifyDatabase(path_, o);
    EXPECT_TRUE(summary) << summary.error().message;
    return out;
  };
  EXPECT_TRUE(problems().empty());

  // Hand edits the engine would never make: a debit below zero, a payment of a case that does not
  // exist, a register change whose case event does not exist.
  exec(
      "INSERT INTO account_entries(region,id_no,at,amount_fen,kind,source) "
      "VALUES('qinghai','630102199001011234',2,-700,'支取','x');"
      "INSERT INTO payments(region,case_no,event_seq,payee_kind,payee,payee_account,amount_fen,"
      "purpose,at,month) VALUES('qinghai','630000-20260310-000099',1,'person','','',1,'',1,"
      "'2026-03');"
      "INSERT INTO register_log(source,event_seq,at) VALUES('630000-20260310-000001',9,1);");
  auto found = problems();
  ASSERT_EQ(found.size(), 3u);
  std::string all;
  for (const auto& f : found) all += f + "\n";
  EXPECT_NE(all.find("balance -200 fen is below zero"), std::string::npos) << all;
  EXPECT_NE(all.find("payment 630000-20260310-000099 seq 1: its case does not exist"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("register log 630000-20260310-000001 seq 9"), std::string::npos) << all;
}

TEST_F(RegisterStoreTest, HistoryOfMalformedTextIsRefusedNotStored) {
  auto s = open();
  Person p;
  p.region = "qinghai";
  p.id_no = "630102199001011234";
  p.name = std::string("张\xff");
  auto r = runOne(*s, [&](Tx& tx) { return tx.registers().putPerson(p, Cause{"c", 1, 1}); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  EXPECT_FALSE(*s->registers().person("qinghai", p.id_no));
}

// The resident import's path: N new persons in one transaction. N is 100,000 unless
// JINGBAN_PUT_PERSON_ROWS says otherwise (1000000 for the figure).
TEST_F(RegisterStoreTest, PutPersonTimingOnTheImportPath) {
  int64_t rows = 100'000;
  if (const char* env = std::getenv("JINGBAN_PUT_PERSON_ROWS")) rows = std::atoll(env);
  auto s = open();
  Person p;
  p.region = "qinghai";
  p.sex = "女";
  p.insurance_type = "城乡居民";
  p.phone = "13900000000";
  p.enrolments = {Enrolment{"2026-01", "", kEnrolPaying, "城乡居民", ""}};
  const Cause cause{"import:bench", 0, 1'773'100'000};
  auto start = std::chrono::steady_clock::now();
  auto r = runOne(*s, [&](Tx& tx) -> Result<void> {
    RegisterTx& reg = tx.registers();
    if (auto c = reg.claim(cause); !c) return std::unexpected(c.error());
    char id[32];
    for (int64_t i = 0; i < rows; ++i) {
      // In file order, not key order (7919 is prime to 10^8: every i its own number), as a real
      // file comes: inserts land all over the key and name indexes.
      const long long n = static_cast<long long>(i * 7919 % 100'000'000);
      std::snprintf(id, sizeof id, "6301022000%08lld", n);
      p.id_no = id;
      p.name = "居民" + std::to_string(n);
      p.birth_date = "2000-01-01";
      if (auto e = reg.putPerson(p, cause); !e) return e;
    }
    return {};
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r) << r.error().message;
  std::printf("putPerson: %lld new persons in one transaction (with commit) in %.2f s, %.0f/s\n",
              static_cast<long long>(rows), seconds, static_cast<double>(rows) / seconds);
  EXPECT_EQ(scalar("SELECT count(*) FROM persons"), rows);
  EXPECT_EQ(scalar("SELECT count(*) FROM person_history"), rows);
  auto last = s->registers().person("qinghai", p.id_no);
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->enrolments.size(), 1u);
  auto h = s->registers().personHistory("qinghai", p.id_no);
  ASSERT_TRUE(h && h->size() == 1u);
  EXPECT_EQ((*h)[0].changes["name"]["after"], p.name);
  EXPECT_TRUE((*h)[0].changes["name"]["before"].is_null());
}

}  // namespace
}  // namespace jingban
