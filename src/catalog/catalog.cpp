#include "catalog/catalog.hpp"

#include <algorithm>

namespace jingban {

const char* stepKindName(StepKind k) {
  switch (k) {
    case StepKind::kAccept:
      return "accept";
    case StepKind::kReview:
      return "review";
    case StepKind::kPay:
      return "pay";
    case StepKind::kComplete:
      return "complete";
  }
  return "review";
}

const TimeLimit& Item::limitFor(const std::set<std::string>& conds) const {
  for (const auto& v : variants)
    if (conds.count(v.when)) return v;
  return time_limit;
}

const Condition* Item::condition(const std::string& id) const {
  for (const auto& c : conditions)
    if (c.id == id) return &c;
  return nullptr;
}

const Material* Item::material(const std::string& id) const {
  for (const auto& m : materials)
    if (m.id == id) return &m;
  return nullptr;
}

const UncountedPeriod* Item::uncounted(const std::string& id) const {
  for (const auto& u : uncounted_periods)
    if (u.id == id) return &u;
  return nullptr;
}

bool Item::acceptsApplicant(const std::string& kind) const {
  return std::find(applicant.begin(), applicant.end(), kind) != applicant.end();
}

const Item* Region::item(const std::string& code) const {
  auto it = index.find(code);
  return it == index.end() ? nullptr : &items[it->second];
}

const Role* Region::role(const std::string& id) const {
  for (const auto& r : roles)
    if (r.id == id) return &r;
  return nullptr;
}

const Form* Region::form(const std::string& id) const {
  for (const auto& f : forms)
    if (f.id == id) return &f;
  return nullptr;
}

int Region::ratingRank(const std::string& rating) const {
  for (size_t i = 0; i < rating_scale.size(); ++i)
    if (rating_scale[i] == rating) return static_cast<int>(i);
  return -1;
}

std::string Region::supervisionPhone(const Item& item) const {
  return item.supervision_phone.empty() ? supervision_phone : item.supervision_phone;
}

const Region* Catalog::region(const std::string& id) const {
  for (const auto& r : regions_)
    if (r.id == id) return &r;
  return nullptr;
}

const FormSchema* Catalog::formSchema(const std::string& id) const {
  auto it = form_schemas_.find(id);
  return it == form_schemas_.end() ? nullptr : it->second.get();
}

}  // namespace jingban
