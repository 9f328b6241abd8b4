#include "store/sqlite/sqlite_file_store.hpp"

#include "common/hash.hpp"
#include "store/sqlite/db.hpp"

namespace jingban {

using sqlite::dbError;
using sqlite::Stmt;

namespace {

constexpr const char* kColumns =
    "id,case_no,material_id,name,content_type,size,sha256,uploaded_at,uploaded_by";

StoredFile readMeta(const Stmt& q) {
  StoredFile f;
  f.id = q.integer(0);
  f.case_no = q.text(1);
  f.material_id = q.text(2);
  f.name = q.text(3);
  f.content_type = q.text(4);
  f.size = q.integer(5);
  f.sha256 = q.text(6);
  f.uploaded_at = q.integer(7);
  f.uploaded_by = q.text(8);
  return f;
}

// The bytes of a file are a BLOB, which the cached statements (text and integers only) do not
// bind or read: a statement of its own, finalised after its one use. Uploads are rare.
struct BlobStmt {
  sqlite3_stmt* st = nullptr;
  BlobStmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &st, nullptr); }
  ~BlobStmt() { sqlite3_finalize(st); }
  BlobStmt(const BlobStmt&) = delete;
  BlobStmt& operator=(const BlobStmt&) = delete;
  std::string blob(int col) const {
    const void* p = sqlite3_column_blob(st, col);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st, col)))
             : std::string();
  }
};

Result<int64_t> count(sqlite::Conn& c, const std::string& sql, const std::string& a,
                      const std::string& b = {}) {
  Stmt q = c.prepare(sql);
  q.bind(1, a);
  if (!b.empty()) q.bind(2, b);
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(c.db, "统计材料文件"));
  return q.integer(0);
}

}  // namespace

Result<std::unique_ptr<SqliteFileStore>> SqliteFileStore::open(const std::string& path) {
  std::unique_ptr<SqliteFileStore> s(new SqliteFileStore());
  auto c = sqlite::openConnection(path);
  if (!c) return std::unexpected(c.error());
  if (auto m = sqlite::migrate(**c); !m) return std::unexpected(m.error());
  s->conn_ = std::move(*c);
  return s;
}

SqliteFileStore::~SqliteFileStore() = default;

Result<StoredFile> SqliteFileStore::addFile(const StoredFile& meta, const std::string& data,
                                            const FileLimits& limits) {
  std::lock_guard lk(mu_);
  sqlite::Conn& c = *conn_;
  // BEGIN IMMEDIATE: the counts and the insert see one state, whatever another upload of the
  // same case (another process, or this one after the lock) does.
  if (!c.run("BEGIN IMMEDIATE")) return std::unexpected(dbError(c.db, "保存材料文件"));
  auto body = [&]() -> Result<StoredFile> {
    auto of_material = count(c, "SELECT count(*) FROM case_files WHERE case_no=? AND material_id=?",
                             meta.case_no, meta.material_id);
    if (!of_material) return std::unexpected(of_material.error());
    if (*of_material >= limits.per_material)
      return fail(ErrorCode::kConflict, "too_many_files",
                  "该材料已上传 " + std::to_string(limits.per_material) + " 个文件，不能再上传");
    auto of_case = count(c, "SELECT count(*) FROM case_files WHERE case_no=?", meta.case_no);
    if (!of_case) return std::unexpected(of_case.error());
    if (*of_case >= limits.per_case)
      return fail(ErrorCode::kConflict, "too_many_files",
                  "该办件已上传 " + std::to_string(limits.per_case) + " 个文件，不能再上传");
    BlobStmt q(c.db,
               "INSERT INTO case_files(case_no,material_id,name,content_type,size,sha256,data,"
               "uploaded_at,uploaded_by) VALUES(?,?,?,?,?,?,?,?,?)");
    if (!q.st) return std::unexpected(dbError(c.db, "保存材料文件"));
    auto text = [&](int i, const std::string& v) {
      sqlite3_bind_text(q.st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    text(1, meta.case_no);
    text(2, meta.material_id);
    text(3, meta.name);
    text(4, meta.content_type);
    sqlite3_bind_int64(q.st, 5, static_cast<sqlite3_int64>(data.size()));
    const std::string hash = sha256Hex(data);
    text(6, hash);
    sqlite3_bind_blob(q.st, 7, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
    sqlite3_bind_int64(q.st, 8, meta.uploaded_at);
    text(9, meta.uploaded_by);
    if (sqlite3_step(q.st) != SQLITE_DONE) return std::unexpected(dbError(c.db, "保存材料文件"));
    StoredFile f = meta;
    f.id = sqlite3_last_insert_rowid(c.db);
    f.size = static_cast<int64_t>(data.size());
    f.sha256 = hash;
    return f;
  };
  auto r = body();
  if (r && !c.run("COMMIT")) r = std::unexpected(dbError(c.db, "保存材料文件"));
  if (!r) c.run("ROLLBACK");
  return r;
}

Result<std::vector<StoredFile>> SqliteFileStore::files(const std::string& case_no) {
  std::lock_guard lk(mu_);
  Stmt q = conn_->prepare(std::string("SELECT ") + kColumns +
                          " FROM case_files WHERE case_no=? ORDER BY id");
  q.bind(1, case_no);
  std::vector<StoredFile> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(readMeta(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(conn_->db, "读取材料文件"));
  return out;
}

Result<std::optional<FileStore::Content>> SqliteFileStore::file(const std::string& case_no,
                                                                int64_t id) {
  std::lock_guard lk(mu_);
  Content out;
  {
    Stmt q = conn_->prepare(std::string("SELECT ") + kColumns +
                            " FROM case_files WHERE id=? AND case_no=?");
    q.bind(1, id).bind(2, case_no);
    int rc = q.step();
    if (rc == SQLITE_DONE) return std::optional<Content>();
    if (rc != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取材料文件"));
    out.meta = readMeta(q);
  }
  // Read in the same snapshot as the row: files are never changed once stored, so the second
  // statement sees the same bytes the first row describes.
  BlobStmt b(conn_->db, "SELECT data FROM case_files WHERE id=?");
  if (!b.st) return std::unexpected(dbError(conn_->db, "读取材料文件"));
  sqlite3_bind_int64(b.st, 1, id);
  if (sqlite3_step(b.st) != SQLITE_ROW) return std::unexpected(dbError(conn_->db, "读取材料文件"));
  out.data = b.blob(0);
  return std::optional<Content>(std::move(out));
}

namespace sqlite {

Result<std::vector<std::string>> checkCaseFiles(Conn& c) {
  std::vector<std::string> problems;
  BlobStmt q(c.db, "SELECT id,case_no,size,sha256,data FROM case_files ORDER BY id");
  if (!q.st) return std::unexpected(dbError(c.db, "检查材料文件"));
  int rc;
  while ((rc = sqlite3_step(q.st)) == SQLITE_ROW) {
    const std::string where =
        "file " + std::to_string(sqlite3_column_int64(q.st, 0)) + " of case " +
        std::string(reinterpret_cast<const char*>(sqlite3_column_text(q.st, 1)));
    const std::string data = q.blob(4);
    const char* want = reinterpret_cast<const char*>(sqlite3_column_text(q.st, 3));
    if (static_cast<int64_t>(data.size()) != sqlite3_column_int64(q.st, 2))
      problems.push_back(where + ": size column differs from the stored bytes");
    else if (!want || sha256Hex(data) != want)
      problems.push_back(where + ": sha256 differs from the stored bytes (altered file)");
  }
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "检查材料文件"));
  return problems;
}

}  // namespace sqlite

}  // namespace jingban
