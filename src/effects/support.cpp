#include "effects/support.hpp"

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

}  // namespace jingban::effects
