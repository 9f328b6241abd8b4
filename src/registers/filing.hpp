// Remote-care filings (异地就医备案, kind "filing") and outpatient chronic / special disease
// qualifications (门诊慢特病待遇认定, kind "qualification") as typed records, and their mapping
// to the generic RegisterEntry they are stored as (registers.hpp).
//
// A filing's key is its number (BA + division code + 6 digits), its owner the insured person's ID
// number, from / to its validity ("" to: long-term, no end). A qualification's key is its number
// (MT + division code + 6 digits), owner the ID number, from / to its validity.
#pragma once

#include <optional>
#include <string>

#include "registers/registers.hpp"

namespace jingban {

inline constexpr const char* kFilingKind = "filing";
inline constexpr const char* kQualificationKind = "qualification";

// Status words of both kinds.
inline constexpr const char* kEntryValid = "有效";
inline constexpr const char* kFilingChanged = "已变更";
inline constexpr const char* kFilingCancelled = "已取消";

struct Filing {
  std::string region, number, id_no, name;
  std::string category;  // one of kFilingCategories (policy/care_rules.hpp)
  bool long_term = false;
  std::string status = kEntryValid;
  std::string from, to;     // YYYY-MM-DD; to "" = no end (long-term)
  std::string scope;        // 省内 | 省外 | ""
  std::string destination;  // 就医地 (省、市)
  std::string hospital;     // 就医地医疗机构, "" when not named
  std::string proof;        // 证明材料 | 个人承诺书
  std::string item_code, case_no;
  std::string replaces;  // the number of the filing this one changes, or ""
  std::string ended_by;  // the case that changed or cancelled it, or ""
};

struct Qualification {
  std::string region, number, id_no, name;
  std::string disease_code, disease_name;
  std::string disease_kind;  // chronic | special
  std::string hospital;      // 鉴定医院 (the assessing hospital)
  std::string assessment;    // 即时认定 | 评估认定
  std::string status = kEntryValid;
  std::string from, to;  // YYYY-MM-DD; to "" = no end
  std::string item_code, case_no;
  std::string renews;  // the number of the qualification this one renews, or ""
};

RegisterEntry toEntry(const Filing& f);
RegisterEntry toEntry(const Qualification& q);
// nullopt when the entry is not of that kind.
std::optional<Filing> filingFromEntry(const RegisterEntry& e);
std::optional<Qualification> qualificationFromEntry(const RegisterEntry& e);

nlohmann::json toJson(const Filing& f);
nlohmann::json toJson(const Qualification& q);

// A register number: prefix + division code + the counter in 6 digits (BA630000000001).
std::string registerNumber(const std::string& prefix, const std::string& division_code, int64_t n);

// Inclusive date periods "YYYY-MM-DD" ("" to = open): do [a_from, a_to] and [b_from, b_to] meet?
bool periodsOverlap(const std::string& a_from, const std::string& a_to, const std::string& b_from,
                    const std::string& b_to);
// Whether `date` lies in [from, to] (to "" = open).
bool dateWithin(const std::string& date, const std::string& from, const std::string& to);
// "YYYY-MM-DD" arithmetic for validity periods (the input is a checked date): the same day
// `months` later, or the month's last day when it has none (2026-01-31 + 1 → 2026-02-28); the
// day before.
std::string dateAfterMonths(const std::string& date, int months);
std::string dayBefore(const std::string& date);

}  // namespace jingban
