#include "obs/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

namespace jingban::obs {

namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto lg = std::make_shared<spdlog::logger>("jingban",
                                               std::make_shared<spdlog::sinks::stderr_sink_mt>());
    lg->set_pattern("%v");
    return lg;
  }();
  return l;
}

// 2026-03-10T10:00:00.123+08:00: logs are read in Beijing time like everything else.
std::string beijingNow() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(ms / 1000 + 8 * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

void write(spdlog::level::level_enum lvl, const char* name, std::string_view event,
           nlohmann::json fields) {
  auto& lg = logger();
  if (!lg->should_log(lvl)) return;
  nlohmann::json line = {{"ts", beijingNow()}, {"level", name}, {"event", event}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  // Replace invalid UTF-8 instead of throwing: a log line must never stop the process.
  lg->log(lvl, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void initLog(const LogOptions& o) {
  std::shared_ptr<spdlog::logger> lg;
  if (o.file.empty())
    lg = std::make_shared<spdlog::logger>("jingban",
                                          std::make_shared<spdlog::sinks::stderr_sink_mt>());
  else
    lg = std::make_shared<spdlog::logger>(
        "jingban", std::make_shared<spdlog::sinks::basic_file_sink_mt>(o.file));
  lg->set_pattern("%v");
  lg->set_level(spdlog::level::from_str(o.level));
  lg->flush_on(spdlog::level::warn);
  logger() = lg;
}

void flushLog() { logger()->flush(); }

void debug(std::string_view e, nlohmann::json f) { write(spdlog::level::debug, "debug", e, f); }
void info(std::string_view e, nlohmann::json f) { write(spdlog::level::info, "info", e, f); }
void warn(std::string_view e, nlohmann::json f) { write(spdlog::level::warn, "warn", e, f); }
void error(std::string_view e, nlohmann::json f) { write(spdlog::level::err, "error", e, f); }

}  // namespace jingban::obs
