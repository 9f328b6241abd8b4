#include "catalog/catalog.hpp"

#include <algorithm>
#include <cstdio>

#include "common/hash.hpp"

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

std::optional<StepKind> parseStepKind(std::string_view s) {
  for (auto k : {StepKind::kAccept, StepKind::kReview, StepKind::kPay, StepKind::kComplete})
    if (s == stepKindName(k)) return k;
  return std::nullopt;
}

const char* materialOriginalName(MaterialOriginal o) {
  switch (o) {
    case MaterialOriginal::kUnstated:
      return "";
    case MaterialOriginal::kOriginal:
      return "original";
    case MaterialOriginal::kCopy:
      return "copy";
    case MaterialOriginal::kCheckOriginal:
      return "check_original";
    case MaterialOriginal::kOriginalAndCopy:
      return "original_and_copy";
  }
  return "";
}

std::string materialOriginalText(MaterialOriginal o) {
  switch (o) {
    case MaterialOriginal::kUnstated:
      return "";
    case MaterialOriginal::kOriginal:
      return "原件";
    case MaterialOriginal::kCopy:
      return "复印件";
    case MaterialOriginal::kCheckOriginal:
      return "验原件，收复印件";
    case MaterialOriginal::kOriginalAndCopy:
      return "原件及复印件";
  }
  return "";
}

bool Material::waivedOn(const std::string& channel) const {
  return std::find(waived_channels.begin(), waived_channels.end(), channel) !=
         waived_channels.end();
}

std::string TimeLimit::kindName() const {
  switch (basis) {
    case LimitBasis::kDays:
      return limitKindName(kind);
    case LimitBasis::kCalendarMonths:
      return "calendar_months";
    case LimitBasis::kCalendarDate:
      return "calendar_date";
    case LimitBasis::kUnstated:
      return "unstated";
  }
  return "unstated";
}

nlohmann::json timeLimitJson(const TimeLimit& t) {
  nlohmann::json j = {{"kind", t.kindName()}, {"text", t.text}};
  switch (t.basis) {
    case LimitBasis::kDays:
      j["days"] = t.days;
      break;
    case LimitBasis::kCalendarMonths:
      j["months"] = t.months;
      break;
    case LimitBasis::kCalendarDate: {
      char mmdd[6];
      std::snprintf(mmdd, sizeof mmdd, "%02d-%02d", t.by_mmdd / 100 % 100, t.by_mmdd % 100);
      j["date"] = mmdd;
      break;
    }
    case LimitBasis::kUnstated:
      j["display"] = "未载明";
      break;
  }
  if (!t.when.empty()) j["when"] = t.when;
  if (t.extension.allowed)
    j["extension"] = {{"allowed", true},
                      {"source", t.extension.source},
                      {"max_working_days", t.extension.max_working_days}};
  return j;
}

nlohmann::json materialJson(const Material& m) {
  nlohmann::json j = {{"id", m.id}, {"name", m.name}};
  if (!m.when.empty()) j["when"] = m.when;
  if (!m.group.empty()) j["group"] = m.group;
  if (m.commitment) j["commitment"] = true;
  if (!m.shared_data.empty()) j["shared_data"] = m.shared_data;
  if (m.optional) j["optional"] = true;
  if (m.copies) j["copies"] = m.copies;
  if (m.photos) j["photos"] = m.photos;
  if (m.original != MaterialOriginal::kUnstated) j["original"] = materialOriginalName(m.original);
  if (!m.waived_channels.empty()) j["waived_channels"] = m.waived_channels;
  if (!m.form.empty()) j["form"] = m.form;
  if (!m.note.empty()) j["note"] = m.note;
  return j;
}

nlohmann::json flowStepsJson(const std::vector<FlowStep>& flow) {
  auto a = nlohmann::json::array();
  for (const auto& s : flow) {
    nlohmann::json j = {{"step", s.step}, {"kind", stepKindName(s.kind)}, {"role", s.role}};
    if (s.limit) j["limit"] = timeLimitJson(*s.limit);
    a.push_back(std::move(j));
  }
  return a;
}

Result<std::vector<FlowStep>> flowStepsFromJson(const nlohmann::json& j) {
  auto bad = [] {
    return fail(ErrorCode::kInternal, "bad_pinned_flow", "办件记录的办理流程无法读取");
  };
  if (!j.is_array() || j.empty()) return bad();
  std::vector<FlowStep> out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("step") || !e["step"].is_string() || !e.contains("kind") ||
        !e["kind"].is_string() || !e.contains("role") || !e["role"].is_string())
      return bad();
    auto kind = parseStepKind(e["kind"].get<std::string>());
    if (!kind) return bad();
    FlowStep s{e["step"].get<std::string>(), *kind, e["role"].get<std::string>(), "", {}};
    if (e.contains("limit") && e["limit"].is_object()) {
      const auto& l = e["limit"];
      auto k = parseLimitKind(l.value("kind", ""));
      if (!k || !l.contains("days") || !l["days"].is_number_integer()) return bad();
      s.limit = TimeLimit{*k, l["days"].get<int>(), l.value("text", ""), ""};
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string itemRevision(const Item& it) {
  // Everything that decides how a case runs; display texts of flow steps, notes and the guide's
  // words are left out so that a typo fix does not make a new revision.
  nlohmann::json j;
  j["flow"] = flowStepsJson(it.flow);
  auto flows = nlohmann::json::array();
  for (const auto& f : it.flows)
    flows.push_back({{"id", f.id},
                     {"channels", f.when.channels},
                     {"applicant", f.when.applicant},
                     {"conditions", f.when.conditions},
                     {"steps", flowStepsJson(f.steps)}});
  j["flows"] = flows;
  auto mats = nlohmann::json::array();
  for (auto m : it.materials) {
    m.note.clear();
    mats.push_back(materialJson(m));
  }
  j["materials"] = mats;
  auto limits = nlohmann::json::array({timeLimitJson(it.time_limit)});
  for (const auto& v : it.variants) limits.push_back(timeLimitJson(v));
  j["limits"] = limits;
  auto al = nlohmann::json::array();
  for (const auto& a : it.applicant_limits)
    al.push_back({{"field", a.field},
                  {"when", a.when},
                  {"unless", a.unless},
                  {"limit", timeLimitJson(a.limit)}});
  j["applicant_limits"] = al;
  // Only an item that has one carries the key: every other item keeps its revision.
  if (it.notice_limit) j["notice_limit"] = timeLimitJson(*it.notice_limit);
  std::string uncounted;
  for (const auto& u : it.uncounted_periods) uncounted += u.id + ",";
  j["uncounted"] = uncounted;
  return sha256Hex(j.dump()).substr(0, 12);
}

const std::vector<FlowStep>& Item::flowFor(const std::string& channel,
                                           const std::string& applicant_kind,
                                           const std::set<std::string>& conds,
                                           std::string* flow_id) const {
  auto in = [](const std::vector<std::string>& v, const std::string& x) {
    return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
  };
  for (const auto& f : flows) {
    bool cond = f.when.conditions.empty();
    for (const auto& c : f.when.conditions) cond = cond || conds.count(c) > 0;
    if (in(f.when.channels, channel) && in(f.when.applicant, applicant_kind) && cond) {
      if (flow_id) *flow_id = f.id;
      return f.steps;
    }
  }
  if (flow_id) flow_id->clear();
  return flow;
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

std::shared_ptr<const Catalog> Catalog::only(const std::vector<std::string>& ids) const {
  auto c = std::make_shared<Catalog>();
  c->form_schemas_ = form_schemas_;
  for (const auto& r : regions_)
    if (std::find(ids.begin(), ids.end(), r.id) != ids.end()) c->regions_.push_back(r);
  return c;
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
