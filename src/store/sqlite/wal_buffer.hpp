// Internal to the SQLite engine: a VFS ("jingban-wal") that is the default unix VFS except that
// a write-ahead log's writes are gathered and written with one pwrite.
//
// SQLite writes each WAL frame with two calls (its 24-byte header, then the page) at offsets
// that are not page-aligned, so a commit of N pages costs the kernel 2N write calls and about 3N
// page-cache page updates; the commits of the lifecycle benchmark spent 5 % of the server's CPU
// there. Gathered, consecutive writes cost one call and about N page updates.
//
// Correctness rests on when SQLite makes frames visible: only at a commit, by writing the
// wal-index header, after writing the frames and, with synchronous=FULL, after syncing the log.
// The buffer is written out on xSync (so before any commit is published), and before anything
// that reads or sizes the file or writes elsewhere in it (xRead, xFileSize, xTruncate, a write
// that does not follow on, xFileControl, xClose). Connections with synchronous=FULL only: with
// NORMAL a commit publishes frames without syncing, so those connections must use the plain VFS
// (openConnection's Sync::kNormal). Errors (a full disk) are the ones the unix VFS reports, from
// the call that wrote the buffer out; SQLite then fails the commit as it would have.
#pragma once

#include <cstdint>

namespace jingban::sqlite {

// The VFS's name; registered (not as the default) on the first call.
const char* walBufferVfs();

// Since the process started: the WAL writes SQLite asked for, and the writes made for them.
struct WalBufferStats {
  uint64_t calls = 0, writes = 0;
};
WalBufferStats walBufferStats();

}  // namespace jingban::sqlite
