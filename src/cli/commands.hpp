// The `jingban` command line: serve | check-catalog | guide | deadline | … (see usage()).
// main() only calls runCli; every command builds its parts here and hands them down.
#pragma once

namespace jingban {

int runCli(int argc, char** argv);

}  // namespace jingban
