// SQLite engine of the file store (case_files). Its own connection to the database file, as the
// staff store: WAL lets it write between the case committer's transactions, and the busy timeout
// waits out a commit in progress.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/file_store.hpp"

namespace jingban {

namespace sqlite {
struct Conn;
// For `jingban verify` (sqlite_maintenance.cpp), inside its read transaction: every stored file
// whose size or SHA-256 no longer matches its bytes, one message each (the file's id and case,
// never its name). Reads one file at a time.
Result<std::vector<std::string>> checkCaseFiles(Conn& c);
}  // namespace sqlite

class SqliteFileStore : public FileStore {
 public:
  // Opens (creating and migrating if needed).
  static Result<std::unique_ptr<SqliteFileStore>> open(const std::string& path);
  ~SqliteFileStore() override;

  Result<StoredFile> addFile(const StoredFile& meta, const std::string& data,
                             const FileLimits& limits) override;
  Result<std::vector<StoredFile>> files(const std::string& case_no) override;
  Result<std::optional<Content>> file(const std::string& case_no, int64_t id) override;

 private:
  SqliteFileStore() = default;
  std::mutex mu_;
  std::unique_ptr<sqlite::Conn> conn_;
};

}  // namespace jingban
