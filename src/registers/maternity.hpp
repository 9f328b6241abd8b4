// The maternity register (生育备案 and the 生育保险 benefits paid) and the units' wage and fee
// declarations (Qingdao 单位医疗保险工资申报, 医保费申报核定), as typed records stored as
// RegisterEntry rows: kind "maternity" (owner: the insured's ID number; key: the case number),
// kind "wage" (owner: credit code; key "<credit_code>:<year>"), kind "fee" (key "<id>:<YYYY-MM>").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registers/registers.hpp"

namespace jingban {

inline constexpr const char* kMaternityKind = "maternity";
inline constexpr const char* kWageKind = "wage";
inline constexpr const char* kFeeKind = "fee";

// One maternity record of a person: a filing (type "filing") or a benefit paid (the benefit key
// of policy/maternity.hpp: prenatal | medical | family_planning | allowance).
struct MaternityRecord {
  std::string region, case_no;
  std::string id_no, name;  // the insured (the male employee when the spouse is the patient)
  std::string type;         // filing | prenatal | medical | family_planning | allowance
  std::string status;       // 有效 (filing) | 已拨付 (benefit)
  std::string unit;         // credit code of the employer, "" for 灵活就业
  std::string event_date;   // filing: pregnancy start; benefit: birth / surgery date
  std::string event_kind;   // 顺产 | 难产 | … | 计划生育手术 name; "" for a filing
  int babies = 0;
  std::string spouse_id_no;  // the unemployed spouse who was the patient, else ""
  std::string recorded_on;   // the day of the 办结 / 拨付 (YYYY-MM-DD)
  int64_t amount_fen = 0;    // benefits: what was paid
  int days = 0;              // allowance: entitled days
  std::string payee_kind;    // unit | person
  nlohmann::json detail = nlohmann::json::object();  // 结算单 or the allowance's arithmetic
};

RegisterEntry toEntry(const MaternityRecord& r);
MaternityRecord maternityFromEntry(const RegisterEntry& e);
nlohmann::json maternityJson(const MaternityRecord& r);

// A unit's wage declaration for one year (the wages paid in that year).
struct WageDeclaration {
  std::string region, credit_code, unit_name, case_no;
  int year = 0;
  int64_t wage_total_fen = 0;
  int employees = 0;
  int64_t avg_monthly_wage_fen = 0;  // wage_total ÷ 12 ÷ employees, rounded once
  std::string declared_on;
};

std::string wageKey(const std::string& credit_code, int year);
RegisterEntry toEntry(const WageDeclaration& w);
WageDeclaration wageFromEntry(const RegisterEntry& e);
nlohmann::json wageJson(const WageDeclaration& w);

// A 医保费申报核定: the declared monthly base and the fees assessed on it for a month.
struct FeeDeclaration {
  std::string region, owner, owner_name, case_no, month;
  std::string owner_kind;                                // unit | person
  nlohmann::json assessment = nlohmann::json::object();  // policy/maternity.hpp feeAssessmentJson
  std::string assessed_on;
};

RegisterEntry toEntry(const FeeDeclaration& f);
nlohmann::json feeJson(const RegisterEntry& e);

}  // namespace jingban
