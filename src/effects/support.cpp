#include "effects/support.hpp"

#include <algorithm>

#include "validate/identity.hpp"

namespace jingban::effects {

Error refusal(const char* slug, std::string message) {
  return Error{ErrorCode::kUnprocessable, slug, std::move(message)};
}

Error changedMeanwhile(std::string message) {
  return Error{ErrorCode::kConflict, "register_changed", std::move(message)};
}

std::string monthOf(const Instant& at) { return at.date().str().substr(0, 7); }

std::string monthBefore(const std::string& month) {
  int i = monthIndex(month);
  return i <= 0 ? month : monthText(i - 1);
}

std::string text(const nlohmann::json& form, const char* key) {
  auto it = form.find(key);
  return it != form.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> reviewSteps(const CaseState& c, const Item& item) {
  std::vector<std::string> out;
  for (const auto& s : caseFlow(c, item))
    if (s.kind == StepKind::kReview) out.push_back(s.step);
  return out;
}

const Event* latestWith(const CaseState& c, const char* key) {
  for (auto it = c.events.rbegin(); it != c.events.rend(); ++it)
    if (it->data.is_object() && it->data.contains(key)) return &*it;
  return nullptr;
}

nlohmann::json recordView(const CaseState& c, const char* key, const char* register_name,
                          const char* field) {
  const Event* e = latestWith(c, key);
  nlohmann::json v = {{"register", register_name}};
  if (e) v[field] = e->data[key];
  return v;
}

const Enrolment* openPeriod(const Person& p) {
  for (auto it = p.enrolments.rbegin(); it != p.enrolments.rend(); ++it)
    if (it->to.empty()) return &*it;
  return nullptr;
}

Enrolment* openPeriod(Person& p) {
  for (auto it = p.enrolments.rbegin(); it != p.enrolments.rend(); ++it)
    if (it->to.empty()) return &*it;
  return nullptr;
}

std::string masked(const std::string& id_no) { return maskId(id_no); }

Result<std::optional<TreatingInstitution>> claimInstitution(const CaseState& c, RegisterView& view,
                                                            bool pharmacy_allowed,
                                                            bool level_needed) {
  std::string code = text(*c.form, "institution_code");
  if (code.empty()) return std::optional<TreatingInstitution>();
  TreatmentClaim claim;
  claim.region = c.region;
  claim.code = code;
  claim.visit_date = text(*c.form, "visit_date");
  claim.pharmacy_allowed = pharmacy_allowed;
  claim.level_needed = level_needed;
  if (auto l = c.form->find("hospital_level"); l != c.form->end() && l->is_number_integer())
    claim.typed_level = static_cast<int>(std::clamp<int64_t>(l->get<int64_t>(), 0, 9));
  std::optional<Institution> registered;
  if (isInstitutionCode(code)) {  // anything else is refused without a register read
    auto entry = view.entry(kInstitutionRegister, c.region, code);
    if (!entry) return std::unexpected(entry.error());
    if (*entry) registered = institutionFromEntry(**entry);
  }
  auto t = treatingInstitution(claim, registered);
  if (!t) return std::unexpected(t.error());
  return std::optional<TreatingInstitution>(std::move(*t));
}

}  // namespace jingban::effects
