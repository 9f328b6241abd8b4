#include "cli/import_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <string>

#include "calendar/date.hpp"
#include "catalog/catalog.hpp"
#include "cli/args.hpp"
#include "effects/resident_import.hpp"
#include "registers/registers.hpp"
#include "store/committer.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

const cli::CommandSpec kSpec{
    "import-residents",
    "jingban import-residents --db FILE --region R FILE.csv [--start-month YYYY-MM] "
    "[--catalog DIR]\n"
    "  城乡居民批量参保登记：CSV（UTF-8，表头 id_no,name,phone,identity）逐行校验，\n"
    "  通过的行在一个事务中全部登记；报告 {batch_id, accepted, rejected} 以 JSON 输出。",
    {{"--db"}, {"--region"}, {"--start-month"}, {"--catalog"}},
    1,
    1};

// A file larger than this is refused before it is read (about 40 million rows).
constexpr uintmax_t kMaxFileBytes = uintmax_t{2} << 30;

int failed(const std::string& message) {
  std::cerr << "jingban import-residents: " << message << "\n";
  return 1;
}

}  // namespace

int runImportCommand(int argc, char** argv) {
  auto args = cli::parseArgs(kSpec, argc, argv);
  if (!args) return cli::usageError(kSpec, args.error());
  if (args->help) return cli::printUsage(kSpec);
  if (!args->has("--db") || !args->has("--region"))
    return cli::usageError(kSpec, "须给出 --db 和 --region");
  const std::string region = args->get("--region");
  const std::string start_month = args->get("--start-month");
  if (args->has("--start-month") && monthIndex(start_month) < 0)
    return cli::usageError(kSpec, "--start-month 须为 YYYY-MM 格式的月份");

  // The region must be one of the catalog's 统筹区.
  auto cat = Catalog::loadDir(cli::dataDir(*args, "--catalog", "catalog", argv[0]));
  if (!cat) return failed(cat.error().message);
  if (!(*cat)->region(region)) return cli::usageError(kSpec, "--region 不是目录中的地区");

  const std::string path = args->positional[0];
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return failed("无法读取文件 " + path);
  if (size > kMaxFileBytes) return failed("文件过大（最多 2 GiB），请分批导入");
  std::string body(size, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in.read(body.data(), static_cast<std::streamsize>(size)))
      return failed("无法读取文件 " + path);
  }

  auto t0 = std::chrono::steady_clock::now();
  auto file = parseResidentCsv(body);
  if (!file) return failed(file.error().message);
  body = std::string();  // the rows are parsed: free the text before the transaction
  auto t1 = std::chrono::steady_clock::now();

  auto store = SqliteStore::open(args->get("--db"));
  if (!store) return failed(store.error().message);
  std::promise<Result<ImportReport>> outcome;
  {
    Committer committer(**store);
    ImportRequest q;
    q.region = region;
    q.actor = "cli";
    q.at = systemClock()().unix_seconds;
    q.start_month = start_month;
    importResidents(committer, std::move(q), std::move(*file),
                    [&outcome](Result<ImportReport> r) { outcome.set_value(std::move(r)); });
    committer.stop();
  }
  auto report = outcome.get_future().get();
  auto t2 = std::chrono::steady_clock::now();
  if (!report) return failed(report.error().message);
  std::cout << importReportJson(*report).dump(1) << std::endl;
  std::fprintf(
      stderr,
      "import-residents: batch %s, %lld accepted, %zu rejected (check %.2f s, commit %.2f s)\n",
      report->batch_id.c_str(), static_cast<long long>(report->accepted), report->rejected.size(),
      std::chrono::duration<double>(t1 - t0).count(),
      std::chrono::duration<double>(t2 - t1).count());
  return 0;
}

}  // namespace jingban
