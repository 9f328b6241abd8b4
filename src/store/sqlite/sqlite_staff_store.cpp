#include "store/sqlite/sqlite_staff_store.hpp"

#include <nlohmann/json.hpp>

#include "store/sqlite/db.hpp"

namespace jingban {

using sqlite::dbError;
using sqlite::Stmt;

Result<std::unique_ptr<SqliteStaffStore>> SqliteStaffStore::open(const std::string& path) {
  std::unique_ptr<SqliteStaffStore> s(new SqliteStaffStore());
  auto c = sqlite::openConnection(path);
  if (!c) return std::unexpected(c.error());
  s->conn_ = std::move(*c);
  return s;
}

SqliteStaffStore::~SqliteStaffStore() = default;

Result<void> SqliteStaffStore::putStaff(const StaffRecord& s) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(
      "INSERT INTO staff(username,name,region,roles,password_hash) VALUES(?,?,?,?,?) "
      "ON CONFLICT(username) DO UPDATE SET name=excluded.name,region=excluded.region,"
      "roles=excluded.roles,password_hash=excluded.password_hash");
  q.bind(1, s.username).bind(2, s.name).bind(3, s.region).bind(4, nlohmann::json(s.roles).dump());
  q.bind(5, s.password_hash);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "保存工作人员"));
  return {};
}

Result<std::optional<StaffRecord>> SqliteStaffStore::staff(const std::string& username) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("SELECT name,region,roles,password_hash FROM staff WHERE username=?");
  q.bind(1, username);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<StaffRecord>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取工作人员"));
  StaffRecord s{username, q.text(0), q.text(1), q.text(3),
                nlohmann::json::parse(q.text(2)).get<std::vector<std::string>>()};
  return std::optional<StaffRecord>(s);
}

Result<void> SqliteStaffStore::putSession(const std::string& token_hash,
                                          const std::string& username, int64_t expires_at) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("INSERT INTO sessions(token_hash,username,expires_at) VALUES(?,?,?)");
  q.bind(1, token_hash).bind(2, username).bind(3, expires_at);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "保存登录会话"));
  return {};
}

Result<std::optional<std::pair<std::string, int64_t>>> SqliteStaffStore::session(
    const std::string& token_hash) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("SELECT username,expires_at FROM sessions WHERE token_hash=?");
  q.bind(1, token_hash);
  int rc = q.step();
  using R = std::optional<std::pair<std::string, int64_t>>;
  if (rc == SQLITE_DONE) return R();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取登录会话"));
  return R(std::make_pair(q.text(0), q.integer(1)));
}

}  // namespace jingban
