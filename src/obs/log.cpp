#include "obs/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>

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

namespace {

// Standard error, buffered: lines collect in memory and go out in one write() when 64 KiB are
// waiting, at every flush (each second, and at once for warnings), and at exit. Writing to fd 2
// itself keeps the file offset it shares with standard output (`> log 2>&1`), where reopening
// /dev/stderr would get a second offset and overwrite what standard output wrote.
class BufferedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BufferedStderrSink() override {
    std::lock_guard lk(mutex_);
    flush_();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    buffer_.append(line.data(), line.size());
    if (buffer_.size() >= 64 * 1024) flush_();
  }
  void flush_() override {
    size_t off = 0;
    while (off < buffer_.size()) {
      ssize_t n = ::write(2, buffer_.data() + off, buffer_.size() - off);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        break;  // standard error is gone: drop the lines rather than stop the process
      }
      off += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

}  // namespace

void initLog(const LogOptions& o) {
  // Buffered output, flushed every second and at once for warnings and errors: an unbuffered
  // write per request line would cost a system call per request.
  spdlog::sink_ptr sink;
  if (o.file.empty())
    sink = std::make_shared<BufferedStderrSink>();
  else
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(o.file);
  auto lg = std::make_shared<spdlog::logger>("jingban", sink);
  lg->set_pattern("%v");
  lg->set_level(spdlog::level::from_str(o.level));
  lg->flush_on(spdlog::level::warn);
  logger() = lg;
  spdlog::drop("jingban");
  spdlog::register_logger(lg);
  spdlog::flush_every(std::chrono::seconds(1));
}

namespace {
// JSON string content: quotes, backslashes and control characters escaped (the fields are
// identifiers validated at the edge; UTF-8 passes through).
void appendEscaped(fmt::memory_buffer& b, std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      b.push_back('\\');
      b.push_back(c);
    } else if (u < 0x20) {
      fmt::format_to(std::back_inserter(b), "\\u{:04x}", u);
    } else {
      b.push_back(c);
    }
  }
}
}  // namespace

void request(std::string_view method, std::string_view route, int status, double duration_ms,
             std::string_view request_id, std::string_view staff, std::string_view remote) {
  auto& lg = logger();
  if (!lg->should_log(spdlog::level::info)) return;
  fmt::memory_buffer b;
  auto field = [&b](const char* key, std::string_view v) {
    fmt::format_to(std::back_inserter(b), ",\"{}\":\"", key);
    appendEscaped(b, v);
    b.push_back('"');
  };
  fmt::format_to(std::back_inserter(b), "{{\"ts\":\"{}\",\"level\":\"info\",\"event\":\"request\"",
                 beijingNow());
  field("method", method);
  field("route", route);
  fmt::format_to(std::back_inserter(b), ",\"status\":{},\"duration_ms\":{:.3f}", status,
                 duration_ms);
  field("request_id", request_id);
  field("staff", staff);
  field("remote", remote);
  b.push_back('}');
  lg->log(spdlog::level::info, std::string_view(b.data(), b.size()));
}

void flushLog() { logger()->flush(); }

void debug(std::string_view e, nlohmann::json f) { write(spdlog::level::debug, "debug", e, f); }
void info(std::string_view e, nlohmann::json f) { write(spdlog::level::info, "info", e, f); }
void warn(std::string_view e, nlohmann::json f) { write(spdlog::level::warn, "warn", e, f); }
void error(std::string_view e, nlohmann::json f) { write(spdlog::level::err, "error", e, f); }

}  // namespace jingban::obs
