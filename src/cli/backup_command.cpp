#include "cli/backup_command.hpp"

#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "store/sqlite/sqlite_maintenance.hpp"

namespace jingban {

namespace {

constexpr const char* kUsage = "用法: jingban backup --db FILE --to FILE [--force]\n";

int usage(const std::string& problem) {
  std::cerr << "jingban backup: " << problem << "\n" << kUsage;
  return 2;
}

}  // namespace

int runBackupCommand(int argc, char** argv) {
  // Strict: an unknown option or a stray argument is refused, never ignored (a mistyped --force
  // must not be read as "do not overwrite" silently, nor a mistyped --to as "no target").
  std::map<std::string, std::string> opt;
  bool force = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") return std::cout << kUsage, 0;
    if (a == "--force") {
      if (force) return usage("选项 --force 重复给出");
      force = true;
      continue;
    }
    if (a != "--db" && a != "--to")
      return usage(a.starts_with("-") ? "未知选项 " + a : "多余的参数 " + a);
    if (opt.count(a)) return usage("选项 " + a + " 重复给出");
    if (i + 1 >= argc) return usage("选项 " + a + " 缺少取值");
    opt[a] = argv[++i];
  }
  if (!opt.count("--db") || !opt.count("--to")) return usage("须给出 --db 和 --to");

  sqlite::BackupOptions options;
  options.overwrite = force;
  auto r = sqlite::backupDatabase(opt["--db"], opt["--to"], options);
  if (!r) {
    std::cerr << "jingban backup: " << r.error().message << "\n";
    return 1;
  }
  std::printf("backup: %lld pages, %lld bytes, %.2f s, integrity ok -> %s\n",
              static_cast<long long>(r->pages), static_cast<long long>(r->bytes), r->seconds,
              opt["--to"].c_str());
  return 0;
}

}  // namespace jingban
