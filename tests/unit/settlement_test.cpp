// policy/settlement: every step of the 结算单 in isolation and combined, with figures computed by
// hand in the comments, the rounding rule, the form parser, and properties over random claims.
#include "policy/settlement.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace jingban {
namespace {

// A test policy with round figures: deductible once per year 100 / 200 / 300 元, ratios 90 / 80 /
// 70 %, fund cap 1万元, 乙类 10 %, 大病 above 5000元 at 50 % up to 1万元 and 60 % beyond (cap
// 3000元), 救助 特困 100 % / 低保 70 % (cap 2000元).
InsurancePolicy testPolicy() {
  InsurancePolicy p;
  p.region = "test";
  p.insurance_type = "城乡居民";
  p.year = 2026;
  p.example = true;
  p.source = "测试";
  p.deductible_basis = DeductibleBasis::kPerYear;
  p.deductible_fen = {10000, 20000, 30000};
  p.ratio_permille = {900, 800, 700};
  p.annual_fund_cap_fen = 1000000;
  p.class_b_first_paid_permille = 100;
  p.serious_illness.threshold_fen = 500000;
  p.serious_illness.tiers = {{1000000, 500}, {std::nullopt, 600}};
  p.serious_illness.annual_cap_fen = 300000;
  p.assistance.ratio_permille = {{"特困", 1000}, {"低保", 700}};
  p.assistance.annual_cap_fen = 200000;
  return p;
}

FeeLine line(FeeClass c, int64_t amount, int64_t self_paid = 0) {
  return FeeLine{"C" + std::to_string(amount), "项目", c, amount, self_paid};
}

// 甲 1000元, 乙 500元, 丙 200元, 甲 300元 of which 50元 自费, at a level-2 hospital.
ClaimInput mixedClaim() {
  ClaimInput in;
  in.hospital_level = 2;
  in.admission = "2026-03-02";
  in.lines = {line(FeeClass::kA, 100000), line(FeeClass::kB, 50000), line(FeeClass::kC, 20000),
              line(FeeClass::kA, 30000, 5000)};
  return in;
}

Settlement settled(const InsurancePolicy& p, const ClaimInput& in, const YearToDate& ytd = {}) {
  auto r = settle(p, in, ytd);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : Settlement{};
}

void expectBalanced(const Settlement& s) {
  EXPECT_EQ(s.fund_fen + s.serious_illness_fen + s.assistance_fen + s.personal_fen, s.total_fen);
}

TEST(Settlement, MixedClaimStepByStep) {
  Settlement s = settled(testPolicy(), mixedClaim());
  // total 1000 + 500 + 200 + 300 = 2000元.
  EXPECT_EQ(s.total_fen, 200000);
  ASSERT_EQ(s.steps.size(), 6u);
  // 1. 丙 200元 + 自费 50元 excluded.
  EXPECT_EQ(s.steps[0].name, "剔除丙类及自费");
  EXPECT_EQ(s.steps[0].amount_fen, 25000);
  // 2. 乙 500元 × 10 % = 50元 first paid.
  EXPECT_EQ(s.steps[1].name, "乙类先行自付");
  EXPECT_EQ(s.steps[1].base_fen, 50000);
  EXPECT_EQ(s.steps[1].rate_permille, 100);
  EXPECT_EQ(s.steps[1].amount_fen, 5000);
  // 3. eligible 2000 − 250 − 50 = 1700元; level-2 deductible 200元.
  EXPECT_EQ(s.eligible_fen, 170000);
  EXPECT_EQ(s.steps[2].name, "起付线");
  EXPECT_EQ(s.steps[2].base_fen, 170000);
  EXPECT_EQ(s.steps[2].amount_fen, 20000);
  EXPECT_EQ(s.deductible_fen, 20000);
  // 4. (1700 − 200) × 80 % = 1200元.
  EXPECT_EQ(s.steps[3].name, "统筹基金支付");
  EXPECT_EQ(s.steps[3].base_fen, 150000);
  EXPECT_EQ(s.steps[3].rate_permille, 800);
  EXPECT_EQ(s.fund_fen, 120000);
  // 5. personal burden in scope 1700 − 1200 = 500元, below the 5000元 threshold.
  EXPECT_EQ(s.personal_eligible_fen, 50000);
  EXPECT_EQ(s.steps[4].name, "大病保险");
  EXPECT_EQ(s.serious_illness_fen, 0);
  // 6. not an assistance recipient.
  EXPECT_EQ(s.steps[5].name, "医疗救助");
  EXPECT_EQ(s.assistance_fen, 0);
  EXPECT_FALSE(s.steps[5].rate_permille.has_value());
  // personal: 250 excluded + 50 first paid + 200 deductible + 300 co-pay = 800元.
  EXPECT_EQ(s.personal_fen, 80000);
  expectBalanced(s);
  EXPECT_TRUE(s.example);
}

TEST(Settlement, LinesExplainEachFee) {
  Settlement s = settled(testPolicy(), mixedClaim());
  ASSERT_EQ(s.lines.size(), 4u);
  EXPECT_EQ(s.lines[1].first_paid_fen, 5000);
  EXPECT_EQ(s.lines[1].eligible_fen, 45000);
  EXPECT_EQ(s.lines[2].excluded_fen, 20000);
  EXPECT_EQ(s.lines[2].eligible_fen, 0);
  EXPECT_EQ(s.lines[3].excluded_fen, 5000);
  EXPECT_EQ(s.lines[3].eligible_fen, 25000);
}

TEST(Settlement, ClassCOnlyClaimPaysNothing) {
  ClaimInput in;
  in.lines = {line(FeeClass::kC, 50000), line(FeeClass::kC, 1234)};
  in.identities = {"特困"};
  Settlement s = settled(testPolicy(), in);
  EXPECT_EQ(s.total_fen, 51234);
  EXPECT_EQ(s.fund_fen, 0);
  EXPECT_EQ(s.deductible_fen, 0);
  EXPECT_EQ(s.serious_illness_fen, 0);
  EXPECT_EQ(s.assistance_fen, 0);  // 救助 covers the policy scope only
  EXPECT_EQ(s.personal_fen, 51234);
}

TEST(Settlement, ClassBShareRoundsHalfUpOnceAndLinesAddUp) {
  InsurancePolicy p = testPolicy();
  p.deductible_fen = {0, 0, 0};
  ClaimInput in;
  in.hospital_level = 1;
  // 335 + 335 = 670 分 × 10 % = 67 分 (each line alone would round 33.5 → 34, 68 in all).
  in.lines = {line(FeeClass::kB, 335), line(FeeClass::kB, 335)};
  Settlement s = settled(p, in);
  EXPECT_EQ(s.steps[1].amount_fen, 67);
  EXPECT_EQ(s.lines[0].first_paid_fen, 34);
  EXPECT_EQ(s.lines[1].first_paid_fen, 33);
  // 333 × 10 % = 33.3 → 33; 335 × 10 % = 33.5 → 34.
  in.lines = {line(FeeClass::kB, 333)};
  EXPECT_EQ(settled(p, in).steps[1].amount_fen, 33);
  in.lines = {line(FeeClass::kB, 335)};
  EXPECT_EQ(settled(p, in).steps[1].amount_fen, 34);
  // The 自费 part of a 乙 line is excluded before the share: (1000 − 400) × 10 % = 60.
  in.lines = {line(FeeClass::kB, 1000, 400)};
  s = settled(p, in);
  EXPECT_EQ(s.lines[0].excluded_fen, 400);
  EXPECT_EQ(s.lines[0].first_paid_fen, 60);
  EXPECT_EQ(s.lines[0].eligible_fen, 540);
}

TEST(Settlement, FundRoundsHalfUp) {
  InsurancePolicy p = testPolicy();
  p.deductible_fen = {0, 0, 0};
  ClaimInput in;
  in.hospital_level = 3;
  in.lines = {line(FeeClass::kA, 1005)};  // 1005 × 70 % = 703.5 → 704
  EXPECT_EQ(settled(p, in).fund_fen, 704);
  in.lines = {line(FeeClass::kA, 1004)};  // 702.8 → 703
  EXPECT_EQ(settled(p, in).fund_fen, 703);
}

TEST(Settlement, DeductiblePartlyUsedThisYear) {
  YearToDate ytd;
  ytd.deductible_fen = 15000;  // 150元 of the 200元 already counted
  Settlement s = settled(testPolicy(), mixedClaim(), ytd);
  EXPECT_EQ(s.deductible_fen, 5000);
  EXPECT_EQ(s.fund_fen, 132000);  // (1700 − 50) × 80 %
  expectBalanced(s);
}

TEST(Settlement, DeductibleFullyUsedThisYear) {
  YearToDate ytd;
  ytd.deductible_fen = 30000;  // more than this level's 200元 (an earlier level-3 stay)
  Settlement s = settled(testPolicy(), mixedClaim(), ytd);
  EXPECT_EQ(s.deductible_fen, 0);
  EXPECT_EQ(s.fund_fen, 136000);  // 1700 × 80 %
}

TEST(Settlement, PerAdmissionDeductibleCountsEveryTime) {
  InsurancePolicy p = testPolicy();
  p.deductible_basis = DeductibleBasis::kPerAdmission;
  YearToDate ytd;
  ytd.deductible_fen = 20000;
  ytd.claims = 1;
  Settlement s = settled(p, mixedClaim(), ytd);
  EXPECT_EQ(s.deductible_fen, 20000);
  EXPECT_EQ(s.fund_fen, 120000);
  EXPECT_NE(s.steps[2].note.find("每次"), std::string::npos);
}

TEST(Settlement, DeductibleLargerThanTheEligibleAmount) {
  ClaimInput in;
  in.hospital_level = 1;
  in.lines = {line(FeeClass::kA, 8000)};  // 80元 < 100元 deductible
  Settlement s = settled(testPolicy(), in);
  EXPECT_EQ(s.deductible_fen, 8000);
  EXPECT_EQ(s.fund_fen, 0);
  EXPECT_EQ(s.personal_fen, 8000);
}

TEST(Settlement, AnnualFundCapAlreadyReached) {
  YearToDate ytd;
  ytd.fund_fen = 1000000;
  Settlement s = settled(testPolicy(), mixedClaim(), ytd);
  EXPECT_EQ(s.fund_fen, 0);
  EXPECT_EQ(s.personal_eligible_fen, 170000);
  EXPECT_NE(s.steps[3].note.find("已达年度限额"), std::string::npos);
  expectBalanced(s);
}

TEST(Settlement, AnnualFundCapReachedDuringThisClaim) {
  YearToDate ytd;
  ytd.fund_fen = 950000;  // 500元 left of the cap; the ratio would pay 1200元
  Settlement s = settled(testPolicy(), mixedClaim(), ytd);
  EXPECT_EQ(s.fund_fen, 50000);
  EXPECT_EQ(s.personal_eligible_fen, 120000);
  expectBalanced(s);
}

// 甲 3万元 at level 1: deductible 100元; (30000 − 100) × 90 % = 26910元, held to the 1万元 cap.
ClaimInput bigClaim() {
  ClaimInput in;
  in.hospital_level = 1;
  in.lines = {line(FeeClass::kA, 3000000)};
  return in;
}

TEST(Settlement, SeriousIllnessTiersAboveTheThreshold) {
  InsurancePolicy p = testPolicy();
  p.serious_illness.annual_cap_fen = 10000000;
  Settlement s = settled(p, bigClaim());
  EXPECT_EQ(s.fund_fen, 1000000);
  // burden 30000 − 10000 = 20000元: 5000…10000 at 50 % = 2500元, 10000…20000 at 60 % = 6000元.
  EXPECT_EQ(s.personal_eligible_fen, 2000000);
  EXPECT_EQ(s.serious_illness_fen, 850000);
  EXPECT_EQ(s.steps[4].base_fen, 2000000);
  EXPECT_EQ(s.personal_fen, 3000000 - 1000000 - 850000);
  expectBalanced(s);
}

TEST(Settlement, SeriousIllnessTiersRoundOnceOnTheirSum) {
  InsurancePolicy p = testPolicy();
  p.serious_illness.annual_cap_fen = 10000000;
  p.serious_illness.tiers = {{500001, 500}, {std::nullopt, 500}};
  p.annual_fund_cap_fen = 0;
  p.deductible_fen = {0, 0, 0};
  ClaimInput in;
  in.hospital_level = 1;
  in.lines = {line(FeeClass::kA, 500002)};
  // 1 分 at 50 % in each tier: 0.5 + 0.5 = 1 分 (rounding per tier would give 2).
  EXPECT_EQ(settled(p, in).serious_illness_fen, 1);
}

TEST(Settlement, SeriousIllnessAnnualCap) {
  Settlement s = settled(testPolicy(), bigClaim());  // 8500元 by the tiers, cap 3000元
  EXPECT_EQ(s.serious_illness_fen, 300000);
  YearToDate ytd;
  ytd.serious_illness_fen = 250000;
  ytd.fund_fen = 0;
  s = settled(testPolicy(), bigClaim(), ytd);
  EXPECT_EQ(s.serious_illness_fen, 50000);
  EXPECT_NE(s.steps[4].note.find("已达年度限额"), std::string::npos);
}

TEST(Settlement, AssistanceForALowIncomeRecipient) {
  ClaimInput in = mixedClaim();
  in.identities = {"低保"};
  Settlement s = settled(testPolicy(), in);
  // what is left of the in-scope burden: 500元 × 70 % = 350元.
  EXPECT_EQ(s.steps[5].base_fen, 50000);
  EXPECT_EQ(s.steps[5].rate_permille, 700);
  EXPECT_EQ(s.assistance_fen, 35000);
  EXPECT_EQ(s.personal_fen, 45000);
  expectBalanced(s);
}

TEST(Settlement, AssistanceTakesTheBestIdentityAndItsCap) {
  ClaimInput in = mixedClaim();
  in.identities = {"低保", "特困"};
  EXPECT_EQ(settled(testPolicy(), in).assistance_fen, 50000);
  YearToDate ytd;
  ytd.assistance_fen = 190000;  // 100元 left of the 2000元 cap
  Settlement s = settled(testPolicy(), in, ytd);
  EXPECT_EQ(s.assistance_fen, 10000);
  EXPECT_NE(s.steps[5].note.find("已达年度限额"), std::string::npos);
}

TEST(Settlement, AssistanceComesAfterSeriousIllness) {
  InsurancePolicy p = testPolicy();
  p.assistance.annual_cap_fen = 10000000;
  ClaimInput in = bigClaim();
  in.identities = {"低保"};
  Settlement s = settled(p, in);
  // burden 20000元 − 大病 3000元 = 17000元 × 70 % = 11900元.
  EXPECT_EQ(s.serious_illness_fen, 300000);
  EXPECT_EQ(s.steps[5].base_fen, 1700000);
  EXPECT_EQ(s.assistance_fen, 1190000);
  EXPECT_EQ(s.personal_fen, 3000000 - 1000000 - 300000 - 1190000);
  expectBalanced(s);
}

TEST(Settlement, RefusesClaimsOutsideTheBounds) {
  ClaimInput in = mixedClaim();
  in.hospital_level = 4;
  EXPECT_FALSE(settle(testPolicy(), in, {}));
  in = mixedClaim();
  in.lines[0].self_paid_fen = in.lines[0].amount_fen + 1;
  EXPECT_FALSE(settle(testPolicy(), in, {}));
  in = mixedClaim();
  in.lines[0].amount_fen = -1;
  EXPECT_FALSE(settle(testPolicy(), in, {}));
  YearToDate ytd;
  ytd.fund_fen = -1;
  auto r = settle(testPolicy(), mixedClaim(), ytd);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "invalid_claim");
}

TEST(Settlement, LargestClaimDoesNotOverflow) {
  InsurancePolicy p = testPolicy();
  p.annual_fund_cap_fen = kMaxLineFen;
  p.serious_illness.annual_cap_fen = kMaxLineFen;
  p.assistance.annual_cap_fen = kMaxLineFen;
  ClaimInput in;
  in.identities = {"特困"};
  for (size_t i = 0; i < kMaxFeeLines; ++i) in.lines.push_back(line(FeeClass::kB, kMaxLineFen));
  Settlement s = settled(p, in);
  EXPECT_EQ(s.total_fen, 1'000'000'000'000'000);
  expectBalanced(s);
  EXPECT_GE(s.personal_fen, 0);
}

TEST(SettlementJson, HasExactlyTheContractKeys) {
  nlohmann::json j = settlementJson(settled(testPolicy(), mixedClaim()));
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  EXPECT_EQ(keys,
            (std::set<std::string>{"total_fen", "fund_fen", "serious_illness_fen", "assistance_fen",
                                   "personal_fen", "steps", "lines", "example"}));
  EXPECT_EQ(j["fund_fen"], 120000);
  EXPECT_EQ(j["example"], true);
  ASSERT_EQ(j["steps"].size(), 6u);
  EXPECT_EQ(j["steps"][0]["rate_permille"], nullptr);
  EXPECT_EQ(j["steps"][3]["rate_permille"], 800);
  EXPECT_EQ(j["steps"][3]["name"], "统筹基金支付");
  EXPECT_EQ(j["lines"][2]["class"], "丙");
  EXPECT_EQ(j["lines"][1]["first_paid_fen"], 5000);
  EXPECT_EQ(j["lines"][3]["eligible_fen"], 25000);
}

TEST(ClaimForm, ParsesTheReimbursementForm) {
  nlohmann::json form = {{"fee_lines",
                          {{{"code", "A1"}, {"name", "药"}, {"class", "乙"}, {"amount_fen", 1000}},
                           {{"code", "A2"},
                            {"name", "床位"},
                            {"class", "甲"},
                            {"amount_fen", 500},
                            {"self_paid_fen", 100}}}},
                         {"hospital_level", 3},
                         {"visit_date", "2026-03-02"}};
  auto in = claimInputFromForm(form, {"低保"});
  ASSERT_TRUE(in) << in.error().message;
  ASSERT_EQ(in->lines.size(), 2u);
  EXPECT_EQ(in->lines[0].cls, FeeClass::kB);
  EXPECT_EQ(in->lines[1].self_paid_fen, 100);
  EXPECT_EQ(in->hospital_level, 3);
  EXPECT_EQ(in->admission, "2026-03-02");
  EXPECT_EQ(in->identities, std::vector<std::string>{"低保"});
  form["admission_date"] = "2026-02-27";
  EXPECT_EQ(claimInputFromForm(form, {})->admission, "2026-02-27");
}

TEST(ClaimForm, RefusesBadFormsWithoutEchoingThem) {
  nlohmann::json good = {
      {"fee_lines", {{{"code", "A1"}, {"name", "药"}, {"class", "乙"}, {"amount_fen", 1000}}}},
      {"hospital_level", 2},
      {"visit_date", "2026-03-02"}};
  auto bad = [&](auto edit) {
    nlohmann::json f = good;
    edit(f);
    auto r = claimInputFromForm(f, {});
    EXPECT_FALSE(r) << f.dump();
    if (!r) {
      EXPECT_EQ(r.error().slug, "invalid_claim");
      EXPECT_EQ(r.error().message.find("<script>"), std::string::npos);
    }
  };
  bad([](auto& f) { f["fee_lines"][0]["class"] = "<script>"; });
  bad([](auto& f) { f["fee_lines"][0]["amount_fen"] = 0; });
  bad([](auto& f) { f["fee_lines"][0]["amount_fen"] = 10.5; });
  bad([](auto& f) { f["fee_lines"][0]["self_paid_fen"] = 1001; });
  bad([](auto& f) { f["fee_lines"] = nlohmann::json::array(); });
  bad([](auto& f) { f["hospital_level"] = 4; });
  bad([](auto& f) { f.erase("visit_date"); });
  bad([](auto& f) { f["visit_date"] = "2026-02-30"; });
  bad([](auto& f) { f["admission_date"] = "<script>"; });
}

// Properties over random claims, policies and year-to-date figures: the parts add up to the
// total, nothing is negative, no cap is exceeded, the lines add up to the steps.
TEST(SettlementProperty, PartsAddUpAndRespectTheCaps) {
  std::mt19937_64 rng(20260310);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int round = 0; round < 5000; ++round) {
    InsurancePolicy p = testPolicy();
    p.deductible_basis = pick(0, 1) ? DeductibleBasis::kPerYear : DeductibleBasis::kPerAdmission;
    for (auto& d : p.deductible_fen) d = pick(0, 200000);
    for (auto& r : p.ratio_permille) r = static_cast<int>(pick(0, 1000));
    p.class_b_first_paid_permille = static_cast<int>(pick(0, 1000));
    p.annual_fund_cap_fen = pick(0, 5000000);
    p.serious_illness.threshold_fen = pick(0, 1000000);
    p.serious_illness.tiers = {
        {p.serious_illness.threshold_fen + pick(1, 1000000), static_cast<int>(pick(0, 1000))},
        {std::nullopt, static_cast<int>(pick(0, 1000))}};
    p.serious_illness.annual_cap_fen = pick(0, 2000000);
    p.assistance.annual_cap_fen = pick(0, 500000);
    ClaimInput in;
    in.hospital_level = static_cast<int>(pick(1, 3));
    int n = static_cast<int>(pick(1, 30));
    for (int i = 0; i < n; ++i) {
      int64_t amount = pick(1, 2000000);
      in.lines.push_back(
          line(static_cast<FeeClass>(pick(0, 2)), amount, pick(0, 3) == 0 ? pick(0, amount) : 0));
    }
    if (pick(0, 2) == 0) in.identities = {pick(0, 1) ? "特困" : "低保"};
    YearToDate ytd{pick(0, 5000000), pick(0, 2000000), pick(0, 500000), pick(0, 200000), 1};
    auto r = settle(p, in, ytd);
    ASSERT_TRUE(r);
    const Settlement& s = *r;
    ASSERT_EQ(s.fund_fen + s.serious_illness_fen + s.assistance_fen + s.personal_fen, s.total_fen);
    ASSERT_GE(s.fund_fen, 0);
    ASSERT_GE(s.serious_illness_fen, 0);
    ASSERT_GE(s.assistance_fen, 0);
    ASSERT_GE(s.personal_fen, 0);
    ASSERT_GE(s.personal_eligible_fen, 0);
    ASSERT_LE(s.fund_fen, std::max<int64_t>(0, p.annual_fund_cap_fen - ytd.fund_fen));
    ASSERT_LE(s.serious_illness_fen,
              std::max<int64_t>(0, p.serious_illness.annual_cap_fen - ytd.serious_illness_fen));
    ASSERT_LE(s.assistance_fen,
              std::max<int64_t>(0, p.assistance.annual_cap_fen - ytd.assistance_fen));
    ASSERT_LE(s.deductible_fen, p.deductibleFor(in.hospital_level));
    int64_t excluded = 0, first = 0, eligible = 0;
    for (const auto& l : s.lines) {
      ASSERT_GE(l.first_paid_fen, 0);
      ASSERT_GE(l.eligible_fen, 0);
      ASSERT_EQ(l.excluded_fen + l.first_paid_fen + l.eligible_fen, l.amount_fen);
      excluded += l.excluded_fen;
      first += l.first_paid_fen;
      eligible += l.eligible_fen;
    }
    ASSERT_EQ(excluded, s.steps[0].amount_fen);
    ASSERT_EQ(first, s.steps[1].amount_fen);
    ASSERT_EQ(eligible, s.eligible_fen);
    if (in.identities.empty()) {
      ASSERT_EQ(s.assistance_fen, 0);
    }
  }
}

}  // namespace
}  // namespace jingban
