#include "cli/verify_command.hpp"

#include <filesystem>
#include <iostream>
#include <string>

#include "cli/args.hpp"
#include "effects/registry.hpp"
#include "store/sqlite/sqlite_maintenance.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

const cli::CommandSpec kSpec{
    "verify",
    "jingban verify --db FILE [--catalog DIR] [--calendar DIR]\n"
    "  只读检查：文件完整性、每个办件的办理记录哈希链、办件与其记录重放结果是否一致。\n"
    "  每个问题一行，最后一行为汇总；有问题时退出码为 1。",
    {{"--db"}, {"--catalog"}, {"--calendar"}}};

// Legacy cases are listed up to this many; a database written before the hash chain existed has
// one per case, and the count in the summary says the rest.
constexpr int64_t kListedWarnings = 20;

}  // namespace

int runVerifyCommand(int argc, char** argv) {
  auto args = cli::parseArgs(kSpec, argc, argv);
  if (!args) return cli::usageError(kSpec, args.error());
  if (args->help) return cli::printUsage(kSpec);
  if (!args->has("--db")) return cli::usageError(kSpec, "须给出 --db");

  // The replay needs the items' flows and the working-day calendar the cases were handled under.
  auto cal = WorkCalendar::loadDir(cli::dataDir(*args, "--calendar", "calendar", argv[0]));
  if (!cal) return std::cerr << "jingban verify: " << cal.error().message << "\n", 1;
  auto cat =
      Catalog::loadDir(cli::dataDir(*args, "--catalog", "catalog", argv[0]), effectNameKnown);
  if (!cat) return std::cerr << "jingban verify: " << cat.error().message << "\n", 1;

  int64_t warnings = 0;
  sqlite::VerifyOptions options;
  options.catalog = cat->get();
  options.calendar = &*cal;
  options.on_problem = [](const sqlite::VerifyFinding& f) {
    std::cout << sqlite::describe(f) << "\n";
  };
  options.on_warning = [&warnings](const sqlite::VerifyFinding& f) {
    if (++warnings <= kListedWarnings) std::cout << "warning: " << sqlite::describe(f) << "\n";
  };
  auto r = sqlite::verifyDatabase(args->get("--db"), options);
  if (!r) {
    std::cerr << "jingban verify: " << r.error().message << "\n";
    return 1;
  }
  if (warnings > kListedWarnings)
    std::cout << "warning: " << (warnings - kListedWarnings) << " more legacy cases not listed\n";
  std::cout << "verify: " << r->cases << " cases, " << r->events << " events, " << r->problems
            << " problems";
  if (r->unchained_cases > 0)
    std::cout << " (" << r->unchained_cases << " legacy cases without a hash chain)";
  std::cout << std::endl;
  return r->problems == 0 ? 0 : 1;
}

}  // namespace jingban
