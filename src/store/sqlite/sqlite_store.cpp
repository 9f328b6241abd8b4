#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

namespace jingban {

namespace {

// Each entry upgrades the schema by one version. Never edit a released entry; append.
const std::vector<const char*> kMigrations = {
    // 1: cases, events, idempotency, register journal, staff, sessions.
    R"sql(
CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  case_no TEXT NOT NULL UNIQUE,
  region TEXT NOT NULL,
  item_code TEXT NOT NULL,
  status TEXT NOT NULL,
  step TEXT NOT NULL,
  applicant_id TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  accepted_on TEXT,
  due_on TEXT,
  closed_on TEXT,
  follow_up TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL,
  fixed TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX cases_by_region_status ON cases(region, status, due_on);
CREATE INDEX cases_by_item ON cases(region, item_code, status);
CREATE TABLE case_events(
  case_no TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  step TEXT NOT NULL,
  comment TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY(case_no, seq)
) WITHOUT ROWID;
CREATE TABLE idempotency(
  key TEXT PRIMARY KEY,
  case_no TEXT NOT NULL,
  response TEXT NOT NULL
);
CREATE TABLE register_journal(
  case_no TEXT PRIMARY KEY,
  effect TEXT NOT NULL,
  payload TEXT NOT NULL,
  applied INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE staff(
  username TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  roles TEXT NOT NULL,
  password_hash TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: the supervisor's overdue and follow-up views filter on these.
    R"sql(
CREATE INDEX cases_by_follow_up ON cases(region, follow_up) WHERE follow_up <> '';
)sql",
};

Error dbError(sqlite3* db, const std::string& what) {
  return Error{ErrorCode::kUnavailable, "storage_error",
               "数据库操作失败（" + what + "）：" + (db ? sqlite3_errmsg(db) : "无法打开")};
}

// A cached prepared statement borrowed for one use: bound, stepped, then reset on destruction.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* st) : st_(st) {}
  ~Stmt() {
    if (st_) {
      sqlite3_reset(st_);
      sqlite3_clear_bindings(st_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return st_ != nullptr; }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& bind(int i, const std::optional<Date>& d) { return d ? bind(i, d->str()) : bindNull(i); }
  int step() { return sqlite3_step(st_); }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string text(int col) const {
    auto p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, col)) : "";
  }
  int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }

 private:
  sqlite3_stmt* st_;
};

CaseState rowToCase(const std::string& fixed, const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(fixed);
  j.update(nlohmann::json::parse(body));
  return fromStorage(j);
}

bool exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

Result<sqlite3*> openConnection(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    auto e = dbError(db, "打开 " + path);
    sqlite3_close(db);
    return std::unexpected(e);
  }
  sqlite3_busy_timeout(db, 5000);
  if (!exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")) {
    auto e = dbError(db, "设置 WAL");
    sqlite3_close(db);
    return std::unexpected(e);
  }
  return db;
}

}  // namespace

struct SqliteStore::Conn {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache;
  ~Conn() {
    for (auto& [sql, st] : cache) sqlite3_finalize(st);
    sqlite3_close(db);
  }
  // Prepared once per connection, then reused: preparing costs more than most of our queries.
  Stmt prepare(const std::string& sql) {
    auto it = cache.find(sql);
    if (it != cache.end()) return Stmt(it->second);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
        SQLITE_OK)
      return Stmt(nullptr);
    cache.emplace(sql, st);
    return Stmt(st);
  }
};

class SqliteStore::Reader {
 public:
  Reader(SqliteStore* s, Conn* c) : s_(s), c_(c) {}
  Reader(Reader&& o) noexcept : s_(o.s_), c_(o.c_) { o.c_ = nullptr; }
  ~Reader() {
    if (c_) s_->release(c_);
  }
  sqlite3* get() const { return c_ ? c_->db : nullptr; }
  Stmt prepare(const std::string& sql) const { return c_->prepare(sql); }

 private:
  SqliteStore* s_;
  Conn* c_;
};

int SqliteStore::schemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  s->path_ = path;
  auto w = openConnection(path);
  if (!w) return std::unexpected(w.error());
  s->writer_ = std::make_unique<Conn>();
  s->writer_->db = *w;
  Stmt v = s->writer_->prepare("PRAGMA user_version");
  int version = v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : 0;
  v.reset();
  if (version > schemaVersion())
    return fail(ErrorCode::kUnavailable, "schema_too_new",
                "数据库结构版本 " + std::to_string(version) + " 高于本程序支持的 " +
                    std::to_string(schemaVersion()) + "，请升级程序");
  for (int i = version; i < schemaVersion(); ++i) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[static_cast<size_t>(i)] +
                      "PRAGMA user_version=" + std::to_string(i + 1) + ";COMMIT;";
    if (!exec(s->writer_->db, sql.c_str())) {
      auto e = dbError(s->writer_->db, "升级数据库结构到版本 " + std::to_string(i + 1));
      exec(s->writer_->db, "ROLLBACK");
      return std::unexpected(e);
    }
  }
  return s;
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
  auto db = openConnection(path_);
  if (!db) return Reader(this, nullptr);
  auto* c = new Conn();
  c->db = *db;
  return Reader(this, c);
}

void SqliteStore::release(Conn* c) {
  std::lock_guard lk(pool_mu_);
  readers_.emplace_back(c);
}

Result<void> SqliteStore::commit(const std::vector<Mutation>& batch) {
  std::lock_guard lk(writer_mu_);
  Conn& w = *writer_;
  sqlite3* db = w.db;
  if (!exec(db, "BEGIN IMMEDIATE")) return std::unexpected(dbError(db, "开始事务"));
  auto abort = [&](const std::string& what) {
    auto e = dbError(db, what);
    exec(db, "ROLLBACK");
    return std::unexpected(e);
  };
  auto staleVersion = [&](const std::string& case_no) {
    exec(db, "ROLLBACK");
    return fail(ErrorCode::kConflict, "version_conflict",
                "办件 " + case_no + " 已被他人同时修改，请刷新后重试");
  };
  for (const auto& m : batch) {
    const CaseState& c = *m.state;
    const std::string body = m.body.empty() ? storageState(c).dump() : m.body;
    const std::string& stepName = m.step_name;
    int version = m.previous_version + static_cast<int>(m.new_events.size());
    if (m.previous_version == 0) {
      Stmt ins = w.prepare(
          "INSERT INTO cases(case_no,region,item_code,status,step,applicant_id,submitted_at,"
          "accepted_on,due_on,closed_on,follow_up,version,fixed,body) "
          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      if (!ins.ok()) return abort("准备语句");
      ins.bind(1, c.case_no)
          .bind(2, c.region)
          .bind(3, c.item_code)
          .bind(4, caseStatusName(c.status));
      ins.bind(5, stepName).bind(6, c.applicant.id_no).bind(7, c.submitted_at.unix_seconds);
      ins.bind(8, c.accepted_on).bind(9, c.due_on).bind(10, c.closed_on).bind(11, c.follow_up);
      ins.bind(12, static_cast<int64_t>(version));
      ins.bind(13, m.fixed.empty() ? storageFixed(c).dump() : m.fixed).bind(14, body);
      if (ins.step() != SQLITE_DONE) return abort("新建办件 " + c.case_no);
    } else if (m.previous && m.previous->status == c.status && m.previous->due_on == c.due_on &&
               m.previous->follow_up == c.follow_up && m.previous->closed_on == c.closed_on &&
               m.previous->accepted_on == c.accepted_on) {
      // No indexed column changes (an approval, a payment): leave the indexes alone. SQLite
      // rewrites every index whose columns appear in SET, whether or not the value changed.
      Stmt upd =
          w.prepare("UPDATE cases SET step=?,version=?,body=? WHERE case_no=? AND version=?");
      if (!upd.ok()) return abort("准备语句");
      upd.bind(1, stepName).bind(2, static_cast<int64_t>(version)).bind(3, body);
      upd.bind(4, c.case_no).bind(5, static_cast<int64_t>(m.previous_version));
      if (upd.step() != SQLITE_DONE) return abort("更新办件 " + c.case_no);
      if (sqlite3_changes(db) != 1) return staleVersion(c.case_no);
    } else {
      Stmt upd = w.prepare(
          "UPDATE cases SET status=?,step=?,accepted_on=?,due_on=?,closed_on=?,follow_up=?,"
          "version=?,body=? WHERE case_no=? AND version=?");
      if (!upd.ok()) return abort("准备语句");
      upd.bind(1, caseStatusName(c.status))
          .bind(2, stepName)
          .bind(3, c.accepted_on)
          .bind(4, c.due_on);
      upd.bind(5, c.closed_on)
          .bind(6, c.follow_up)
          .bind(7, static_cast<int64_t>(version))
          .bind(8, body);
      upd.bind(9, c.case_no).bind(10, static_cast<int64_t>(m.previous_version));
      if (upd.step() != SQLITE_DONE) return abort("更新办件 " + c.case_no);
      if (sqlite3_changes(db) != 1) return staleVersion(c.case_no);
    }
    for (const auto& e : m.new_events) {
      Stmt ev = w.prepare(
          "INSERT INTO case_events(case_no,seq,at,actor,action,step,comment,data) "
          "VALUES(?,?,?,?,?,?,?,?)");
      if (!ev.ok()) return abort("准备语句");
      ev.bind(1, c.case_no).bind(2, static_cast<int64_t>(e.seq)).bind(3, e.at.unix_seconds);
      ev.bind(4, e.actor)
          .bind(5, e.action)
          .bind(6, e.step)
          .bind(7, e.comment)
          .bind(8, e.data.dump());
      if (ev.step() != SQLITE_DONE) return abort("写入办理记录");
    }
    if (m.idempotency) {
      Stmt idem = w.prepare("INSERT INTO idempotency(key,case_no,response) VALUES(?,?,?)");
      if (!idem.ok()) return abort("准备语句");
      idem.bind(1, m.idempotency->first).bind(2, c.case_no).bind(3, m.idempotency->second);
      if (idem.step() != SQLITE_DONE) return abort("写入幂等键");
    }
    if (m.register_change) {
      Stmt reg = w.prepare("INSERT INTO register_journal(case_no,effect,payload) VALUES(?,?,?)");
      if (!reg.ok()) return abort("准备语句");
      reg.bind(1, c.case_no)
          .bind(2, m.register_change->effect)
          .bind(3, m.register_change->payload.dump());
      if (reg.step() != SQLITE_DONE) return abort("写入登记变更");
    }
  }
  if (!exec(db, "COMMIT")) return abort("提交事务");
  return {};
}

Result<std::optional<CaseState>> SqliteStore::loadCase(const std::string& case_no) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  Stmt q = r.prepare("SELECT fixed,body FROM cases WHERE case_no=?");
  q.bind(1, case_no);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<CaseState>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取办件"));
  CaseState c = rowToCase(q.text(0), q.text(1));
  Stmt e = r.prepare(
      "SELECT seq,at,actor,action,step,comment,data FROM case_events WHERE case_no=? ORDER BY seq");
  e.bind(1, case_no);
  while ((rc = e.step()) == SQLITE_ROW) {
    Event ev;
    ev.seq = static_cast<int>(e.integer(0));
    ev.at.unix_seconds = e.integer(1);
    ev.actor = e.text(2);
    ev.action = e.text(3);
    ev.step = e.text(4);
    ev.comment = e.text(5);
    ev.data = nlohmann::json::parse(e.text(6));
    c.events.push_back(std::move(ev));
  }
  if (rc != SQLITE_DONE) return std::unexpected(dbError(r.get(), "读取办理记录"));
  return std::optional<CaseState>(std::move(c));
}

Result<std::vector<CaseState>> SqliteStore::listCases(const CaseFilter& f) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  std::string sql = "SELECT fixed,body FROM cases WHERE 1=1";
  std::vector<std::string> args;
  auto add = [&](const char* clause, const std::string& v) {
    sql += clause;
    args.push_back(v);
  };
  if (!f.region.empty()) add(" AND region=?", f.region);
  if (!f.item_code.empty()) add(" AND item_code=?", f.item_code);
  if (!f.status.empty()) add(" AND status=?", f.status);
  if (!f.step.empty()) add(" AND step=?", f.step);
  if (f.open_only) sql += " AND status IN ('submitted','supplement','in_progress')";
  if (f.due_before) add(" AND due_on<?", f.due_before->str());
  if (f.due_until) add(" AND due_on<=?", f.due_until->str());
  if (f.follow_up_open) sql += " AND follow_up='open'";
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

Result<std::optional<std::string>> SqliteStore::idempotentResponse(const std::string& key) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  Stmt q = r.prepare("SELECT response FROM idempotency WHERE key=?");
  q.bind(1, key);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(q.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return std::unexpected(dbError(r.get(), "读取幂等键"));
}

Result<int> SqliteStore::lastSequence(const std::string& prefix) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  Stmt q = r.prepare("SELECT max(case_no) FROM cases WHERE case_no >= ? AND case_no < ?");
  q.bind(1, prefix).bind(2, prefix + "\x7f");
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取办件编号"));
  std::string last = q.text(0);
  if (last.size() <= prefix.size()) return 0;
  return std::stoi(last.substr(prefix.size()));
}

Result<int> SqliteStore::registerChangeCount(const std::string& case_no) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  Stmt q = r.prepare("SELECT count(*) FROM register_journal WHERE case_no=?");
  q.bind(1, case_no);
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取登记变更"));
  return static_cast<int>(q.integer(0));
}

Result<void> SqliteStore::putStaff(const StaffRecord& s) {
  std::lock_guard lk(writer_mu_);
  Stmt q = writer_->prepare(
      "INSERT INTO staff(username,name,region,roles,password_hash) VALUES(?,?,?,?,?) "
      "ON CONFLICT(username) DO UPDATE SET name=excluded.name,region=excluded.region,"
      "roles=excluded.roles,password_hash=excluded.password_hash");
  q.bind(1, s.username).bind(2, s.name).bind(3, s.region).bind(4, nlohmann::json(s.roles).dump());
  q.bind(5, s.password_hash);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(writer_->db, "保存工作人员"));
  return {};
}

Result<std::optional<StaffRecord>> SqliteStore::staff(const std::string& username) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  Stmt q = r.prepare("SELECT name,region,roles,password_hash FROM staff WHERE username=?");
  q.bind(1, username);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<StaffRecord>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取工作人员"));
  StaffRecord s{username, q.text(0), q.text(1), q.text(3),
                nlohmann::json::parse(q.text(2)).get<std::vector<std::string>>()};
  return std::optional<StaffRecord>(s);
}

Result<void> SqliteStore::putSession(const std::string& token_hash, const std::string& username,
                                     int64_t expires_at) {
  std::lock_guard lk(writer_mu_);
  Stmt q = writer_->prepare("INSERT INTO sessions(token_hash,username,expires_at) VALUES(?,?,?)");
  q.bind(1, token_hash).bind(2, username).bind(3, expires_at);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(writer_->db, "保存登录会话"));
  return {};
}

Result<std::optional<std::pair<std::string, int64_t>>> SqliteStore::session(
    const std::string& token_hash) {
  Reader r = acquire();
  if (!r.get()) return fail(ErrorCode::kUnavailable, "storage_error", "无法打开数据库");
  Stmt q = r.prepare("SELECT username,expires_at FROM sessions WHERE token_hash=?");
  q.bind(1, token_hash);
  int rc = q.step();
  using R = std::optional<std::pair<std::string, int64_t>>;
  if (rc == SQLITE_DONE) return R();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(r.get(), "读取登录会话"));
  return R(std::make_pair(q.text(0), q.integer(1)));
}

}  // namespace jingban
