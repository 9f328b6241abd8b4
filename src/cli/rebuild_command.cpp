#include "cli/rebuild_command.hpp"

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cases/rebuild.hpp"
#include "cli/args.hpp"
#include "effects/registry.hpp"
#include "policy/policy.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

const cli::CommandSpec kSpec{
    "rebuild-registers",
    "jingban rebuild-registers --db FILE [--catalog DIR] [--policy DIR]\n"
    "  清空全部登记簿，按登记日志的提交顺序重放办件记录和导入批次，重建登记簿；\n"
    "  输出重建结果与重建前是否完全一致。须在服务停止时运行。",
    {{"--db"}, {"--catalog"}, {"--policy"}}};

}  // namespace

int runRebuildCommand(int argc, char** argv) {
  auto args = cli::parseArgs(kSpec, argc, argv);
  if (!args) return cli::usageError(kSpec, args.error());
  if (args->help) return cli::printUsage(kSpec);
  if (!args->has("--db")) return cli::usageError(kSpec, "须给出 --db");
  auto cat =
      Catalog::loadDir(cli::dataDir(*args, "--catalog", "catalog", argv[0]), effectNameKnown);
  if (!cat) return std::cerr << "jingban rebuild-registers: " << cat.error().message << "\n", 1;
  auto policies = PolicySet::loadDir(cli::dataDir(*args, "--policy", "policy", argv[0]));
  if (!policies)
    return std::cerr << "jingban rebuild-registers: " << policies.error().message << "\n", 1;
  auto store = SqliteStore::open(args->get("--db"));
  if (!store) return std::cerr << "jingban rebuild-registers: " << store.error().message << "\n", 1;
  auto effects = makeEffects(*policies);
  auto r = rebuildRegisters(**store, **cat, *effects);
  if (!r) {
    std::cerr << "jingban rebuild-registers: " << r.error().message << "\n";
    return 1;
  }
  std::cout << nlohmann::json{{"events", r->events},
                              {"batches", r->batches},
                              {"identical", r->identical},
                              {"before_sha256", r->before_sha256},
                              {"after_sha256", r->after_sha256}}
                   .dump()
            << std::endl;
  return r->identical ? 0 : 1;
}

}  // namespace jingban
