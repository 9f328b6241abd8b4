// jingban: serve | check-catalog | guide | deadline. main() builds the parts and hands them down.
#include "cli/commands.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "auth/auth.hpp"
#include "cases/case_service.hpp"
#include "catalog/guide.hpp"
#include "cli/demo.hpp"
#include "effects/effects.hpp"
#include "http/api.hpp"
#include "store/sqlite/sqlite_staff_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace jingban;
namespace fs = std::filesystem;

namespace {

std::optional<Instant> parseInstant(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS in Asia/Shanghai
  if (s.size() != 19 || s[10] != 'T') return std::nullopt;
  auto d = Date::parse(s.substr(0, 10));
  if (!d) return std::nullopt;
  int h = 0, m = 0, sec = 0;
  if (std::sscanf(s.c_str() + 11, "%2d:%2d:%2d", &h, &m, &sec) != 3) return std::nullopt;
  return Instant{static_cast<int64_t>(d->days()) * 86400 + h * 3600 + m * 60 + sec - 8 * 3600};
}

int usage() {
  std::cerr << "用法:\n"
               "  jingban serve --port P --db FILE [--demo] [--address A] [--threads N] "
               "[--fake-now YYYY-MM-DDTHH:MM:SS]\n"
               "  jingban check-catalog\n"
               "  jingban guide REGION CODE\n"
               "  jingban deadline FROM N [--natural]\n"
               "公共选项: --catalog DIR (默认 ./catalog)  --calendar DIR (默认 ./calendar)\n";
  return 2;
}

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  bool has(const std::string& k) const { return options.count(k) > 0; }
  std::string get(const std::string& k, const std::string& d = "") const {
    auto it = options.find(k);
    return it == options.end() ? d : it->second;
  }
};

Args parse(int argc, char** argv) {
  static const std::set<std::string> kFlags{"--demo", "--natural"};
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      if (kFlags.count(s) || i + 1 >= argc)
        a.options[s] = "1";
      else
        a.options[s] = argv[++i];
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

// Data directories: the option, else ./NAME, else NAME beside the build directory.
std::string dataDir(const Args& a, const std::string& option, const std::string& name,
                    const char* argv0) {
  if (a.has(option)) return a.get(option);
  if (fs::exists(name)) return name;
  auto beside = fs::absolute(argv0).parent_path().parent_path() / name;
  return fs::exists(beside) ? beside.string() : name;
}

int checkCatalog(const Args& a, const char* argv0) {
  auto cat = Catalog::loadDir(dataDir(a, "--catalog", "catalog", argv0), EffectRegistry::known);
  if (!cat) {
    std::cerr << cat.error().message;
    return 1;
  }
  size_t items = 0;
  for (const auto& r : (*cat)->regions()) {
    std::cout << r.id << " " << r.name << ": " << r.items.size() << " 项\n";
    items += r.items.size();
  }
  std::cout << "check-catalog: OK, " << (*cat)->regions().size() << " regions, " << items
            << " items\n";
  return 0;
}

int serve(const Args& a, const char* argv0) {
  if (!a.has("--db")) return usage();
  if (!Auth::init()) {
    std::cerr << "libsodium 初始化失败\n";
    return 1;
  }
  auto cal = WorkCalendar::loadDir(dataDir(a, "--calendar", "calendar", argv0));
  if (!cal) return std::cerr << cal.error().message << "\n", 1;
  auto cat = Catalog::loadDir(dataDir(a, "--catalog", "catalog", argv0), EffectRegistry::known);
  if (!cat) return std::cerr << cat.error().message, 1;
  auto store = SqliteStore::open(a.get("--db"));
  if (!store) return std::cerr << store.error().message << "\n", 1;
  auto staffStore = SqliteStaffStore::open(a.get("--db"));
  if (!staffStore) return std::cerr << staffStore.error().message << "\n", 1;
  Clock clock = systemClock();
  if (a.has("--fake-now")) {
    // For demonstrations and tests: the clock starts at the given instant and runs on from there.
    auto start = parseInstant(a.get("--fake-now"));
    if (!start) return std::cerr << "--fake-now 须为 YYYY-MM-DDTHH:MM:SS（北京时间）\n", 1;
    Instant real = systemClock()();
    int64_t offset = start->unix_seconds - real.unix_seconds;
    clock = [offset] { return Instant{systemClock()().unix_seconds + offset}; };
  }
  Committer committer(**store);
  Auth auth(**staffStore, clock);
  CaseService cases(*cat, *cal, **store, committer, clock);
  if (a.has("--demo")) {
    auto accounts = seedDemoStaff(**cat, **staffStore, auth);
    if (!accounts) return std::cerr << accounts.error().message << "\n", 1;
    std::cout << "演示账号（密码均为 " << accounts->front().password << "）:\n";
    for (const auto& d : *accounts) std::cout << "  " << d.username << "\t" << d.role_name << "\n";
  }
  ServerOptions opt;
  opt.address = a.get("--address", "127.0.0.1");
  opt.port = static_cast<unsigned short>(std::stoi(a.get("--port", "8080")));
  opt.threads = std::stoi(a.get("--threads", "2"));
  // The server outlives the API (whose sign-in thread may still answer through it) and the
  // committer's completions (which it runs).
  std::unique_ptr<Api> api;
  HttpServer server(opt, [&api](HttpRequest&& req, Responder res) {
    api->handle(std::move(req), std::move(res));
  });
  api = std::make_unique<Api>(ApiDeps{cases, auth});
  // Replies to committed actions are sent from the I/O threads, not the commit thread.
  committer.setExecutor([&server](std::function<void()> fn) { server.post(std::move(fn)); });
  unsigned short port = server.start();
  std::cout << "jingban listening on http://" << opt.address << ":" << port << " (db "
            << a.get("--db") << ")" << std::endl;
  server.waitForSignal();
  server.stop();
  api.reset();
  committer.stop();  // everything acknowledged is already durable; this only drains the queue
  std::cout << "jingban stopped" << std::endl;
  return 0;
}

int guide(const Args& a, const char* argv0) {
  if (a.positional.size() != 2) return usage();
  auto cat = Catalog::loadDir(dataDir(a, "--catalog", "catalog", argv0), EffectRegistry::known);
  if (!cat) return std::cerr << cat.error().message, 1;
  const Region* r = (*cat)->region(a.positional[0]);
  const Item* it = r ? r->item(a.positional[1]) : nullptr;
  if (!it)
    return std::cerr << "找不到事项 " << a.positional[0] << " " << a.positional[1] << "\n", 1;
  std::cout << guideHtml(*r, *it);
  return 0;
}

int deadline(const Args& a, const char* argv0) {
  if (a.positional.size() != 2) return usage();
  auto cal = WorkCalendar::loadDir(dataDir(a, "--calendar", "calendar", argv0));
  if (!cal) return std::cerr << cal.error().message << "\n", 1;
  auto from = Date::parse(a.positional[0]);
  if (!from) return std::cerr << "日期须为 YYYY-MM-DD\n", 1;
  int n = 0;
  try {
    n = std::stoi(a.positional[1]);
  } catch (const std::exception&) {
    return std::cerr << "天数须为整数\n", 1;
  }
  auto due =
      cal->due(*from, a.has("--natural") ? LimitKind::kNaturalDays : LimitKind::kWorkingDays, n);
  if (!due) return std::cerr << due.error().message << "\n", 1;
  std::cout << due->str() << "\n";
  return 0;
}

}  // namespace

namespace jingban {

int runCli(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  Args a = parse(argc, argv);
  if (cmd == "serve") return serve(a, argv[0]);
  if (cmd == "check-catalog") return checkCatalog(a, argv[0]);
  if (cmd == "guide") return guide(a, argv[0]);
  if (cmd == "deadline") return deadline(a, argv[0]);
  return usage();
}

}  // namespace jingban
