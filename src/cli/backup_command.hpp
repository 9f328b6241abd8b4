// `jingban backup --db FILE --to FILE [--force]`: a consistent copy of the database taken while
// the server keeps serving (SQLite online backup), checked before it is kept.
#pragma once

namespace jingban {

// argv[1] is "backup". Exit 0 when the copy is in place and sound, 1 when not, 2 on a usage error.
int runBackupCommand(int argc, char** argv);

}  // namespace jingban
