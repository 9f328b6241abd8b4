#include "cli/verify_command.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "effects/effects.hpp"
#include "store/sqlite/sqlite_maintenance.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "用法: jingban verify --db FILE [--catalog DIR] [--calendar DIR]\n"
    "  只读检查：文件完整性、每个办件的办理记录哈希链、办件与其记录重放结果是否一致。\n"
    "  每个问题一行，最后一行为汇总；有问题时退出码为 1。\n";

// Legacy cases are listed up to this many; a database written before the hash chain existed has
// one per case, and the count in the summary says the rest.
constexpr int64_t kListedWarnings = 20;

int usage(const std::string& problem) {
  std::cerr << "jingban verify: " << problem << "\n" << kUsage;
  return 2;
}

// As for the other commands: the option, else ./NAME, else NAME beside the build directory.
std::string dataDir(const std::map<std::string, std::string>& opt, const std::string& option,
                    const std::string& name, const char* argv0) {
  if (auto it = opt.find(option); it != opt.end()) return it->second;
  if (fs::exists(name)) return name;
  auto beside = fs::absolute(argv0).parent_path().parent_path() / name;
  return fs::exists(beside) ? beside.string() : name;
}

}  // namespace

int runVerifyCommand(int argc, char** argv) {
  std::map<std::string, std::string> opt;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") return std::cout << kUsage, 0;
    if (a != "--db" && a != "--catalog" && a != "--calendar")
      return usage(a.starts_with("-") ? "未知选项 " + a : "多余的参数 " + a);
    if (opt.count(a)) return usage("选项 " + a + " 重复给出");
    if (i + 1 >= argc) return usage("选项 " + a + " 缺少取值");
    opt[a] = argv[++i];
  }
  if (!opt.count("--db")) return usage("须给出 --db");

  // The replay needs the items' flows and the working-day calendar the cases were handled under.
  auto cal = WorkCalendar::loadDir(dataDir(opt, "--calendar", "calendar", argv[0]));
  if (!cal) return std::cerr << "jingban verify: " << cal.error().message << "\n", 1;
  auto cat = Catalog::loadDir(dataDir(opt, "--catalog", "catalog", argv[0]),
                              [](const std::string& e) { return EffectRegistry::known(e); });
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
  auto r = sqlite::verifyDatabase(opt["--db"], options);
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
