// The designated institution that treated a claimant (form.institution_code of a reimbursement or
// maternity fee claim): whether it may settle the claim, and the hospital level the 结算单 uses.
// Pure: the caller reads the institution register and passes the entry it found.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "registers/institution.hpp"

namespace jingban {

// 一级 / 二级 / 三级 → 1 / 2 / 3; 0 for anything else (pharmacies, hospitals not graded).
int institutionLevelNumber(const std::string& level);

// H (医疗机构) or P (零售药店) followed by 11 digits: the six-digit division and a 5-digit
// sequence.
bool isInstitutionCode(const std::string& code);

// What a claim asks of its institution.
struct TreatmentClaim {
  std::string region;
  std::string code;               // form.institution_code
  std::string visit_date;         // YYYY-MM-DD: the agreement must cover it
  bool pharmacy_allowed = false;  // an outpatient claim may come from a 定点零售药店
  bool level_needed = true;       // the ratio depends on the level (not for maternity)
  int typed_level = 0;            // form.hospital_level, 0 when not given
};

struct TreatingInstitution {
  std::string code, name, category;
  std::string registered_level;  // as registered (一级 …), "" when not graded
  int level = 0;                 // what the 结算单 uses: the register's, else the typed one
  int typed_level = 0;
  // Why the level used is the register's rather than the typed one, "" when they agree or the
  // form gave none (shown on the 结算单).
  std::string note;
};

// The institution of `claim`, `registered` being the register's entry for (region, code), if any.
// Refusals (422): institution_code_invalid (not H/P + 11 digits), institution_unknown (not in the
// region's register), institution_not_designated (status 暂停 or 解除 on the visit date: the
// status in force then, from the institution's status changes, not today's),
// institution_outside_agreement (the visit date outside the agreement period),
// institution_is_pharmacy (a pharmacy where only a 医疗机构 may treat), hospital_level_required (no
// level registered and none typed, when needed). The level: the register's when it grades the
// hospital (the typed one is then only compared); the typed one for an institution the register
// does not grade.
Result<TreatingInstitution> treatingInstitution(const TreatmentClaim& claim,
                                                const std::optional<Institution>& registered);

// {code, name, category, registered_level, level, typed_level, note}.
nlohmann::json treatingInstitutionJson(const TreatingInstitution& t);

}  // namespace jingban
