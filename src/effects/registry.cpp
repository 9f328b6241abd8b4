#include "effects/registry.hpp"

#include <algorithm>

#include "effects/handlers.hpp"

namespace jingban {

std::unique_ptr<EffectRegistry> makeEffects(std::shared_ptr<const PolicySet> policies) {
  auto r = std::make_unique<EffectRegistry>();
  r->add(makeUnitRegistrationEffect("unit_enrolment"));
  r->add(makeUnitRegistrationEffect("unit_change"));
  for (const char* n : {"employee_enrolment", "employee_change", "flexible_enrolment"})
    r->add(makeEmployeeRegistrationEffect(n, policies));
  r->add(makeResidentRegistrationEffect("resident_enrolment"));
  r->add(makeResidentRegistrationEffect("resident_change"));
  r->add(makeAccountWithdrawalEffect());
  for (const char* n : {"unit_query", "person_query", "insurance_certificate"})
    r->add(makeRecordQueryEffect(n));
  for (const char* n :
       {"outpatient_reimbursement", "inpatient_reimbursement", "assistance_reimbursement"})
    r->add(makeReimbursementEffect(n, policies));
  r->add(makeAssistanceSubsidyEffect(policies));
  return r;
}

const std::vector<std::string>& pendingEffects() {
  static const std::vector<std::string> kPending{
      "relation_transfer",         "remote_care_filing",
      "emergency_transfer_filing", "chronic_disease_qualification",
      "maternity_filing",          "prenatal_payment",
      "maternity_medical_payment", "family_planning_payment",
      "maternity_allowance",       "institution_agreement",
      "pharmacy_agreement",        "institution_settlement",
      "pharmacy_settlement",       "social_security_card",
      "veteran_contribution",      "wage_declaration",
      "fee_declaration",           "outpatient_pooling_signing",
      "benefit_qualification",     "benefit_payment"};
  return kPending;
}

bool effectNameKnown(const std::string& name) {
  static const std::unique_ptr<EffectRegistry> kAll = makeEffects(nullptr);
  const auto& p = pendingEffects();
  return kAll->find(name) || std::find(p.begin(), p.end(), name) != p.end();
}

}  // namespace jingban
