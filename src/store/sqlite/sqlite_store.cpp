#include "store/sqlite/sqlite_store.hpp"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "store/sqlite/db.hpp"

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

 private:
  SqliteStore* s_;
  Conn* c_;
};

int SqliteStore::schemaVersion() { return sqlite::schemaVersion(); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  std::unique_ptr<SqliteStore> s(new SqliteStore());
  s->path_ = path;
  auto w = sqlite::openConnection(path);
  if (!w) return std::unexpected(w.error());
  s->writer_ = std::move(*w);
  if (auto m = sqlite::migrate(*s->writer_); !m) return std::unexpected(m.error());
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
  auto db = sqlite::openConnection(path_);
  if (!db) return Reader(this, nullptr);
  return Reader(this, db->release());
}

void SqliteStore::release(Conn* c) {
  std::lock_guard lk(pool_mu_);
  readers_.emplace_back(c);
}

Result<void> SqliteStore::commit(const std::vector<Mutation>& batch) {
  std::lock_guard lk(writer_mu_);
  Conn& w = *writer_;
  sqlite3* db = w.db;
  if (!w.exec("BEGIN IMMEDIATE")) return std::unexpected(dbError(db, "开始事务"));
  auto abort = [&](const std::string& what) {
    auto e = dbError(db, what);
    w.exec("ROLLBACK");
    return std::unexpected(e);
  };
  auto staleVersion = [&](const std::string& case_no) {
    w.exec("ROLLBACK");
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
      Stmt idem = w.prepare(
          "INSERT INTO idempotency(scope,request_hash,case_no,response,created_at) "
          "VALUES(?,'',?,?,0)");
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
  if (!w.exec("COMMIT")) return abort("提交事务");
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
  Stmt q = r.prepare("SELECT response FROM idempotency WHERE scope=?");
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

}  // namespace jingban
