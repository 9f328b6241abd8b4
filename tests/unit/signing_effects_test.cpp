// Qingdao's 门诊统筹签约 (effects/outpatient_signing.cpp) and 应届毕业生 / 退役军人医保待遇资格确认
// (effects/benefit_qualification.cpp) against the in-memory registers, with the shipped
// policy/signing/qingdao.yaml (12 months before a change, an example): the pure rules of
// registers/signing.hpp, every refusal, what 办结 registers, and the re-checks inside the
// transaction.
#include <gtest/gtest.h>

#include <stdexcept>

#include "effects/handlers.hpp"
#include "fake_registers.hpp"
#include "policy/policy.hpp"
#include "registers/institution.hpp"
#include "registers/signing.hpp"

namespace jingban {
namespace {

using nlohmann::json;

const std::shared_ptr<const PolicySet>& policies() {
  static const std::shared_ptr<const PolicySet> set = [] {
    auto s = PolicySet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy");
    if (!s) throw std::runtime_error(s.error().message);
    return *s;
  }();
  return set;
}

Instant at(int y, unsigned m, unsigned d) {
  return Instant{int64_t{Date::fromYmd(y, m, d).days()} * 86400 + 2 * 3600};  // 10:00 Shanghai
}

constexpr const char* kId = "370299199001011234";
constexpr const char* kRegion = "qingdao";
constexpr const char* kClinic = "H37020000001";

Person person(std::vector<Enrolment> periods) {
  Person p;
  p.region = kRegion;
  p.id_no = kId;
  p.name = "王签约";
  p.insurance_type = periods.empty() ? "" : periods.back().insurance_type;
  p.enrolments = std::move(periods);
  return p;
}

Institution institution(const std::string& code, const std::string& category,
                        const std::string& status = kInstitutionStatusDesignated) {
  Institution i;
  i.region = kRegion;
  i.code = code;
  i.credit_code = "91370299DEM000011X";
  i.status = status;
  i.from = "2026-01-01";
  i.to = "2028-12-31";
  i.name = category == kCategoryHospital ? "青岛市示例医院" : "青岛市示例大药房";
  i.category = category;
  i.division = "370200";
  return i;
}

// One case of a Qingdao item, walked action by action as the workflow would.
class CaseFixture : public ::testing::Test {
 protected:
  void open(const std::string& code, json form, const std::string& channel = "社区医疗机构") {
    region_.id = kRegion;
    region_.division_code = "370200";
    item_ = Item{};
    item_.code = code;
    c_ = CaseState{};
    c_.case_no = "C" + std::to_string(++cases_);
    c_.region = kRegion;
    c_.item_code = code;
    c_.channel = channel;
    c_.applicant = {"person", kId, "王签约", ""};
    c_.form = std::make_shared<const json>(std::move(form));
  }
  Result<Verdict> act(const EffectHandler& h, const std::string& action, Instant when) {
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = when;
    e.actor = "staff";
    e.action = action;
    c_.events.push_back(e);
    auto v = h.validate(EffectInput{region_, item_, c_}, regs_);
    if (v)
      for (auto& [k, val] : v->record.items()) c_.events.mutableBack().data[k] = val;
    else
      c_.events.pop_back();
    return v;
  }
  Result<void> complete(const EffectHandler& h, Instant when) {
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = when;
    e.action = "complete";
    c_.events.push_back(e);
    return h.apply(EffectInput{region_, item_, c_}, c_.events.back(), regs_);
  }
  // 受理 then 办结 on one day.
  Result<void> run(const EffectHandler& h, Instant when) {
    if (auto v = act(h, "accept", when); !v) return std::unexpected(v.error());
    return complete(h, when);
  }
  void putInstitution(const Institution& i) {
    regs_.entry_rows[{kInstitutionRegister, kRegion, i.code}] = toEntry(i);
  }

  Region region_;
  Item item_;
  CaseState c_;
  testing::FakeRegisterTx regs_;
  int cases_ = 0;
};

// ---- the pure rules --------------------------------------------------------------------------

TEST(SigningRules, ChangeableAfterTheMinimumPeriod) {
  EXPECT_EQ(signingChangeableOn("2026-03-10", 12), "2027-03-10");
  EXPECT_EQ(signingChangeableOn("2024-02-29", 12), "2025-02-28");
  EXPECT_EQ(signingChangeableOn("2026-03-10", 0), "2026-03-10");
}

TEST(SigningRules, EnrolmentWindows) {
  auto g = graduateWindow(2026);
  EXPECT_EQ(g.first_month, "2026-01");
  EXPECT_EQ(g.last_month, "2026-12");
  auto v = veteranWindow("2025-06-15");
  EXPECT_EQ(v.first_month, "2025-06");
  EXPECT_EQ(v.last_month, "2026-06");
}

TEST(SigningRules, EmployeeEnrolmentWithinTakesTheEarliestEmployeePeriodInTheWindow) {
  std::vector<Enrolment> periods = {Enrolment{"2025-09", "2026-01", kEnrolEnded, "城乡居民", ""},
                                    Enrolment{"2026-05", "2026-08", kEnrolEnded, "灵活就业", ""},
                                    Enrolment{"2026-09", "", kEnrolPaying, "职工", "U1"}};
  auto e = employeeEnrolmentWithin(periods, graduateWindow(2026));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->from, "2026-05");
  EXPECT_FALSE(employeeEnrolmentWithin(periods, graduateWindow(2025)));  // a resident period only
  EXPECT_EQ(employeeEnrolmentStarts(periods), "2026-05、2026-09");
}

TEST(SigningRules, EntriesRoundTrip) {
  OutpatientSigning s{kRegion,  kId,    "王签约",        kClinic,      "青岛市示例医院",
                      "李医生", "网上", kSigningInForce, "2026-03-10", "370200990005",
                      "C1",     ""};
  RegisterEntry e = toEntry(s);
  EXPECT_EQ((std::tuple{e.kind, e.key, e.owner}),
            (std::tuple{std::string("outpatient_signing"), std::string(kId), std::string(kId)}));
  auto back = signingFromEntry(e);
  ASSERT_TRUE(back);
  EXPECT_EQ(toJson(*back), toJson(s));
  BenefitQualification q;
  q.region = kRegion;
  q.id_no = kId;
  q.category = kVeteranCategory;
  q.discharge_date = "2025-06-15";
  q.from = "2026-03-01";
  RegisterEntry qe = toEntry(q);
  EXPECT_EQ(qe.key, std::string("veteran:") + kId);
  EXPECT_EQ(toJson(*benefitQualificationFromEntry(qe))["discharge_date"], "2025-06-15");
  EXPECT_FALSE(signingFromEntry(qe));
}

// ---- 门诊统筹签约 ----------------------------------------------------------------------------

class SigningTest : public CaseFixture {
 protected:
  std::unique_ptr<EffectHandler> h_ = makeOutpatientSigningEffect(policies());
  void signing(json form, const std::string& channel = "社区医疗机构") {
    open("370200990005", std::move(form), channel);
  }
  static json form(const std::string& clinic = kClinic, const std::string& doctor = "李医生") {
    return {{"institution_code", clinic}, {"doctor", doctor}};
  }
  void SetUp() override {
    regs_.persons[{kRegion, kId}] =
        person({Enrolment{"2026-01", "", kEnrolPaying, "城乡居民", ""}});
    putInstitution(institution(kClinic, kCategoryHospital));
  }
  OutpatientSigning current() {
    return *signingFromEntry(regs_.entry_rows.at({kOutpatientSigningKind, kRegion, kId}));
  }
};

TEST_F(SigningTest, RegisteredFromTheDayOfSigning) {
  signing(form(), "网上");
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  ASSERT_TRUE(complete(*h_, at(2026, 3, 11)));
  auto s = current();
  EXPECT_EQ(s.from, "2026-03-11");  // 办结: 自签约之日起享受门诊统筹支付待遇
  EXPECT_EQ(s.institution_code, kClinic);
  EXPECT_EQ(s.institution_name, "青岛市示例医院");
  EXPECT_EQ(s.doctor, "李医生");
  EXPECT_EQ(s.channel, "网上");
  EXPECT_EQ(s.status, "有效");
  EXPECT_EQ(s.case_no, c_.case_no);
  EXPECT_EQ(s.replaced_case, "");
  EXPECT_EQ(s.name, "王签约");
}

TEST_F(SigningTest, WithoutRulesTheRegionCannotSign) {
  auto h = makeOutpatientSigningEffect(nullptr);
  signing(form());
  EXPECT_EQ(act(*h, "accept", at(2026, 3, 10)).error().slug, "no_signing_rules");
}

TEST_F(SigningTest, ApplicantMustBeAPerson) {
  signing(form());
  c_.applicant = {"unit", "91370299DEM000001X", "单位", ""};
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "applicant_not_person");
}

TEST_F(SigningTest, RefusedWhenNotInsuredThisMonth) {
  regs_.persons.clear();
  signing(form());
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_insured");
  regs_.persons[{kRegion, kId}] =
      person({Enrolment{"2025-01", "2026-02", kEnrolEnded, "职工", ""}});
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "not_insured");
  EXPECT_EQ(v.error().code, ErrorCode::kUnprocessable);
}

TEST_F(SigningTest, DoctorIsRequired) {
  signing({{"institution_code", kClinic}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "doctor_required");
}

TEST_F(SigningTest, InstitutionMustBeADesignatedClinicOfTheRegion) {
  signing(form("H37020099999"));  // in no register
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "institution_not_designated");
  EXPECT_EQ(v.error().message.find("H37020099999"), std::string::npos);  // never echoed
  // Another region's hospital is not in Qingdao's register.
  Institution other = institution("H63000000001", kCategoryHospital);
  other.region = "qinghai";
  regs_.entry_rows[{kInstitutionRegister, "qinghai", other.code}] = toEntry(other);
  signing(form("H63000000001"));
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "institution_not_designated");
  // A pharmacy.
  putInstitution(institution("P37020000001", kCategoryPharmacy));
  signing(form("P37020000001"));
  v = act(*h_, "accept", at(2026, 3, 10));
  EXPECT_EQ(v.error().slug, "institution_not_designated");
  EXPECT_NE(v.error().message.find("零售药店"), std::string::npos);
  // A suspended hospital, and one whose agreement has not begun.
  putInstitution(institution("H37020000002", kCategoryHospital, kInstitutionStatusSuspended));
  signing(form("H37020000002"));
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "institution_not_designated");
  Institution later = institution("H37020000003", kCategoryHospital);
  later.from = "2026-04-01";
  putInstitution(later);
  signing(form("H37020000003"));
  v = act(*h_, "accept", at(2026, 3, 10));
  EXPECT_EQ(v.error().slug, "institution_not_designated");
  EXPECT_NE(v.error().message.find("2026-04-01"), std::string::npos);
}

TEST_F(SigningTest, SameClinicAndDoctorAgainIsRefused) {
  signing(form());
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  signing(form());
  auto v = act(*h_, "accept", at(2027, 6, 1));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "already_signed");
  EXPECT_NE(v.error().message.find("2026-03-10"), std::string::npos);
}

TEST_F(SigningTest, ChangeOnlyAfterTwelveMonthsThenReplacesTheCurrentSigning) {
  signing(form());
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  std::string first = c_.case_no;
  Institution second = institution("H37020000002", kCategoryHospital);
  second.name = "青岛市第二示例医院";
  putInstitution(second);
  signing(form("H37020000002", "赵医生"), "微信");
  auto v = act(*h_, "accept", at(2027, 3, 9));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "change_too_early");
  EXPECT_NE(v.error().message.find("2027-03-10"), std::string::npos);
  EXPECT_NE(v.error().message.find("示例参数"), std::string::npos);
  // Another doctor of the same clinic is a change too.
  signing(form(kClinic, "赵医生"));
  EXPECT_EQ(act(*h_, "accept", at(2026, 9, 1)).error().slug, "change_too_early");

  signing(form("H37020000002", "赵医生"), "微信");
  v = act(*h_, "accept", at(2027, 3, 10));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->record["signing"]["replaces"]["institution_code"], kClinic);
  EXPECT_EQ(v->record["signing"]["replaced_case"], first);
  ASSERT_TRUE(complete(*h_, at(2027, 3, 10)));
  auto s = current();
  EXPECT_EQ((std::tuple{s.institution_code, s.doctor, s.from, s.replaced_case, s.channel}),
            (std::tuple{std::string("H37020000002"), std::string("赵医生"),
                        std::string("2027-03-10"), first, std::string("微信")}));
  EXPECT_EQ((regs_.entry_changes[{kOutpatientSigningKind, kRegion, kId}]), 2);
}

TEST_F(SigningTest, CompletionRechecksTheClinicAndTheSigningInForce) {
  signing(form());
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  putInstitution(institution(kClinic, kCategoryHospital, kInstitutionStatusEnded));
  auto r = complete(*h_, at(2026, 3, 10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().slug, "register_changed");

  putInstitution(institution(kClinic, kCategoryHospital));
  signing(form());
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  OutpatientSigning meanwhile{kRegion,  kId,    "王签约",        kClinic,      "青岛市示例医院",
                              "钱医生", "网上", kSigningInForce, "2026-03-10", "370200990005",
                              "C99",    ""};
  regs_.entry_rows[{kOutpatientSigningKind, kRegion, kId}] = toEntry(meanwhile);
  r = complete(*h_, at(2026, 3, 10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "register_changed");
}

TEST_F(SigningTest, CompletionWithoutTheRecordIsAConflict) {
  signing(form());
  auto r = complete(*h_, at(2026, 3, 10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "no_signing_record");
}

// ---- 待遇资格确认 ------------------------------------------------------------------------------

class BenefitQualificationTest : public CaseFixture {
 protected:
  std::unique_ptr<EffectHandler> h_ = makeBenefitQualificationEffect();
  void graduate(int year) { open("370200990006", {{"graduation_year", year}}, "网上"); }
  void veteran(const std::string& date) {
    open("370200990007", {{"discharge_date", date}}, "微信");
  }
  void employee(const std::string& from, const std::string& type = "职工") {
    regs_.persons[{kRegion, kId}] = person(
        {Enrolment{"2024-01", "2024-12", kEnrolEnded, "城乡居民", ""},
         Enrolment{from, "", kEnrolPaying, type, type == "职工" ? "91370299DEM000001X" : ""}});
  }
  BenefitQualification stored(const std::string& category) {
    return *benefitQualificationFromEntry(regs_.entry_rows.at(
        {kBenefitQualificationKind, kRegion, benefitQualificationKey(category, kId)}));
  }
};

TEST_F(BenefitQualificationTest, GraduateEnrolledInTheGraduationYear) {
  employee("2026-03");
  graduate(2026);
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  auto q = stored(kGraduateCategory);
  EXPECT_EQ(q.category, "graduate");
  EXPECT_EQ(q.graduation_year, 2026);
  EXPECT_EQ(q.enrolment_month, "2026-03");
  EXPECT_EQ(q.unit, "91370299DEM000001X");
  EXPECT_EQ((std::tuple{q.window_from, q.window_to}),
            (std::tuple{std::string("2026-01"), std::string("2026-12")}));
  EXPECT_EQ(q.from, "2026-03-01");
  EXPECT_EQ(q.confirmed_on, "2026-03-10");
  EXPECT_EQ(q.status, "有效");
  EXPECT_EQ(q.case_no, c_.case_no);
}

TEST_F(BenefitQualificationTest, VeteranWithinAYearOfDischargeAsAFlexibleWorker) {
  employee("2026-06", "灵活就业");
  veteran("2025-06-15");
  ASSERT_TRUE(run(*h_, at(2026, 7, 1)));
  auto q = stored(kVeteranCategory);
  EXPECT_EQ(q.discharge_date, "2025-06-15");
  EXPECT_EQ((std::tuple{q.window_from, q.window_to, q.from, q.unit}),
            (std::tuple{std::string("2025-06"), std::string("2026-06"), std::string("2026-06-01"),
                        std::string()}));
}

TEST_F(BenefitQualificationTest, OnlyTheTwoItemsConfirm) {
  employee("2026-03");
  open("370200990005", {{"graduation_year", 2026}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "unknown_qualification_item");
}

TEST_F(BenefitQualificationTest, ApplicantMustBeAPerson) {
  employee("2026-03");
  graduate(2026);
  c_.applicant = {"unit", "91370299DEM000001X", "单位", ""};
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "applicant_not_person");
}

TEST_F(BenefitQualificationTest, RefusedWithoutAPayingEmployeeEnrolment) {
  graduate(2026);
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_employee_insured");
  regs_.persons[{kRegion, kId}] = person({Enrolment{"2026-01", "", kEnrolPaying, "城乡居民", ""}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_employee_insured");
  regs_.persons[{kRegion, kId}] =
      person({Enrolment{"2026-01", "2026-02", kEnrolEnded, "职工", ""}});
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "not_employee_insured");
}

TEST_F(BenefitQualificationTest, FormFiguresAreRequired) {
  employee("2026-03");
  open("370200990006", json::object(), "网上");
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "form_incomplete");
  open("370200990007", json::object(), "网上");
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "form_incomplete");
}

TEST_F(BenefitQualificationTest, FutureGraduationOrDischargeIsRefused) {
  employee("2026-03");
  graduate(2027);
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "graduation_in_future");
  veteran("2026-03-11");
  EXPECT_EQ(act(*h_, "accept", at(2026, 3, 10)).error().slug, "discharge_in_future");
}

TEST_F(BenefitQualificationTest, EnrolmentOutsideTheWindowIsRefusedWithTheDates) {
  employee("2026-03");
  graduate(2025);
  auto v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "outside_enrolment_window");
  EXPECT_NE(v.error().message.find("2026-03"), std::string::npos);
  EXPECT_NE(v.error().message.find("2025 年"), std::string::npos);
  veteran("2025-02-20");  // window 2025-02 … 2026-02: enrolled 2026-03, a month late
  v = act(*h_, "accept", at(2026, 3, 10));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "outside_enrolment_window");
  EXPECT_NE(v.error().message.find("2025-02 至 2026-02"), std::string::npos);
  EXPECT_NE(v.error().message.find("2026-03"), std::string::npos);
  // Enrolments are by month: one that began in the month of discharge is within the window.
  veteran("2026-03-05");
  EXPECT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
}

TEST_F(BenefitQualificationTest, OnePerPersonAndCategory) {
  employee("2026-03");
  graduate(2026);
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));
  std::string first = c_.case_no;
  graduate(2026);
  auto v = act(*h_, "accept", at(2026, 3, 12));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "duplicate_benefit_qualification");
  EXPECT_NE(v.error().message.find(first), std::string::npos);
  // The other category is its own qualification.
  veteran("2025-12-01");
  ASSERT_TRUE(run(*h_, at(2026, 3, 12)));
  EXPECT_EQ(stored(kVeteranCategory).case_no, c_.case_no);
}

TEST_F(BenefitQualificationTest, CompletionRechecksTheRegister) {
  employee("2026-03");
  graduate(2026);
  ASSERT_TRUE(act(*h_, "accept", at(2026, 3, 10)));
  CaseState first = c_;
  graduate(2026);
  ASSERT_TRUE(run(*h_, at(2026, 3, 10)));  // a second case completes first
  c_ = first;
  auto r = complete(*h_, at(2026, 3, 10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "register_changed");
  EXPECT_EQ(stored(kGraduateCategory).case_no, "C2");
}

TEST_F(BenefitQualificationTest, CompletionWithoutTheRecordIsAConflict) {
  graduate(2026);
  auto r = complete(*h_, at(2026, 3, 10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "no_benefit_qualification_record");
}

}  // namespace
}  // namespace jingban
