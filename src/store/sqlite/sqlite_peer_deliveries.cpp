#include "store/sqlite/sqlite_peer_deliveries.hpp"

#include "store/sqlite/db.hpp"

namespace jingban {

using sqlite::Stmt;

namespace {
Error dbFail(sqlite3* db, const char* what) {
  return Error{ErrorCode::kUnavailable, "storage",
               std::string("转移接续文书投递记录") + what + "失败：" + sqlite3_errmsg(db)};
}
}  // namespace

Result<std::unique_ptr<SqlitePeerDeliveries>> SqlitePeerDeliveries::open(const std::string& path) {
  std::unique_ptr<SqlitePeerDeliveries> s(new SqlitePeerDeliveries());
  auto c = sqlite::openConnection(path, sqlite::Sync::kNormal);
  if (!c) return std::unexpected(c.error());
  if (auto m = sqlite::migrate(**c); !m) return std::unexpected(m.error());
  // See the header: the delivery state may lose its last writes in a power cut, never the cases.
  // (synchronous=NORMAL: openConnection's Sync::kNormal, on the plain unix VFS.)
  // A round of deliveries waits for the committer's transactions rather than failing them.
  sqlite3_busy_timeout((*c)->db, 10000);
  s->conn_ = std::move(*c);
  return s;
}

SqlitePeerDeliveries::~SqlitePeerDeliveries() = default;

Result<std::vector<PeerDelivery>> SqlitePeerDeliveries::all() {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(
      "SELECT message_id, to_region, status, attempts, next_attempt_at, last_error "
      "FROM peer_deliveries");
  if (!q.ok()) return std::unexpected(dbFail(conn_->db, "读取"));
  std::vector<PeerDelivery> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(PeerDelivery{q.text(0), q.text(1), q.text(2), static_cast<int>(q.integer(3)),
                               q.integer(4), q.text(5)});
  if (rc != SQLITE_DONE) return std::unexpected(dbFail(conn_->db, "读取"));
  return out;
}

Result<void> SqlitePeerDeliveries::save(const PeerDelivery& d, int64_t delivered_at) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(
      "INSERT INTO peer_deliveries(message_id, to_region, status, attempts, next_attempt_at, "
      "delivered_at, last_error) VALUES(?,?,?,?,?,?,?) "
      "ON CONFLICT(message_id) DO UPDATE SET status=excluded.status, "
      "attempts=excluded.attempts, next_attempt_at=excluded.next_attempt_at, "
      "delivered_at=excluded.delivered_at, last_error=excluded.last_error");
  if (!q.ok()) return std::unexpected(dbFail(conn_->db, "写入"));
  q.bind(1, d.message_id).bind(2, d.to_region).bind(3, d.status);
  q.bind(4, static_cast<int64_t>(d.attempts)).bind(5, d.next_attempt_at);
  if (delivered_at > 0)
    q.bind(6, delivered_at);
  else
    q.bindNull(6);
  q.bind(7, d.last_error);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbFail(conn_->db, "写入"));
  return {};
}

}  // namespace jingban
