// Structured logs: one JSON object a line (spdlog underneath). Every line has "ts" (Beijing time),
// "level" and "event"; the fields say the rest. Never put a full ID number, name or phone in a
// field: pass them through maskId() first.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace jingban::obs {

struct LogOptions {
  std::string file;            // empty: standard error
  std::string level = "info";  // debug | info | warn | error
};

// Call once at start-up (before any thread logs). Without it, lines go to standard error.
void initLog(const LogOptions& o);
void flushLog();

// The one line per HTTP request, written on the hot path (18,000 a second under load): formatted
// straight into a buffer instead of through a JSON object. Same shape as the other lines.
void request(std::string_view method, std::string_view route, int status, double duration_ms,
             std::string_view request_id, std::string_view staff, std::string_view remote);

void debug(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void info(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void warn(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void error(std::string_view event, nlohmann::json fields = nlohmann::json::object());

}  // namespace jingban::obs
