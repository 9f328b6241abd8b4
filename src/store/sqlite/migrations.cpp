#include <vector>

#include "store/sqlite/db.hpp"

namespace jingban::sqlite {

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
    // 3: hardening. Sequences allocated numerically inside the committing transaction; each event
    // chained to the previous one of its case by a SHA-256 (tamper evidence); a random query code
    // per case (查询码); provisional due dates (a year whose holiday notice is not out);
    // idempotency keys scoped to caller, route and case with the hash of the request body; staff
    // lockout, disabling and audit; sessions prunable by expiry and revocable per user; a record
    // of which staff member read which case.
    R"sql(
CREATE TABLE sequences(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO sequences(name, value)
  SELECT 'case:' || substr(case_no, 1, 15), max(CAST(substr(case_no, 17) AS INTEGER))
  FROM cases GROUP BY substr(case_no, 1, 15);
ALTER TABLE case_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN query_code TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN due_provisional INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_provisional ON cases(due_provisional) WHERE due_provisional <> 0;
DROP TABLE idempotency;
CREATE TABLE idempotency(
  scope TEXT PRIMARY KEY,          -- caller | route | case | key
  request_hash TEXT NOT NULL,      -- SHA-256 of the request body
  case_no TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sessions_by_user ON sessions(username);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE TABLE staff_audit(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,             -- who made the change ("cli" for the command line)
  target TEXT NOT NULL,            -- the account changed
  action TEXT NOT NULL,            -- add | disable | enable | roles | reset_password | lock
  detail TEXT NOT NULL             -- JSON, never a password
);
CREATE TABLE case_reads(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  staff TEXT NOT NULL,
  case_no TEXT NOT NULL,
  what TEXT NOT NULL               -- case | progress …
);
CREATE INDEX case_reads_by_case ON case_reads(case_no);
)sql",
};

}  // namespace

int schemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<void> migrate(Conn& c) {
  Stmt v = c.prepare("PRAGMA user_version");
  int version = v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : 0;
  v.reset();
  if (version > schemaVersion())
    return fail(ErrorCode::kUnavailable, "schema_too_new",
                "数据库结构版本 " + std::to_string(version) + " 高于本程序支持的 " +
                    std::to_string(schemaVersion()) + "，请升级程序");
  for (int i = version; i < schemaVersion(); ++i) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[static_cast<size_t>(i)] +
                      "PRAGMA user_version=" + std::to_string(i + 1) + ";COMMIT;";
    if (!c.exec(sql.c_str())) {
      auto e = dbError(c.db, "升级数据库结构到版本 " + std::to_string(i + 1));
      c.exec("ROLLBACK");
      return std::unexpected(e);
    }
  }
  return {};
}

}  // namespace jingban::sqlite
