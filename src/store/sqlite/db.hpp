// Internal to the SQLite engine: a connection with its cache of prepared statements, a borrowed
// statement that resets itself, and the error every failure maps to. Nothing outside
// store/sqlite/ includes this.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "calendar/date.hpp"
#include "common/error.hpp"

namespace jingban::sqlite {

// A storage failure: the clerk sees "storage unavailable"; SQLite's own text goes to the log.
Error dbError(sqlite3* db, const std::string& what);

// A cached prepared statement borrowed for one use: bound, stepped, then reset on destruction.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* st) : st_(st) {}
  ~Stmt() {
    if (st_) {
      sqlite3_reset(st_);
      sqlite3_clear_bindings(st_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return st_ != nullptr; }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without copying: `v` must stay alive and unchanged until this Stmt is gone (it resets
  // and clears its bindings then). For the hot insert paths (a million rows per import).
  Stmt& bindRef(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& bind(int i, const std::optional<Date>& d) { return d ? bind(i, d->str()) : bindNull(i); }
  int step() { return sqlite3_step(st_); }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string text(int col) const {
    auto p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, col)) : "";
  }
  int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }
  bool isNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* st_;
};

// One connection and its prepared statements (prepared once, then reused: preparing costs more
// than most of our queries).
struct Conn {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache;
  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn();
  Stmt prepare(const std::string& sql);
  bool exec(const char* sql);
  // One statement through the prepared cache (BEGIN, COMMIT … on every transaction: not compiled
  // again each time as exec() does); true when it ran to completion.
  bool run(const std::string& sql);
};

// Opens (creating if needed) with WAL, foreign keys, a busy timeout and, by default,
// synchronous=FULL through the jingban-wal VFS (wal_buffer.hpp: the log's writes gathered, which
// is sound only when every commit syncs). kNormal: synchronous=NORMAL on the plain unix VFS, for
// bookkeeping whose loss in a power cut is harmless (sqlite_peer_deliveries).
enum class Sync { kFull, kNormal };
Result<std::unique_ptr<Conn>> openConnection(const std::string& path, Sync sync = Sync::kFull);
// Process-wide settings made once before the first connection opens (openConnection and the
// maintenance commands call it): SQLite's allocation statistics are off, the jingban-wal VFS is
// registered.
void configureLibrary();

// Brings the schema to the latest version (PRAGMA user_version), one transaction per version.
Result<void> migrate(Conn& c);
// Brings the schema up to version `target` only (≤ schemaVersion()): the migration tests build a
// database as an older release left it, fill it, then run the rest.
Result<void> migrate(Conn& c, int target);
int schemaVersion();

}  // namespace jingban::sqlite
