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
  for (const char* n : {"maternity_filing", "prenatal_payment", "maternity_medical_payment",
                        "family_planning_payment", "maternity_allowance"})
    r->add(makeMaternityEffect(n, policies));
  for (const char* n : {"wage_declaration", "fee_declaration"})
    r->add(makeDeclarationEffect(n, policies));
  for (const char* n : {"remote_care_filing", "emergency_transfer_filing"})
    r->add(makeRemoteCareFilingEffect(n, policies));
  r->add(makeDiseaseQualificationEffect(policies));
  r->add(makeRelationTransferEffect());
  r->add(makeInstitutionAgreementEffect("institution_agreement", "医疗机构"));
  r->add(makeInstitutionAgreementEffect("pharmacy_agreement", "零售药店"));
  for (const char* n : {"institution_settlement", "pharmacy_settlement"})
    r->add(makeSettlementEffect(n, policies));
  r->add(makeOutpatientSigningEffect(policies));
  r->add(makeBenefitQualificationEffect());
  r->add(makeVeteranContributionEffect());
  r->add(makeSocialSecurityCardEffect());
  r->add(makeBenefitPaymentEffect());
  return r;
}

const std::vector<std::string>& pendingEffects() {
  static const std::vector<std::string> kPending{};
  return kPending;
}

bool effectNameKnown(const std::string& name) {
  static const std::unique_ptr<EffectRegistry> kAll = makeEffects(nullptr);
  const auto& p = pendingEffects();
  return kAll->find(name) || std::find(p.begin(), p.end(), name) != p.end();
}

}  // namespace jingban
