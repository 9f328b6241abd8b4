#include "store/sqlite/sqlite_maintenance.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "store/sqlite/db.hpp"
#include "store/sqlite/sqlite_file_store.hpp"
#include "store/sqlite/sqlite_registers.hpp"
#include "workflow/event_chain.hpp"
#include "workflow/replay.hpp"

namespace jingban::sqlite {

namespace fs = std::filesystem;

namespace {

// These are operator commands: the operator needs SQLite's own words, which the HTTP path keeps
// in the log (dbError) and away from clerks.
Error opError(sqlite3* db, const std::string& what) {
  return Error{ErrorCode::kUnavailable, "storage_error",
               what + "失败：" + (db ? sqlite3_errmsg(db) : "无法打开")};
}

Result<std::unique_ptr<Conn>> openFile(const std::string& path, int flags) {
  configureLibrary();
  auto c = std::make_unique<Conn>();
  if (sqlite3_open_v2(path.c_str(), &c->db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    return std::unexpected(opError(c->db, "打开数据库 " + path));
  // The server may hold the write lock for a commit; wait for it rather than fail.
  sqlite3_busy_timeout(c->db, 10000);
  return c;
}

Result<std::vector<std::string>> integrityOf(Conn& c) {
  std::vector<std::string> problems;
  Stmt q = c.prepare("PRAGMA integrity_check");
  if (!q.ok()) return std::unexpected(opError(c.db, "integrity_check"));
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    if (q.text(0) != "ok") problems.push_back(q.text(0));
  if (rc != SQLITE_DONE) return std::unexpected(opError(c.db, "integrity_check"));
  return problems;
}

// Makes a rename or link in `dir` durable.
void syncDirectory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string optText(const Stmt& s, int col) { return s.isNull(col) ? std::string() : s.text(col); }
std::string optDate(const std::optional<Date>& d) { return d ? d->str() : std::string(); }
std::string shown(const std::string& v) { return v.empty() ? "(none)" : "'" + v + "'"; }

// The `cases` row as stored: indexed columns and the two JSON halves of the projection.
struct Row {
  std::string case_no, region, item_code, status, step, applicant_id;
  int64_t submitted_at = 0;
  std::string accepted_on, due_on, closed_on, follow_up;
  int64_t version = 0;
  std::string fixed, body, query_code;
  bool due_provisional = false;
  std::string notice_due_on;
};

constexpr const char* kRowsSql =
    "SELECT case_no,region,item_code,status,step,applicant_id,submitted_at,accepted_on,due_on,"
    "closed_on,follow_up,version,fixed,body,query_code,due_provisional,notice_due_on FROM cases "
    "LEFT JOIN case_fixed USING(id) "  // a row without its fixed part is reported, not skipped
    "ORDER BY case_no";
constexpr const char* kEventsSql =
    "SELECT case_no,seq,at,actor,action,step,comment,data,hash FROM case_events "
    "ORDER BY case_no,seq";

Row readRow(const Stmt& s) {
  Row r;
  r.case_no = s.text(0);
  r.region = s.text(1);
  r.item_code = s.text(2);
  r.status = s.text(3);
  r.step = s.text(4);
  r.applicant_id = s.text(5);
  r.submitted_at = s.integer(6);
  r.accepted_on = optText(s, 7);
  r.due_on = optText(s, 8);
  r.closed_on = optText(s, 9);
  r.follow_up = s.text(10);
  r.version = s.integer(11);
  r.fixed = s.text(12);
  r.body = s.text(13);
  r.query_code = s.text(14);
  r.due_provisional = s.integer(15) != 0;
  r.notice_due_on = optText(s, 16);
  return r;
}

// An event row; false when its data column is not JSON (the event is kept for the chain check,
// which hashes the data as stored would have been dumped, so it will also fail there).
bool readEvent(const Stmt& s, Event& e) {
  e.seq = static_cast<int>(s.integer(1));
  e.at.unix_seconds = s.integer(2);
  e.actor = s.text(3);
  e.action = s.text(4);
  e.step = s.text(5);
  e.comment = s.text(6);
  e.hash = s.text(8);
  e.data = nlohmann::json::parse(s.text(7), nullptr, false);
  return !e.data.is_discarded();
}

// Where an event whose hash does not chain from its predecessor was chained: under which seq, after
// the stored hash of some other event of the case (or as the first). Tells re-ordered and
// renumbered events from edited ones; only tried for small cases, as it costs about n² hashes.
std::optional<int> chainedAs(const std::string& case_no, const std::vector<Event>& events,
                             size_t i) {
  constexpr size_t kMaxTried = 64;
  if (events.size() > kMaxTried) return std::nullopt;
  Event e = events[i];
  std::vector<std::string> previous{std::string()};
  for (size_t j = 0; j < events.size(); ++j)
    if (j != i && !events[j].hash.empty()) previous.push_back(events[j].hash);
  const int last = events.back().seq + 1;
  for (int s = 1; s <= last; ++s) {
    e.seq = s;
    for (const auto& p : previous)
      if (chainHash(p, case_no, e) == e.hash) return s;
  }
  return std::nullopt;
}

class Verifier {
 public:
  Verifier(const VerifyOptions& o, VerifySummary& s) : opt_(o), sum_(s) {}

  void problem(const std::string& case_no, int seq, std::string what) {
    ++sum_.problems;
    if (opt_.on_problem) opt_.on_problem({case_no, seq, std::move(what)});
  }

  void checkCase(const Row& row, std::vector<Event>& events, bool events_readable) {
    ++sum_.cases;
    sum_.events += static_cast<int64_t>(events.size());
    const std::string& no = row.case_no;
    auto report = [&](const VerifyFinding& f) { problem(f.case_no, f.seq, f.what); };
    if (events.empty()) {
      problem(no, 0, "case row without any event (its events were deleted)");
    } else if (!checkEventChain(no, events, report)) {
      ++sum_.unchained_cases;
      if (opt_.on_warning)
        opt_.on_warning({no, 0, "legacy case: its events carry no hash chain, not checked"});
    }
    if (row.version != static_cast<int64_t>(events.size()))
      problem(no, 0,
              "row version " + std::to_string(row.version) + " but " +
                  std::to_string(events.size()) +
                  " events (an event was deleted or inserted, or the row altered)");

    CaseState stored;
    try {
      nlohmann::json j = nlohmann::json::parse(row.fixed);
      j.update(nlohmann::json::parse(row.body));
      stored = fromStorage(j);
    } catch (const std::exception&) {
      problem(no, 0, "row is not a readable projection (fixed/body)");
      return;
    }
    checkColumns(row, stored);
    if (!opt_.catalog || !opt_.calendar) return;
    const Region* region = opt_.catalog->region(stored.region);
    const Item* item = region ? region->item(stored.item_code) : nullptr;
    if (!item) {
      problem(no, 0,
              "item " + stored.region + " " + stored.item_code +
                  " is not in the catalog: step and replay not checked");
      return;
    }
    if (stored.step < 0 || static_cast<size_t>(stored.step) >= item->flow.size())
      problem(no, 0, "projection step " + std::to_string(stored.step) + " is outside the flow");
    else if (row.step != item->flow[static_cast<size_t>(stored.step)].step)
      problem(no, 0,
              "step column " + shown(row.step) + " differs from the projection's step " +
                  shown(item->flow[static_cast<size_t>(stored.step)].step));
    // Unreadable event data is already a finding, and replaying it would only add noise.
    if (!events_readable) return;
    stored.events = std::move(events);
    auto diff = replayDifferences(*region, *item, *opt_.calendar, stored, stored.events);
    if (!diff)
      problem(no, 0, "events cannot be replayed: " + diff.error().message);
    else if (!diff->empty()) {
      std::string fields;
      for (const auto& f : *diff) fields += (fields.empty() ? "" : ", ") + f;
      problem(no, 0, "row differs from the replay of its events: " + fields);
    }
  }

 private:
  // The indexed columns duplicate parts of the projection (for lists and filters); an edit of
  // one without the other is tampering or a bug.
  void checkColumns(const Row& row, const CaseState& c) {
    const std::string& no = row.case_no;
    auto same = [&](const char* column, const std::string& col, const std::string& projected) {
      if (col != projected)
        problem(no, 0,
                std::string(column) + " column " + shown(col) +
                    " differs from the stored projection " + shown(projected));
    };
    same("case_no (in fixed)", c.case_no, no);
    same("region", row.region, c.region);
    same("item_code", row.item_code, c.item_code);
    same("status", row.status, caseStatusName(c.status));
    same("accepted_on", row.accepted_on, optDate(c.accepted_on));
    same("due_on", row.due_on, optDate(c.due_on));
    same("closed_on", row.closed_on, optDate(c.closed_on));
    same("follow_up", row.follow_up, c.follow_up);
    same("query_code", row.query_code, c.query_code);
    same("notice_due_on", row.notice_due_on, optDate(c.noticeOwedBy()));
    if (row.due_provisional != c.due_provisional)
      problem(no, 0, "due_provisional column differs from the stored projection");
    // Personal data: say that it differs, never print it.
    if (row.applicant_id != c.applicant.id_no)
      problem(no, 0, "applicant_id column differs from the stored applicant");
    if (row.submitted_at != c.submitted_at.unix_seconds)
      problem(no, 0, "submitted_at column differs from the stored projection");
  }

  const VerifyOptions& opt_;
  VerifySummary& sum_;
};

}  // namespace

std::string describe(const VerifyFinding& f) {
  if (f.case_no.empty()) return "database: " + f.what;
  std::string s = "case " + f.case_no;
  if (f.seq != 0) s += " seq " + std::to_string(f.seq);
  return s + ": " + f.what;
}

bool checkEventChain(const std::string& case_no, const std::vector<Event>& events,
                     const std::function<void(const VerifyFinding&)>& problem) {
  bool chained = false;
  for (const auto& e : events) chained = chained || !e.hash.empty();
  int expected = 1;
  const std::string* previous = nullptr;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    bool after_gap = false;
    if (e.seq > expected) {
      problem({case_no, expected,
               e.seq == expected + 1
                   ? std::string("missing (deleted event)")
                   : "missing up to seq " + std::to_string(e.seq - 1) + " (deleted events)"});
      after_gap = true;
    } else if (e.seq < expected) {
      // Only before the first event: seq is unique per case and read in order.
      problem({case_no, e.seq, "seq below 1 (inserted event)"});
      after_gap = true;
    }
    expected = e.seq + 1;
    if (chained) {
      const std::string want = chainHash(previous ? *previous : std::string(), case_no, e);
      // After a gap the link cannot hold (its predecessor is gone); the gap is the finding.
      if (e.hash != want && !after_gap) {
        if (e.hash.empty())
          problem({case_no, e.seq, "no hash in a chained case (inserted event)"});
        else if (auto as = chainedAs(case_no, events, i))
          problem({case_no, e.seq,
                   *as == e.seq ? std::string("hash chains from another event than the one "
                                              "before it (events before it re-ordered)")
                                : "hash was chained as seq " + std::to_string(*as) +
                                      " (re-ordered or renumbered event)"});
        else
          problem({case_no, e.seq, "hash mismatch (edited or inserted event)"});
      }
    }
    previous = &e.hash;
  }
  return chained;
}

Result<std::vector<std::string>> replayDifferences(const Region& region, const Item& item,
                                                   const WorkCalendar& calendar,
                                                   const CaseState& stored,
                                                   const EventLog& events) {
  auto replayed = replayCase(region, item, calendar, stored, events);
  if (!replayed) return std::unexpected(replayed.error());
  const nlohmann::json want = storageState(*replayed);
  const nlohmann::json have = storageState(stored);
  // Scalars that say what is wrong at a glance; the rest (materials, approvals, rating text)
  // is named only, as it may hold names or free text.
  static const std::set<std::string> kShown{"status",    "step",           "accepted_on",
                                            "due_on",    "closed_on",      "paid_fen",
                                            "follow_up", "due_provisional"};
  std::vector<std::string> diff;
  for (const auto& [k, v] : want.items()) {
    auto h = have.find(k);
    if (h != have.end() && *h == v) continue;
    if (kShown.count(k) && h != have.end())
      diff.push_back(k + " (stored " + h->dump() + ", replayed " + v.dump() + ")");
    else
      diff.push_back(k);
  }
  for (const auto& [k, v] : have.items())
    if (!want.contains(k)) diff.push_back(k);
  // Fixed at 申请, but recorded in its event: the stored date must be the recorded one.
  if (replayed->notice_due_on != stored.notice_due_on)
    diff.push_back("notice_due_on (stored " + optDate(stored.notice_due_on) + ", replayed " +
                   optDate(replayed->notice_due_on) + ")");
  return diff;
}

Result<std::vector<std::string>> integrityProblems(const std::string& path) {
  auto c = openFile(path, SQLITE_OPEN_READONLY);
  if (!c) return std::unexpected(c.error());
  return integrityOf(**c);
}

Result<BackupReport> backupDatabase(const std::string& source, const std::string& target,
                                    const BackupOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::exists(source, ec))
    return fail(ErrorCode::kNotFound, "source_missing", "数据库 " + source + " 不存在");
  if (fs::exists(target, ec)) {
    if (fs::equivalent(source, target, ec))
      return fail(ErrorCode::kBadRequest, "target_is_source", "备份目标不能是数据库本身");
    if (!options.overwrite)
      return fail(ErrorCode::kConflict, "target_exists",
                  "备份目标 " + target + " 已存在；确需覆盖请加 --force");
  }
  auto src = openFile(source, SQLITE_OPEN_READONLY);
  if (!src) return std::unexpected(src.error());
  // Written beside the target and moved into place only when complete and sound, so that a
  // failed or interrupted backup never leaves a half-written file under the target's name.
  const std::string partial = target + ".partial-" + std::to_string(::getpid());
  fs::remove(partial, ec);
  auto dst = openFile(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst) return std::unexpected(dst.error());
  auto discard = [&](Error e) {
    dst->reset();
    fs::remove(partial, ec);
    return std::unexpected(std::move(e));
  };

  // One read transaction on the source for the whole copy: the copy is the snapshot at its start,
  // and the server's commits meanwhile (to the WAL) neither block the copy nor restart it, which
  // they would if each step read the latest state.
  if (!(*src)->exec("BEGIN")) return discard(opError((*src)->db, "开始读事务"));
  {
    Stmt s = (*src)->prepare("SELECT count(*) FROM sqlite_schema");
    if (!s.ok() || s.step() != SQLITE_ROW) return discard(opError((*src)->db, "读取数据库结构"));
  }
  sqlite3_backup* b = sqlite3_backup_init((*dst)->db, "main", (*src)->db, "main");
  if (!b) return discard(opError((*dst)->db, "开始备份"));
  int rc;
  while ((rc = sqlite3_backup_step(b, options.pages_per_step)) == SQLITE_OK || rc == SQLITE_BUSY ||
         rc == SQLITE_LOCKED)
    std::this_thread::sleep_for(options.pause);
  BackupReport report;
  report.pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  (*src)->exec("COMMIT");
  if (rc != SQLITE_DONE) return discard(opError((*dst)->db, "备份"));
  src->reset();
  // The copy keeps the source's WAL mode in its header; a backup is better one self-contained
  // file, without -wal and -shm beside it. The server turns WAL back on when it opens a restored
  // copy (openConnection).
  if (!(*dst)->exec("PRAGMA journal_mode=DELETE")) return discard(opError((*dst)->db, "备份"));

  auto problems = integrityOf(**dst);
  if (!problems) return discard(problems.error());
  if (!problems->empty())
    return discard(Error{ErrorCode::kInternal, "backup_corrupt",
                         "备份副本未通过 integrity_check：" + problems->front()});
  dst->reset();

  if (options.overwrite) {
    if (::rename(partial.c_str(), target.c_str()) != 0)
      return discard(Error{ErrorCode::kUnavailable, "backup_rename",
                           "无法移动备份到 " + target + "：" + std::strerror(errno)});
  } else {
    // link() refuses an existing name, so a target created meanwhile is not overwritten.
    if (::link(partial.c_str(), target.c_str()) != 0) {
      int err = errno;
      return discard(Error{err == EEXIST ? ErrorCode::kConflict : ErrorCode::kUnavailable,
                           err == EEXIST ? "target_exists" : "backup_link",
                           "无法写入备份 " + target + "：" + std::strerror(err)});
    }
    fs::remove(partial, ec);
  }
  syncDirectory(fs::path(target).parent_path());
  report.bytes = static_cast<int64_t>(fs::file_size(target, ec));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<VerifySummary> verifyDatabase(const std::string& path, const VerifyOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return fail(ErrorCode::kNotFound, "db_missing", "数据库 " + path + " 不存在");
  auto opened = openFile(path, SQLITE_OPEN_READONLY);
  if (!opened) return std::unexpected(opened.error());
  Conn& c = **opened;
  {
    Stmt v = c.prepare("PRAGMA user_version");
    int version = v.ok() && v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : -1;
    if (version != schemaVersion())
      return fail(ErrorCode::kUnavailable, "schema_version",
                  "数据库结构版本为 " + std::to_string(version) + "，本程序检查版本 " +
                      std::to_string(schemaVersion()) + "（旧库请先用本程序启动一次 serve 升级）");
  }
  // Everything below reads one snapshot, whatever a live server commits meanwhile.
  if (!c.exec("BEGIN")) return std::unexpected(opError(c.db, "开始读事务"));
  VerifySummary summary;
  Verifier verifier(options, summary);

  auto integrity = integrityOf(c);
  if (!integrity) return std::unexpected(integrity.error());
  for (const auto& p : *integrity) verifier.problem("", 0, "integrity_check: " + p);
  {
    Stmt fk = c.prepare("PRAGMA foreign_key_check");
    if (!fk.ok()) return std::unexpected(opError(c.db, "foreign_key_check"));
    int rc;
    while ((rc = fk.step()) == SQLITE_ROW)
      verifier.problem("", 0,
                       "foreign_key_check: table " + fk.text(0) + " rowid " + fk.text(1) +
                           " refers to a missing row of " + fk.text(2));
    if (rc != SQLITE_DONE) return std::unexpected(opError(c.db, "foreign_key_check"));
  }

  // A merge of two ordered scans, so that only one case's events are in memory at a time.
  Stmt rows = c.prepare(kRowsSql);
  Stmt evs = c.prepare(kEventsSql);
  if (!rows.ok() || !evs.ok()) return std::unexpected(opError(c.db, "准备查询"));
  int rrc = rows.step();
  int erc = evs.step();
  std::vector<Event> events;
  while (rrc == SQLITE_ROW || erc == SQLITE_ROW) {
    const bool take_row = rrc == SQLITE_ROW && (erc != SQLITE_ROW || rows.text(0) <= evs.text(0));
    const std::string no = take_row ? rows.text(0) : evs.text(0);
    events.clear();
    bool readable = true;
    while (erc == SQLITE_ROW && evs.text(0) == no) {
      Event e;
      if (!readEvent(evs, e)) {
        readable = false;
        verifier.problem(no, e.seq, "data is not JSON (edited event)");
      }
      events.push_back(std::move(e));
      erc = evs.step();
    }
    if (!take_row) {
      summary.events += static_cast<int64_t>(events.size());
      verifier.problem(
          no, 0, std::to_string(events.size()) + " events but no case row (the row was deleted)");
      continue;
    }
    Row row = readRow(rows);
    rrc = rows.step();
    verifier.checkCase(row, events, readable);
  }
  if (rrc != SQLITE_DONE || erc != SQLITE_DONE) return std::unexpected(opError(c.db, "读取办件"));
  // The registers: no balance below zero, no payment or register change without its case.
  auto registers = checkRegisters(c);
  if (!registers) return std::unexpected(registers.error());
  for (const auto& p : *registers) verifier.problem("", 0, "registers: " + p);
  // The uploaded material files: each one's bytes still match its recorded size and SHA-256.
  auto files = checkCaseFiles(c);
  if (!files) return std::unexpected(files.error());
  for (const auto& p : *files) verifier.problem("", 0, "files: " + p);
  c.exec("COMMIT");
  return summary;
}

}  // namespace jingban::sqlite
