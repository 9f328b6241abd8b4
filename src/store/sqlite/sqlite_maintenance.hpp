// Operator maintenance of a SQLite database file: an online backup that runs beside a live server,
// and a read-only check of the file, of every case's event chain and of its projection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "calendar/work_calendar.hpp"
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "workflow/case_state.hpp"

namespace jingban::sqlite {

struct BackupOptions {
  int pages_per_step = 256;
  // Between steps, so that the copy does not hog the disk the server's commits wait on.
  std::chrono::milliseconds pause{5};
  bool overwrite = false;  // replace an existing target (`--force`)
};

struct BackupReport {
  int64_t pages = 0;
  int64_t bytes = 0;  // of the finished copy
  double seconds = 0;
};

// Copies `source` to `target` with SQLite's online backup API while other processes may write.
// The copy is one consistent snapshot (a read transaction is held on the source for the whole
// copy), written to a temporary file beside `target`, checked with PRAGMA integrity_check and
// only then moved into place; an existing `target` is refused unless `overwrite`.
Result<BackupReport> backupDatabase(const std::string& source, const std::string& target,
                                    const BackupOptions& options = {});

// Runs PRAGMA integrity_check on a database file opened read-only; the problems, none when sound.
Result<std::vector<std::string>> integrityProblems(const std::string& path);

// One finding of verifyDatabase. `case_no` empty: the file as a whole; `seq` 0: the case's row
// or the case as a whole rather than one event.
struct VerifyFinding {
  std::string case_no;
  int seq = 0;
  std::string what;
};
// "case 630000-20260310-000001 seq 3: …", "case …: …" or "database: …".
std::string describe(const VerifyFinding& f);

struct VerifyOptions {
  // With both, each row's step column and its projection are checked against the replay of its
  // events (needs the items' flows and the working-day calendar).
  const Catalog* catalog = nullptr;
  const WorkCalendar* calendar = nullptr;
  std::function<void(const VerifyFinding&)> on_problem;
  // Not failures: cases whose events were written before the hash chain existed.
  std::function<void(const VerifyFinding&)> on_warning;
};

struct VerifySummary {
  int64_t cases = 0;
  int64_t events = 0;
  int64_t problems = 0;
  int64_t unchained_cases = 0;  // legacy: no event of the case carries a hash
};

// Checks a database file without changing it (opened read-only, one read transaction, so it is
// safe beside a live server): PRAGMA integrity_check and foreign_key_check, then case by case
// (one case in memory at a time) that seq runs 1…n, the row's version is n, the hash chain is
// intact, the indexed columns agree with the stored projection, and the projection equals the
// replay of the events. Each problem is passed to `on_problem`; an error means the check could
// not run at all.
Result<VerifySummary> verifyDatabase(const std::string& path, const VerifyOptions& options);

// The fields of `stored`'s projection (storageState) that differ from the replay of `events`
// (workflow/replay.hpp), each named, with both values for the plain scalars; empty when equal.
// An error when the events cannot be replayed at all.
Result<std::vector<std::string>> replayDifferences(const Region& region, const Item& item,
                                                   const WorkCalendar& calendar,
                                                   const CaseState& stored, const EventLog& events);

// The chain checks of one case's events (sorted by seq), as verifyDatabase runs them: a gap in
// seq, and every event whose hash does not chain from the stored hash of the one before it.
// Returns false when no event carries a hash (a legacy case, not checked).
bool checkEventChain(const std::string& case_no, const std::vector<Event>& events,
                     const std::function<void(const VerifyFinding&)>& problem);

}  // namespace jingban::sqlite
