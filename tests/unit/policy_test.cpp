// policy/: loading policy/<region>.yaml strictly (file:line for every problem), find() with its
// fall-backs (灵活就业 → 职工, extends), and the per-policy helpers.
#include "policy/policy.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace jingban {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const PolicySet> realPolicies() {
  static const std::shared_ptr<const PolicySet> set = [] {
    auto s = PolicySet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy");
    if (!s) throw std::runtime_error("policy/ does not load: " + s.error().message);
    return *s;
  }();
  return set;
}

TEST(PolicyReal, EveryRegionHasBothTypesForBothYearsMarkedAsExamples) {
  auto set = realPolicies();
  for (const char* region : {"qinghai", "xining", "yunnan", "qingdao"})
    for (const char* type : {"职工", "城乡居民", "灵活就业"})
      for (int year : {2025, 2026}) {
        const InsurancePolicy* p = set->find(region, type, year);
        ASSERT_NE(p, nullptr) << region << " " << type << " " << year;
        EXPECT_TRUE(p->example);
        EXPECT_NE(p->source.find("示例参数"), std::string::npos) << p->source;
      }
  EXPECT_EQ(set->find("qinghai", "职工", 2024), nullptr);
  EXPECT_EQ(set->find("beijing", "职工", 2026), nullptr);
  EXPECT_EQ(set->find("qinghai", "公务员", 2026), nullptr);
}

TEST(PolicyReal, FlexibleWorkersFallBackToEmployeesUnlessTheRegionGivesThemAnEntry) {
  auto set = realPolicies();
  EXPECT_EQ(set->find("qinghai", "灵活就业", 2026), set->find("qinghai", "职工", 2026));
  const InsurancePolicy* own = set->find("yunnan", "灵活就业", 2026);
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->insurance_type, "灵活就业");
  EXPECT_NE(own, set->find("yunnan", "职工", 2026));
}

TEST(PolicyReal, XiningExtendsQinghai) {
  auto set = realPolicies();
  EXPECT_EQ(set->extends("xining"), "qinghai");
  EXPECT_EQ(set->find("xining", "城乡居民", 2026), set->find("qinghai", "城乡居民", 2026));
}

TEST(PolicyReal, ValuesAreReadAsWritten) {
  const InsurancePolicy* p = realPolicies()->find("qinghai", "城乡居民", 2026);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->deductible_basis, DeductibleBasis::kPerAdmission);
  EXPECT_EQ(p->deductibleFor(1), 20000);
  EXPECT_EQ(p->deductibleFor(3), 80000);
  EXPECT_EQ(p->ratioFor(2), 750);
  EXPECT_EQ(p->annual_fund_cap_fen, 15000000);
  EXPECT_EQ(p->class_b_first_paid_permille, 100);
  ASSERT_EQ(p->serious_illness.tiers.size(), 2u);
  EXPECT_EQ(p->serious_illness.tiers[0].up_to_fen, 10000000);
  EXPECT_FALSE(p->serious_illness.tiers[1].up_to_fen.has_value());
  ASSERT_TRUE(p->premium.has_value());
  EXPECT_EQ(p->premium->personal_fen, 40000);
  EXPECT_EQ(realPolicies()->find("qinghai", "城乡居民", 2025)->premium->personal_fen, 38000);
}

TEST(PolicyReal, RequiredContributionMonths) {
  auto set = realPolicies();
  const InsurancePolicy* emp = set->find("qingdao", "职工", 2026);
  ASSERT_NE(emp, nullptr);
  EXPECT_EQ(emp->requiredContributionMonths("男"), 300);
  EXPECT_EQ(emp->requiredContributionMonths("女"), 240);
  EXPECT_EQ(emp->requiredContributionMonths(""), 300);  // unknown: never the lower figure
  EXPECT_EQ(set->find("qingdao", "城乡居民", 2026)->requiredContributionMonths("男"), 0);
}

TEST(PolicyReal, SubsidyAndAssistanceChoices) {
  const InsurancePolicy* p = realPolicies()->find("qinghai", "城乡居民", 2026);
  ASSERT_NE(p, nullptr);
  auto full = p->subsidyFor({"特困"});
  ASSERT_TRUE(full);
  EXPECT_EQ(full->amount_fen, 40000);
  auto fixed = p->subsidyFor({"港澳台", "低保"});
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->identity, "低保");
  EXPECT_EQ(fixed->amount_fen, 20000);
  EXPECT_EQ(p->subsidyFor({"低保", "特困"})->identity, "特困");  // the larger subsidy wins
  EXPECT_FALSE(p->subsidyFor({}));
  EXPECT_FALSE(p->subsidyFor({"外国人"}));
  EXPECT_EQ(p->assistanceFor({"低保", "重度残疾"})->ratio_permille, 700);
  EXPECT_FALSE(p->assistanceFor({"港澳台"}));
  // 职工 has no premium: no subsidy whatever the identity.
  EXPECT_FALSE(realPolicies()->find("qinghai", "职工", 2026)->subsidyFor({"特困"}));
}

// A fresh directory per test, with one valid region file to break in one place at a time.
class PolicyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jingban_policy_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  // The error message of loading the directory (fails the test when it loads).
  std::string loadError() {
    auto r = PolicySet::loadDir(dir_.string());
    if (r) {
      ADD_FAILURE() << "expected the policy directory to be refused";
      return "";
    }
    EXPECT_EQ(r.error().slug, "policy_invalid");
    return r.error().message;
  }
  static std::string entry(const std::string& replace_from = "", const std::string& to = "") {
    std::string e =
        "  - insurance_type: 职工\n"
        "    years: [2026]\n"
        "    example: true\n"
        "    source: 测试\n"
        "    deductible_basis: per_year\n"
        "    deductible_fen: {1: 100, 2: 200, 3: 300}\n"
        "    ratio_permille: {1: 900, 2: 800, 3: 700}\n"
        "    annual_fund_cap_fen: 1000000\n"
        "    class_b_first_paid_permille: 100\n"
        "    serious_illness:\n"
        "      threshold_fen: 5000\n"
        "      tiers:\n"
        "        - {up_to_fen: 10000, ratio_permille: 500}\n"
        "        - {ratio_permille: 600}\n"
        "      annual_cap_fen: 300000\n"
        "    assistance:\n"
        "      ratio_permille: {特困: 1000}\n"
        "      annual_cap_fen: 1000\n"
        "    retirement:\n"
        "      required_contribution_years: {男: 25, 女: 20}\n";
    if (!replace_from.empty()) {
      auto pos = e.find(replace_from);
      if (pos == std::string::npos) throw std::runtime_error("bad test edit: " + replace_from);
      e.replace(pos, replace_from.size(), to);
    }
    return e;
  }
  fs::path dir_;
};

TEST_F(PolicyFileTest, AValidFileLoads) {
  write("r.yaml", "region: r\npolicies:\n" + entry());
  auto r = PolicySet::loadDir(dir_.string());
  ASSERT_TRUE(r) << r.error().message;
  const InsurancePolicy* p = (*r)->find("r", "职工", 2026);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 3);
  EXPECT_EQ(p->assistance.annual_cap_fen, 1000);
}

TEST_F(PolicyFileTest, AnEmptyOrMissingDirectoryIsRefused) {
  auto r = PolicySet::loadDir((dir_ / "nothing").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "policy_missing");
}

TEST_F(PolicyFileTest, UnknownKeyNamesFileAndLine) {
  write("r.yaml", "region: r\npolicies:\n" +
                      entry("    source: 测试\n", "    source: 测试\n    colour: blue\n"));
  std::string msg = loadError();
  EXPECT_NE(msg.find("r.yaml:7: 未知的键 colour"), std::string::npos) << msg;
}

TEST_F(PolicyFileTest, RatioAbove1000IsRefused) {
  write("r.yaml", "region: r\npolicies:\n" + entry("3: 700}", "3: 1001}"));
  std::string msg = loadError();
  EXPECT_NE(msg.find("r.yaml:9:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ratio_permille[3]"), std::string::npos) << msg;
}

TEST_F(PolicyFileTest, NegativeAmountAndFloatAreRefused) {
  write("r.yaml", "region: r\npolicies:\n" +
                      entry("annual_fund_cap_fen: 1000000", "annual_fund_cap_fen: -1"));
  EXPECT_NE(loadError().find("r.yaml:10: annual_fund_cap_fen"), std::string::npos);
  write("r.yaml", "region: r\npolicies:\n" + entry("class_b_first_paid_permille: 100",
                                                   "class_b_first_paid_permille: 10.5"));
  EXPECT_NE(loadError().find("r.yaml:11: class_b_first_paid_permille"), std::string::npos);
}

TEST_F(PolicyFileTest, TiersMustAscendAndOnlyTheLastMayBeUnbounded) {
  write("r.yaml", "region: r\npolicies:\n" + entry("{up_to_fen: 10000, ratio_permille: 500}",
                                                   "{up_to_fen: 4000, ratio_permille: 500}"));
  EXPECT_NE(loadError().find("r.yaml:15: tiers 须按 up_to_fen 递增"), std::string::npos);
  write("r.yaml", "region: r\npolicies:\n" +
                      entry("        - {ratio_permille: 600}\n",
                            "        - {ratio_permille: 600}\n        - {ratio_permille: 700}\n"));
  EXPECT_NE(loadError().find("r.yaml:16: 只有最后一档"), std::string::npos);
}

TEST_F(PolicyFileTest, EveryHospitalLevelIsRequired) {
  write("r.yaml", "region: r\npolicies:\n" + entry("{1: 100, 2: 200, 3: 300}", "{1: 100, 2: 200}"));
  EXPECT_NE(loadError().find("r.yaml:8: deductible_fen 须给出 1、2、3 三个等级"),
            std::string::npos);
}

TEST_F(PolicyFileTest, ExampleMustBeStatedAndBasisKnown) {
  write("r.yaml", "region: r\npolicies:\n" + entry("    example: true\n", ""));
  EXPECT_NE(loadError().find("example 须写明 true 或 false"), std::string::npos);
  write("r.yaml", "region: r\npolicies:\n" + entry("per_year", "per_visit"));
  EXPECT_NE(loadError().find("r.yaml:7: deductible_basis"), std::string::npos);
}

TEST_F(PolicyFileTest, ResidentsNeedAPremiumAndEmployeesRetirementYears) {
  write("r.yaml",
        "region: r\npolicies:\n" + entry("insurance_type: 职工", "insurance_type: 城乡居民"));
  EXPECT_NE(loadError().find("城乡居民须给出 premium"), std::string::npos);
  write("r.yaml",
        "region: r\npolicies:\n" +
            entry("    retirement:\n      required_contribution_years: {男: 25, 女: 20}\n", ""));
  EXPECT_NE(loadError().find("职工、灵活就业须给出 retirement"), std::string::npos);
}

TEST_F(PolicyFileTest, FixedSubsidyAbovePremiumIsRefused) {
  write("r.yaml", "region: r\npolicies:\n" +
                      entry("insurance_type: 职工", "insurance_type: 城乡居民") +
                      "    premium:\n      personal_fen: 100\n      subsidy:\n"
                      "        低保: {amount_fen: 101}\n");
  EXPECT_NE(loadError().find("r.yaml:26: 定额资助不能高于个人缴费标准"), std::string::npos);
}

TEST_F(PolicyFileTest, DuplicateYearIsRefused) {
  write("r.yaml", "region: r\npolicies:\n" + entry() + entry("[2026]", "[2025, 2026]"));
  EXPECT_NE(loadError().find("重复的政策参数：r 职工 2026 年"), std::string::npos);
}

TEST_F(PolicyFileTest, RegionMustMatchTheFileAndExtendsAKnownRegion) {
  write("r.yaml", "region: s\npolicies:\n" + entry());
  EXPECT_NE(loadError().find("r.yaml:1: region 应与文件名一致"), std::string::npos);
  write("r.yaml", "region: r\nextends: nowhere\n");
  EXPECT_NE(loadError().find("extends 指向的统筹区 nowhere"), std::string::npos);
}

TEST_F(PolicyFileTest, EveryProblemIsListed) {
  write("r.yaml", "region: r\npolicies:\n" + entry("3: 700}", "3: 1001}") +
                      entry("[2026]", "[2025]") + "  - colour: blue\n");
  std::string msg = loadError();
  EXPECT_NE(msg.find("ratio_permille[3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("未知的键 colour"), std::string::npos) << msg;
}

TEST_F(PolicyFileTest, YamlSyntaxErrorHasALine) {
  write("r.yaml", "region: r\npolicies:\n  - insurance_type: [职工\n");
  EXPECT_NE(loadError().find("YAML 语法错误"), std::string::npos);
}

}  // namespace
}  // namespace jingban
