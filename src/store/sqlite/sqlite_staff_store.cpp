#include "store/sqlite/sqlite_staff_store.hpp"

#include <nlohmann/json.hpp>

#include "store/sqlite/db.hpp"

namespace jingban {

using sqlite::dbError;
using sqlite::Stmt;

namespace {
constexpr const char* kStaffColumns =
    "username,name,region,roles,password_hash,disabled,failed_logins,locked_until,updated_at";

StaffRecord readStaff(const Stmt& q) {
  StaffRecord s;
  s.username = q.text(0);
  s.name = q.text(1);
  s.region = q.text(2);
  s.roles = nlohmann::json::parse(q.text(3)).get<std::vector<std::string>>();
  s.password_hash = q.text(4);
  s.disabled = q.integer(5) != 0;
  s.failed_logins = static_cast<int>(q.integer(6));
  s.locked_until = q.integer(7);
  s.updated_at = q.integer(8);
  return s;
}
}  // namespace

Result<std::unique_ptr<SqliteStaffStore>> SqliteStaffStore::open(const std::string& path) {
  std::unique_ptr<SqliteStaffStore> s(new SqliteStaffStore());
  auto c = sqlite::openConnection(path);
  if (!c) return std::unexpected(c.error());
  if (auto m = sqlite::migrate(**c); !m) return std::unexpected(m.error());
  s->conn_ = std::move(*c);
  return s;
}

SqliteStaffStore::~SqliteStaffStore() = default;

template <typename F>
Result<void> SqliteStaffStore::transaction(const char* what, F&& body) {
  if (!conn_->exec("BEGIN IMMEDIATE")) return std::unexpected(dbError(conn_->db, what));
  Result<void> r = body();
  if (r && !conn_->exec("COMMIT")) r = std::unexpected(dbError(conn_->db, what));
  if (!r) conn_->exec("ROLLBACK");
  return r;
}

Result<void> SqliteStaffStore::insertAudit(const StaffAuditEntry& a) {
  Stmt q =
      conn_->prepare("INSERT INTO staff_audit(at,actor,target,action,detail) VALUES(?,?,?,?,?)");
  q.bind(1, a.at).bind(2, a.actor).bind(3, a.target).bind(4, a.action).bind(5, a.detail);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "记录账号变更"));
  return {};
}

Result<std::optional<StaffRecord>> SqliteStaffStore::staff(const std::string& username) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(std::string("SELECT ") + kStaffColumns + " FROM staff WHERE username=?");
  q.bind(1, username);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<StaffRecord>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取工作人员"));
  return std::optional<StaffRecord>(readStaff(q));
}

Result<std::vector<StaffRecord>> SqliteStaffStore::staffOfRegion(const std::string& region) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(std::string("SELECT ") + kStaffColumns +
                          " FROM staff WHERE region=? ORDER BY username");
  q.bind(1, region);
  std::vector<StaffRecord> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(readStaff(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "读取工作人员列表"));
  return out;
}

Result<void> SqliteStaffStore::addStaff(const StaffRecord& s, const StaffAuditEntry& audit) {
  std::lock_guard lk(mu_);
  return transaction("新增工作人员", [&]() -> Result<void> {
    Stmt exists = conn_->prepare("SELECT 1 FROM staff WHERE username=?");
    exists.bind(1, s.username);
    int rc = exists.step();
    if (rc == SQLITE_ROW) return fail(ErrorCode::kConflict, "staff_exists", "该用户名已存在");
    if (rc != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "新增工作人员"));
    Stmt q = conn_->prepare(
        "INSERT INTO staff(username,name,region,roles,password_hash,disabled,failed_logins,"
        "locked_until,updated_at) VALUES(?,?,?,?,?,?,0,0,?)");
    q.bind(1, s.username).bind(2, s.name).bind(3, s.region);
    q.bind(4, nlohmann::json(s.roles).dump()).bind(5, s.password_hash);
    q.bind(6, int64_t{s.disabled}).bind(7, s.updated_at);
    if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "新增工作人员"));
    return insertAudit(audit);
  });
}

Result<void> SqliteStaffStore::updateStaff(const StaffRecord& s, const StaffAuditEntry& audit,
                                           bool revoke_sessions, bool unlock) {
  std::lock_guard lk(mu_);
  return transaction("修改工作人员", [&]() -> Result<void> {
    Stmt q = conn_->prepare(
        "UPDATE staff SET name=?,region=?,roles=?,password_hash=?,disabled=?,updated_at=?,"
        "failed_logins=CASE WHEN ? THEN 0 ELSE failed_logins END,"
        "locked_until=CASE WHEN ? THEN 0 ELSE locked_until END WHERE username=?");
    q.bind(1, s.name).bind(2, s.region).bind(3, nlohmann::json(s.roles).dump());
    q.bind(4, s.password_hash).bind(5, int64_t{s.disabled}).bind(6, s.updated_at);
    q.bind(7, int64_t{unlock}).bind(8, int64_t{unlock}).bind(9, s.username);
    if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "修改工作人员"));
    if (sqlite3_changes(conn_->db) == 0)
      return fail(ErrorCode::kNotFound, "staff_not_found", "找不到该工作人员");
    if (revoke_sessions) {
      Stmt d = conn_->prepare("DELETE FROM sessions WHERE username=?");
      d.bind(1, s.username);
      if (d.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "注销登录会话"));
    }
    return insertAudit(audit);
  });
}

Result<FailedLogin> SqliteStaffStore::recordFailedLogin(const std::string& username, int lock_after,
                                                        int64_t now, int64_t lock_until) {
  std::lock_guard lk(mu_);
  FailedLogin out;
  auto r = transaction("记录登录失败", [&]() -> Result<void> {
    // One statement, so that concurrent failures each count (no read-modify-write race).
    Stmt q = conn_->prepare(
        "UPDATE staff SET "
        "locked_until=CASE WHEN failed_logins+1>=?1 THEN ?2 ELSE locked_until END,"
        "failed_logins=CASE WHEN failed_logins+1>=?1 THEN 0 ELSE failed_logins+1 END "
        "WHERE username=?3 RETURNING failed_logins,locked_until");
    q.bind(1, int64_t{lock_after}).bind(2, lock_until).bind(3, username);
    int rc = q.step();
    if (rc == SQLITE_DONE) return {};  // no such account: nothing to count
    if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "记录登录失败"));
    out.failed_logins = static_cast<int>(q.integer(0));
    out.locked_until = q.integer(1);
    out.locked_now = out.failed_logins == 0;  // only a lock restarts the count at zero
    if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "记录登录失败"));
    if (!out.locked_now) return {};
    nlohmann::json detail = {{"failures", lock_after}, {"locked_until", lock_until}};
    return insertAudit({now, "system", username, "lock", detail.dump()});
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

Result<void> SqliteStaffStore::clearFailedLogins(const std::string& username) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("UPDATE staff SET failed_logins=0 WHERE username=? AND failed_logins<>0");
  q.bind(1, username);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "记录登录成功"));
  return {};
}

Result<void> SqliteStaffStore::putSession(const std::string& token_hash,
                                          const std::string& username, int64_t created_at,
                                          int64_t expires_at) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(
      "INSERT INTO sessions(token_hash,username,expires_at,created_at) VALUES(?,?,?,?)");
  q.bind(1, token_hash).bind(2, username).bind(3, expires_at).bind(4, created_at);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "保存登录会话"));
  return {};
}

Result<std::optional<Session>> SqliteStaffStore::session(const std::string& token_hash) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("SELECT username,expires_at FROM sessions WHERE token_hash=?");
  q.bind(1, token_hash);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<Session>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取登录会话"));
  return std::optional<Session>(Session{q.text(0), q.integer(1)});
}

Result<void> SqliteStaffStore::deleteSession(const std::string& token_hash) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("DELETE FROM sessions WHERE token_hash=?");
  q.bind(1, token_hash);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "注销登录会话"));
  return {};
}

Result<int> SqliteStaffStore::pruneSessions(int64_t now) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("DELETE FROM sessions WHERE expires_at<=?");
  q.bind(1, now);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "清理过期会话"));
  return sqlite3_changes(conn_->db);
}

}  // namespace jingban
