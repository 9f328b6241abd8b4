#include "workflow/replay.hpp"

namespace jingban {

namespace {

MaterialStatus materialsOf(const nlohmann::json& data) {
  MaterialStatus m;
  if (data.contains("materials") && data["materials"].is_object())
    for (const auto& [k, v] : data["materials"].items())
      if (v.is_string()) m[k] = v.get<std::string>();
  return m;
}

std::string stringOf(const nlohmann::json& data, const char* key) {
  return data.contains(key) && data[key].is_string() ? data[key].get<std::string>() : "";
}

// The actor as recorded: replay re-checks the rules that depend on the case (order, four-eyes,
// reasons), not the roles the person held that day, which are not part of the log.
Actor replayActor(const Region& region, const Event& e) {
  Actor a{e.actor, {"supervisor"}, region.id, e.actor == "applicant"};
  for (const auto& r : region.roles) a.roles.insert(r.id);
  return a;
}

}  // namespace

Result<CaseState> replayCase(const Region& region, const Item& item, const WorkCalendar& calendar,
                             const CaseState& stored, const EventLog& events) {
  if (events.empty() || events.front().action != "submit")
    return fail(ErrorCode::kUnprocessable, "no_submission", "办理记录不以“申请”开始");
  const Event& first = events.front();
  Submission s;
  s.channel = stored.channel;
  s.query_code = stored.query_code;
  s.applicant = stored.applicant;
  s.conditions = stored.conditions;
  s.form = *stored.form;
  // Replayed on the flow the case was opened with, not on the item's current one.
  s.pinned_flow = stored.flow;
  s.pinned_flow_id = stored.flow_id;
  s.pinned_revision = stored.item_revision;
  if (first.data.contains("notice_due_on") && first.data["notice_due_on"].is_string())
    s.pinned_notice_due = Date::parse(first.data["notice_due_on"].get<std::string>());
  // Events written before the submission recorded its materials fall back on the stored ones.
  s.materials = first.data.contains("materials") ? materialsOf(first.data) : stored.materials;
  WorkflowContext ctx{region, item, calendar, first.at};
  auto c = openCase(ctx, s, stored.case_no);
  if (!c) return std::unexpected(c.error());
  c->submitted_at = stored.submitted_at;
  c->events.mutableAt(0) = first;
  for (size_t i = 1; i < events.size(); ++i) {
    const Event& e = events[i];
    Action a;
    a.name = e.action;
    a.comment = e.comment;
    a.materials = materialsOf(e.data);
    a.target_step = stringOf(e.data, "to");
    a.period = stringOf(e.data, "period");
    a.rating = stringOf(e.data, "rating");
    if (e.data.contains("amount_fen") && e.data["amount_fen"].is_number_integer())
      a.amount_fen = e.data["amount_fen"].get<int64_t>();
    // extend: the length approved (the rest of its data is derived again and compared).
    if (e.action == "extend" && e.data.contains("working_days"))
      a.data = {{"working_days", e.data["working_days"]}};
    WorkflowContext at{region, item, calendar, e.at};
    auto next = applyAction(at, *c, replayActor(region, e), a);
    if (!next)
      return fail(ErrorCode::kUnprocessable, "replay_refused",
                  "第 " + std::to_string(e.seq) + " 条记录（" + e.action + "）重放时被拒绝：" +
                      next.error().message);
    // Keep the recorded event itself (its data and hash), not the re-derived one.
    next->events.mutableBack() = e;
    c = std::move(next);
  }
  return c;
}

}  // namespace jingban
