#include "store/sqlite/wal_buffer.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <stdexcept>

namespace jingban::sqlite {

namespace {

// Under the unix VFS's limit for one write: it masks a write's length to 17 bits (seekAndWrite's
// `nBuf &= 0x1ffff` in SQLite 3.40), so a longer one would come back short, as SQLITE_FULL. A
// larger commit is written in pieces of this size (about 30 frames each).
constexpr int kBufferBytes = 120 * 1024;

// A WAL file: our header, then the unix VFS's own file object in the same allocation.
struct WalFile {
  sqlite3_file base;    // pMethods = &kMethods
  sqlite3_file* real;   // the unix file, after this struct
  unsigned char* buf;   // kBufferBytes
  sqlite3_int64 start;  // file offset of buf[0]
  int len;              // bytes gathered
};
constexpr int kRealOffset = (sizeof(WalFile) + 7) & ~7;

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;
std::atomic<uint64_t> g_calls{0}, g_writes{0};

WalFile* wal(sqlite3_file* p) { return reinterpret_cast<WalFile*>(p); }
const sqlite3_io_methods* real(WalFile* f) { return f->real->pMethods; }

// Writes the gathered bytes; the buffer is empty afterwards whatever the outcome (after a
// failure SQLite abandons the commit, and those frames must not reach the file later).
int flush(WalFile* f) {
  if (f->len == 0) return SQLITE_OK;
  int n = f->len;
  f->len = 0;
  g_writes.fetch_add(1, std::memory_order_relaxed);
  return real(f)->xWrite(f->real, f->buf, n, f->start);
}

int walClose(sqlite3_file* p) {
  WalFile* f = wal(p);
  int rc = flush(f);
  int rc2 = real(f)->xClose(f->real);
  sqlite3_free(f->buf);
  f->buf = nullptr;
  return rc != SQLITE_OK ? rc : rc2;
}

int walRead(sqlite3_file* p, void* out, int amt, sqlite3_int64 off) {
  WalFile* f = wal(p);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f)->xRead(f->real, out, amt, off);
}

int walWrite(sqlite3_file* p, const void* data, int amt, sqlite3_int64 off) {
  WalFile* f = wal(p);
  g_calls.fetch_add(1, std::memory_order_relaxed);
  if (f->len > 0 && off == f->start + f->len && amt <= kBufferBytes - f->len) {
    std::memcpy(f->buf + f->len, data, static_cast<size_t>(amt));
    f->len += amt;
    return SQLITE_OK;
  }
  // Not a continuation (or the buffer is full): what was gathered goes first, in order.
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  if (amt >= kBufferBytes) {
    g_writes.fetch_add(1, std::memory_order_relaxed);
    return real(f)->xWrite(f->real, data, amt, off);
  }
  std::memcpy(f->buf, data, static_cast<size_t>(amt));
  f->start = off;
  f->len = amt;
  return SQLITE_OK;
}

int walTruncate(sqlite3_file* p, sqlite3_int64 size) {
  WalFile* f = wal(p);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f)->xTruncate(f->real, size);
}

int walSync(sqlite3_file* p, int flags) {
  WalFile* f = wal(p);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f)->xSync(f->real, flags);
}

int walFileSize(sqlite3_file* p, sqlite3_int64* size) {
  WalFile* f = wal(p);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f)->xFileSize(f->real, size);
}

int walLock(sqlite3_file* p, int lock) { return real(wal(p))->xLock(wal(p)->real, lock); }
int walUnlock(sqlite3_file* p, int lock) { return real(wal(p))->xUnlock(wal(p)->real, lock); }
int walCheckReservedLock(sqlite3_file* p, int* out) {
  return real(wal(p))->xCheckReservedLock(wal(p)->real, out);
}

int walFileControl(sqlite3_file* p, int op, void* arg) {
  WalFile* f = wal(p);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f)->xFileControl(f->real, op, arg);
}

int walSectorSize(sqlite3_file* p) { return real(wal(p))->xSectorSize(wal(p)->real); }
int walDeviceCharacteristics(sqlite3_file* p) {
  return real(wal(p))->xDeviceCharacteristics(wal(p)->real);
}

int walShmMap(sqlite3_file* p, int page, int size, int extend, void volatile** out) {
  return real(wal(p))->xShmMap(wal(p)->real, page, size, extend, out);
}
int walShmLock(sqlite3_file* p, int offset, int n, int flags) {
  return real(wal(p))->xShmLock(wal(p)->real, offset, n, flags);
}
void walShmBarrier(sqlite3_file* p) { real(wal(p))->xShmBarrier(wal(p)->real); }
int walShmUnmap(sqlite3_file* p, int del) { return real(wal(p))->xShmUnmap(wal(p)->real, del); }

int walFetch(sqlite3_file* p, sqlite3_int64 off, int amt, void** out) {
  WalFile* f = wal(p);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f)->xFetch(f->real, off, amt, out);
}
int walUnfetch(sqlite3_file* p, sqlite3_int64 off, void* page) {
  return real(wal(p))->xUnfetch(wal(p)->real, off, page);
}

const sqlite3_io_methods kMethods = {3,
                                     walClose,
                                     walRead,
                                     walWrite,
                                     walTruncate,
                                     walSync,
                                     walFileSize,
                                     walLock,
                                     walUnlock,
                                     walCheckReservedLock,
                                     walFileControl,
                                     walSectorSize,
                                     walDeviceCharacteristics,
                                     walShmMap,
                                     walShmLock,
                                     walShmBarrier,
                                     walShmUnmap,
                                     walFetch,
                                     walUnfetch};

int vfsOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* p, int flags, int* out_flags) {
  // Everything but a write-ahead log is the unix VFS's own file, in place.
  if (!(flags & SQLITE_OPEN_WAL)) return g_base->xOpen(g_base, name, p, flags, out_flags);
  WalFile* f = wal(p);
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(p) + kRealOffset);
  f->len = 0;
  f->start = 0;
  f->buf = nullptr;
  p->pMethods = nullptr;  // until open: SQLite calls no method of a file that failed to open
  int rc = g_base->xOpen(g_base, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (f->real->pMethods->iVersion < 3) {  // not the unix VFS this was written against
    f->real->pMethods->xClose(f->real);
    return SQLITE_CANTOPEN;
  }
  f->buf = static_cast<unsigned char*>(sqlite3_malloc(kBufferBytes));
  if (!f->buf) {
    f->real->pMethods->xClose(f->real);
    return SQLITE_NOMEM;
  }
  p->pMethods = &kMethods;
  return SQLITE_OK;
}

}  // namespace

const char* walBufferVfs() {
  static const char* name = [] {
    g_base = sqlite3_vfs_find(nullptr);
    if (!g_base) throw std::runtime_error("SQLite has no default VFS");
    g_vfs = *g_base;  // the same methods and app data, called with the base where they open files
    g_vfs.zName = "jingban-wal";
    g_vfs.szOsFile = kRealOffset + g_base->szOsFile;
    g_vfs.xOpen = vfsOpen;
    g_vfs.pNext = nullptr;
    if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK)
      throw std::runtime_error("cannot register the jingban-wal VFS");
    return g_vfs.zName;
  }();
  return name;
}

WalBufferStats walBufferStats() {
  return WalBufferStats{g_calls.load(std::memory_order_relaxed),
                        g_writes.load(std::memory_order_relaxed)};
}

}  // namespace jingban::sqlite
