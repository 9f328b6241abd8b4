// The storage interface of cases. The core (cases/) speaks only to this; each engine lives in
// store/<engine>/ (SQLite now, PostgreSQL next) and passes the same conformance tests
// (tests/unit/store_conformance_test.cpp).
//
// Writes are units of work: a function given a Tx, whose reads and writes commit together or not
// at all. The Committer batches many units into one durable transaction (one fsync), each unit in
// its own savepoint, so a unit that fails rolls back alone.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "registers/registers.hpp"
#include "workflow/case_state.hpp"

namespace jingban {

// A batch of residents enrolled from a file (the annual collection period): the accepted rows,
// kept as received (normalised CSV) so that replaying the register log can apply them again.
struct ImportBatch {
  std::string batch_id, region, kind;  // kind: "residents"
  int64_t at = 0;
  std::string actor;
  std::string rows;  // normalised CSV of the accepted rows, with its header
  int64_t accepted = 0, rejected = 0;
};

// The stored form of a case row: the projection's indexed columns and its two JSON parts.
struct CaseRow {
  std::shared_ptr<const CaseState> state;
  std::string fixed;      // storageFixed(state).dump(): written once, at 申请
  std::string body;       // storageState(state).dump(): rewritten at every action
  std::string step_name;  // the flow step the case now waits at (for lists by step)
  bool due_provisional = false;
};

struct IdempotencyRecord {
  std::string scope;         // caller | route | case | key
  std::string request_hash;  // SHA-256 of the canonical request body
  std::string case_no;
  std::string response;  // the body answered the first time
  int64_t created_at = 0;
};

// The transaction a unit of work runs in. Every failure is a value; a failing unit is rolled back
// to its savepoint by the committer.
class Tx {
 public:
  virtual ~Tx() = default;
  // The next value of a named counter (1, 2, 3 …), allocated inside this transaction.
  virtual Result<int64_t> nextSequence(const std::string& name) = 0;
  virtual Result<void> insertCase(const CaseRow& row) = 0;
  // Fails with kConflict "version_conflict" when the row is no longer at `previous_version`.
  virtual Result<void> updateCase(const CaseRow& row, int previous_version,
                                  bool indexed_columns_changed) = 0;
  // Events carry their chained hash (workflow/event_chain.hpp). `data_texts`, when given, holds
  // each event's data as chainEvents serialised it for the hash (stored as is, not serialised
  // again); otherwise the data is serialised here.
  virtual Result<void> appendEvents(const std::string& case_no, std::span<const Event> events,
                                    std::span<const std::string> data_texts = {}) = 0;
  virtual Result<void> putIdempotency(const IdempotencyRecord& r) = 0;
  // The registers, inside this transaction (effects read and write them here).
  virtual RegisterTx& registers() = 0;
  virtual Result<void> putImportBatch(const ImportBatch& b) = 0;
  // Empties every register and the register log (the rebuild replays the events afterwards).
  virtual Result<void> clearRegisters() = 0;
  // Who read whose case (staff reads are recorded).
  virtual Result<void> recordRead(int64_t at, const std::string& staff, const std::string& case_no,
                                  const std::string& what) = 0;
};

using UnitOfWork = std::function<Result<void>(Tx&)>;

// An event as committed, told to the commit listener (after the transaction is durable).
struct CommittedEvent {
  std::string case_no;
  int seq = 0;
  int64_t at = 0;  // unix seconds
  std::string action;
};
// Called on the committer's thread after each durable commit with the events it made, in commit
// order: it must be quick (hand them on, never block on I/O).
using CommitListener = std::function<void(std::vector<CommittedEvent>)>;

struct CaseFilter {
  std::string region, item_code, status, step;
  // The due date compared is due_on, or for a case that still owes its one-time notice
  // (CaseState::noticeOwedBy) the notice's due date.
  std::optional<Date> due_before;  // due date < this (open cases only when set)
  std::optional<Date> due_until;   // due date <= this
  bool notice_owed_only = false;   // only cases that still owe their one-time notice
  bool open_only = false;
  bool follow_up_open = false;
  bool provisional_only = false;
  // Search: a case number, an applicant's ID number or credit code (exact), or part of the
  // applicant's name; "" = any.
  std::string text;
  // Submitted within [submitted_from, submitted_before) (unix seconds), when set.
  std::optional<int64_t> submitted_from, submitted_before;
  int limit = 100, offset = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `units` in one durable transaction, each in its own savepoint; results[i] is unit i's
  // outcome. When the transaction itself cannot commit, every unit fails (nothing acknowledged).
  virtual void runBatch(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results) = 0;
  // One listener of the committed events (set before the first batch; the notifications outbox
  // uses it instead of scanning the event table).
  virtual void setCommitListener(CommitListener listener) = 0;
  virtual Result<std::optional<CaseState>> loadCase(const std::string& case_no) = 0;
  virtual Result<std::vector<CaseState>> listCases(const CaseFilter& f) = 0;  // without events
  virtual Result<std::optional<IdempotencyRecord>> idempotency(const std::string& scope) = 0;
  // The registers as committed (reads on their own connections).
  virtual RegisterReads& registers() = 0;
  // What changed the registers, in commit order: (case number, event seq) or ("import:<id>", 0).
  virtual Result<std::vector<Cause>> registerLog() = 0;
  virtual Result<std::optional<ImportBatch>> importBatch(const std::string& batch_id) = 0;
  // Counts of open cases by region (for metrics).
  virtual Result<int64_t> countCases(const CaseFilter& f) = 0;
};

}  // namespace jingban
