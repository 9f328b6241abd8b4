#include "http/case_views.hpp"

#include "catalog/guide.hpp"
#include "common/json_writer.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

// The public item (catalog/guide: what the 办事指南 says, with the form schema and the item's
// revision), never the cataloguer's notes.
json itemJson(const Item& it, const Region& region) { return publicItemJson(it, region); }

namespace {
json noticeJson(const std::vector<MissingMaterial>& n) {
  json a = json::array();
  for (const auto& m : n) a.push_back({{"id", m.id}, {"name", m.name}});
  return a;
}
}  // namespace

json eventView(const Event& e) {
  return {{"seq", e.seq},   {"at", e.at.iso()},     {"actor", e.actor}, {"action", e.action},
          {"step", e.step}, {"comment", e.comment}, {"data", e.data}};
}

std::string caseOutcomeText(const CaseState& c, const Item& item, const DeadlineView& d,
                            const OutcomeExtras& extras) {
  auto date = [](JsonWriter& w, const std::optional<Date>& v) -> JsonWriter& {
    return v ? w.str(v->str()) : w.null();
  };
  JsonWriter w;
  w.beginObject();
  date(w.key("accepted_on"), c.accepted_on);
  w.key("case_no").str(c.case_no);
  date(w.key("closed_on"), c.closed_on);
  w.key("deadline_status").str(deadlineStatusName(d.status));
  date(w.key("due_on"), d.due);
  w.key("due_provisional").boolean(d.provisional);
  if (!c.events.empty()) {
    const Event& e = c.events.back();
    w.key("event").beginObject();
    w.key("action").str(e.action).key("actor").str(e.actor).key("at").str(e.at.iso());
    w.key("comment").str(e.comment).key("seq").num(e.seq).key("step").str(e.step);
    w.endObject();
  }
  w.key("extended_working_days").num(d.extended_working_days);
  // 遇特殊情况适当延长: each approved extension (staff views; the applicant sees the days only).
  w.key("extensions").beginArray();
  for (const auto& x : c.extensions) {
    w.beginObject().key("at").str(x.at.iso()).key("by").str(x.by).key("reason").str(x.reason);
    w.key("seq").num(x.seq).key("working_days").num(x.working_days).endObject();
  }
  w.endArray();
  w.key("flow_id").str(c.flow_id);
  w.key("follow_up").str(c.follow_up);
  w.key("item_code").str(c.item_code);
  w.key("item_revision").str(c.item_revision);
  w.key("notice").beginArray();
  for (const auto& m : c.notice)
    w.beginObject().key("id").str(m.id).key("name").str(m.name).endObject();
  w.endArray();
  if (d.notice_due) {  // 定点医药机构 applications: the one-time notice's own deadline
    date(w.key("notice_answered_on"), d.notice_answered_on);
    if (d.notice_status) w.key("notice_deadline_status").str(deadlineStatusName(*d.notice_status));
    w.key("notice_due_on").str(d.notice_due->str());
  }
  w.key("paid_fen").num(c.paid_fen);
  w.key("paused").boolean(c.paused_since.has_value());
  if (extras.query_code) w.key("query_code").str(*extras.query_code);
  w.key("rating").str(c.rating);
  if (const auto& fx = extras.register_effect) {
    w.key("register_effect").beginObject();
    w.key("implemented").boolean(fx->implemented).key("name").str(fx->name);
    if (fx->payable_fen) w.key("payable_fen").num(*fx->payable_fen);
    w.endObject();
  }
  w.key("status").str(caseStatusName(c.status));
  // The step on the case's own (pinned) flow; an index outside it (a stored case whose flow was
  // never pinned, after an edit) shows as a step without name rather than failing the view.
  w.key("step").beginObject().key("index").num(c.step);
  if (const FlowStep* s = currentStep(c, item)) {
    w.key("kind").str(stepKindName(s->kind)).key("name").str(s->step).key("role").str(s->role);
  } else {
    w.key("kind").null().key("name").null().key("role").null();
  }
  w.endObject();
  w.key("step_deadline_status");
  if (d.step_status)
    w.str(deadlineStatusName(*d.step_status));
  else
    w.null();
  date(w.key("step_due"), d.step_due);
  w.key("version").num(c.version());
  w.endObject();
  return w.take();
}

json caseOutcomeJson(const CaseState& c, const Item& item, const DeadlineView& d) {
  return json::parse(caseOutcomeText(c, item, d));
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
  // A line that ended the case otherwise than by 办结 says so: its step is where it happened.
  static const std::map<std::string, std::string> kOutcomes{
      {"not_accept", "不予受理"}, {"reject", "审核不通过"}, {"withdraw", "已撤回"}};
  json steps = json::array();
  for (const auto& e : c.events) {
    if (!kStepActions.count(e.action)) continue;
    json line = {{"step", e.step}, {"date", e.at.date().str()}};
    if (auto o = kOutcomes.find(e.action); o != kOutcomes.end()) line["outcome"] = o->second;
    steps.push_back(std::move(line));
  }
  json j = {{"case_no", c.case_no}, {"item_name", item.name}, {"stage", stage}, {"steps", steps}};
  if (!result.empty()) j["result"] = result;
  // 不予受理 / 审核不通过: the reason recorded with the refusing event (the applicant is owed it).
  if (c.status == CaseStatus::kNotAccepted || c.status == CaseStatus::kRejected) {
    const char* refusal = c.status == CaseStatus::kNotAccepted ? "not_accept" : "reject";
    for (auto e = c.events.rbegin(); e != c.events.rend(); ++e)
      if (e->action == refusal) {
        j["reason"] = e->comment;
        break;
      }
  }
  if (c.status == CaseStatus::kSupplement) j["notice"] = noticeJson(c.notice);
  if (!c.rating.empty()) j["rating"] = c.rating;  // 好差评 given: not offered again
  if (c.status == CaseStatus::kInProgress || c.status == CaseStatus::kSupplement)
    if (const FlowStep* s = currentStep(c, item)) j["current_step"] = s->step;
  if (d.due) {
    j["due_on"] = d.due->str();
    // 暂定: counted over a year whose holiday notice is not published yet; it will be recounted.
    j["due_provisional"] = d.provisional;
    if (d.extended_working_days > 0) j["extended_working_days"] = d.extended_working_days;
  }
  return j;
}

std::string ApiCaseViews::outcomeText(const CaseState& c, const Item& item, const DeadlineView& d,
                                      const OutcomeExtras& extras) const {
  return caseOutcomeText(c, item, d, extras);
}

json ApiCaseViews::full(const CaseState& c, const Item& item, const DeadlineView& d,
                        bool with_events) const {
  return caseJson(c, item, d, with_events);
}

json ApiCaseViews::progress(const CaseState& c, const Item& item, const DeadlineView& d) const {
  return progressJson(c, item, d);
}

}  // namespace jingban
