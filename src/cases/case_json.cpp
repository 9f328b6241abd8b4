#include "cases/case_json.hpp"

#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

json itemJson(const Item& it, const Region& region) {
  json flow = json::array();
  for (const auto& s : it.flow) {
    const Role* r = region.role(s.role);
    flow.push_back({{"step", s.step},
                    {"kind", stepKindName(s.kind)},
                    {"role", s.role},
                    {"role_name", r ? r->name : s.role},
                    {"text", s.text}});
  }
  json materials = json::array();
  for (const auto& m : it.materials) {
    json j = {{"id", m.id}, {"name", m.name}};
    if (!m.when.empty()) j["when"] = m.when;
    if (!m.group.empty()) j["group"] = m.group;
    if (m.commitment) j["commitment"] = true;
    if (!m.shared_data.empty()) j["shared_data"] = m.shared_data;
    if (m.optional) j["optional"] = true;
    if (m.copies) j["copies"] = m.copies;
    if (!m.form.empty()) j["form"] = m.form;
    if (!m.note.empty()) j["note"] = m.note;
    materials.push_back(j);
  }
  auto limit = [](const TimeLimit& t) {
    json j = {{"kind", limitKindName(t.kind)}, {"days", t.days}, {"text", t.text}};
    if (!t.when.empty()) j["when"] = t.when;
    return j;
  };
  json tl = limit(it.time_limit);
  if (!it.variants.empty()) {
    tl["variants"] = json::array();
    for (const auto& v : it.variants) tl["variants"].push_back(limit(v));
  }
  json conds = json::array(), groups = json::array(), windows = json::array(), unc = json::array();
  for (const auto& c : it.conditions) conds.push_back({{"id", c.id}, {"name", c.name}});
  for (const auto& g : it.material_groups) groups.push_back({{"id", g.id}, {"text", g.text}});
  for (const auto& w : it.acceptance_windows) windows.push_back({{"text", w.text}});
  for (const auto& u : it.uncounted_periods)
    unc.push_back({{"id", u.id}, {"name", u.name}, {"text", u.text}});
  json j = {{"code", it.code},
            {"code_kind", it.code_kind},
            {"name", it.name},
            {"main_code", it.main_code},
            {"main_name", it.main_name},
            {"service_objects", it.service_objects},
            {"applicant", it.applicant},
            {"channels", it.channels},
            {"steps", it.steps},
            {"flow", flow},
            {"time_limit", tl},
            {"conditions", conds},
            {"material_groups", groups},
            {"materials", materials},
            {"acceptance_windows", windows},
            {"uncounted_periods", unc},
            {"remarks", it.remarks},
            {"legal_basis", it.legal_basis},
            {"supervision_phone", region.supervisionPhone(it)},
            {"effect", it.effect}};
  if (!it.note.empty()) j["note"] = it.note;
  if (!it.channels_text.empty()) j["channels_text"] = it.channels_text;
  if (!it.progress_query_text.empty()) j["progress_query_text"] = it.progress_query_text;
  if (!it.diseases.is_null()) j["diseases"] = it.diseases;
  j["form_schema"] = formSchemaJson(it.formSchema());
  return j;
}

namespace {
json noticeJson(const std::vector<MissingMaterial>& n) {
  json a = json::array();
  for (const auto& m : n) a.push_back({{"id", m.id}, {"name", m.name}});
  return a;
}
json optDate(const std::optional<Date>& d) { return d ? json(d->str()) : json(nullptr); }
}  // namespace

json eventView(const Event& e) {
  return {{"seq", e.seq},   {"at", e.at.iso()},     {"actor", e.actor}, {"action", e.action},
          {"step", e.step}, {"comment", e.comment}, {"data", e.data}};
}

json caseOutcomeJson(const CaseState& c, const Item& item, const DeadlineView& d) {
  const FlowStep& s = item.flow.at(static_cast<size_t>(c.step));
  json j = {
      {"case_no", c.case_no},
      {"item_code", c.item_code},
      {"status", caseStatusName(c.status)},
      {"step",
       {{"index", c.step}, {"name", s.step}, {"kind", stepKindName(s.kind)}, {"role", s.role}}},
      {"notice", noticeJson(c.notice)},
      {"accepted_on", optDate(c.accepted_on)},
      {"due_on", optDate(d.due)},
      {"closed_on", optDate(c.closed_on)},
      {"deadline_status", deadlineStatusName(d.status)},
      {"due_provisional", d.provisional},
      {"paused", c.paused_since.has_value()},
      {"paid_fen", c.paid_fen},
      {"rating", c.rating},
      {"follow_up", c.follow_up},
      {"version", c.version()}};
  if (!c.events.empty()) {
    const Event& e = c.events.back();
    j["event"] = {{"seq", e.seq},       {"at", e.at.iso()}, {"actor", e.actor},
                  {"action", e.action}, {"step", e.step},   {"comment", e.comment}};
  }
  return j;
}

json caseJson(const CaseState& c, const Item& item, const DeadlineView& d, bool with_events) {
  json j = caseOutcomeJson(c, item, d);
  j["region"] = c.region;
  j["item_name"] = c.item_name;
  j["channel"] = c.channel;
  j["applicant"] = {
      {"kind", c.applicant.kind}, {"name", c.applicant.name}, {"id_no", maskId(c.applicant.id_no)}};
  j["conditions"] = c.conditions;
  j["materials"] = c.materials;
  j["submitted_at"] = c.submitted_at.iso();
  j["pause_period"] = c.pause_period;
  if (with_events) {
    json ev = json::array();
    for (const auto& e : c.events) ev.push_back(eventView(e));
    j["events"] = ev;
    j["form"] = *c.form;
    j["query_code"] = c.query_code;  // staff may tell it to the applicant at the window
  }
  return j;
}

json progressJson(const CaseState& c, const Item& item, const DeadlineView& d) {
  std::string stage, result;
  switch (c.status) {
    case CaseStatus::kSubmitted:
      stage = c.accepted_on ? "办理中" : "待受理";
      break;
    case CaseStatus::kSupplement:
      stage = c.accepted_on ? "办理中" : "待受理";
      result = "待补正";
      break;
    case CaseStatus::kInProgress:
      stage = c.step <= 1 ? "已受理" : "办理中";
      break;
    case CaseStatus::kCompleted:
      stage = "已办结";
      result = "办结";
      break;
    case CaseStatus::kNotAccepted:
      stage = "已办结";
      result = "不予受理";
      break;
    case CaseStatus::kRejected:
      stage = "已办结";
      result = "审核不通过";
      break;
    case CaseStatus::kWithdrawn:
      stage = "已办结";
      result = "已撤回";
      break;
  }
  // One line per step reached, with the date it was last acted on.
  static const std::set<std::string> kStepActions{"submit",   "accept",     "approve", "pay",
                                                  "complete", "not_accept", "reject",  "withdraw"};
  json steps = json::array();
  for (const auto& e : c.events) {
    if (!kStepActions.count(e.action)) continue;
    steps.push_back({{"step", e.step}, {"date", e.at.date().str()}});
  }
  json j = {{"case_no", c.case_no}, {"item_name", item.name}, {"stage", stage}, {"steps", steps}};
  if (!result.empty()) j["result"] = result;
  if (c.status == CaseStatus::kSupplement) j["notice"] = noticeJson(c.notice);
  if (c.status == CaseStatus::kInProgress || c.status == CaseStatus::kSupplement)
    j["current_step"] = item.flow.at(static_cast<size_t>(c.step)).step;
  if (d.due) {
    j["due_on"] = d.due->str();
    // 暂定: counted over a year whose holiday notice is not published yet; it will be recounted.
    j["due_provisional"] = d.provisional;
  }
  return j;
}

}  // namespace jingban
