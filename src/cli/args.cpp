#include "cli/args.hpp"

#include <filesystem>
#include <iostream>

#include "common/text.hpp"

namespace jingban::cli {

std::string ParsedArgs::get(std::string_view name, std::string fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

int64_t ParsedArgs::getInt(std::string_view name, int64_t fallback) const {
  auto it = values_.find(name);
  // parseArgs already checked the value; parsing it again cannot fail.
  return it == values_.end() ? fallback : std::stoll(it->second.back());
}

std::optional<Date> ParsedArgs::getDate(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::nullopt : Date::parse(it->second.back());
}

std::vector<std::string> ParsedArgs::getAll(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::expected<ParsedArgs, std::string> parseArgs(const CommandSpec& spec, int argc, char** argv,
                                                 int first) {
  ParsedArgs out;
  bool options_done = false;
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool looks_like_option = arg.size() > 1 && arg[0] == '-' && !(arg[1] >= '0' && arg[1] <= '9');
    if (options_done || !looks_like_option) {
      out.positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (size_t eq = arg.find('='); eq != std::string_view::npos && arg.starts_with("--")) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const OptSpec* opt = nullptr;
    for (const auto& o : spec.options)
      if (o.name == name) opt = &o;
    if (!opt) return std::unexpected("未知选项 " + std::string(name));
    if (out.values_.count(opt->name) && !opt->repeatable)
      return std::unexpected("选项 " + opt->name + " 重复给出");
    if (opt->kind == OptKind::kFlag) {
      if (inline_value) return std::unexpected("选项 " + opt->name + " 不带取值");
      out.values_[opt->name] = {"1"};
      continue;
    }
    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else {
      // The next word is the value, even if it starts with one "-" (a negative number, refused
      // or accepted by its range), but not when it is another option: "--db --demo" lacks a
      // value rather than naming a database file "--demo" (use --db=--demo for that).
      if (i + 1 >= argc) return std::unexpected("选项 " + opt->name + " 缺少取值");
      std::string_view next = argv[i + 1];
      if (next.starts_with("--")) return std::unexpected("选项 " + opt->name + " 缺少取值");
      value = next;
      ++i;
    }
    if (value.empty()) return std::unexpected("选项 " + opt->name + " 缺少取值");
    if (opt->kind == OptKind::kInt) {
      auto n = parseStrictInt(value, opt->min, opt->max, opt->name.c_str());
      if (!n) return std::unexpected("选项 " + n.error().message);
    } else if (opt->kind == OptKind::kDate) {
      if (!Date::parse(value))
        return std::unexpected("选项 " + opt->name + " 须为 YYYY-MM-DD 格式的有效日期");
    }
    out.values_[opt->name].emplace_back(value);
  }
  if (out.help) return out;
  if (out.positional.size() < spec.min_positional)
    return std::unexpected("缺少参数（需要 " + std::to_string(spec.min_positional) + " 个）");
  if (out.positional.size() > spec.max_positional)
    return std::unexpected(spec.max_positional == 0
                               ? "多余的参数 " + out.positional[0]
                               : "参数过多（最多 " + std::to_string(spec.max_positional) + " 个）");
  return out;
}

int usageError(const CommandSpec& spec, std::string_view problem) {
  std::cerr << "jingban " << spec.name << ": " << problem << "\n用法: " << spec.usage << "\n";
  return kUsageExit;
}

int printUsage(const CommandSpec& spec) {
  std::cout << "用法: " << spec.usage << "\n";
  return 0;
}

std::string dataDir(const ParsedArgs& args, const std::string& option, const std::string& name,
                    const char* argv0) {
  namespace fs = std::filesystem;
  if (args.has(option)) return args.get(option);
  if (fs::exists(name)) return name;
  auto beside = fs::absolute(argv0).parent_path().parent_path() / name;
  return fs::exists(beside) ? beside.string() : name;
}

}  // namespace jingban::cli
