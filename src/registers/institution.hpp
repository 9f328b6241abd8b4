// Designated medical institutions and retail pharmacies (定点医药机构, items 009001 / 009002): the
// typed register record, its mapping to a RegisterEntry, and the pure rules of re-application.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "registers/registers.hpp"

namespace jingban {

// Register kinds (RegisterEntry::kind).
inline constexpr const char* kInstitutionRegister = "institution";
inline constexpr const char* kInstitutionApplicationRegister = "institution_application";

// Statuses of a designated institution (the settlement reads only 定点 as "may settle").
inline constexpr const char* kInstitutionStatusDesignated = "定点";
inline constexpr const char* kInstitutionStatusSuspended = "暂停";
inline constexpr const char* kInstitutionStatusEnded = "解除";

// The reason given for a change of status, in characters.
inline constexpr size_t kMaxStatusReasonChars = 200;

inline constexpr const char* kCategoryHospital = "医疗机构";
inline constexpr const char* kCategoryPharmacy = "零售药店";

// One change of an institution's status by the agency (暂停 / 恢复定点 / 解除协议), in force from
// `effective_on`: what a claim's visit date is checked against (statusOn).
struct StatusChange {
  std::string status;        // 定点 | 暂停 | 解除: the status from effective_on
  std::string before;        // the status it followed
  std::string effective_on;  // YYYY-MM-DD
  std::string reason;
  std::string by;  // the staff member's username
  std::string at;  // when it was decided (ISO 8601, Asia/Shanghai)
};

// One designated institution. The entry's shape is fixed (the monthly settlement reads it):
// key = code, owner = credit code, status, from/to = the agreement period, data = the rest
// (status_changes only once there is one).
struct Institution {
  std::string region;
  std::string code;         // H or P + the 6-digit division + a 5-digit sequence
  std::string credit_code;  // 统一社会信用代码
  std::string status = kInstitutionStatusDesignated;
  std::string from, to;  // the agreement period, YYYY-MM-DD; to "" = no end date set
  std::string name;
  std::string category;  // 医疗机构 | 零售药店
  std::string level;     // 一级 | 二级 | 三级 | "" (pharmacies, and hospitals not graded)
  std::string division;  // 630000 …
  std::string agreement_no, case_no, address, bank_account;
  std::vector<StatusChange> status_changes;  // oldest first; `status` is the last one's
};

RegisterEntry toEntry(const Institution& i);
Institution institutionFromEntry(const RegisterEntry& e);
// The register's fields, without the status changes (the staff routes add them: they name staff).
nlohmann::json institutionJson(const Institution& i);

nlohmann::json statusChangesJson(const std::vector<StatusChange>& changes);
std::vector<StatusChange> statusChangesFrom(const nlohmann::json& j);

// ---- status over time --------------------------------------------------------------------------

// The status in force on `day` (YYYY-MM-DD): the status before the first change, then each change
// from its effective_on on (a later change of the same day wins). Without changes, the status as
// registered (an entry of a list taken over may carry 暂停 with no history).
std::string statusOn(const Institution& i, const std::string& day);
// The day the status in force on `day` took effect ("" when it is the original one).
std::string statusSince(const Institution& i, const std::string& day);

// A staff member's change of status (POST …/institutions/{code}/status).
struct StatusRequest {
  std::string status;        // 定点 | 暂停 | 解除
  std::string reason;        // required
  std::string effective_on;  // YYYY-MM-DD
  std::string by, at;        // who and when (ISO 8601)
  std::string today;         // the decision's day: effective_on may not be later
};

// The institution with the change applied (status, status_changes), or the refusal (422):
// institution_status_invalid (not 定点 / 暂停 / 解除), reason_required, reason_too_long (over 200
// characters), effective_on_invalid (not a date), institution_terminated (解除 is final),
// status_unchanged (already that status), effective_before_agreement (before the agreement's
// start), effective_in_future (after today: a change is recorded when it takes effect, so the
// registered status is always the one in force), effective_before_last_change (before the
// effective day of the previous change).
Result<Institution> changeStatus(const Institution& i, const StatusRequest& r);

// H for a 医疗机构, P for a 零售药店; "" for anything else.
std::string designationPrefix(const std::string& category);
// The code of the `seq`-th institution of a prefix in a division: H63000000001. Empty when the
// sequence does not fit in five digits or the division is not six digits.
std::string designationCode(const std::string& prefix, const std::string& division, int64_t seq);
// The name of the register counter (RegisterTx::nextNumber) of one region and prefix,
// "institution:<region>:H": the list of institutions designated before (effects/institution_list,
// which the demo uses for its H…00001 and P…00001) allocates from it too, so cases follow.
std::string designationCounter(const std::string& region, const std::string& prefix);
// The agreement number of an institution's agreement signed on `signed_on` (YYYY-MM-DD).
std::string agreementNumber(const std::string& code, const std::string& signed_on);

// ---- evaluation outcomes and the re-application rule ------------------------------------------

// One outcome of an application (kind institution_application, keyed by credit code): a failed
// evaluation, or the designation that ended a run of failures.
struct ApplicationOutcome {
  std::string on;  // YYYY-MM-DD: the day the result was given (结果告知)
  std::string case_no;
  std::string category;
  std::string result;  // 不合格 | 定点
  std::string step;    // the review step that decided (评估, 审核评估 …)
  std::string reason;  // the reviewer's reason, for a failure
};

// The record of one institution's applications in one region.
struct ApplicationRecord {
  std::string region, credit_code, name;
  std::vector<ApplicationOutcome> outcomes;  // oldest first
};

RegisterEntry toEntry(const ApplicationRecord& r);
ApplicationRecord applicationFromEntry(const RegisterEntry& e);

// When an institution of `category` may apply again. The seed's rule (Qingdao's guide, 办理时限
// 3): after a failed evaluation, 整改3个月后 (from the day the result was given) it may be
// evaluated again; if that evaluation fails too, 1年内不得再次申请. A designation ends a run of
// failures; a failure after a year's bar starts a new run.
struct Reapply {
  std::string may_apply_on;  // "" = may apply now (no failure in the current run)
  bool barred = false;       // the second failure of a run: the one-year bar
  int failures_in_run = 0;
};
Reapply reapplyRule(const std::vector<ApplicationOutcome>& outcomes, const std::string& category);

// ---- dates as text (this module knows no calendar) ---------------------------------------------

// `date` + `months` calendar months; a day the target month lacks becomes its last day
// (2026-01-31 + 1 → 2026-02-28). Empty when `date` is not YYYY-MM-DD.
std::string plusMonths(const std::string& date, int months);
// The last day of the calendar quarter holding `date` (Qinghai's 每季度末 training and signing).
std::string quarterEnd(const std::string& date);

}  // namespace jingban
