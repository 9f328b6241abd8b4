#include "effects/effects.hpp"

#include <algorithm>

#include "catalog/catalog.hpp"
#include "workflow/case_state.hpp"

namespace jingban {

const std::vector<std::string>& EffectRegistry::names() {
  static const std::vector<std::string> kNames{"unit_enrolment",
                                               "employee_enrolment",
                                               "resident_enrolment",
                                               "flexible_enrolment",
                                               "unit_change",
                                               "employee_change",
                                               "resident_change",
                                               "unit_query",
                                               "person_query",
                                               "account_withdrawal",
                                               "insurance_certificate",
                                               "relation_transfer",
                                               "remote_care_filing",
                                               "chronic_disease_qualification",
                                               "outpatient_reimbursement",
                                               "inpatient_reimbursement",
                                               "maternity_filing",
                                               "prenatal_payment",
                                               "maternity_medical_payment",
                                               "family_planning_payment",
                                               "maternity_allowance",
                                               "assistance_contribution_subsidy",
                                               "assistance_reimbursement",
                                               "institution_agreement",
                                               "pharmacy_agreement",
                                               "institution_settlement",
                                               "pharmacy_settlement",
                                               "social_security_card",
                                               "veteran_contribution",
                                               "wage_declaration",
                                               "fee_declaration",
                                               "outpatient_pooling_signing",
                                               "benefit_qualification",
                                               "emergency_transfer_filing",
                                               "benefit_payment"};
  return kNames;
}

bool EffectRegistry::known(const std::string& name) {
  const auto& n = names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

Result<void> EffectRegistry::validate(const Item& item, const CaseState& c) {
  // Every effect needs a validated applicant; register-specific checks (an enrolment period that
  // does not overlap, an account with a balance …) join here with the registers.
  if (c.applicant.id_no.empty())
    return fail(ErrorCode::kUnprocessable, "applicant_required", "办件缺少申请人证件号码");
  if (!known(item.effect))
    return fail(ErrorCode::kInternal, "unknown_effect", "事项的办理结果类型未登记：" + item.effect);
  return {};
}

RegisterChange EffectRegistry::apply(const Item& item, const CaseState& c) {
  // The journal entry the register module consumes; written in the completing transaction, keyed
  // by case number so that it exists exactly once.
  return RegisterChange{item.effect,
                        {{"case_no", c.case_no},
                         {"region", c.region},
                         {"item_code", c.item_code},
                         {"applicant_kind", c.applicant.kind},
                         {"applicant_id", c.applicant.id_no},
                         {"conditions", c.conditions},
                         {"form", *c.form},
                         {"paid_fen", c.paid_fen},
                         {"closed_on", c.closed_on ? c.closed_on->str() : ""}}};
}

}  // namespace jingban
