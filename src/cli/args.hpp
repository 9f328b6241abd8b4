// Strict, declarative command-line parsing for every `jingban` subcommand: each command declares
// the options it accepts and how many positional arguments; anything else is a usage error
// (exit code 2) that names the problem, never silently ignored.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.hpp"

namespace jingban::cli {

inline constexpr int kUsageExit = 2;

enum class OptKind {
  kFlag,    // --demo (no value)
  kString,  // --db FILE
  kInt,     // --port N, checked strictly against [min, max]
  kDate,    // --from YYYY-MM-DD
};

struct OptSpec {
  std::string name;  // with the dashes: "--port"
  OptKind kind = OptKind::kString;
  int64_t min = 0, max = 0;  // kInt only
  bool repeatable = false;   // may be given several times (getAll); otherwise twice is an error
};

struct CommandSpec {
  std::string name;   // "serve"
  std::string usage;  // the synopsis printed with any usage error
  std::vector<OptSpec> options;
  size_t min_positional = 0, max_positional = 0;
};

// Options given, by name; values already checked against their kind.
class ParsedArgs {
 public:
  std::vector<std::string> positional;
  bool help = false;  // --help / -h was given: print the synopsis, exit 0

  bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
  std::string get(std::string_view name, std::string fallback = {}) const;
  int64_t getInt(std::string_view name, int64_t fallback) const;
  std::optional<Date> getDate(std::string_view name) const;
  // Every value of a repeatable option, in order.
  std::vector<std::string> getAll(std::string_view name) const;

 private:
  friend std::expected<ParsedArgs, std::string> parseArgs(const CommandSpec&, int, char**, int);
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

// Parses argv[first…]. Accepts `--opt value`, `--opt=value`, `--` (the rest is positional) and
// `--help`/`-h`. Errors (in Chinese, naming the option): unknown option, option given twice,
// missing value, a value on a flag, a value that is not a strict integer in range or a valid date,
// too few or too many positional arguments.
std::expected<ParsedArgs, std::string> parseArgs(const CommandSpec& spec, int argc, char** argv,
                                                 int first = 2);

// Prints "jingban NAME: PROBLEM" and the synopsis to standard error; returns kUsageExit.
int usageError(const CommandSpec& spec, std::string_view problem);
// Prints the synopsis to standard output; returns 0 (for --help).
int printUsage(const CommandSpec& spec);

// A data directory (catalog, calendar, policy): the option's value, else ./NAME when it exists,
// else NAME beside the build directory of the binary `argv0`.
std::string dataDir(const ParsedArgs& args, const std::string& option, const std::string& name,
                    const char* argv0);

}  // namespace jingban::cli
