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
// institution_agreement (009001, category 医疗机构), pharmacy_agreement (009002, 零售药店).
std::unique_ptr<EffectHandler> makeInstitutionAgreementEffect(std::string name,
                                                              std::string category);
// relation_transfer (003002 转移接续; Qingdao's 转出 and 转入).
std::unique_ptr<EffectHandler> makeRelationTransferEffect();
// remote_care_filing (004001–004005), emergency_transfer_filing (Qingdao 异地急诊转住院).
std::unique_ptr<EffectHandler> makeRemoteCareFilingEffect(
    std::string name, std::shared_ptr<const PolicySet> policies);
// chronic_disease_qualification (005000).
std::unique_ptr<EffectHandler> makeDiseaseQualificationEffect(
    std::shared_ptr<const PolicySet> policies);
// maternity_filing (Xining 生育备案), prenatal_payment, maternity_medical_payment,
// family_planning_payment, maternity_allowance (007001–007004).
std::unique_ptr<EffectHandler> makeMaternityEffect(std::string name,
                                                   std::shared_ptr<const PolicySet> policies);
// wage_declaration, fee_declaration (Qingdao 工资申报, 医保费申报核定).
std::unique_ptr<EffectHandler> makeDeclarationEffect(std::string name,
                                                     std::shared_ptr<const PolicySet> policies);
// institution_settlement (010001, 医疗机构), pharmacy_settlement (010002, 零售药店): the
// monthly settlement (institution_settlement.hpp).
std::unique_ptr<EffectHandler> makeSettlementEffect(std::string name,
                                                    std::shared_ptr<const PolicySet> policies);
// assistance_contribution_subsidy (008001).
std::unique_ptr<EffectHandler> makeAssistanceSubsidyEffect(
    std::shared_ptr<const PolicySet> policies);

// outpatient_pooling_signing (Qingdao 门诊统筹签约).
std::unique_ptr<EffectHandler> makeOutpatientSigningEffect(
    std::shared_ptr<const PolicySet> policies);
// benefit_qualification (Qingdao 应届毕业生 / 退役军人医保待遇资格确认).
std::unique_ptr<EffectHandler> makeBenefitQualificationEffect();
// veteran_contribution (Yunnan 530000990002 退役士兵补缴城镇职工基本医疗保险).
std::unique_ptr<EffectHandler> makeVeteranContributionEffect();
// social_security_card (Yunnan 530000990003 社会保障卡（加载金融功能）).
std::unique_ptr<EffectHandler> makeSocialSecurityCardEffect();
// benefit_payment (Xining 630100990001 待遇支付, an internal payment run).
std::unique_ptr<EffectHandler> makeBenefitPaymentEffect();

}  // namespace jingban
