// Qingdao's 门诊统筹签约 (kind "outpatient_signing") and 应届毕业生 / 退役军人医保待遇资格确认
// (kind "benefit_qualification") as typed records over RegisterEntry, with their pure rules.
//
// A signing's key is the insured person's ID number: one signing is in force per person, and a new
// one replaces it in place, so the entry's history (field → before / after, with the case) is the
// person's signings over time. A benefit qualification's key is "<category>:<ID number>", so a
// person holds at most one per category; it runs from the first day of the 职工 enrolment it
// confirms, with no end.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registers/registers.hpp"

namespace jingban {

inline constexpr const char* kOutpatientSigningKind = "outpatient_signing";
inline constexpr const char* kBenefitQualificationKind = "benefit_qualification";
inline constexpr const char* kSigningInForce = "有效";

// The two categories of 待遇资格确认 (the key's prefix) and their names.
inline constexpr const char* kGraduateCategory = "graduate";  // 应届毕业生
inline constexpr const char* kVeteranCategory = "veteran";    // 退役军人
const char* benefitCategoryName(const std::string& category);

struct OutpatientSigning {
  std::string region, id_no, name;
  std::string institution_code, institution_name;  // the designated community clinic
  std::string doctor;                              // 签约医生
  std::string channel;                             // 社区医疗机构 | 网上 | 微信
  std::string status = kSigningInForce;
  std::string from;  // 签约日期 (办结): 自签约之日起享受门诊统筹支付待遇
  std::string item_code, case_no;
  std::string replaced_case;  // the case of the signing this one replaced, or ""
};

struct BenefitQualification {
  std::string region, id_no, name;
  std::string category;                // graduate | veteran
  int graduation_year = 0;             // graduate: 毕业年度
  std::string discharge_date;          // veteran: 转业 / 复员 date, YYYY-MM-DD
  std::string enrolment_month;         // the 职工 enrolment it confirms: its first month, YYYY-MM
  std::string unit;                    // that enrolment's unit (credit code), or "" (灵活就业)
  std::string window_from, window_to;  // the months the enrolment had to start in (inclusive)
  std::string status = kSigningInForce;
  std::string from;          // the first day of enrolment_month
  std::string confirmed_on;  // 办结, YYYY-MM-DD
  std::string item_code, case_no;
};

RegisterEntry toEntry(const OutpatientSigning& s);
RegisterEntry toEntry(const BenefitQualification& q);
std::optional<OutpatientSigning> signingFromEntry(const RegisterEntry& e);
std::optional<BenefitQualification> benefitQualificationFromEntry(const RegisterEntry& e);
nlohmann::json toJson(const OutpatientSigning& s);
nlohmann::json toJson(const BenefitQualification& q);

std::string benefitQualificationKey(const std::string& category, const std::string& id_no);

// ---- the rules (pure) --------------------------------------------------------------------------

// The first day a signing in force since `from` may be replaced by a new one: `from` plus the
// region's minimum period in months (policy/signing/<region>.yaml); `from` itself when 0.
std::string signingChangeableOn(const std::string& from, int change_min_months);

// The months (inclusive) in which a 职工 enrolment must start for the category: a graduate's
// year of graduation (毕业当年度); a veteran's discharge month up to the month a year after the
// discharge date (转业或者复员一年内).
struct EnrolmentWindow {
  std::string first_month, last_month;  // YYYY-MM
};
EnrolmentWindow graduateWindow(int graduation_year);
EnrolmentWindow veteranWindow(const std::string& discharge_date);

// Whether a period is 职工 insurance (职工, or 灵活就业 in the 职工医保).
bool employeeInsurance(const Enrolment& e);
// The earliest 职工 enrolment period that starts within the window; nullopt when none does.
std::optional<Enrolment> employeeEnrolmentWithin(const std::vector<Enrolment>& periods,
                                                 const EnrolmentWindow& w);
// The start months of the person's 职工 periods, "、"-joined, for a refusal ("" when none).
std::string employeeEnrolmentStarts(const std::vector<Enrolment>& periods);

}  // namespace jingban
