// The factories of the effect handlers, one per file of this folder; registry.cpp composes them.
#pragma once

#include <memory>
#include <string>

#include "effects/effect.hpp"

namespace jingban {

class PolicySet;  // policy/policy.hpp

// unit_enrolment (001001, incl. Yunnan / Qingdao 暂停参保 and 注销登记), unit_change (001004).
std::unique_ptr<EffectHandler> makeUnitRegistrationEffect(std::string name);
// employee_enrolment (001002), employee_change (001005), flexible_enrolment.
std::unique_ptr<EffectHandler> makeEmployeeRegistrationEffect(
    std::string name, std::shared_ptr<const PolicySet> policies);
// resident_enrolment (001003), resident_change (001006).
std::unique_ptr<EffectHandler> makeResidentRegistrationEffect(std::string name);
// account_withdrawal (002003).
std::unique_ptr<EffectHandler> makeAccountWithdrawalEffect();
// unit_query (002001), person_query (002002), insurance_certificate (003001).
std::unique_ptr<EffectHandler> makeRecordQueryEffect(std::string name);
// outpatient_reimbursement (006001), inpatient_reimbursement (006002), assistance_reimbursement
// (008002).
std::unique_ptr<EffectHandler> makeReimbursementEffect(std::string name,
                                                       std::shared_ptr<const PolicySet> policies);
// assistance_contribution_subsidy (008001).
std::unique_ptr<EffectHandler> makeAssistanceSubsidyEffect(
    std::shared_ptr<const PolicySet> policies);

}  // namespace jingban
