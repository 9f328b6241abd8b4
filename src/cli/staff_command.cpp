#include "cli/staff_command.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "auth/auth.hpp"
#include "cli/args.hpp"
#include "effects/registry.hpp"
#include "store/sqlite/sqlite_staff_store.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

constexpr const char* kSynopsis =
    "  jingban staff add USERNAME --db FILE --name NAME --region REGION --roles R1,R2 "
    "[--password-file FILE]\n"
    "  jingban staff roles USERNAME --db FILE --roles R1,R2\n"
    "  jingban staff disable USERNAME --db FILE\n"
    "  jingban staff enable USERNAME --db FILE        （同时解除锁定）\n"
    "  jingban staff reset-password USERNAME --db FILE [--password-file FILE]\n"
    "  jingban staff list --db FILE [--region REGION]\n"
    "密码从 --password-file 文件的第一行或环境变量 JINGBAN_PASSWORD 读取，不接受命令行参数。\n"
    "角色: 地区目录中的角色 id 或 admin。公共选项: --catalog DIR (默认 ./catalog)";

int usage(const std::string& problem) {
  std::cerr << "jingban staff: " << problem << "\n用法:\n" << kSynopsis << "\n";
  return cli::kUsageExit;
}

struct Sub {
  cli::CommandSpec spec;
  std::vector<std::string> required;
};

cli::CommandSpec spec(const std::string& name, std::vector<std::string> options,
                      size_t positional) {
  cli::CommandSpec s{"staff " + name, std::string("\n") + kSynopsis, {}, positional, positional};
  for (auto& o : options) s.options.push_back({std::move(o), cli::OptKind::kString});
  return s;
}

const std::map<std::string, Sub>& subcommands() {
  static const std::map<std::string, Sub> k{
      {"add",
       {spec("add", {"--db", "--name", "--region", "--roles", "--password-file", "--catalog"}, 1),
        {"--db", "--name", "--region", "--roles"}}},
      {"roles", {spec("roles", {"--db", "--roles", "--catalog"}, 1), {"--db", "--roles"}}},
      {"disable", {spec("disable", {"--db"}, 1), {"--db"}}},
      {"enable", {spec("enable", {"--db"}, 1), {"--db"}}},
      {"reset-password", {spec("reset-password", {"--db", "--password-file"}, 1), {"--db"}}},
      {"list", {spec("list", {"--db", "--region", "--catalog"}, 0), {"--db"}}},
  };
  return k;
}

std::vector<std::string> splitRoles(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    if (comma > pos) out.push_back(s.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

// The password from --password-file (its first line) or JINGBAN_PASSWORD.
std::optional<std::string> readPassword(const cli::ParsedArgs& p) {
  if (p.has("--password-file")) {
    std::string file = p.get("--password-file");
    std::ifstream f(file);
    std::string line;
    if (!f || !std::getline(f, line)) {
      std::cerr << "无法读取密码文件 " << file << "\n";
      return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (const char* env = std::getenv("JINGBAN_PASSWORD"); env && *env) return std::string(env);
  std::cerr << "请用 --password-file FILE 或环境变量 JINGBAN_PASSWORD 提供密码\n";
  return std::nullopt;
}

// The catalog: --catalog, else ./catalog, else beside the build directory (as `serve` does).
Result<std::shared_ptr<const Catalog>> loadCatalog(const cli::ParsedArgs& p, const char* argv0) {
  std::string dir = "catalog";
  if (p.has("--catalog")) {
    dir = p.get("--catalog");
  } else if (!fs::exists(dir)) {
    auto beside = fs::absolute(argv0).parent_path().parent_path() / "catalog";
    if (fs::exists(beside)) dir = beside.string();
  }
  return Catalog::loadDir(dir, effectNameKnown);
}

void printStaff(const StaffRecord& s, int64_t now) {
  std::string roles;
  for (const auto& r : s.roles) roles += (roles.empty() ? "" : ",") + r;
  std::string state = s.disabled ? "已停用" : s.locked_until > now ? "已锁定" : "正常";
  std::cout << s.username << "\t" << s.region << "\t" << roles << "\t" << state << "\t" << s.name
            << "\n";
}

int failed(const Error& e) {
  std::cerr << e.message << "\n";
  return 1;
}

}  // namespace

int runStaffCommand(int argc, char** argv) {
  if (argc < 3) return usage("缺少子命令");
  std::string subName = argv[2];
  if (subName == "--help" || subName == "-h") return std::cout << kSynopsis << "\n", 0;
  auto sub = subcommands().find(subName);
  if (sub == subcommands().end()) return usage("未知子命令 " + subName);
  for (int i = 3; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--password" || a.starts_with("--password="))
      return usage(
          "密码不能写在命令行上（会留在进程列表和历史记录中），请用 --password-file 或环境变量 "
          "JINGBAN_PASSWORD");
  }
  auto p = cli::parseArgs(sub->second.spec, argc, argv, 3);
  if (!p) return usage(p.error());
  if (p->help) return cli::printUsage(sub->second.spec);
  for (const auto& r : sub->second.required)
    if (!p->has(r)) return usage("缺少选项 " + r);
  if (!Auth::init()) return std::cerr << "libsodium 初始化失败\n", 1;

  auto store = SqliteStaffStore::open(p->get("--db"));
  if (!store) return failed(store.error());
  Auth auth(**store, systemClock());
  const ChangedBy by = ChangedBy::operatorNamed("cli");
  const std::string user = p->positional.empty() ? "" : p->positional.front();
  int64_t now = auth.now();

  if (subName == "add" || subName == "roles" || subName == "list") {
    auto cat = loadCatalog(*p, argv[0]);
    if (!cat) return failed(cat.error());
    if (subName == "list") {
      std::vector<std::string> regions;
      if (p->has("--region"))
        regions.push_back(p->get("--region"));
      else
        for (const auto& r : (*cat)->regions()) regions.push_back(r.id);
      for (const auto& region : regions) {
        auto list = auth.listStaff(by, region);
        if (!list) return failed(list.error());
        for (const auto& s : *list) printStaff(s, now);
      }
      return 0;
    }
    if (subName == "roles") {
      auto s = auth.setRoles(by, **cat, user, splitRoles(p->get("--roles")));
      if (!s) return failed(s.error());
      std::cout << "已修改角色，该账号的登录会话已全部注销: ";
      printStaff(*s, now);
      return 0;
    }
    auto password = readPassword(*p);
    if (!password) return 1;
    auto s = auth.addStaff(
        by, **cat,
        {user, p->get("--name"), p->get("--region"), splitRoles(p->get("--roles")), *password});
    if (!s) return failed(s.error());
    std::cout << "已创建: ";
    printStaff(*s, now);
    return 0;
  }
  if (subName == "disable" || subName == "enable") {
    auto s = auth.setDisabled(by, user, subName == "disable");
    if (!s) return failed(s.error());
    std::cout << (subName == "disable" ? "已停用，登录会话已全部注销: " : "已启用: ");
    printStaff(*s, now);
    return 0;
  }
  auto password = readPassword(*p);  // reset-password
  if (!password) return 1;
  auto s = auth.setPassword(by, user, *password);
  if (!s) return failed(s.error());
  std::cout << "已重设密码，登录会话已全部注销: ";
  printStaff(*s, now);
  return 0;
}

}  // namespace jingban
