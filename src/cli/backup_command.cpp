#include "cli/backup_command.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/args.hpp"
#include "store/sqlite/sqlite_maintenance.hpp"

namespace jingban {

namespace {

// Strict: an unknown option or a stray argument is refused, never ignored (a mistyped --force
// must not silently mean "do not overwrite", nor a mistyped --to "no target").
const cli::CommandSpec kSpec{"backup",
                             "jingban backup --db FILE --to FILE [--force]",
                             {{"--db"}, {"--to"}, {"--force", cli::OptKind::kFlag}}};

}  // namespace

int runBackupCommand(int argc, char** argv) {
  auto args = cli::parseArgs(kSpec, argc, argv);
  if (!args) return cli::usageError(kSpec, args.error());
  if (args->help) return cli::printUsage(kSpec);
  if (!args->has("--db") || !args->has("--to"))
    return cli::usageError(kSpec, "须给出 --db 和 --to");
  const std::string target = args->get("--to");

  sqlite::BackupOptions options;
  options.overwrite = args->has("--force");
  auto r = sqlite::backupDatabase(args->get("--db"), target, options);
  if (!r) {
    std::cerr << "jingban backup: " << r.error().message << "\n";
    return 1;
  }
  std::printf("backup: %lld pages, %lld bytes, %.2f s, integrity ok -> %s\n",
              static_cast<long long>(r->pages), static_cast<long long>(r->bytes), r->seconds,
              target.c_str());
  return 0;
}

}  // namespace jingban
