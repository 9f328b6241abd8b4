// registers/institution.*: the pure rules of designated institutions — codes, calendar months on
// text dates, the quarter's end, the re-application rule of Qingdao's guide (3 months of
// rectification after a failed evaluation; a second failure bars for a year), and the entries'
// round trip through RegisterEntry.
#include <gtest/gtest.h>

#include "registers/institution.hpp"

namespace jingban {
namespace {

ApplicationOutcome failed(const char* on, const char* category = kCategoryHospital) {
  return ApplicationOutcome{on, "C1", category, "不合格", "评估", "设施不符合要求"};
}
ApplicationOutcome designated(const char* on) {
  return ApplicationOutcome{on, "C2", kCategoryHospital, "定点", "办结", ""};
}

TEST(InstitutionRules, CodeIsPrefixDivisionAndFiveDigits) {
  EXPECT_EQ(designationCode("H", "630000", 2), "H63000000002");
  EXPECT_EQ(designationCode("P", "370200", 12345), "P37020012345");
  EXPECT_EQ(designationCode("H", "630100", 99999), "H63010099999");
  EXPECT_EQ(designationCode("H", "630000", 100000), "");  // five digits only
  EXPECT_EQ(designationCode("H", "630000", 0), "");
  EXPECT_EQ(designationCode("H", "63000", 1), "");
  EXPECT_EQ(designationCode("", "630000", 1), "");
  EXPECT_EQ(designationPrefix("医疗机构"), "H");
  EXPECT_EQ(designationPrefix("零售药店"), "P");
  EXPECT_EQ(designationPrefix("诊所"), "");
  // The demo's list of institutions (effects/institution_list.cpp) counts on the same name.
  EXPECT_EQ(designationCounter("qinghai", "H"), "institution:qinghai:H");
  EXPECT_NE(designationCounter("qinghai", "H"), designationCounter("qinghai", "P"));
  EXPECT_NE(designationCounter("qinghai", "H"), designationCounter("xining", "H"));
}

TEST(InstitutionRules, CalendarMonthsOnTextDates) {
  EXPECT_EQ(plusMonths("2026-03-10", 3), "2026-06-10");
  EXPECT_EQ(plusMonths("2026-11-30", 3), "2027-02-28");  // the month's last day
  EXPECT_EQ(plusMonths("2028-02-29", 12), "2029-02-28");
  EXPECT_EQ(plusMonths("2027-11-30", 3), "2028-02-29");  // leap year
  EXPECT_EQ(plusMonths("2026-12-15", 1), "2027-01-15");
  EXPECT_EQ(plusMonths("2026-02-30", 1), "");  // not a date
  EXPECT_EQ(plusMonths("2026-3-1", 1), "");
  EXPECT_EQ(quarterEnd("2026-01-01"), "2026-03-31");
  EXPECT_EQ(quarterEnd("2026-05-20"), "2026-06-30");
  EXPECT_EQ(quarterEnd("2026-09-30"), "2026-09-30");
  EXPECT_EQ(quarterEnd("2026-10-02"), "2026-12-31");
}

TEST(InstitutionRules, NoFailureMayApplyNow) {
  Reapply r = reapplyRule({}, kCategoryHospital);
  EXPECT_EQ(r.may_apply_on, "");
  EXPECT_FALSE(r.barred);
}

TEST(InstitutionRules, FirstFailureWaitsThreeMonths) {
  Reapply r = reapplyRule({failed("2026-03-10")}, kCategoryHospital);
  EXPECT_EQ(r.may_apply_on, "2026-06-10");
  EXPECT_FALSE(r.barred);
  EXPECT_EQ(r.failures_in_run, 1);
}

TEST(InstitutionRules, SecondFailureBarsAYear) {
  Reapply r = reapplyRule({failed("2026-03-10"), failed("2026-07-01")}, kCategoryHospital);
  EXPECT_EQ(r.may_apply_on, "2027-07-01");
  EXPECT_TRUE(r.barred);
}

TEST(InstitutionRules, AFailureAfterTheBarStartsANewRun) {
  Reapply r = reapplyRule({failed("2026-03-10"), failed("2026-07-01"), failed("2027-08-01")},
                          kCategoryHospital);
  EXPECT_EQ(r.may_apply_on, "2027-11-01");
  EXPECT_FALSE(r.barred);
}

TEST(InstitutionRules, ADesignationEndsTheRun) {
  Reapply r = reapplyRule({failed("2026-03-10"), designated("2026-08-01"), failed("2027-01-05")},
                          kCategoryHospital);
  EXPECT_EQ(r.may_apply_on, "2027-04-05");  // a first failure again, not a bar
  EXPECT_FALSE(r.barred);
}

TEST(InstitutionRules, OtherCategoriesDoNotCount) {
  Reapply r = reapplyRule({failed("2026-03-10", kCategoryPharmacy)}, kCategoryHospital);
  EXPECT_EQ(r.may_apply_on, "");
}

TEST(InstitutionRules, InstitutionEntryHasTheFixedShape) {
  Institution i;
  i.region = "qinghai";
  i.code = "H63000000002";
  i.credit_code = "91630000MA0000001X";
  i.from = "2026-04-01";
  i.name = "示例医院";
  i.category = kCategoryHospital;
  i.level = "二级";
  i.division = "630000";
  i.agreement_no = agreementNumber(i.code, i.from);
  i.case_no = "QH2026000001";
  i.address = "西宁市城中区";
  i.bank_account = "6222000000000001";
  RegisterEntry e = toEntry(i);
  EXPECT_EQ(e.kind, "institution");
  EXPECT_EQ(e.key, "H63000000002");
  EXPECT_EQ(e.owner, "91630000MA0000001X");
  EXPECT_EQ(e.status, "定点");
  EXPECT_EQ(e.to, "");
  for (const char* k : {"name", "category", "level", "division", "agreement_no", "case_no",
                        "address", "bank_account"})
    EXPECT_TRUE(e.data.contains(k)) << k;
  EXPECT_EQ(e.data["agreement_no"], "XY-H63000000002-2026");
  Institution back = institutionFromEntry(e);
  EXPECT_EQ(institutionJson(back), institutionJson(i));
}

TEST(InstitutionRules, ApplicationEntryShowsWhereItStands) {
  ApplicationRecord r{"qingdao", "91370200MA0000001X", "示例药店", {}};
  r.outcomes = {failed("2026-03-10", kCategoryPharmacy)};
  RegisterEntry e = toEntry(r);
  EXPECT_EQ(e.kind, "institution_application");
  EXPECT_EQ(e.key, r.credit_code);
  EXPECT_EQ(e.status, "整改期");
  EXPECT_EQ(e.from, "2026-03-10");
  EXPECT_EQ(e.to, "2026-06-10");
  r.outcomes.push_back(failed("2026-06-20", kCategoryPharmacy));
  e = toEntry(r);
  EXPECT_EQ(e.status, "一年内不得申请");
  EXPECT_EQ(e.to, "2027-06-20");
  ApplicationRecord back = applicationFromEntry(e);
  ASSERT_EQ(back.outcomes.size(), 2u);
  EXPECT_EQ(back.outcomes[1].on, "2026-06-20");
  EXPECT_EQ(back.outcomes[1].reason, "设施不符合要求");
  EXPECT_EQ(back.name, "示例药店");
}

}  // namespace
}  // namespace jingban
