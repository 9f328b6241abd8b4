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
    // 4: the registers (Registers I). The journal stub goes; every register gets its own tables,
    // each change of a unit or person a history row, and register_log the commit order of every
    // event that changed a register (also what makes applying an event idempotent). Money columns
    // are INTEGER fen. Import batches are source documents: clearing the registers keeps them.
    R"sql(
DROP TABLE register_journal;
CREATE TABLE units(
  region TEXT NOT NULL,
  credit_code TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  address TEXT NOT NULL,
  legal_representative TEXT NOT NULL,
  phone TEXT NOT NULL,
  bank_account TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY(region, credit_code)
) WITHOUT ROWID;
CREATE INDEX units_by_name ON units(region, name);
CREATE TABLE unit_history(
  region TEXT NOT NULL,
  credit_code TEXT NOT NULL,
  n INTEGER NOT NULL,              -- 1, 2, 3 … per unit, in the order the changes were applied
  at INTEGER NOT NULL,
  source TEXT NOT NULL,            -- case number or import:<batch id>
  event_seq INTEGER NOT NULL,
  created INTEGER NOT NULL,         -- 1: the row was created; changes holds its non-empty values
  changes TEXT NOT NULL,           -- JSON {field: {before, after}}, or {field: value} if created
  PRIMARY KEY(region, credit_code, n)
) WITHOUT ROWID;
CREATE TABLE persons(
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  insurance_type TEXT NOT NULL,
  unit TEXT NOT NULL,
  employment TEXT NOT NULL,
  contribution_base_fen INTEGER NOT NULL,
  identities TEXT NOT NULL,        -- JSON array of strings
  phone TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY(region, id_no)
) WITHOUT ROWID;
CREATE INDEX persons_by_unit ON persons(region, unit) WHERE unit <> '';
CREATE INDEX persons_by_name ON persons(region, name);
CREATE TABLE enrolments(
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  idx INTEGER NOT NULL,
  from_month TEXT NOT NULL,
  to_month TEXT NOT NULL,          -- '' while open
  status TEXT NOT NULL,
  insurance_type TEXT NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY(region, id_no, idx)
) WITHOUT ROWID;
CREATE TABLE person_history(      -- as unit_history (a resident import writes a million rows)
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  n INTEGER NOT NULL,
  at INTEGER NOT NULL,
  source TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  created INTEGER NOT NULL,
  changes TEXT NOT NULL,
  PRIMARY KEY(region, id_no, n)
) WITHOUT ROWID;
CREATE TABLE accounts(
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  status TEXT NOT NULL,            -- 正常 | 已销户
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  closed_by TEXT,                  -- the case that closed it
  PRIMARY KEY(region, id_no)
) WITHOUT ROWID;
CREATE TABLE account_entries(
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  at INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,     -- credit > 0, debit < 0; the balance is their sum
  kind TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX account_entries_by_account ON account_entries(region, id_no, at);
CREATE TABLE payments(
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  case_no TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  payee_kind TEXT NOT NULL,
  payee TEXT NOT NULL,
  payee_account TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  at INTEGER NOT NULL,
  month TEXT NOT NULL,             -- YYYY-MM of `at` in Asia/Shanghai
  UNIQUE(case_no, event_seq)
);
CREATE INDEX payments_by_month ON payments(region, month, at);
CREATE TABLE claims(
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  case_no TEXT NOT NULL,
  total_fen INTEGER NOT NULL,
  fund_fen INTEGER NOT NULL,
  serious_illness_fen INTEGER NOT NULL,
  assistance_fen INTEGER NOT NULL,
  deductible_fen INTEGER NOT NULL,
  admission TEXT NOT NULL,
  personal_eligible_fen INTEGER NOT NULL,  -- what the claimant bore of the eligible expenses
  PRIMARY KEY(region, id_no, year, case_no)
) WITHOUT ROWID;
CREATE TABLE premiums(
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  id_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL,              -- 个人缴费 | 资助
  amount_fen INTEGER NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX premiums_by_person ON premiums(region, id_no, year);
CREATE TABLE register_log(
  seq INTEGER PRIMARY KEY,
  source TEXT NOT NULL,            -- case number or import:<batch id>
  event_seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE(source, event_seq)
);
CREATE TABLE import_batches(
  batch_id TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  rows TEXT NOT NULL,              -- normalised CSV of the accepted rows, with its header
  accepted INTEGER NOT NULL,
  rejected INTEGER NOT NULL
);                                 -- a rowid table: its rows are large (WITHOUT ROWID is not)
)sql",
    // 5: the supervisor's dashboard (store/stats.hpp) counts over a period: cases submitted and
    // closed in it by region, and events by time (who acted, ratings given). Without these every
    // dashboard read scanned all cases of the region and every event ever recorded.
    R"sql(
CREATE INDEX cases_by_submitted ON cases(region, submitted_at);
CREATE INDEX cases_by_closed ON cases(region, closed_on) WHERE closed_on IS NOT NULL;
CREATE INDEX case_events_by_at ON case_events(at);
)sql",
    // 6: the notifications outbox (src/notify): one message per event of 受理, 补正, 办结 or the
    // follow-up of a poor rating, keyed by "<case_no>:<event seq>" so that collecting an event
    // twice makes no second message; its delivery (attempts, next attempt, last error).
    R"sql(
CREATE TABLE notifications(
  message_id TEXT PRIMARY KEY,
  case_no TEXT NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,              -- accepted | supplement | completed | follow_up
  phone TEXT NOT NULL,
  text TEXT NOT NULL,
  status TEXT NOT NULL,            -- pending | sent | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
) WITHOUT ROWID;
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
CREATE INDEX notifications_by_region ON notifications(region, status, created_at);
CREATE INDEX notifications_by_created ON notifications(created_at);
)sql",
    // 7: the files uploaded for a case's materials (store/file_store.hpp): PDF, JPEG or PNG of at
    // most 5 MiB, kept with the case (backups and verify cover them). Written by their own
    // connection, never changed once stored.
    R"sql(
CREATE TABLE case_files(
  id INTEGER PRIMARY KEY,
  case_no TEXT NOT NULL REFERENCES cases(case_no),
  material_id TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  uploaded_at INTEGER NOT NULL,
  uploaded_by TEXT NOT NULL
);
CREATE INDEX case_files_by_case ON case_files(case_no, material_id);
)sql",
    // 8: the entries of Registers II (registers.hpp RegisterEntry: filings, qualifications,
    // institutions, maternity, transfers, settlements …), their change history, and the counters
    // the registers own (cleared with them, so a rebuild allocates the same numbers again).
    R"sql(
CREATE TABLE register_entries(
  kind TEXT NOT NULL,
  region TEXT NOT NULL,
  key TEXT NOT NULL,
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY(kind, region, key)
) WITHOUT ROWID;
CREATE INDEX register_entries_by_owner ON register_entries(kind, region, owner, valid_from);
CREATE TABLE register_entry_history(
  kind TEXT NOT NULL,
  region TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  at INTEGER NOT NULL,
  source TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  created INTEGER NOT NULL,
  changes TEXT NOT NULL,
  PRIMARY KEY(kind, region, key, n)
) WITHOUT ROWID;
CREATE TABLE register_numbers(
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 9: the delivery of the documents of transfers between regions (sqlite_peer_deliveries). The
    // documents themselves are register entries (transfer_outbox) written with the stage that
    // sends them, and a document received is an import batch applied in its receipt's unit of
    // work; this table only records what was delivered, so a restart resends nothing delivered.
    R"sql(
CREATE TABLE peer_deliveries(
  message_id TEXT PRIMARY KEY,
  to_region TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 10: a payment is one line of an event: (case, event, line), line 0 for the single payment
    // of an event and 1..n for the lines of a 待遇支付 run (Xining 630100990001), which before
    // this booked line n of its 拨付 event s under the made-up sequence s × 1000 + n. SQLite
    // cannot change a UNIQUE constraint, so the table is rebuilt (ids kept: lists order by them).
    // Rows of that encoding are recognised by their case's item and a sequence no real event
    // reaches (a case has tens of events, and the run's form holds at most 500 lines).
    R"sql(
CREATE TABLE payments_v10(
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  case_no TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  line INTEGER NOT NULL DEFAULT 0, -- 0: the event's one payment; 1..n: the lines of a run
  payee_kind TEXT NOT NULL,
  payee TEXT NOT NULL,
  payee_account TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  at INTEGER NOT NULL,
  month TEXT NOT NULL,
  UNIQUE(case_no, event_seq, line)
);
INSERT INTO payments_v10(id,region,case_no,event_seq,line,payee_kind,payee,payee_account,
                         amount_fen,purpose,at,month)
  SELECT p.id, p.region, p.case_no,
         CASE WHEN run.case_no IS NULL THEN p.event_seq ELSE p.event_seq / 1000 END,
         CASE WHEN run.case_no IS NULL THEN 0 ELSE p.event_seq % 1000 END,
         p.payee_kind, p.payee, p.payee_account, p.amount_fen, p.purpose, p.at, p.month
  FROM payments p
  LEFT JOIN cases run ON run.case_no = p.case_no AND run.item_code = '630100990001'
                     AND p.event_seq >= 1000;
DROP TABLE payments;
ALTER TABLE payments_v10 RENAME TO payments;
CREATE INDEX payments_by_month ON payments(region, month, at);
)sql",
    // 11: the day by which a case still owes its one-time notice (一次性告知, Item::notice_limit;
    // CaseState::noticeOwedBy): set at 申请, null once the application is answered or the case
    // closed, so that the lists by deadline and the dashboard find overdue notices in SQL. Rows
    // stored before it have no notice date pinned (nothing to fill in).
    R"sql(
ALTER TABLE cases ADD COLUMN notice_due_on TEXT;
CREATE INDEX cases_notice_owed ON cases(region, notice_due_on) WHERE notice_due_on IS NOT NULL;
)sql",
    // 12: events in a rowid table, in the order they were written. As a WITHOUT ROWID table
    // clustered on (case_no, seq), every action wrote into the leaf page of its own case, and an
    // event over about 1 KB (初审's 结算单) went to an overflow page: a commit of a dozen actions
    // wrote a page per action. Appended by rowid, the actions of one commit share the last pages;
    // (case_no, seq) stays unique through its own small index. Rows are copied in time order.
    R"sql(
CREATE TABLE case_events_v12(
  id INTEGER PRIMARY KEY,
  case_no TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  step TEXT NOT NULL,
  comment TEXT NOT NULL,
  data TEXT NOT NULL,
  hash TEXT NOT NULL DEFAULT '',
  UNIQUE(case_no, seq)
);
INSERT INTO case_events_v12(case_no,seq,at,actor,action,step,comment,data,hash)
  SELECT case_no,seq,at,actor,action,step,comment,data,hash FROM case_events
  ORDER BY at, case_no, seq;
DROP TABLE case_events;
ALTER TABLE case_events_v12 RENAME TO case_events;
CREATE INDEX case_events_by_at ON case_events(at);
)sql",
    // 13: what 申请 fixes (cases.fixed: applicant, form, flow — most of a row) moves to a table of
    // its own under the same rowid, written once; every action rewrites only the small rest of the
    // row, so the rows of the cases in progress share fewer pages. Idempotency records become a
    // rowid table as the events did (12): appended in order, the scope unique through an index.
    R"sql(
CREATE TABLE case_fixed(
  id INTEGER PRIMARY KEY,          -- cases.id
  fixed TEXT NOT NULL
);
INSERT INTO case_fixed(id, fixed) SELECT id, fixed FROM cases;
ALTER TABLE cases DROP COLUMN fixed;
CREATE TABLE idempotency_v13(
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL UNIQUE,      -- caller | route | case | key
  request_hash TEXT NOT NULL,
  case_no TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO idempotency_v13(scope, request_hash, case_no, response, created_at)
  SELECT scope, request_hash, case_no, response, created_at FROM idempotency ORDER BY created_at;
DROP TABLE idempotency;
ALTER TABLE idempotency_v13 RENAME TO idempotency;
)sql",
};

}  // namespace

int schemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<void> migrate(Conn& c) { return migrate(c, schemaVersion()); }

Result<void> migrate(Conn& c, int target) {
  if (target < 0 || target > schemaVersion())
    return fail(ErrorCode::kInternal, "bad_schema_target",
                "数据库结构目标版本 " + std::to_string(target) + " 无效");
  Stmt v = c.prepare("PRAGMA user_version");
  int version = v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : 0;
  v.reset();
  if (version > schemaVersion())
    return fail(ErrorCode::kUnavailable, "schema_too_new",
                "数据库结构版本 " + std::to_string(version) + " 高于本程序支持的 " +
                    std::to_string(schemaVersion()) + "，请升级程序");
  for (int i = version; i < target; ++i) {
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
