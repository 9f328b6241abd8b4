#include "store/sqlite/sqlite_outbox.hpp"

#include "store/sqlite/db.hpp"

namespace jingban {

using sqlite::dbError;
using sqlite::Stmt;

namespace {

constexpr const char* kColumns =
    "message_id,case_no,region,kind,phone,text,status,attempts,next_attempt_at,last_error,"
    "created_at,sent_at";

OutboxMessage readMessage(const Stmt& q) {
  OutboxMessage m;
  m.message_id = q.text(0);
  m.case_no = q.text(1);
  m.region = q.text(2);
  m.kind = q.text(3);
  m.phone = q.text(4);
  m.text = q.text(5);
  m.status = q.text(6);
  m.attempts = static_cast<int>(q.integer(7));
  m.next_attempt_at = q.integer(8);
  m.last_error = q.text(9);
  m.created_at = q.integer(10);
  if (!q.isNull(11)) m.sent_at = q.integer(11);
  return m;
}

Result<std::vector<OutboxMessage>> readAll(sqlite::Conn& c, Stmt& q, const char* what) {
  std::vector<OutboxMessage> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(readMessage(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, what));
  return out;
}

}  // namespace

Result<std::unique_ptr<SqliteOutbox>> SqliteOutbox::open(const std::string& path) {
  std::unique_ptr<SqliteOutbox> s(new SqliteOutbox());
  auto c = sqlite::openConnection(path);
  if (!c) return std::unexpected(c.error());
  if (auto m = sqlite::migrate(**c); !m) return std::unexpected(m.error());
  s->conn_ = std::move(*c);
  return s;
}

SqliteOutbox::~SqliteOutbox() = default;

Result<std::vector<NotifyEvent>> SqliteOutbox::newEvents(int64_t since,
                                                         const std::vector<std::string>& actions,
                                                         int limit) {
  std::lock_guard lk(mu_);
  // The actions are a short fixed list from the code: one placeholder each.
  std::string in;
  for (size_t i = 0; i < actions.size(); ++i) in += i ? ",?" : "?";
  // case_events_by_at bounds the scan to the overlap window; the message ids already there are
  // skipped here, so that the collection writes only what is new. An applicant without a phone
  // number gets no message (a unit may leave it out).
  Stmt q = conn_->prepare(
      "SELECT e.case_no,e.seq,e.at,e.action,c.region,"
      "coalesce(json_extract(f.fixed,'$.item_name'),''),"
      "coalesce(json_extract(f.fixed,'$.applicant.phone'),'') "
      "FROM case_events e JOIN cases c ON c.case_no=e.case_no JOIN case_fixed f ON f.id=c.id "
      "WHERE e.at>=? AND json_extract(f.fixed,'$.applicant.phone')<>'' AND e.action IN (" +
      in +
      ") AND NOT EXISTS(SELECT 1 FROM notifications n WHERE n.message_id=e.case_no||':'||e.seq) "
      "ORDER BY e.at,e.case_no,e.seq LIMIT ?");
  int i = 1;
  q.bind(i++, since);
  for (const auto& a : actions) q.bind(i++, a);
  q.bind(i, int64_t{limit});
  std::vector<NotifyEvent> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back({q.text(0), static_cast<int>(q.integer(1)), q.integer(2), q.text(3), q.text(4),
                   q.text(5), q.text(6)});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "读取待通知的办件事件"));
  return out;
}

Result<std::vector<NotifyEvent>> SqliteOutbox::eventsFor(
    const std::vector<CommittedEvent>& events) {
  std::vector<NotifyEvent> out;
  if (events.empty()) return out;
  std::lock_guard lk(mu_);
  // One read transaction for the whole round; one lookup of the case row per event.
  if (!conn_->run("BEGIN")) return std::unexpected(dbError(conn_->db, "读取待通知的办件事件"));
  Stmt q = conn_->prepare(
      "SELECT region,coalesce(json_extract(fixed,'$.item_name'),''),"
      "coalesce(json_extract(fixed,'$.applicant.phone'),'') FROM cases "
      "CROSS JOIN case_fixed USING(id) WHERE case_no=? "
      "AND NOT EXISTS(SELECT 1 FROM notifications WHERE message_id=?)");
  for (const auto& e : events) {
    q.reset();
    q.bind(1, e.case_no).bind(2, e.case_no + ":" + std::to_string(e.seq));
    int rc = q.step();
    if (rc == SQLITE_ROW) {
      std::string phone = q.text(2);
      if (!phone.empty())
        out.push_back({e.case_no, e.seq, e.at, e.action, q.text(0), q.text(1), std::move(phone)});
    } else if (rc != SQLITE_DONE) {
      auto err = dbError(conn_->db, "读取待通知的办件事件");
      conn_->run("ROLLBACK");
      return std::unexpected(err);
    }
  }
  conn_->run("COMMIT");
  return out;
}

Result<void> SqliteOutbox::saveOutcomes(const std::vector<Outcome>& outcomes) {
  if (outcomes.empty()) return {};
  std::lock_guard lk(mu_);
  if (!conn_->run("BEGIN IMMEDIATE")) return std::unexpected(dbError(conn_->db, "记录通知结果"));
  Stmt sent = conn_->prepare(
      "UPDATE notifications SET status='sent',attempts=?,sent_at=?,last_error='' "
      "WHERE message_id=?");
  Stmt retry = conn_->prepare(
      "UPDATE notifications SET attempts=?,next_attempt_at=?,last_error=? WHERE message_id=?");
  Stmt failed = conn_->prepare(
      "UPDATE notifications SET status='failed',attempts=?,last_error=? WHERE message_id=?");
  for (const auto& o : outcomes) {
    Stmt* q = nullptr;
    if (o.kind == Outcome::kSent) {
      q = &sent;
      q->reset();
      q->bind(1, int64_t{o.attempts}).bind(2, o.at).bind(3, o.id);
    } else if (o.kind == Outcome::kRetry) {
      q = &retry;
      q->reset();
      q->bind(1, int64_t{o.attempts}).bind(2, o.at).bind(3, o.error).bind(4, o.id);
    } else {
      q = &failed;
      q->reset();
      q->bind(1, int64_t{o.attempts}).bind(2, o.error).bind(3, o.id);
    }
    if (q->step() != SQLITE_DONE) {
      auto e = dbError(conn_->db, "记录通知结果");
      conn_->run("ROLLBACK");
      return std::unexpected(e);
    }
  }
  if (!conn_->run("COMMIT")) {
    auto e = dbError(conn_->db, "记录通知结果");
    conn_->run("ROLLBACK");
    return std::unexpected(e);
  }
  return {};
}

Result<int64_t> SqliteOutbox::latestCreatedAt() {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("SELECT coalesce(max(created_at),0) FROM notifications");
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取通知"));
  return q.integer(0);
}

Result<int> SqliteOutbox::insertNew(const std::vector<OutboxMessage>& messages) {
  if (messages.empty()) return 0;
  std::lock_guard lk(mu_);
  if (!conn_->run("BEGIN IMMEDIATE")) return std::unexpected(dbError(conn_->db, "保存通知"));
  int inserted = 0;
  for (const auto& m : messages) {
    Stmt q = conn_->prepare(
        "INSERT OR IGNORE INTO notifications(message_id,case_no,region,kind,phone,text,status,"
        "attempts,next_attempt_at,last_error,created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, m.message_id).bind(2, m.case_no).bind(3, m.region).bind(4, m.kind);
    q.bind(5, m.phone).bind(6, m.text).bind(7, m.status).bind(8, int64_t{m.attempts});
    q.bind(9, m.next_attempt_at).bind(10, m.last_error).bind(11, m.created_at);
    if (q.step() != SQLITE_DONE) {
      auto e = dbError(conn_->db, "保存通知");
      conn_->run("ROLLBACK");
      return std::unexpected(e);
    }
    inserted += sqlite3_changes(conn_->db);
  }
  if (!conn_->run("COMMIT")) {
    auto e = dbError(conn_->db, "保存通知");
    conn_->run("ROLLBACK");
    return std::unexpected(e);
  }
  return inserted;
}

Result<std::vector<OutboxMessage>> SqliteOutbox::due(int64_t now, int limit) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(std::string("SELECT ") + kColumns +
                          " FROM notifications WHERE status='pending' AND next_attempt_at<=? "
                          "ORDER BY next_attempt_at,message_id LIMIT ?");
  q.bind(1, now).bind(2, int64_t{limit});
  return readAll(*conn_, q, "读取待发送的通知");
}

Result<std::vector<OutboxMessage>> SqliteOutbox::list(const OutboxFilter& f) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(std::string("SELECT ") + kColumns +
                          " FROM notifications WHERE region=?1 AND (?2='' OR status=?2) "
                          "ORDER BY created_at DESC,message_id DESC LIMIT ?3 OFFSET ?4");
  q.bind(1, f.region).bind(2, f.status).bind(3, int64_t{f.limit}).bind(4, int64_t{f.offset});
  return readAll(*conn_, q, "读取通知列表");
}

Result<std::optional<OutboxMessage>> SqliteOutbox::message(const std::string& id) {
  std::lock_guard lk(mu_);
  Stmt q =
      conn_->prepare(std::string("SELECT ") + kColumns + " FROM notifications WHERE message_id=?");
  q.bind(1, id);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<OutboxMessage>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取通知"));
  return std::optional<OutboxMessage>(readMessage(q));
}

Result<bool> SqliteOutbox::retry(const std::string& id) {
  std::lock_guard lk(mu_);
  // One statement: a concurrent second retry finds it pending already and changes nothing.
  Stmt q = conn_->prepare(
      "UPDATE notifications SET status='pending',attempts=0,next_attempt_at=0 "
      "WHERE message_id=? AND status='failed'");
  q.bind(1, id);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "重新发送通知"));
  return sqlite3_changes(conn_->db) > 0;
}

Result<std::map<std::string, int64_t>> SqliteOutbox::countByStatus() {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare("SELECT status,count(*) FROM notifications GROUP BY status");
  std::map<std::string, int64_t> out{{"pending", 0}, {"sent", 0}, {"failed", 0}};
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out[q.text(0)] = q.integer(1);
  if (rc != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "统计通知"));
  return out;
}

}  // namespace jingban
