#include "obs/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
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
// The seconds part ("2026-03-10T10:00:00") is formatted once per second per thread; the hot
// path only appends the milliseconds.
void appendBeijingNow(std::string& out) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  thread_local int64_t cached_second = -1;
  thread_local char prefix[24];
  int64_t second = ms / 1000;
  if (second != cached_second) {
    std::time_t t = static_cast<std::time_t>(second + 8 * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = second;
  }
  int frac = static_cast<int>(ms % 1000);
  out.append(prefix);
  out += '.';
  out += static_cast<char>('0' + frac / 100);
  out += static_cast<char>('0' + frac / 10 % 10);
  out += static_cast<char>('0' + frac % 10);
  out.append("+08:00");
}

std::string beijingNow() {
  std::string s;
  appendBeijingNow(s);
  return s;
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
void appendEscaped(std::string& b, std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      b += '\\';
      b += c;
    } else if (u < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      b.append(esc);
    } else {
      b += c;
    }
  }
}
}  // namespace

void request(std::string_view method, std::string_view route, int status, double duration_ms,
             std::string_view request_id, std::string_view staff, std::string_view remote) {
  auto& lg = logger();
  if (!lg->should_log(spdlog::level::info)) return;
  thread_local std::string b;  // reused: no allocation per line once warm
  b.clear();
  b.append("{\"ts\":\"");
  appendBeijingNow(b);
  b.append("\",\"level\":\"info\",\"event\":\"request\"");
  auto field = [](const char* key, std::string_view v) {
    b.append(",\"");
    b.append(key);
    b.append("\":\"");
    appendEscaped(b, v);
    b += '"';
  };
  field("method", method);
  field("route", route);
  char num[64];
  int n =
      std::snprintf(num, sizeof num, ",\"status\":%d,\"duration_ms\":%.3f", status, duration_ms);
  b.append(num, static_cast<size_t>(n));
  field("request_id", request_id);
  field("staff", staff);
  field("remote", remote);
  b += '}';
  lg->log(spdlog::level::info, std::string_view(b));
}

void flushLog() { logger()->flush(); }

void debug(std::string_view e, nlohmann::json f) { write(spdlog::level::debug, "debug", e, f); }
void info(std::string_view e, nlohmann::json f) { write(spdlog::level::info, "info", e, f); }
void warn(std::string_view e, nlohmann::json f) { write(spdlog::level::warn, "warn", e, f); }
void error(std::string_view e, nlohmann::json f) { write(spdlog::level::err, "error", e, f); }

}  // namespace jingban::obs
