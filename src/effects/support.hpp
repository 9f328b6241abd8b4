// Helpers shared by the effect handlers of this folder (not a public interface of the module).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "policy/claim_institution.hpp"
#include "registers/registers.hpp"
#include "workflow/case_state.hpp"

namespace jingban::effects {

// A refusal the clerk can act on (HTTP 422).
Error refusal(const char* slug, std::string message);
// A register changed between validation and commit (HTTP 409): the clerk retries.
Error changedMeanwhile(std::string message);

std::string monthOf(const Instant& at);  // YYYY-MM in Asia/Shanghai
std::string monthBefore(const std::string& month);
std::string text(const nlohmann::json& form, const char* key);

// The review steps of the case's own (pinned) flow, in order.
std::vector<std::string> reviewSteps(const CaseState& c, const Item& item);
// The latest event whose data holds `key` (nullptr when none).
const Event* latestWith(const CaseState& c, const char* key);
// An effect's case view when it records one document under `key`: {register: register_name,
// field: the latest event's document} (field absent until an event records it).
nlohmann::json recordView(const CaseState& c, const char* key, const char* register_name,
                          const char* field);
// The open enrolment period (to == ""), if any.
const Enrolment* openPeriod(const Person& p);
Enrolment* openPeriod(Person& p);
// The treating institution a claim's form names (form.institution_code), checked against the
// institution register for the form's visit_date (policy/claim_institution.hpp); nullopt when
// the form names none.
Result<std::optional<TreatingInstitution>> claimInstitution(const CaseState& c, RegisterView& view,
                                                            bool pharmacy_allowed,
                                                            bool level_needed);
// A masked ID for messages (never the whole number).
std::string masked(const std::string& id_no);

}  // namespace jingban::effects
