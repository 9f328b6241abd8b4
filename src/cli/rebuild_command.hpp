// `jingban rebuild-registers --db FILE [--catalog DIR] [--policy DIR]`: empties every register and
// applies the register log again (cases/rebuild.hpp); prints whether the result equals what was
// there. Run it with the server stopped.
#pragma once

namespace jingban {

// argv[1] is "rebuild-registers". Exit 0 when rebuilt and identical, 1 when they differ or the
// rebuild failed (nothing changed then), 2 on a usage error.
int runRebuildCommand(int argc, char** argv);

}  // namespace jingban
