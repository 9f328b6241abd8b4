// The delivery state of outgoing transfer documents (table peer_deliveries, migration 9), on a
// connection of its own: delivery bookkeeping is not part of any unit of work — a state lost in a
// crash only means one more delivery, which the receiver answers the same and applies once.
#include <sqlite3.h>

#include "peer/exchange.hpp"

namespace jingban::peer {

struct DeliveryLog::Impl {
  sqlite3* db = nullptr;
  std::mutex mu;
  ~Impl() {
    if (db) sqlite3_close(db);
  }
};

namespace {
Error dbFail(sqlite3* db, const char* what) {
  return Error{ErrorCode::kUnavailable, "storage",
               std::string("转移接续文书投递记录") + what + "失败：" + sqlite3_errmsg(db)};
}
}  // namespace

Result<std::unique_ptr<DeliveryLog>> DeliveryLog::open(const std::string& db_path) {
  std::unique_ptr<DeliveryLog> log(new DeliveryLog());
  log->impl_ = std::make_unique<Impl>();
  if (sqlite3_open_v2(db_path.c_str(), &log->impl_->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    return std::unexpected(dbFail(log->impl_->db, "打开"));
  sqlite3_busy_timeout(log->impl_->db, 10000);
  if (sqlite3_exec(log->impl_->db, "PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr) !=
      SQLITE_OK)
    return std::unexpected(dbFail(log->impl_->db, "打开"));
  return log;
}

DeliveryLog::~DeliveryLog() = default;

Result<std::vector<Delivery>> DeliveryLog::all() {
  std::lock_guard lk(impl_->mu);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(impl_->db,
                         "SELECT message_id, to_region, status, attempts, next_attempt_at, "
                         "last_error FROM peer_deliveries",
                         -1, &st, nullptr) != SQLITE_OK)
    return std::unexpected(dbFail(impl_->db, "读取"));
  std::vector<Delivery> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto text = [st](int i) {
      auto p = sqlite3_column_text(st, i);
      return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    };
    out.push_back(Delivery{text(0), text(1), text(2), sqlite3_column_int(st, 3),
                           sqlite3_column_int64(st, 4), text(5)});
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return std::unexpected(dbFail(impl_->db, "读取"));
  return out;
}

Result<void> DeliveryLog::save(const Delivery& d, int64_t delivered_at) {
  std::lock_guard lk(impl_->mu);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(impl_->db,
                         "INSERT INTO peer_deliveries(message_id, to_region, status, attempts, "
                         "next_attempt_at, delivered_at, last_error) VALUES(?,?,?,?,?,?,?) "
                         "ON CONFLICT(message_id) DO UPDATE SET status=excluded.status, "
                         "attempts=excluded.attempts, next_attempt_at=excluded.next_attempt_at, "
                         "delivered_at=excluded.delivered_at, last_error=excluded.last_error",
                         -1, &st, nullptr) != SQLITE_OK)
    return std::unexpected(dbFail(impl_->db, "写入"));
  sqlite3_bind_text(st, 1, d.message_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, d.to_region.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, d.status.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 4, d.attempts);
  sqlite3_bind_int64(st, 5, d.next_attempt_at);
  if (delivered_at > 0)
    sqlite3_bind_int64(st, 6, delivered_at);
  else
    sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, d.last_error.c_str(), -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return std::unexpected(dbFail(impl_->db, "写入"));
  return {};
}

}  // namespace jingban::peer
