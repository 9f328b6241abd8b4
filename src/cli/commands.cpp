// jingban: serve | check-catalog | guide | deadline | staff | backup | verify. main() builds the
// parts and hands them down.
#include "cli/commands.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "auth/auth.hpp"
#include "cases/case_service.hpp"
#include "catalog/guide.hpp"
#include "cli/args.hpp"
#include "cli/backup_command.hpp"
#include "cli/demo.hpp"
#include "cli/import_command.hpp"
#include "cli/openapi_command.hpp"
#include "cli/rebuild_command.hpp"
#include "cli/staff_command.hpp"
#include "cli/verify_command.hpp"
#include "common/text.hpp"
#include "effects/registry.hpp"
#include "http/api.hpp"
#include "http/case_views.hpp"
#include "http/rate_limit.hpp"
#include "notify/dispatcher.hpp"
#include "notify/log_sender.hpp"
#include "notify/webhook_sender.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "peer/exchange.hpp"
#include "policy/policy.hpp"
#include "store/sqlite/sqlite_file_store.hpp"
#include "store/sqlite/sqlite_outbox.hpp"
#include "store/sqlite/sqlite_peer_deliveries.hpp"
#include "store/sqlite/sqlite_staff_store.hpp"
#include "store/sqlite/sqlite_stats.hpp"
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
               "[--max-connections N] [--fake-now YYYY-MM-DDTHH:MM:SS] [--log-file FILE] "
               "[--log-level debug|info|warn|error]\n"
               "  jingban check-catalog\n"
               "  jingban guide REGION CODE\n"
               "  jingban deadline FROM N [--natural]\n"
               "  jingban staff add|disable|enable|roles|reset-password|list ...\n"
               "  jingban backup --db FILE --to FILE [--force]\n"
               "  jingban verify --db FILE\n"
               "  jingban rebuild-registers --db FILE\n"
               "  jingban openapi\n"
               "  jingban import-residents --db FILE --region R FILE.csv [--start-month YYYY-MM]\n"
               "公共选项: --catalog DIR (默认 ./catalog)  --calendar DIR (默认 ./calendar)\n";
  return cli::kUsageExit;
}

using cli::CommandSpec;
using cli::OptKind;
using cli::ParsedArgs;
using Args = ParsedArgs;

// "a,b,c" → {a, b, c} (empty parts dropped): the value of --regions.
std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

const cli::OptSpec kCatalogOpt{"--catalog", OptKind::kString};
const cli::OptSpec kCalendarOpt{"--calendar", OptKind::kString};

const CommandSpec kServeSpec{
    "serve",
    "jingban serve --port P --db FILE [--demo] [--address A] [--threads N] [--max-connections N] "
    "[--fake-now YYYY-MM-DDTHH:MM:SS] [--log-file FILE] [--log-level debug|info|warn|error] "
    "[--rate-limit KIND=N/min|off ...] [--catalog DIR] [--calendar DIR] [--policy DIR] "
    "[--web DIR] [--public-url URL] [--notify log|webhook] [--notify-url URL] "
    "[--regions R1,R2] [--peer REGION=URL ...] [--peer-key-file FILE]",
    {{"--port", OptKind::kInt, 0, 65535},
     {"--db", OptKind::kString},
     {"--demo", OptKind::kFlag},
     {"--address", OptKind::kString},
     {"--threads", OptKind::kInt, 1, 256},
     {"--max-connections", OptKind::kInt, 1, 1000000},
     {"--fake-now", OptKind::kString},
     {"--log-file", OptKind::kString},
     {"--log-level", OptKind::kString},
     {"--rate-limit", OptKind::kString, 0, 0, true},
     kCatalogOpt,
     kCalendarOpt,
     {"--policy", OptKind::kString},
     {"--web", OptKind::kString},
     {"--public-url", OptKind::kString},
     {"--notify", OptKind::kString},
     {"--notify-url", OptKind::kString},
     {"--regions", OptKind::kString},
     {"--peer", OptKind::kString, 0, 0, true},
     {"--peer-key-file", OptKind::kString}},
    0,
    0};
const CommandSpec kCheckCatalogSpec{
    "check-catalog", "jingban check-catalog [--catalog DIR]", {kCatalogOpt, kCalendarOpt}, 0, 0};
const CommandSpec kGuideSpec{
    "guide", "jingban guide REGION CODE [--catalog DIR]", {kCatalogOpt, kCalendarOpt}, 2, 2};
const CommandSpec kDeadlineSpec{"deadline",
                                "jingban deadline FROM N [--natural] [--calendar DIR]",
                                {{"--natural", OptKind::kFlag}, kCatalogOpt, kCalendarOpt},
                                2,
                                2};

int checkCatalog(const Args& a, const char* argv0) {
  auto cat = Catalog::loadDir(cli::dataDir(a, "--catalog", "catalog", argv0), effectNameKnown);
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

// What an operator watches besides the HTTP figures: group commits (size, time in SQL + fsync),
// the case cache, keyed submissions in memory, and open cases by deadline status per region.
void registerCoreMetrics(obs::Metrics& m, Committer& committer, CaseService& cases,
                         const Catalog& catalog) {
  auto& batch = m.histogram("jingban_commit_batch_units", "Units of work per group commit",
                            {1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
  auto& seconds =
      m.histogram("jingban_commit_seconds", "Time of one group commit (SQL and fsync), seconds",
                  obs::latencyBuckets());
  committer.setObserver([&batch, &seconds](size_t units, double s) {
    batch.observe(static_cast<double>(units));
    seconds.observe(s);
  });
  m.addGaugeCallback(
      "jingban_commit_queue", "Units of work waiting for the next group commit", [&committer] {
        return obs::Metrics::GaugeSamples{{{}, static_cast<double>(committer.stats().queued)}};
      });
  m.addGaugeCallback("jingban_case_cache_entries", "Cases held in the in-memory cache", [&cases] {
    return obs::Metrics::GaugeSamples{{{}, static_cast<double>(cases.stats().cached_cases)}};
  });
  m.addGaugeCallback("jingban_idempotency_slots", "Keyed submissions remembered in memory",
                     [&cases] {
                       return obs::Metrics::GaugeSamples{
                           {{}, static_cast<double>(cases.stats().idempotency_slots)}};
                     });
  m.addGaugeCallback(
      "jingban_open_cases", "Open cases by region and deadline status", [&cases, &catalog] {
        obs::Metrics::GaugeSamples out;
        for (const auto& r : catalog.regions()) {
          auto counts = cases.openByDeadline(r.id);
          if (!counts) continue;
          for (const auto& [status, n] : *counts)
            out.push_back(
                {{{"region", r.id}, {"deadline_status", status}}, static_cast<double>(n)});
        }
        return out;
      });
}

int serve(const Args& a, const char* argv0) {
  if (!a.has("--db")) return cli::usageError(kServeSpec, "缺少选项 --db");
  std::string level = a.get("--log-level", "info");
  if (level != "debug" && level != "info" && level != "warn" && level != "error")
    return cli::usageError(kServeSpec, "选项 --log-level 须为 debug / info / warn / error");
  // The QR code of printed notices opens <public url>/progress: the address applicants reach the
  // portal at (behind a proxy, or with --port 0, give it); by default this server's own.
  const std::string public_url =
      a.get("--public-url", "http://" + a.get("--address", "127.0.0.1") + ":" +
                                std::to_string(a.getInt("--port", 8080)));
  if (!(public_url.starts_with("http://") || public_url.starts_with("https://")) ||
      public_url.find_first_of(" \t\r\n?#") != std::string::npos)
    return cli::usageError(kServeSpec, "选项 --public-url 须为 http:// 或 https:// 开头的地址");
  auto limits = RateLimitConfig::parse(a.getAll("--rate-limit"));
  if (!limits) return cli::usageError(kServeSpec, limits.error().message);
  // Messages to applicants (受理, 补正, 办结, follow-ups): written to the log by default, or
  // posted to an SMS gateway's webhook.
  const std::string notify_kind = a.get("--notify", "log");
  const std::string notify_url = a.get("--notify-url");
  std::unique_ptr<notify::Sender> sender;
  if (notify_kind == "log") {
    if (!notify_url.empty())
      return cli::usageError(kServeSpec, "选项 --notify-url 只用于 --notify webhook");
    sender = std::make_unique<notify::LogSender>();
  } else if (notify_kind == "webhook") {
    if (!notify::WebhookSender::validUrl(notify_url))
      return cli::usageError(
          kServeSpec, "--notify webhook 须用 --notify-url 给出 http:// 或 https:// 开头的地址");
    sender = std::make_unique<notify::WebhookSender>(notify_url);
  } else {
    return cli::usageError(kServeSpec, "选项 --notify 须为 log 或 webhook");
  }
  obs::initLog({a.get("--log-file"), level});
  if (!Auth::init()) {
    std::cerr << "libsodium 初始化失败\n";
    return 1;
  }
  const std::string calendar_dir = cli::dataDir(a, "--calendar", "calendar", argv0);
  auto cal = WorkCalendar::loadDir(calendar_dir);
  if (!cal) return std::cerr << cal.error().message << "\n", 1;
  auto cat = Catalog::loadDir(cli::dataDir(a, "--catalog", "catalog", argv0), effectNameKnown);
  if (!cat) return std::cerr << cat.error().message, 1;
  // --regions: this server serves only those regions (catalog, routes, demo); the others are
  // reached through --peer servers (transfers between regions).
  peer::Options peer_options;
  if (a.has("--regions")) {
    std::vector<std::string> ids;
    for (auto id : splitList(a.get("--regions"))) {
      if (!(*cat)->region(id)) return cli::usageError(kServeSpec, "选项 --regions 含有未知的地区");
      ids.push_back(id);
    }
    if (ids.empty()) return cli::usageError(kServeSpec, "选项 --regions 须列出至少一个地区");
    *cat = (*cat)->only(ids);
  }
  for (const auto& r : (*cat)->regions()) peer_options.local_regions.push_back(r.id);
  transfer::setLocalRegions(peer_options.local_regions);
  for (const auto& p : a.getAll("--peer")) {
    if (auto problem = peer::parsePeer(p, peer_options.peers))
      return cli::usageError(kServeSpec, *problem);
  }
  for (const auto& [region, url] : peer_options.peers)
    if ((*cat)->region(region))
      return cli::usageError(kServeSpec, "选项 --peer 给出的地区由本服务器办理");
  if (a.has("--peer-key-file")) {
    auto key = peer::readKeyFile(a.get("--peer-key-file"));
    if (!key) return cli::usageError(kServeSpec, key.error().message);
    peer_options.key = *key;
  } else if (!peer_options.peers.empty()) {
    return cli::usageError(kServeSpec, "使用 --peer 时须用 --peer-key-file 给出共享密钥");
  }
  auto store = SqliteStore::open(a.get("--db"));
  if (!store) return std::cerr << store.error().message << "\n", 1;
  auto staffStore = SqliteStaffStore::open(a.get("--db"));
  if (!staffStore) return std::cerr << staffStore.error().message << "\n", 1;
  // The supervisor dashboard's counts, on reader connections of their own.
  auto caseStats = SqliteCaseStats::open(a.get("--db"));
  if (!caseStats) return std::cerr << caseStats.error().message << "\n", 1;
  // The files uploaded for the cases' materials, on a connection of their own.
  auto fileStore = SqliteFileStore::open(a.get("--db"));
  if (!fileStore) return std::cerr << fileStore.error().message << "\n", 1;
  // The notifications outbox, on a connection of its own.
  auto outbox = SqliteOutbox::open(a.get("--db"));
  if (!outbox) return std::cerr << outbox.error().message << "\n", 1;
  Clock clock = systemClock();
  if (a.has("--fake-now")) {
    // For demonstrations and tests: the clock starts at the given instant and runs on from there.
    auto start = parseInstant(a.get("--fake-now"));
    if (!start)
      return cli::usageError(kServeSpec, "选项 --fake-now 须为 YYYY-MM-DDTHH:MM:SS（北京时间）");
    Instant real = systemClock()();
    int64_t offset = start->unix_seconds - real.unix_seconds;
    clock = [offset] { return Instant{systemClock()().unix_seconds + offset}; };
  }
  Committer committer(**store);
  Auth auth(**staffStore, clock);
  // Deadlines within the next three months that run into a year whose holiday notice is not
  // loaded are counted Monday–Friday and marked provisional: say so at start-up.
  for (int year : cal->missingYearsUpTo(clock().date().plusDays(90))) {
    std::string warning = WorkCalendar::missingYearWarning(year);
    obs::warn("calendar_year_missing", {{"year", year}, {"message", warning}});
    std::cout << "注意：" << warning << "（添加 calendar/" << year
              << ".yaml 后发送 SIGHUP 即可重新计算，无需重启）" << std::endl;
  }
  // Policy parameters (deductibles, ratios, caps, premiums, required contribution years) per
  // region, insurance type and year; the shipped files are marked examples (示例参数).
  auto policies = PolicySet::loadDir(cli::dataDir(a, "--policy", "policy", argv0));
  if (!policies) return std::cerr << policies.error().message << "\n", 1;
  auto effects = makeEffects(*policies);
  ApiCaseViews views;  // the API's JSON shapes of a case, from the HTTP edge
  auto calendar = std::make_shared<const WorkCalendar>(std::move(*cal));
  CaseService cases(*cat, calendar, **store, committer, *effects, views, clock);
  if (a.has("--demo")) {
    auto accounts = seedDemoStaff(**cat, **staffStore, auth);
    if (!accounts) return std::cerr << accounts.error().message << "\n", 1;
    std::cout << "演示账号（密码均为 " << accounts->front().password << "）:\n";
    for (const auto& d : *accounts) std::cout << "  " << d.username << "\t" << d.role_name << "\n";
    if (auto r = seedDemoRegisters(cases, **store, committer); !r)
      return std::cerr << r.error().message << "\n", 1;
  }
  // Every connection is a descriptor: take what the hard limit allows, and keep 64 for the
  // database, logs and the 503 answers to connections over the cap.
  uint64_t fd_limit = raiseFileLimit();
  uint64_t default_cap = std::min<uint64_t>(4096, fd_limit > 128 ? fd_limit - 64 : fd_limit / 2);
  obs::Metrics metrics;
  registerCoreMetrics(metrics, committer, cases, **cat);
  RateLimiter limiter(*limits, clock);
  ServerOptions opt;
  opt.address = a.get("--address", "127.0.0.1");
  opt.port = static_cast<unsigned short>(a.getInt("--port", 8080));
  opt.threads = static_cast<int>(a.getInt("--threads", 2));
  opt.max_connections =
      static_cast<size_t>(a.getInt("--max-connections", static_cast<int64_t>(default_cap)));
  opt.metrics = &metrics;
  obs::info("limits", {{"open_files", fd_limit}, {"max_connections", opt.max_connections}});
  if (opt.max_connections + 64 > fd_limit)
    obs::warn("max_connections_above_fd_limit",
              {{"open_files", fd_limit}, {"max_connections", opt.max_connections}});
  // The server outlives the API (whose sign-in thread may still answer through it) and the
  // committer's completions (which it runs).
  // The browser UI: --web DIR, else web/dist in the working directory, else beside the build
  // directory (as the catalog). Without a built UI the server still serves the API.
  std::shared_ptr<const StaticSite> site;
  const std::string web_dir = cli::dataDir(a, "--web", "web/dist", argv0);
  if (auto loaded = loadStaticSite(web_dir)) {
    site = *loaded;
    obs::info("web", {{"dir", web_dir}, {"files", staticFileCount(*site)}});
  } else if (a.has("--web")) {
    return std::cerr << loaded.error().message << "\n", 1;
  } else {
    std::cout << "注意：" << loaded.error().message
              << "（在 web/ 中运行 npm run build 后重启即可提供网页），现只提供接口" << std::endl;
  }
  std::unique_ptr<Api> api;
  HttpServer server(opt, [&api](HttpRequest&& req, Responder res) {
    api->handle(std::move(req), std::move(res));
  });
  ApiDeps deps{cases, auth, &limiter, &metrics, store->get(), &committer, site};
  deps.public_url = public_url;
  deps.stats = caseStats->get();
  deps.files = fileStore->get();
  deps.outbox = outbox->get();
  deps.policies = policies->get();
  // Transfers between regions: the documents' delivery (to this server's regions or to peers).
  auto delivery_log = SqlitePeerDeliveries::open(a.get("--db"));
  if (!delivery_log) return std::cerr << delivery_log.error().message << "\n", 1;
  peer::Exchange exchange(**store, committer, calendar, clock, peer_options,
                          std::move(*delivery_log));
  deps.transfers = &exchange;
  api = std::make_unique<Api>(std::move(deps));
  // Replies to committed actions are sent from the I/O threads, not the commit thread.
  committer.setExecutor([&server](std::function<void()> fn) { server.post(std::move(fn)); });
  cases.setExecutor([&server](std::function<void()> fn) { server.post(std::move(fn)); });
  // The notifications: told of every committed event by the store (before the first request).
  notify::Dispatcher dispatcher(**outbox, *sender, clock, &metrics);
  (*store)->setCommitListener([&dispatcher](std::vector<CommittedEvent> events) {
    dispatcher.committed(std::move(events));
  });
  dispatcher.start();
  exchange.start();
  unsigned short port = server.start();
  obs::info("listening", {{"address", opt.address},
                          {"port", port},
                          {"db", a.get("--db")},
                          {"threads", opt.threads},
                          {"max_connections", opt.max_connections}});
  // bench/run.sh and the tests read this line: keep its form.
  std::cout << "jingban listening on http://" << opt.address << ":" << port << " (db "
            << a.get("--db") << ")" << std::endl;
  if (site) std::cout << "网上办事大厅: http://" << opt.address << ":" << port << "/" << std::endl;
  // The gateway's address without its query (which may carry a key).
  std::string shown_url = notify_url.substr(0, notify_url.find('?'));
  obs::info("notifications", {{"sender", sender->name()}, {"url", shown_url}});
  std::cout << "通知发送方式: "
            << (sender->name() == "webhook" ? "webhook " + shown_url : std::string("日志"))
            << std::endl;
  // SIGTERM/SIGINT: stop accepting and answer what is in flight (at most 10 s), then return.
  // SIGHUP: load the calendar directory again (a year's holiday notice added) and recount every
  // provisional due date, without a restart.
  server.waitForSignal([&cases, &calendar_dir] {
    auto fresh = WorkCalendar::loadDir(calendar_dir);
    if (!fresh) {
      obs::error("calendar_reload_failed", {{"message", fresh.error().message}});
      return;
    }
    auto r = cases.reloadCalendar(std::make_shared<const WorkCalendar>(std::move(*fresh)));
    if (!r) obs::error("calendar_reload_failed", {{"message", r.error().message}});
  });
  // The exchange first: a delivery to this server's own region commits through the committer and
  // is answered on the server's I/O threads, so both must still run while it finishes.
  exchange.stop();
  server.stop();
  api.reset();
  committer.stop();  // everything acknowledged is already durable; this only drains the queue
  (*store)->setCommitListener(nullptr);
  dispatcher.stop();  // after the last commit: every event has its message for the next start
  obs::info("stopped", {{"port", port}});
  obs::flushLog();
  std::cout << "jingban stopped: requests in flight answered, commit queue drained" << std::endl;
  return 0;
}

int guide(const Args& a, const char* argv0) {
  auto cat = Catalog::loadDir(cli::dataDir(a, "--catalog", "catalog", argv0), effectNameKnown);
  if (!cat) return std::cerr << cat.error().message, 1;
  const Region* r = (*cat)->region(a.positional[0]);
  const Item* it = r ? r->item(a.positional[1]) : nullptr;
  if (!it)
    return std::cerr << "找不到事项 " << a.positional[0] << " " << a.positional[1] << "\n", 1;
  std::cout << guideHtml(*r, *it);
  return 0;
}

int deadline(const Args& a, const char* argv0) {
  auto from = Date::parse(a.positional[0]);
  if (!from) return cli::usageError(kDeadlineSpec, "FROM 须为 YYYY-MM-DD 格式的有效日期");
  // The same range as GET /api/v1/calendar/deadline.
  auto n = parseStrictInt(a.positional[1], 0, 3650, "N");
  if (!n) return cli::usageError(kDeadlineSpec, n.error().message);
  auto cal = WorkCalendar::loadDir(cli::dataDir(a, "--calendar", "calendar", argv0));
  if (!cal) return std::cerr << cal.error().message << "\n", 1;
  auto due =
      cal->dueDate(*from, a.has("--natural") ? LimitKind::kNaturalDays : LimitKind::kWorkingDays,
                   static_cast<int>(*n));
  if (!due) return std::cerr << due.error().message << "\n", 1;
  std::cout << due->date.str() << (due->provisional ? " (暂定)" : "") << "\n";
  return 0;
}

}  // namespace

namespace jingban {

int runCli(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") return usage(), 0;
  // Commands in their own files parse their arguments with cli/args.hpp themselves.
  if (cmd == "staff") return runStaffCommand(argc, argv);
  if (cmd == "backup") return runBackupCommand(argc, argv);
  if (cmd == "verify") return runVerifyCommand(argc, argv);
  if (cmd == "import-residents") return runImportCommand(argc, argv);
  if (cmd == "rebuild-registers") return runRebuildCommand(argc, argv);
  if (cmd == "openapi") return runOpenapiCommand(argc, argv);
  struct Command {
    const CommandSpec* spec;
    int (*run)(const Args&, const char*);
  };
  static const std::map<std::string, Command> kCommands = {
      {"serve", {&kServeSpec, serve}},
      {"check-catalog", {&kCheckCatalogSpec, checkCatalog}},
      {"guide", {&kGuideSpec, guide}},
      {"deadline", {&kDeadlineSpec, deadline}},
  };
  auto it = kCommands.find(cmd);
  if (it == kCommands.end()) {
    std::cerr << "jingban: 未知命令 " << cmd << "\n";
    return usage();
  }
  auto a = cli::parseArgs(*it->second.spec, argc, argv);
  if (!a) return cli::usageError(*it->second.spec, a.error());
  if (a->help) return cli::printUsage(*it->second.spec);
  return it->second.run(*a, argv[0]);
}

}  // namespace jingban
