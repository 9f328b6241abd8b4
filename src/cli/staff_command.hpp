// `jingban staff add|disable|enable|roles|reset-password|list`: staff accounts administered from
// the server's console, on the database file (audited as actor "cli"). Passwords are read from
// --password-file or JINGBAN_PASSWORD, never from the command line (it shows in `ps` and history).
#pragma once

namespace jingban {

// argv[1] == "staff". Exit 0 done, 1 refused or failed, 2 usage error.
int runStaffCommand(int argc, char** argv);

}  // namespace jingban
