#include "store/sqlite/db.hpp"

#include <memory>

#include "obs/log.hpp"
#include "store/sqlite/wal_buffer.hpp"

namespace jingban::sqlite {

Error dbError(sqlite3* db, const std::string& what) {
  obs::error("storage_error", {{"what", what},
                               {"sqlite", db ? sqlite3_errmsg(db) : "cannot open"},
                               {"code", db ? sqlite3_extended_errcode(db) : -1}});
  return Error{ErrorCode::kUnavailable, "storage_unavailable",
               "数据存储暂不可用（" + what + "），本次操作未生效，请稍后重试"};
}

Conn::~Conn() {
  for (auto& [sql, st] : cache) sqlite3_finalize(st);
  sqlite3_close(db);
}

Stmt Conn::prepare(const std::string& sql) {
  auto it = cache.find(sql);
  if (it != cache.end()) return Stmt(it->second);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
      SQLITE_OK) {
    obs::error("sql_prepare_failed", {{"sql", sql}, {"sqlite", sqlite3_errmsg(db)}});
    return Stmt(nullptr);
  }
  cache.emplace(sql, st);
  return Stmt(st);
}

bool Conn::exec(const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

bool Conn::run(const std::string& sql) {
  Stmt s = prepare(sql);
  return s.ok() && s.step() == SQLITE_DONE;
}

void configureLibrary() {
  // SQLite counts every allocation under one global mutex (SQLITE_CONFIG_MEMSTATUS, on by
  // default) for sqlite3_memory_used() and the soft heap limit, neither of which is used here.
  // The I/O threads' readers, the committer and the checkpointer allocate at the same time, and
  // that mutex was 2-4 % of the server's CPU. sqlite3_config is allowed only before SQLite
  // initialises; later (a test opened a database first) it refuses and nothing changes.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    walBufferVfs();  // registering initialises SQLite: after sqlite3_config
    return true;
  }();
  (void)configured;
}

Result<std::unique_ptr<Conn>> openConnection(const std::string& path, Sync sync) {
  configureLibrary();
  auto c = std::make_unique<Conn>();
  bool full = sync == Sync::kFull;
  if (sqlite3_open_v2(path.c_str(), &c->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      full ? walBufferVfs() : nullptr) != SQLITE_OK)
    return std::unexpected(dbError(c->db, "打开数据库"));
  sqlite3_busy_timeout(c->db, 5000);
  if (!c->exec(full
                   ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"))
    return std::unexpected(dbError(c->db, "设置 WAL"));
  return c;
}

}  // namespace jingban::sqlite
