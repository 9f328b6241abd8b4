// policy/maternity: the 生育津贴 days and arithmetic (÷ 30, rounded once), the average monthly
// wage, the fee assessment, the maternity claim settlement on policy/settlement, the calendar
// months helper, and the strict loader of policy/maternity/*.yaml (the shipped files too).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/money.hpp"
#include "policy/maternity.hpp"

namespace jingban {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const MaternityRuleSet> shipped() {
  static auto set = [] {
    auto s = MaternityRuleSet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy/maternity");
    if (!s) throw std::runtime_error(s.error().message);
    return *s;
  }();
  return set;
}

MaternityRules national() {
  MaternityRules r;  // the defaults are the national days of issue 8 §4
  r.region = "test";
  return r;
}

TEST(MaternityDays, NormalBirthIs98Days) {
  auto d = allowanceDays(national(), "顺产", 1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->days, 98);
  ASSERT_EQ(d->parts.size(), 1u);
}

TEST(MaternityDays, DifficultBirthAndTwinsAddFifteenEach) {
  EXPECT_EQ(allowanceDays(national(), "难产", 1)->days, 113);
  EXPECT_EQ(allowanceDays(national(), "剖宫产", 1)->days, 113);
  EXPECT_EQ(allowanceDays(national(), "顺产", 2)->days, 113);
  EXPECT_EQ(allowanceDays(national(), "难产", 3)->days, 98 + 15 + 30);
  EXPECT_EQ(allowanceDays(national(), "难产", 3)->parts.size(), 3u);
}

TEST(MaternityDays, MiscarriageBeforeAndAfterFourMonths) {
  EXPECT_EQ(allowanceDays(national(), "妊娠4个月以下流产", 1)->days, 15);
  EXPECT_EQ(allowanceDays(national(), "妊娠4个月以上流产", 1)->days, 42);
}

TEST(MaternityDays, YunnanGives158DaysForABirth) {
  const MaternityRules* y = shipped()->find("yunnan");
  ASSERT_TRUE(y);
  EXPECT_EQ(allowanceDays(*y, "顺产", 1)->days, 158);
  EXPECT_EQ(allowanceDays(*y, "难产", 2)->days, 158 + 15 + 15);
  const MaternityRules* q = shipped()->find("qinghai");
  EXPECT_EQ(allowanceDays(*q, "顺产", 1)->days, 98);
}

TEST(MaternityDays, UnknownKindAndBadBabyCountAreRefused) {
  auto bad = allowanceDays(national(), "其他", 1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().slug, "unknown_birth_kind");
  EXPECT_EQ(allowanceDays(national(), "顺产", 0).error().slug, "invalid_babies");
  // 计划生育手术 only where the region gives days for it.
  EXPECT_FALSE(allowanceDays(national(), "输卵管结扎术", 1));
  MaternityRules r = national();
  r.family_planning_days["输卵管结扎术"] = 21;
  EXPECT_EQ(allowanceDays(r, "输卵管结扎术", 1)->days, 21);
}

TEST(MaternityAllowance, WageOverThirtyTimesDaysRoundedOnceHalfUp) {
  // 6,000.00 元 ÷ 30 × 98 = 19,600.00 元 exactly.
  auto a = maternityAllowance(national(), 600000, "顺产", 1);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->amount_fen, 1960000);
  // 5,000.01 元 × 113 / 30 = 18,833.37... : 500001 × 113 = 56,500,113 fen·days; ÷ 30 =
  // 1,883,337.1 → 1,883,337 fen. Rounding the daily rate first (16,667 fen) would give 1,883,371.
  EXPECT_EQ(maternityAllowance(national(), 500001, "难产", 1)->amount_fen, 1883337);
  // Half up: 45 × 98 / 30 = 147 exactly; 1 × 15 / 30 = 0.5 → 1.
  EXPECT_EQ(maternityAllowance(national(), 1, "妊娠4个月以下流产", 1)->amount_fen, 1);
  EXPECT_EQ(maternityAllowance(national(), 0, "顺产", 1).error().slug, "invalid_wage");
  EXPECT_EQ(maternityAllowance(national(), Money::kMaxFen + 1, "顺产", 1).error().slug,
            "invalid_wage");
  // The largest wage does not overflow.
  EXPECT_EQ(maternityAllowance(national(), Money::kMaxFen, "顺产", 1)->amount_fen,
            int64_t{3'266'666'666'667});  // 3,266,666,666,666.67 → …667
}

TEST(MaternityAllowance, JsonExplainsTheFormula) {
  auto a = maternityAllowance(national(), 600000, "难产", 2);
  auto j = allowanceJson(*a, national());
  EXPECT_EQ(j["days"], 128);
  EXPECT_EQ(j["parts"].size(), 3u);
  EXPECT_NE(j["formula"].get<std::string>().find("÷ 30 × 128 天"), std::string::npos);
  EXPECT_EQ(j["example"], true);
}

TEST(MaternityWage, AverageMonthlyWageOfAYear) {
  // 1,200,000.00 元 for 10 employees over 12 months = 10,000.00 元.
  EXPECT_EQ(*averageMonthlyWage(120000000, 10), 1000000);
  // 100 fen / (12 × 7) = 1.19… → 1; 150 / 84 = 1.78… → 2 (half up, once).
  EXPECT_EQ(*averageMonthlyWage(100, 7), 1);
  EXPECT_EQ(*averageMonthlyWage(150, 7), 2);
  EXPECT_EQ(averageMonthlyWage(100, 0).error().slug, "invalid_employees");
  EXPECT_EQ(averageMonthlyWage(0, 3).error().slug, "invalid_wage_total");
}

TEST(MaternityFees, AssessedAtTheRatesRoundedPerPart) {
  FeeRates r{80, 20, 10};
  auto f = assessFees(r, 500050);  // 5,000.50 元
  ASSERT_TRUE(f);
  EXPECT_EQ(f->unit_medical_fen, 40004);      // 40,004.0
  EXPECT_EQ(f->personal_medical_fen, 10001);  // 10,001.0
  EXPECT_EQ(f->unit_maternity_fen, 5001);     // 5,000.5 → 5,001
  EXPECT_EQ(f->total_fen, 40004 + 10001 + 5001);
  EXPECT_FALSE(assessFees(r, 0));
}

TEST(MaternityClaim, SettledWithoutDeductibleUpToTheCap) {
  MaternityRules r = national();
  r.medical_ratio_permille = 1000;
  r.cap_fen["prenatal"] = 100000;
  ClaimInput in;
  in.hospital_level = 3;
  in.admission = "2026-03-01";
  in.lines = {{"A1", "产前检查", FeeClass::kA, 60000, 0}, {"C1", "营养品", FeeClass::kC, 5000, 0}};
  auto s = settleMaternityClaim(r, MaternityBenefit::kPrenatal, in, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->total_fen, 65000);
  EXPECT_EQ(s->fund_fen, 60000);  // 丙类 out, no deductible, 100 %
  EXPECT_EQ(s->personal_fen, 5000);
  for (const auto& st : s->steps) {
    EXPECT_NE(st.name, "起付线");
    EXPECT_NE(st.name, "大病保险");
  }
  EXPECT_EQ(s->steps.back().name, "生育保险基金支付");
  // 70,000 paid before this year: 30,000 left of the cap.
  auto capped = settleMaternityClaim(r, MaternityBenefit::kPrenatal, in, 70000);
  EXPECT_EQ(capped->fund_fen, 30000);
  // No cap for a benefit without one.
  in.lines = {{"A2", "分娩", FeeClass::kA, 900000, 0}};
  EXPECT_EQ(settleMaternityClaim(r, MaternityBenefit::kMedical, in, 0)->fund_fen, 900000);
  // The ratio applies.
  r.medical_ratio_permille = 900;
  EXPECT_EQ(settleMaternityClaim(r, MaternityBenefit::kMedical, in, 0)->fund_fen, 810000);
}

TEST(MaternityDates, PlusCalendarMonths) {
  EXPECT_EQ(plusMonthsText("2026-01-15", 3), "2026-04-15");
  EXPECT_EQ(plusMonthsText("2025-11-30", 3), "2026-02-28");
  EXPECT_EQ(plusMonthsText("2024-01-31", 1), "2024-02-29");
  EXPECT_EQ(plusMonthsText("2025-03-10", 12), "2026-03-10");
  EXPECT_EQ(plusMonthsText("bad", 1), "");
}

TEST(MaternityRulesShipped, EveryRegionLoadsAndIsMarkedExample) {
  for (const char* region : {"qinghai", "xining", "yunnan", "qingdao"}) {
    const MaternityRules* r = shipped()->find(region);
    ASSERT_TRUE(r) << region;
    EXPECT_TRUE(r->example) << region;
    EXPECT_FALSE(r->source.empty()) << region;
  }
  const auto* qh = shipped()->find("qinghai");
  EXPECT_TRUE(qh->allowanceExcludedFor("机关"));
  EXPECT_TRUE(qh->allowanceExcludedFor("全额拨款事业"));
  EXPECT_FALSE(qh->allowanceExcludedFor("企业"));
  EXPECT_TRUE(shipped()->find("yunnan")->flexibleMay(MaternityBenefit::kMedical));
  EXPECT_FALSE(shipped()->find("yunnan")->flexibleMay(MaternityBenefit::kAllowance));
  EXPECT_FALSE(shipped()->find("qinghai")->flexibleMay(MaternityBenefit::kMedical));
  EXPECT_EQ(shipped()->find("xining")->claim_within_months, 3);
  EXPECT_EQ(shipped()->find("qingdao")->wage_source, "declaration");
  ASSERT_TRUE(shipped()->find("qingdao")->fee_rates);
  EXPECT_EQ(shipped()->find("nowhere"), nullptr);
}

class MaternityLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("maternity_rules_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(MaternityLoaderTest, UnknownKeysBadValuesAndMissingExampleAreRefusedWithLines) {
  write("a.yaml",
        "region: a\nmaternity:\n  source: s\n  birth_days: -1\n  before_birth_days: 15\n"
        "  difficult_extra_days: 15\n  extra_baby_days: 15\n  miscarriage_early_days: 15\n"
        "  miscarriage_late_days: 42\n  bogus: 1\n  allowance_payee: bank\n");
  auto r = MaternityRuleSet::loadDir(dir_.string());
  ASSERT_FALSE(r);
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("a.yaml:3: 缺少 example"), std::string::npos) << m;  // the map's first key
  EXPECT_NE(m.find("a.yaml:4: birth_days"), std::string::npos) << m;
  EXPECT_NE(m.find("未知的键 bogus"), std::string::npos) << m;
  EXPECT_NE(m.find("allowance_payee 应为 unit 或 person"), std::string::npos) << m;
}

TEST_F(MaternityLoaderTest, ExtendsTakesTheParentsRulesWhole) {
  write("p.yaml",
        "region: p\nmaternity:\n  example: true\n  source: s\n  birth_days: 100\n"
        "  before_birth_days: 15\n  difficult_extra_days: 15\n  extra_baby_days: 15\n"
        "  miscarriage_early_days: 15\n  miscarriage_late_days: 42\n");
  write("c.yaml", "region: c\nextends: p\n");
  auto r = MaternityRuleSet::loadDir(dir_.string());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)->find("c")->birth_days, 100);
  write("d.yaml", "region: d\nextends: nowhere\n");
  EXPECT_FALSE(MaternityRuleSet::loadDir(dir_.string()));
}

}  // namespace
}  // namespace jingban
