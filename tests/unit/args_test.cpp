#include "cli/args.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jingban::cli {
namespace {

const CommandSpec kServe{"serve",
                         "jingban serve --port P --db FILE [--demo]",
                         {{"--port", OptKind::kInt, 0, 65535},
                          {"--db", OptKind::kString},
                          {"--demo", OptKind::kFlag},
                          {"--from", OptKind::kDate},
                          {"--rate-limit", OptKind::kString, 0, 0, true}},
                         0,
                         0};
const CommandSpec kDeadline{
    "deadline", "jingban deadline FROM N", {{"--natural", OptKind::kFlag}}, 2, 2};

std::expected<ParsedArgs, std::string> run(const CommandSpec& spec,
                                           std::vector<std::string> words) {
  std::vector<char*> argv;
  static std::string prog = "jingban", cmd = "x";
  argv.push_back(prog.data());
  argv.push_back(cmd.data());
  for (auto& w : words) argv.push_back(w.data());
  return parseArgs(spec, static_cast<int>(argv.size()), argv.data());
}

TEST(Args, ParsesDeclaredOptionsInBothForms) {
  auto a = run(kServe, {"--port", "8080", "--db=/tmp/x.db", "--demo", "--from", "2026-02-13"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->getInt("--port", 1), 8080);
  EXPECT_EQ(a->get("--db"), "/tmp/x.db");
  EXPECT_TRUE(a->has("--demo"));
  EXPECT_EQ(a->getDate("--from")->str(), "2026-02-13");
  EXPECT_FALSE(a->has("--nothing"));
  EXPECT_EQ(a->getInt("--absent", 7), 7);
  EXPECT_EQ(a->get("--absent", "d"), "d");
}

TEST(Args, RefusesBadIntegers) {
  for (const char* v : {"abc", "70000", "-1", "+80", "80 ", "8e3", "0x50", ""}) {
    auto a = run(kServe, {"--port", v});
    ASSERT_FALSE(a) << v;
    EXPECT_NE(a.error().find("--port"), std::string::npos) << a.error();
  }
  auto a = run(kServe, {"--port=abc"});
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().find("0 到 65535"), std::string::npos) << a.error();
}

TEST(Args, RefusesUnknownRepeatedAndMissing) {
  auto unknown = run(kServe, {"--prot", "80"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("未知选项 --prot"), std::string::npos);
  EXPECT_FALSE(run(kServe, {"-x"}));
  EXPECT_FALSE(run(kServe, {"--port", "1", "--port", "2"}));
  auto missing = run(kServe, {"--db"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("缺少取值"), std::string::npos);
  EXPECT_FALSE(run(kServe, {"--db", "--demo"}));  // the next option is not a value
  EXPECT_FALSE(run(kServe, {"--demo=1"}));        // a flag takes no value
  EXPECT_FALSE(run(kServe, {"--from", "2026-02-30"}));
  EXPECT_FALSE(run(kServe, {"--db="}));
}

TEST(Args, ChecksPositionalCount) {
  EXPECT_FALSE(run(kServe, {"extra"}));
  EXPECT_FALSE(run(kDeadline, {"2026-02-13"}));
  EXPECT_FALSE(run(kDeadline, {"2026-02-13", "5", "6"}));
  auto a = run(kDeadline, {"2026-02-13", "5", "--natural"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->positional, (std::vector<std::string>{"2026-02-13", "5"}));
  EXPECT_TRUE(a->has("--natural"));
  // A negative number is a positional argument, not an option; after -- everything is.
  auto neg = run(kDeadline, {"2026-02-13", "-5"});
  ASSERT_TRUE(neg) << neg.error();
  EXPECT_EQ(neg->positional[1], "-5");
  auto rest = run(kDeadline, {"--", "--natural", "5"});
  ASSERT_TRUE(rest) << rest.error();
  EXPECT_EQ(rest->positional[0], "--natural");
}

TEST(Args, RepeatableOptionsKeepEveryValue) {
  auto a = run(kServe, {"--rate-limit", "signin=5/min", "--rate-limit=progress=off"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->getAll("--rate-limit"), (std::vector<std::string>{"signin=5/min", "progress=off"}));
  EXPECT_TRUE(a->getAll("--db").empty());
}

TEST(Args, HelpSkipsPositionalChecks) {
  auto a = run(kDeadline, {"--help"});
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->help);
}

}  // namespace
}  // namespace jingban::cli
