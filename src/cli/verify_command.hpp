// `jingban verify --db FILE [--catalog DIR] [--calendar DIR]`: checks a database read-only (safe
// beside a live server): file integrity, every case's event hash chain, and every row against
// the replay of its events. One line per problem, then a summary.
#pragma once

namespace jingban {

// argv[1] is "verify". Exit 0 when nothing is wrong, 1 when a problem was found or the check could
// not run, 2 on a usage error.
int runVerifyCommand(int argc, char** argv);

}  // namespace jingban
