#include "store/sqlite/sqlite_store.hpp"

#include <nlohmann/json.hpp>
#include <utility>

#include "common/hash.hpp"
#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/sqlite_registers.hpp"
#include "workflow/event_chain.hpp"

namespace jingban {

namespace {

using sqlite::Conn;
using sqlite::dbError;
using sqlite::Stmt;

CaseState rowToCase(const std::string& fixed, const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(fixed);
  j.update(nlohmann::json::parse(body));
  return fromStorage(j);
}

// The one statement and mapping of a case's events (seq order).
constexpr const char* kEventsSql =
    "SELECT seq,at,actor,action,step,comment,data,hash FROM case_events WHERE case_no=? "
    "ORDER BY seq";

// Reads the rows of kEventsSql; the last step's result code (SQLITE_DONE when all went well).
template <class Events>  // std::vector<Event> or EventLog
int readEvents(Stmt& e, Events& out) {
  int rc;
  while ((rc = e.step()) == SQLITE_ROW) {
    Event ev;
    ev.seq = static_cast<int>(e.integer(0));
    ev.at.unix_seconds = e.integer(1);
    ev.actor = e.text(2);
    ev.action = e.text(3);
    ev.step = e.text(4);
    ev.comment = e.text(5);
    ev.data = nlohmann::json::parse(e.text(6));
    ev.hash = e.text(7);
    out.push_back(std::move(ev));
  }
  return rc;
}

// The writer's page cache. SQLite (3.40) truncates the cache at every commit after a B-tree
// balance — balance_nonroot re-keys a page through the lock-byte page number, 262,145 with 4 KiB
// pages, which raises the cache's largest key — and that truncation walks the cache's whole hash
// table. Its cost grows with what the cache has ever held (the hash table never shrinks): with a
// 512 MiB cache and 200,000 persons enrolled it was 6 % of the server's CPU under the lifecycle
// load. So the cache keeps kCacheKiB of pages (least recently used go first), but a transaction
// may hold up to kSpillPages dirty pages before SQLite spills them to the WAL: a resident import
// touches every page of the person tables, and spilling and reading them back is several times
// slower. A connection whose cache grew past kRenewCacheBytes that way is replaced by a fresh
// one after its batch.
constexpr int kCacheKiB = 16384;
constexpr int kSpillPages = 131072;  // 512 MiB of 4 KiB pages
constexpr int kRenewCacheBytes = 64 << 20;

// The writer's memory: its page cache (see kCacheKiB; readers keep SQLite's default), and its
// statement journals in memory. Every unit of work runs in a SAVEPOINT, whose journal holds the
// original of each page the unit changes; past SQLite's 64 KiB a batch of a dozen units spilled
// it to a temporary file on every commit (open, write, unlink: 6 % of the server's CPU under the
// lifecycle load). The journal never outlives its transaction, so durability is unchanged; its
// size is bounded by the pages one batch changes.
Result<void> writerCache(sqlite::Conn& w) {
  if (!w.exec(("PRAGMA cache_size=-" + std::to_string(kCacheKiB) +
               "; PRAGMA cache_spill=" + std::to_string(kSpillPages) + "; PRAGMA temp_store=MEMORY")
                  .c_str()))
    return std::unexpected(sqlite::dbError(w.db, "设置缓存"));
  return {};
}

Error unavailable() {
  return Error{ErrorCode::kUnavailable, "storage_unavailable", "数据存储暂不可用，请稍后重试"};
}

// Appends the SQL of a filter's conditions and collects its arguments.
void filterSql(const CaseFilter& f, std::string& sql, std::vector<std::string>& args) {
  auto add = [&](const char* clause, const std::string& v) {
    sql += clause;
    args.push_back(v);
  };
  if (!f.region.empty()) add(" AND region=?", f.region);
  if (!f.item_code.empty()) add(" AND item_code=?", f.item_code);
  if (!f.status.empty()) add(" AND status=?", f.status);
  if (!f.step.empty()) add(" AND step=?", f.step);
  if (f.open_only) sql += " AND status IN ('submitted','supplement','in_progress')";
  // A case's due date, or while it still owes its one-time notice the notice's (never both: the
  // notice is answered at the latest by the acceptance that sets due_on).
  if (f.due_before) {
    add(" AND (due_on<? OR notice_due_on<?)", f.due_before->str());
    args.push_back(f.due_before->str());
  }
  if (f.due_until) {
    add(" AND (due_on<=? OR notice_due_on<=?)", f.due_until->str());
    args.push_back(f.due_until->str());
  }
  if (f.notice_owed_only) sql += " AND notice_due_on IS NOT NULL";
  if (f.follow_up_open) sql += " AND follow_up='open'";
  if (f.provisional_only) sql += " AND due_provisional<>0";
  if (!f.text.empty()) {
    sql +=
        " AND (case_no=? OR applicant_id=? OR instr(json_extract((SELECT fixed FROM case_fixed f "
        "WHERE f.id=cases.id),'$.applicant.name'),?)>0)";
    args.push_back(f.text);
    args.push_back(f.text);
    args.push_back(f.text);
  }
  if (f.submitted_from) add(" AND submitted_at>=?", std::to_string(*f.submitted_from));
  if (f.submitted_before) add(" AND submitted_at<?", std::to_string(*f.submitted_before));
}

}  // namespace

class SqliteStore::Reader {
 public:
  Reader(SqliteStore* s, Conn* c) : s_(s), c_(c) {}
  Reader(Reader&& o) noexcept : s_(o.s_), c_(o.c_) { o.c_ = nullptr; }
  ~Reader() {
    if (c_) s_->release(c_);
  }
  sqlite3* get() const { return c_ ? c_->db : nullptr; }
  Stmt prepare(const std::string& sql) const { return c_->prepare(sql); }
  Conn* take() { return std::exchange(c_, nullptr); }

 private:
  SqliteStore* s_;
  Conn* c_;
};

// The transaction a unit of work sees: the writer connection inside BEGIN IMMEDIATE … COMMIT.
class SqliteStore::WriteTx : public Tx {
 public:
  explicit WriteTx(Conn& w) : w_(w), registers_(w) {}

  Result<int64_t> nextSequence(const std::string& name) override {
    Stmt q = w_.prepare(
        "INSERT INTO sequences(name,value) VALUES(?,1) "
        "ON CONFLICT(name) DO UPDATE SET value=value+1 RETURNING value");
    if (!q.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
    q.bind(1, name);
    if (q.step() != SQLITE_ROW) return std::unexpected(dbError(w_.db, "分配编号"));
    return q.integer(0);
  }

  Result<void> insertCase(const CaseRow& row) override {
    const CaseState& c = *row.state;
    Stmt ins = w_.prepare(
        "INSERT INTO cases(case_no,region,item_code,status,step,applicant_id,submitted_at,"
        "accepted_on,due_on,closed_on,follow_up,version,body,query_code,due_provisional,"
        "notice_due_on) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
    ins.bind(1, c.case_no).bind(2, c.region).bind(3, c.item_code).bind(4, caseStatusName(c.status));
    ins.bind(5, row.step_name).bind(6, c.applicant.id_no).bind(7, c.submitted_at.unix_seconds);
    ins.bind(8, c.accepted_on).bind(9, c.due_on).bind(10, c.closed_on).bind(11, c.follow_up);
    ins.bind(12, static_cast<int64_t>(c.version())).bindRef(13, row.body);
    ins.bind(14, c.query_code).bind(15, static_cast<int64_t>(row.due_provisional ? 1 : 0));
    ins.bind(16, c.noticeOwedBy());
    if (ins.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "新建办件"));
    // What 申请 fixed, under the case row's id (written once; see migration 13).
    Stmt fx = w_.prepare("INSERT INTO case_fixed(id,fixed) VALUES(?,?)");
    if (!fx.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
    fx.bind(1, static_cast<int64_t>(sqlite3_last_insert_rowid(w_.db))).bindRef(2, row.fixed);
    if (fx.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "新建办件"));
    return {};
  }

  Result<void> updateCase(const CaseRow& row, int previous_version, bool indexed) override {
    const CaseState& c = *row.state;
    if (!indexed) {
      // No indexed column changes (an approval, a payment): leave the indexes alone. SQLite
      // rewrites every index whose columns appear in SET, whether or not the value changed.
      Stmt upd =
          w_.prepare("UPDATE cases SET step=?,version=?,body=? WHERE case_no=? AND version=?");
      if (!upd.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
      upd.bind(1, row.step_name).bind(2, static_cast<int64_t>(c.version())).bindRef(3, row.body);
      upd.bind(4, c.case_no).bind(5, static_cast<int64_t>(previous_version));
      if (upd.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "更新办件"));
    } else {
      Stmt upd = w_.prepare(
          "UPDATE cases SET status=?,step=?,accepted_on=?,due_on=?,closed_on=?,follow_up=?,"
          "version=?,body=?,due_provisional=?,notice_due_on=? WHERE case_no=? AND version=?");
      if (!upd.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
      upd.bind(1, caseStatusName(c.status)).bind(2, row.step_name).bind(3, c.accepted_on);
      upd.bind(4, c.due_on).bind(5, c.closed_on).bind(6, c.follow_up);
      upd.bind(7, static_cast<int64_t>(c.version())).bindRef(8, row.body);
      upd.bind(9, static_cast<int64_t>(row.due_provisional ? 1 : 0));
      upd.bind(10, c.noticeOwedBy());
      upd.bind(11, c.case_no).bind(12, static_cast<int64_t>(previous_version));
      if (upd.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "更新办件"));
    }
    if (sqlite3_changes(w_.db) != 1)
      return fail(ErrorCode::kConflict, "version_conflict",
                  "办件 " + c.case_no + " 已被他人同时修改，请刷新后重试");
    return {};
  }

  Result<void> appendEvents(const std::string& case_no, std::span<const Event> events,
                            std::span<const std::string> data_texts) override {
    bool given = data_texts.size() == events.size();
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& e = events[i];
      Stmt ev = w_.prepare(
          "INSERT INTO case_events(case_no,seq,at,actor,action,step,comment,data,hash) "
          "VALUES(?,?,?,?,?,?,?,?,?)");
      if (!ev.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
      ev.bind(1, case_no).bind(2, static_cast<int64_t>(e.seq)).bind(3, e.at.unix_seconds);
      ev.bind(4, e.actor).bind(5, e.action).bind(6, e.step).bind(7, e.comment);
      if (given)
        ev.bindRef(8, data_texts[i]);  // the caller's texts outlive the statement's step
      else
        ev.bind(8, eventDataText(e));
      ev.bind(9, e.hash);
      if (ev.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入办理记录"));
      if (keep_committed_) committed_.push_back({case_no, e.seq, e.at.unix_seconds, e.action});
    }
    return {};
  }

  // The events appended in this transaction, for the commit listener: a unit rolled back to its
  // savepoint drops its own (truncate to the size before it).
  void keepCommitted(bool on) { keep_committed_ = on; }
  size_t committedMark() const { return committed_.size(); }
  void dropCommittedFrom(size_t mark) { committed_.resize(mark); }
  std::vector<CommittedEvent> takeCommitted() { return std::move(committed_); }

  Result<void> putIdempotency(const IdempotencyRecord& r) override {
    Stmt q = w_.prepare(
        "INSERT INTO idempotency(scope,request_hash,case_no,response,created_at) "
        "VALUES(?,?,?,?,?)");
    if (!q.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
    q.bind(1, r.scope).bind(2, r.request_hash).bind(3, r.case_no).bind(4, r.response);
    q.bind(5, r.created_at);
    if (q.step() != SQLITE_DONE) {
      if (int code = sqlite3_extended_errcode(w_.db);
          code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
        return fail(ErrorCode::kConflict, "idempotency_key_in_use",
                    "该幂等键（Idempotency-Key）正在被另一请求使用，请稍后重试");
      return std::unexpected(dbError(w_.db, "写入幂等键"));
    }
    return {};
  }

  RegisterTx& registers() override { return registers_; }
  Result<void> putImportBatch(const ImportBatch& b) override {
    return registers_.putImportBatch(b);
  }
  Result<void> clearRegisters() override { return registers_.clearRegisters(); }

  Result<void> recordRead(int64_t at, const std::string& staff, const std::string& case_no,
                          const std::string& what) override {
    Stmt q = w_.prepare("INSERT INTO case_reads(at,staff,case_no,what) VALUES(?,?,?,?)");
    if (!q.ok()) return std::unexpected(dbError(w_.db, "准备语句"));
    q.bind(1, at).bind(2, staff).bind(3, case_no).bind(4, what);
    if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "记录查阅"));
    return {};
  }

 private:
  Conn& w_;
  bool keep_committed_ = false;
  std::vector<CommittedEvent> committed_;
  sqlite::SqliteRegisterTx registers_;
};

int SqliteStore::schemaVersion() { return sqlite::schemaVersion(); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  s->path_ = path;
  auto w = sqlite::openConnection(path);
  if (!w) return std::unexpected(w.error());
  s->writer_ = std::move(*w);
  if (auto c = writerCache(*s->writer_); !c) return std::unexpected(c.error());
  if (auto m = sqlite::migrate(*s->writer_); !m) return std::unexpected(m.error());
  if (auto u = s->upgradeRows(); !u) return std::unexpected(u.error());
  // Checkpoints run in the background from here on, not inside the commits of the busiest
  // moments (without it SQLite's automatic checkpoint stays in place).
  s->checkpointer_ = sqlite::WalCheckpointer::start(path, *s->writer_);
  SqliteStore* self = s.get();
  s->registers_ = std::make_unique<sqlite::SqliteRegisterReads>([self] { return self->borrow(); });
  return s;
}

// Rows written before schema 3 get what they lack: a query code for every case and the hash
// chain of their events. Done once; a no-op afterwards (both queries find nothing).
Result<void> SqliteStore::upgradeRows() {
  Conn& w = *writer_;
  std::vector<std::string> without_code, unchained;
  {
    Stmt q = w.prepare("SELECT case_no FROM cases WHERE query_code=''");
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) without_code.push_back(q.text(0));
    if (rc != SQLITE_DONE) return std::unexpected(dbError(w.db, "检查查询码"));
    // Only cases none of whose events is chained: chaining a case that has some hashes would
    // paper over a forged event (blank its hash, restart) instead of letting verify report it.
    Stmt e = w.prepare("SELECT case_no FROM case_events GROUP BY case_no HAVING max(hash)=''");
    while ((rc = e.step()) == SQLITE_ROW) unchained.push_back(e.text(0));
    if (rc != SQLITE_DONE) return std::unexpected(dbError(w.db, "检查办理记录"));
  }
  if (without_code.empty() && unchained.empty()) return {};
  if (!w.exec("BEGIN IMMEDIATE")) return std::unexpected(dbError(w.db, "开始事务"));
  auto abort = [&](const std::string& what) {
    auto e = dbError(w.db, what);
    w.exec("ROLLBACK");
    return std::unexpected(e);
  };
  for (const auto& no : without_code) {
    std::string code = randomString(8, kQueryCodeAlphabet);
    Stmt u = w.prepare("UPDATE cases SET query_code=? WHERE case_no=?");
    u.bind(1, code).bind(2, no);
    if (u.step() != SQLITE_DONE) return abort("补充查询码");
    Stmt f = w.prepare(
        "UPDATE case_fixed SET fixed=json_set(fixed,'$.query_code',?) "
        "WHERE id=(SELECT id FROM cases WHERE case_no=?)");
    f.bind(1, code).bind(2, no);
    if (f.step() != SQLITE_DONE) return abort("补充查询码");
  }
  for (const auto& no : unchained) {
    std::vector<Event> events;
    {
      Stmt e = w.prepare(kEventsSql);
      e.bind(1, no);
      if (readEvents(e, events) != SQLITE_DONE) return abort("读取办理记录");
    }
    chainEvents(no, events);
    for (const auto& ev : events) {
      Stmt u = w.prepare("UPDATE case_events SET hash=? WHERE case_no=? AND seq=?");
      u.bind(1, ev.hash).bind(2, no).bind(3, static_cast<int64_t>(ev.seq));
      if (u.step() != SQLITE_DONE) return abort("补充办理记录校验值");
    }
  }
  if (!w.exec("COMMIT")) return abort("提交事务");
  return {};
}

SqliteStore::~SqliteStore() = default;

SqliteStore::Reader SqliteStore::acquire() {
  {
    std::lock_guard lk(pool_mu_);
    if (!readers_.empty()) {
      Conn* c = readers_.back().release();
      readers_.pop_back();
      return Reader(this, c);
    }
  }
  auto db = sqlite::openConnection(path_);
  if (!db) return Reader(this, nullptr);
  return Reader(this, db->release());
}

std::shared_ptr<sqlite::Conn> SqliteStore::borrow() {
  Reader r = acquire();
  Conn* c = r.take();
  if (!c) return nullptr;
  return std::shared_ptr<Conn>(c, [this](Conn* p) { release(p); });
}

void SqliteStore::release(Conn* c) {
  std::lock_guard lk(pool_mu_);
  readers_.emplace_back(c);
}

void SqliteStore::runBatch(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results) {
  std::lock_guard lk(writer_mu_);
  runUnits(units, results);
  trimWriterCache();
}

void SqliteStore::runUnits(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results) {
  Conn& w = *writer_;
  results.clear();
  results.reserve(units.size());
  // The cache is at its fullest before COMMIT or ROLLBACK: afterwards SQLite drops the pages
  // past kCacheKiB, but its hash table keeps the size they needed (see trimWriterCache).
  auto noteCache = [&] {
    int used = 0, highwater = 0;
    grew_cache_ =
        sqlite3_db_status(w.db, SQLITE_DBSTATUS_CACHE_USED, &used, &highwater, 0) == SQLITE_OK &&
        used > kRenewCacheBytes;
  };
  auto failAll = [&](const std::string& what) {
    Error e = dbError(w.db, what);
    noteCache();
    w.exec("ROLLBACK");
    results.assign(units.size(), std::unexpected(e));
  };
  if (!w.run("BEGIN IMMEDIATE")) return failAll("开始事务");
  WriteTx tx(w);
  tx.keepCommitted(static_cast<bool>(listener_));
  for (auto& unit : units) {
    size_t mark = tx.committedMark();
    // Each unit in its own savepoint: a unit that fails rolls back alone, and its neighbours
    // still share the one fsync of this transaction.
    Stmt sp = w.prepare("SAVEPOINT unit");
    if (!sp.ok() || sp.step() != SQLITE_DONE) return failAll("建立保存点");
    Result<void> r = unit(tx);
    if (r) {
      Stmt rel = w.prepare("RELEASE unit");
      if (!rel.ok() || rel.step() != SQLITE_DONE) return failAll("释放保存点");
    } else {
      tx.dropCommittedFrom(mark);
      Stmt back = w.prepare("ROLLBACK TO unit");
      Stmt rel = w.prepare("RELEASE unit");
      if (!back.ok() || back.step() != SQLITE_DONE || !rel.ok() || rel.step() != SQLITE_DONE)
        return failAll("回滚保存点");
    }
    results.push_back(std::move(r));
  }
  noteCache();
  if (!w.run("COMMIT")) return failAll("提交事务");
  if (listener_) {
    auto events = tx.takeCommitted();
    if (!events.empty()) listener_(std::move(events));
  }
}

uint64_t SqliteStore::writerRenewals() {
  std::lock_guard lk(writer_mu_);
  return writer_renewals_;
}

sqlite::WalCheckpointer::Stats SqliteStore::checkpointStats() {
  std::lock_guard lk(writer_mu_);
  return checkpointer_ ? checkpointer_->stats() : sqlite::WalCheckpointer::Stats{};
}

void SqliteStore::trimWriterCache() {
  if (!grew_cache_) return;
  grew_cache_ = false;
  // Only a batch that held many dirty pages (an import) gets here. Its hash table stays at the
  // size they needed (see kCacheKiB): a fresh connection instead.
  auto fresh = sqlite::openConnection(path_);
  if (!fresh || !writerCache(**fresh)) return;  // descriptors, memory: keep the old one
  if (checkpointer_) checkpointer_->attach(**fresh);
  writer_ = std::move(*fresh);
  ++writer_renewals_;
}

Result<std::optional<CaseState>> SqliteStore::loadCase(const std::string& case_no) {
  Reader r = acquire();
  if (!r.get()) return std::unexpected(unavailable());
  Stmt q =
      r.prepare("SELECT fixed,body FROM cases CROSS JOIN case_fixed USING(id) WHERE case_no=?");
  q.bind(1, case_no);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<CaseState>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取办件"));
  CaseState c = rowToCase(q.text(0), q.text(1));
  Stmt e = r.prepare(kEventsSql);
  e.bind(1, case_no);
  if (readEvents(e, c.events) != SQLITE_DONE)
    return std::unexpected(dbError(r.get(), "读取办理记录"));
  return std::optional<CaseState>(std::move(c));
}

Result<std::vector<CaseState>> SqliteStore::listCases(const CaseFilter& f) {
  Reader r = acquire();
  if (!r.get()) return std::unexpected(unavailable());
  std::string sql = "SELECT fixed,body FROM cases CROSS JOIN case_fixed USING(id) WHERE 1=1";
  std::vector<std::string> args;
  filterSql(f, sql, args);
  sql += " ORDER BY submitted_at, case_no LIMIT ? OFFSET ?";
  Stmt q = r.prepare(sql);
  if (!q.ok()) return std::unexpected(dbError(r.get(), "查询办件"));
  int i = 1;
  for (const auto& a : args) q.bind(i++, a);
  q.bind(i, static_cast<int64_t>(f.limit));
  q.bind(i + 1, static_cast<int64_t>(f.offset));
  std::vector<CaseState> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(rowToCase(q.text(0), q.text(1)));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(r.get(), "查询办件"));
  return out;
}

Result<int64_t> SqliteStore::countCases(const CaseFilter& f) {
  Reader r = acquire();
  if (!r.get()) return std::unexpected(unavailable());
  std::string sql = "SELECT count(*) FROM cases WHERE 1=1";
  std::vector<std::string> args;
  filterSql(f, sql, args);
  Stmt q = r.prepare(sql);
  if (!q.ok()) return std::unexpected(dbError(r.get(), "统计办件"));
  int i = 1;
  for (const auto& a : args) q.bind(i++, a);
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(r.get(), "统计办件"));
  return q.integer(0);
}

Result<std::optional<IdempotencyRecord>> SqliteStore::idempotency(const std::string& scope) {
  Reader r = acquire();
  if (!r.get()) return std::unexpected(unavailable());
  Stmt q =
      r.prepare("SELECT request_hash,case_no,response,created_at FROM idempotency WHERE scope=?");
  q.bind(1, scope);
  int rc = q.step();
  using R = std::optional<IdempotencyRecord>;
  if (rc == SQLITE_DONE) return R();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取幂等键"));
  return R(IdempotencyRecord{scope, q.text(0), q.text(1), q.text(2), q.integer(3)});
}

RegisterReads& SqliteStore::registers() { return *registers_; }

Result<std::vector<Cause>> SqliteStore::registerLog() { return registers_->registerLog(); }

Result<std::optional<ImportBatch>> SqliteStore::importBatch(const std::string& batch_id) {
  return registers_->importBatch(batch_id);
}

}  // namespace jingban
