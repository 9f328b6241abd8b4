#include "workflow/workflow.hpp"

#include <cstdint>

#include "common/money.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

namespace {

Error conflict(const std::string& slug, const std::string& msg) {
  return Error{ErrorCode::kConflict, slug, msg};
}

std::string windowsText(const Item& item) {
  std::string t;
  for (const auto& w : item.acceptance_windows) t += (t.empty() ? "" : "；") + w.text;
  return t;
}

nlohmann::json noticeJson(const std::vector<MissingMaterial>& missing) {
  auto a = nlohmann::json::array();
  for (const auto& m : missing) a.push_back({{"id", m.id}, {"name", m.name}});
  return a;
}

// The flow the case runs on: the one pinned at 申请 (a catalog edit never re-maps an open case).
const std::vector<FlowStep>& flowOf(const WorkflowContext& ctx, const CaseState& c) {
  return caseFlow(c, ctx.item);
}

// The flow step the case is at, for the actions that need one.
const FlowStep& current(const WorkflowContext& ctx, const CaseState& c) {
  return flowOf(ctx, c).at(static_cast<size_t>(c.step));
}

Result<void> requireStaffRole(const WorkflowContext& ctx, const Actor& actor,
                              const std::string& role) {
  if (actor.applicant) return fail(ErrorCode::kForbidden, "staff_only", "该操作须由经办人员办理");
  if (actor.region != ctx.region.id)
    return fail(
        ErrorCode::kForbidden, "wrong_region",
        "经办人员所属地区（" + actor.region + "）与办件地区（" + ctx.region.id + "）不一致");
  if (!actor.hasRole(role)) {
    const Role* r = ctx.region.role(role);
    return fail(ErrorCode::kForbidden, "role_required",
                "该环节须由“" + (r ? r->name : role) + "”办理");
  }
  return {};
}

Result<void> requireStep(const WorkflowContext& ctx, const CaseState& c, StepKind kind,
                         const std::string& action) {
  if (c.status != CaseStatus::kInProgress)
    return std::unexpected(conflict(
        "wrong_state",
        std::string("办件当前状态为“") + caseStatusName(c.status) + "”，不能执行 " + action));
  if (c.paused_since)
    return std::unexpected(
        conflict("paused", "办件处于暂停计时（" + c.pause_period + "）中，请先恢复"));
  const FlowStep& s = current(ctx, c);
  if (s.kind != kind)
    return std::unexpected(
        conflict("wrong_step", "办件当前在“" + s.step + "”环节，不能执行 " + action));
  return {};
}

Result<void> requireReason(const Action& a, const char* what) {
  if (a.comment.empty())
    return fail(ErrorCode::kUnprocessable, "reason_required", std::string(what) + "须填写原因");
  return {};
}

// Appends the event and returns the new state.
CaseState withEvent(const WorkflowContext& ctx, CaseState next, const Actor& actor, const Action& a,
                    const std::string& step, nlohmann::json data = nlohmann::json::object()) {
  Event e;
  e.seq = next.version() + 1;
  e.at = ctx.now;
  e.actor = actor.username;
  e.action = a.name;
  e.step = step;
  e.comment = a.comment;
  e.data = std::move(data);
  next.events.push_back(std::move(e));
  // The first answer to the application settles its one-time notice, in time or late.
  if (next.notice_due_on && !next.notice_answered_on &&
      (a.name == "return" || a.name == "accept" || a.name == "not_accept"))
    next.notice_answered_on = ctx.now.date();
  return next;
}

Result<void> endPause(const WorkflowContext& ctx, CaseState& c) {
  if (!c.paused_since) return {};
  auto days = ctx.calendar.countWorkingDays(*c.paused_since, ctx.now.date());
  if (!days) return std::unexpected(days.error());
  c.paused_days += days->days;
  c.paused_since.reset();
  c.pause_period.clear();
  auto due = caseDue(ctx.item, c, ctx.calendar);
  if (!due) return std::unexpected(due.error());
  if (*due) {
    c.due_on = (*due)->date;
    c.due_provisional = (*due)->provisional;
  }
  return {};
}

MaterialStatus merged(const MaterialStatus& base, const MaterialStatus& update) {
  MaterialStatus m = base;
  for (const auto& [k, v] : update) m[k] = v;
  return m;
}

// 四眼原则: whoever decided (approved, rejected, sent back or returned) at a review step held by
// one role may not decide at a review step held by another role of the same case (初审 vs 复审),
// whatever the outcome and even after a send-back. Consecutive steps of the same role (核对数据 →
// 结算 → 推送) are one hand's work.
Result<void> fourEyes(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                      const FlowStep& here) {
  static const std::set<std::string> kDecisions{"approve", "reject", "send_back", "return"};
  for (const auto& e : c.events) {
    if (e.actor != actor.username || !kDecisions.count(e.action)) continue;
    for (const auto& f : flowOf(ctx, c)) {
      if (f.step != e.step || f.kind != StepKind::kReview) continue;
      if (f.role != here.role)
        return fail(ErrorCode::kForbidden, "four_eyes",
                    "同一办件的“" + f.step + "”已由您办理，“" + here.step +
                        "”须由另一名工作人员办理（初审、复审不得为同一人）");
      break;
    }
  }
  return {};
}

Result<CaseState> accept(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                         const Action& a) {
  if (c.status != CaseStatus::kSubmitted)
    return std::unexpected(conflict(
        "wrong_state", std::string("办件状态为“") + caseStatusName(c.status) + "”，不能受理"));
  if (auto r = requireStaffRole(ctx, actor, flowOf(ctx, c).front().role); !r)
    return std::unexpected(r.error());
  Date today = ctx.now.date();
  auto open = anyWindowOpen(ctx.item.acceptance_windows, ctx.calendar, today);
  if (!open) return std::unexpected(open.error());
  if (!*open)
    return fail(ErrorCode::kUnprocessable, "outside_acceptance_window",
                "“" + ctx.item.name + "”仅在以下时间受理：" + windowsText(ctx.item) + "。今天（" +
                    today.str() + "）不在受理期内");
  if (auto r = checkStatuses(ctx.item, a.materials); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.materials = merged(c.materials, a.materials);
  auto missing = missingMaterials(ctx.item, n.conditions, n.materials, n.channel);
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : "、") + m.name;
    return fail(ErrorCode::kUnprocessable, "materials_missing",
                "材料不齐，不能受理，请一次性告知申请人补正：" + names);
  }
  auto due = computeDue(ctx.item, n.conditions, today, 0, ctx.calendar);
  if (!due) return std::unexpected(due.error());
  n.status = CaseStatus::kInProgress;
  n.accepted_on = today;
  // No due date when the seed states no limit (未载明).
  n.due_on = *due ? std::optional<Date>((*due)->date) : std::nullopt;
  n.due_provisional = *due && (*due)->provisional;
  n.step = 1;
  n.notice.clear();
  return withEvent(ctx, std::move(n), actor, a, flowOf(ctx, c).front().step,
                   {{"materials", a.materials},
                    {"due_on", n.due_on ? nlohmann::json(n.due_on->str()) : nlohmann::json()}});
}

// 退回补正 with the one-time notice: at 受理 (before the clock starts) or at a review step
// (the clock pauses until the applicant supplements).
Result<CaseState> returnForSupplement(const WorkflowContext& ctx, const CaseState& c,
                                      const Actor& actor, const Action& a) {
  bool before = c.status == CaseStatus::kSubmitted;
  if (!before) {
    if (auto r = requireStep(ctx, c, StepKind::kReview, "退回补正"); !r)
      return std::unexpected(r.error());
  }
  const FlowStep& s = current(ctx, c);
  if (auto r = requireStaffRole(ctx, actor, s.role); !r) return std::unexpected(r.error());
  if (!before) {
    if (auto r = fourEyes(ctx, c, actor, s); !r) return std::unexpected(r.error());
  }
  if (auto r = checkStatuses(ctx.item, a.materials); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.materials = merged(c.materials, a.materials);
  auto missing = missingMaterials(ctx.item, n.conditions, n.materials, n.channel);
  if (missing.empty())
    return fail(ErrorCode::kUnprocessable, "nothing_missing",
                "按材料清单没有缺少的材料，不能退回补正；如材料有误，请在清单中标记为 missing");
  n.notice = missing;
  n.status = CaseStatus::kSupplement;
  if (!before) {
    n.paused_since = ctx.now.date();
    n.pause_period = "supplement";
  }
  return withEvent(ctx, std::move(n), actor, a, s.step,
                   {{"notice", noticeJson(missing)}, {"materials", a.materials}});
}

Result<CaseState> supplement(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                             const Action& a) {
  if (c.status != CaseStatus::kSupplement)
    return std::unexpected(conflict("wrong_state", "办件未处于退回补正状态"));
  if (!actor.applicant) {
    if (auto r = requireStaffRole(ctx, actor, flowOf(ctx, c).front().role); !r)
      return std::unexpected(r.error());
  }
  if (a.materials.empty())
    return fail(ErrorCode::kUnprocessable, "materials_required", "请列出补正提交的材料");
  if (auto r = checkStatuses(ctx.item, a.materials); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.materials = merged(c.materials, a.materials);
  n.status = c.accepted_on ? CaseStatus::kInProgress : CaseStatus::kSubmitted;
  if (auto r = endPause(ctx, n); !r) return std::unexpected(r.error());
  auto still = missingMaterials(ctx.item, n.conditions, n.materials, n.channel);
  return withEvent(ctx, std::move(n), actor, a, current(ctx, c).step,
                   {{"materials", a.materials}, {"still_missing", noticeJson(still)}});
}

Result<CaseState> notAccept(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                            const Action& a) {
  if (c.status != CaseStatus::kSubmitted &&
      !(c.status == CaseStatus::kSupplement && !c.accepted_on))
    return std::unexpected(conflict("wrong_state", "只有尚未受理的办件可以不予受理"));
  if (auto r = requireStaffRole(ctx, actor, flowOf(ctx, c).front().role); !r)
    return std::unexpected(r.error());
  if (auto r = requireReason(a, "不予受理"); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.status = CaseStatus::kNotAccepted;
  n.closed_on = ctx.now.date();
  return withEvent(ctx, std::move(n), actor, a, flowOf(ctx, c).front().step);
}

Result<CaseState> approve(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                          const Action& a) {
  if (auto r = requireStep(ctx, c, StepKind::kReview, "审核通过"); !r)
    return std::unexpected(r.error());
  const FlowStep& s = current(ctx, c);
  if (auto r = requireStaffRole(ctx, actor, s.role); !r) return std::unexpected(r.error());
  if (auto r = fourEyes(ctx, c, actor, s); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.approvals[c.step] = actor.username;
  n.step = c.step + 1;
  nlohmann::json data = nlohmann::json::object();
  if (!a.data.empty()) data["entered"] = a.data;
  return withEvent(ctx, std::move(n), actor, a, s.step, std::move(data));
}

Result<CaseState> sendBack(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                           const Action& a) {
  if (c.status != CaseStatus::kInProgress || c.paused_since)
    return std::unexpected(conflict("wrong_state", "办件当前不能退回"));
  const FlowStep& s = current(ctx, c);
  if (s.kind != StepKind::kReview && s.kind != StepKind::kPay)
    return std::unexpected(conflict("wrong_step", "“" + s.step + "”环节不能退回"));
  if (auto r = requireStaffRole(ctx, actor, s.role); !r) return std::unexpected(r.error());
  if (auto r = requireReason(a, "退回"); !r) return std::unexpected(r.error());
  if (s.kind == StepKind::kReview) {
    if (auto r = fourEyes(ctx, c, actor, s); !r) return std::unexpected(r.error());
  }
  int target = -1;
  const auto& flow = flowOf(ctx, c);
  for (int i = 1; i < c.step; ++i)
    if (flow[static_cast<size_t>(i)].step == a.target_step &&
        flow[static_cast<size_t>(i)].kind == StepKind::kReview)
      target = i;
  if (target < 0)
    return fail(ErrorCode::kUnprocessable, "bad_target_step",
                "只能退回到本办件此前的审核环节，“" + a.target_step + "”不是");
  CaseState n = c;
  for (auto it = n.approvals.begin(); it != n.approvals.end();)
    it = it->first >= target ? n.approvals.erase(it) : std::next(it);
  n.step = target;
  return withEvent(ctx, std::move(n), actor, a, s.step, {{"to", a.target_step}});
}

Result<CaseState> reject(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                         const Action& a) {
  if (auto r = requireStep(ctx, c, StepKind::kReview, "审核不通过"); !r)
    return std::unexpected(r.error());
  const FlowStep& s = current(ctx, c);
  if (auto r = requireStaffRole(ctx, actor, s.role); !r) return std::unexpected(r.error());
  if (auto r = requireReason(a, "审核不通过"); !r) return std::unexpected(r.error());
  if (auto r = fourEyes(ctx, c, actor, s); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.status = CaseStatus::kRejected;
  n.closed_on = ctx.now.date();
  return withEvent(ctx, std::move(n), actor, a, s.step);
}

Result<CaseState> pay(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                      const Action& a) {
  if (auto r = requireStep(ctx, c, StepKind::kPay, "拨付"); !r) return std::unexpected(r.error());
  const FlowStep& s = current(ctx, c);
  if (auto r = requireStaffRole(ctx, actor, s.role); !r) return std::unexpected(r.error());
  if (!a.amount_fen)
    return fail(ErrorCode::kUnprocessable, "amount_required", "拨付须填写金额（整数，单位：分）");
  auto amount = Money::amount(*a.amount_fen);
  if (!amount) return std::unexpected(amount.error());
  auto before = Money::total(c.paid_fen, "paid_fen", Money::kMaxFen * 1000);
  if (!before) return std::unexpected(before.error());
  auto paid = before->plus(*amount);
  if (!paid) return std::unexpected(paid.error());
  CaseState n = c;
  // A later pay step of the same flow (Xining 待遇支付's 编制待遇支付会计凭证) books what the first
  // one paid: its amount is checked by the effect, not paid a second time.
  bool paid_before = false;
  const auto& flow = flowOf(ctx, c);
  for (int i = 0; i < c.step; ++i)
    paid_before |= flow[static_cast<size_t>(i)].kind == StepKind::kPay;
  if (!paid_before) n.paid_fen = paid->fen();
  n.step = c.step + 1;
  return withEvent(ctx, std::move(n), actor, a, s.step, {{"amount_fen", *a.amount_fen}});
}

Result<CaseState> complete(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                           const Action& a) {
  if (auto r = requireStep(ctx, c, StepKind::kComplete, "办结"); !r)
    return std::unexpected(r.error());
  const FlowStep& s = current(ctx, c);
  if (auto r = requireStaffRole(ctx, actor, s.role); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.status = CaseStatus::kCompleted;
  n.closed_on = ctx.now.date();
  return withEvent(ctx, std::move(n), actor, a, s.step);
}

Result<CaseState> withdraw(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                           const Action& a) {
  if (isTerminal(c.status)) return std::unexpected(conflict("wrong_state", "办件已结束，不能撤回"));
  if (!actor.applicant) {
    if (auto r = requireStaffRole(ctx, actor, flowOf(ctx, c).front().role); !r)
      return std::unexpected(r.error());
    if (auto r = requireReason(a, "代为撤回"); !r) return std::unexpected(r.error());
  }
  CaseState n = c;
  n.status = CaseStatus::kWithdrawn;
  n.closed_on = ctx.now.date();
  return withEvent(ctx, std::move(n), actor, a, current(ctx, c).step);
}

Result<CaseState> pause(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                        const Action& a) {
  if (c.status != CaseStatus::kInProgress || c.paused_since)
    return std::unexpected(conflict("wrong_state", "只有办理中且未暂停的办件可以暂停计时"));
  const UncountedPeriod* p = ctx.item.uncounted(a.period);
  if (!p)
    return fail(ErrorCode::kUnprocessable, "not_uncounted",
                "“" + a.period + "”不是本事项规定的不计入时限的期间");
  if (auto r = requireStaffRole(ctx, actor, current(ctx, c).role); !r)
    return std::unexpected(r.error());
  CaseState n = c;
  n.paused_since = ctx.now.date();
  n.pause_period = p->id;
  return withEvent(ctx, std::move(n), actor, a, current(ctx, c).step, {{"period", p->id}});
}

Result<CaseState> resume(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                         const Action& a) {
  if (c.status != CaseStatus::kInProgress || !c.paused_since)
    return std::unexpected(conflict("wrong_state", "办件未处于暂停计时状态"));
  if (auto r = requireStaffRole(ctx, actor, current(ctx, c).role); !r)
    return std::unexpected(r.error());
  CaseState n = c;
  std::string period = n.pause_period;
  if (auto r = endPause(ctx, n); !r) return std::unexpected(r.error());
  nlohmann::json due = n.due_on ? nlohmann::json(n.due_on->str()) : nlohmann::json();
  return withEvent(ctx, std::move(n), actor, a, current(ctx, c).step,
                   {{"period", period}, {"due_on", due}});
}

// A due date counted over a year whose holiday notice was missing, counted again now that the
// calendar has it. Only the system does this (after a calendar reload), and only when it changes
// something; the event records the old and the new date.
Result<CaseState> recountDeadline(const WorkflowContext& ctx, const CaseState& c,
                                  const Actor& actor, const Action& a) {
  if (actor.username != kSystemActor || actor.applicant)
    return fail(ErrorCode::kForbidden, "system_only", "该操作仅由系统执行");
  if (isTerminal(c.status) || !c.accepted_on || !c.due_on)
    return std::unexpected(conflict("wrong_state", "办件未在办理中，无需重新计算期限"));
  auto counted = caseDue(ctx.item, c, ctx.calendar);
  if (!counted) return std::unexpected(counted.error());
  if (!*counted) return std::unexpected(conflict("unchanged", "办理期限未载明，无需重新计算"));
  const DueDate* due = &**counted;
  if (due->date == *c.due_on && due->provisional == c.due_provisional)
    return std::unexpected(conflict("unchanged", "办理期限不变"));
  CaseState n = c;
  n.due_on = due->date;
  n.due_provisional = due->provisional;
  Action recorded = a;
  recorded.comment = "节假日安排更新，重新计算办理期限";
  return withEvent(ctx, std::move(n), actor, recorded, current(ctx, c).step,
                   {{"previous_due_on", c.due_on->str()},
                    {"due_on", due->date.str()},
                    {"provisional", due->provisional}});
}

// 遇特殊情况适当延长: a supervisor approves an extension of an open case's limit by 1…N working
// days, N being what the item's limit still allows (all of a case's extensions together at most
// the limit's own days). The due date moves by exactly that many working days; the event and the
// case's list of extensions record who, when, how long and why.
Result<CaseState> extend(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                         const Action& a) {
  if (actor.applicant) return fail(ErrorCode::kForbidden, "staff_only", "该操作须由经办人员办理");
  if (isTerminal(c.status))
    return std::unexpected(conflict(
        "wrong_state",
        std::string("办件状态为“") + caseStatusName(c.status) + "”，已结束，不能延长办理时限"));
  if (!c.accepted_on)
    return std::unexpected(conflict("wrong_state", "办件尚未受理，办理时限尚未起算，不能延长"));
  const TimeLimit& limit = ctx.item.limitFor(c.conditions);
  if (!limit.extension.allowed)
    return fail(ErrorCode::kUnprocessable, "extension_not_allowed",
                "“" + ctx.item.name + "”的办理时限依据文件未规定可以延长");
  // The role whose kind is supervisor (监督人员): the one that watches deadlines and overdue
  // cases; a clerk of the step may not extend his own limit.
  const Role* approver = nullptr;
  for (const auto& r : ctx.region.roles)
    if (r.kind == "supervisor" && !approver) approver = &r;
  if (actor.region != ctx.region.id)
    return fail(
        ErrorCode::kForbidden, "wrong_region",
        "经办人员所属地区（" + actor.region + "）与办件地区（" + ctx.region.id + "）不一致");
  bool may = false;
  for (const auto& r : ctx.region.roles)
    may = may || (r.kind == "supervisor" && actor.hasRole(r.id));
  if (!may)
    return fail(
        ErrorCode::kForbidden, "role_required",
        "延长办理时限须由“" + (approver ? approver->name : std::string("监督人员")) + "”批准");
  int used = c.extendedWorkingDays();
  int left = limit.extension.max_working_days - used;
  if (left <= 0)
    return fail(ErrorCode::kUnprocessable, "extension_exhausted",
                "本办件已累计延长 " + std::to_string(used) +
                    " 个工作日，已达上限（不超过本事项时限 " +
                    std::to_string(limit.extension.max_working_days) + " 个工作日）");
  for (const auto& [k, v] : a.data.items())
    if (k != "working_days")
      return fail(ErrorCode::kUnprocessable, "bad_extension",
                  "延长办理时限的 data 只能包含 working_days（延长的工作日数）");
  auto days = a.data.find("working_days");
  if (days == a.data.end() || !days->is_number_integer())
    return fail(ErrorCode::kUnprocessable, "working_days_required",
                "请填写延长的工作日数（data.working_days，整数）");
  // Compared as int64: a huge number must be refused, not wrapped into range.
  int64_t want = days->is_number_unsigned() && days->get<uint64_t>() > INT64_MAX
                     ? INT64_MAX
                     : days->get<int64_t>();
  if (want < 1 || want > left)
    return fail(ErrorCode::kUnprocessable, "working_days_out_of_range",
                "延长的工作日数须在 1 到 " + std::to_string(left) + " 之间（累计不超过本事项时限 " +
                    std::to_string(limit.extension.max_working_days) + " 个工作日，已延长 " +
                    std::to_string(used) + " 个工作日）");
  if (auto r = requireReason(a, "延长办理时限"); !r) return std::unexpected(r.error());
  CaseState next = c;
  next.extensions.push_back(
      {c.version() + 1, ctx.now, actor.username, static_cast<int>(want), a.comment});
  auto due = caseDue(ctx.item, next, ctx.calendar);
  if (!due) return std::unexpected(due.error());
  if (!*due) return std::unexpected(conflict("wrong_state", "办理期限未载明，不能延长"));
  next.due_on = (*due)->date;
  next.due_provisional = (*due)->provisional;
  const FlowStep* s = currentStep(c, ctx.item);
  return withEvent(
      ctx, std::move(next), actor, a, s ? s->step : "延长",
      {{"working_days", want},
       {"extended_working_days", used + want},
       {"previous_due_on", c.due_on ? nlohmann::json(c.due_on->str()) : nlohmann::json()},
       {"due_on", (*due)->date.str()},
       {"provisional", (*due)->provisional}});
}

Result<CaseState> rate(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                       const Action& a) {
  if (!actor.applicant)
    return fail(ErrorCode::kForbidden, "applicant_only", "好差评只能由申请人本人评价");
  if (c.status != CaseStatus::kCompleted && c.status != CaseStatus::kNotAccepted &&
      c.status != CaseStatus::kRejected)
    return std::unexpected(conflict("wrong_state", "办件办结后才能评价"));
  if (!c.rating.empty())
    return std::unexpected(conflict("already_rated", "该办件已评价，不能重复评价"));
  int rank = ctx.region.ratingRank(a.rating);
  if (rank < 0) {
    std::string scale;
    for (const auto& s : ctx.region.rating_scale) scale += (scale.empty() ? "" : "、") + s;
    return fail(ErrorCode::kUnprocessable, "bad_rating", "评价须为：" + scale);
  }
  bool below = rank > ctx.region.ratingRank(ctx.region.rating_satisfied);
  if (below && a.comment.empty())
    return fail(ErrorCode::kUnprocessable, "reason_required",
                "评价低于“" + ctx.region.rating_satisfied + "”时须填写原因");
  CaseState n = c;
  n.rating = a.rating;
  n.rating_reason = a.comment;
  if (below) n.follow_up = "open";
  return withEvent(ctx, std::move(n), actor, a, "评价",
                   {{"rating", a.rating}, {"follow_up", below}});
}

Result<CaseState> resolveFollowUp(const WorkflowContext& ctx, const CaseState& c,
                                  const Actor& actor, const Action& a) {
  if (c.follow_up != "open")
    return std::unexpected(conflict("no_follow_up", "该办件没有待处理的差评回访"));
  if (actor.applicant || actor.region != ctx.region.id || !actor.hasRole("supervisor"))
    return fail(ErrorCode::kForbidden, "role_required", "差评回访须由监督人员处理");
  if (auto r = requireReason(a, "回访处理"); !r) return std::unexpected(r.error());
  CaseState n = c;
  n.follow_up = "resolved";
  return withEvent(ctx, std::move(n), actor, a, "回访");
}

}  // namespace

const std::set<std::string>& actionNames() {
  static const std::set<std::string> names{
      "accept",    "return", "supplement", "not_accept",        "approve",
      "send_back", "reject", "pay",        "complete",          "withdraw",
      "pause",     "resume", "rate",       "resolve_follow_up", "extend"};
  return names;
}

namespace {

// 生育后三个月内 …: the date the item's applicant limit names must be given in the form and lie
// within the limit before the day of application.
Result<void> checkApplicantLimits(const WorkflowContext& ctx, const Submission& s) {
  Date today = ctx.now.date();
  for (const auto& l : ctx.item.applicant_limits) {
    if (!l.when.empty() && !s.conditions.count(l.when)) continue;
    if (!l.unless.empty() && s.conditions.count(l.unless)) continue;
    const FormField* f = ctx.item.formSchema().field(l.field);
    std::string label = f ? f->label : l.field;
    auto v = s.form.find(l.field);
    std::optional<Date> d;
    if (v != s.form.end() && v->is_string()) d = Date::parse(v->get<std::string>());
    if (!d)
      return fail(ErrorCode::kUnprocessable, "applicant_limit_date_required",
                  "请在表单中填写“" + label + "”（" + l.text + "）");
    if (*d > today)
      return fail(ErrorCode::kUnprocessable, "applicant_limit_date_future",
                  "表单字段“" + label + "”不能晚于申请日期");
    Date last = applicantDeadline(l.limit, *d);
    if (today > last)
      return fail(ErrorCode::kUnprocessable, "applicant_limit_passed",
                  "已超过申请期限：" + l.text + "（按“" + label + "”计，最迟应于 " + last.str() +
                      " 申请）");
  }
  return {};
}

}  // namespace

Result<CaseState> openCase(const WorkflowContext& ctx, const Submission& s,
                           const std::string& case_no) {
  // A replay of a recorded 申请 carries the flow pinned then; the checks of that day were made.
  bool replay = s.pinned_flow != nullptr;
  // An internal routine is opened by the agency's staff (entered_by), as the agency, never by an
  // applicant.
  bool by_agency = s.applicant.kind == kAgencyApplicant && s.channel == kInternalChannel &&
                   !s.entered_by.empty();
  if (ctx.item.internal && !replay && !by_agency)
    return fail(ErrorCode::kUnprocessable, "internal_item",
                "“" + ctx.item.name + "”是经办机构内部办理流程，不受理申请");
  if (!ctx.item.internal && !ctx.item.acceptsApplicant(s.applicant.kind) && !replay) {
    std::string kinds;
    for (const auto& k : ctx.item.applicant) kinds += (kinds.empty() ? "" : "/") + k;
    return fail(ErrorCode::kUnprocessable, "wrong_applicant",
                "“" + ctx.item.name + "”的申请人类型应为 " + kinds);
  }
  if (s.applicant.name.empty())
    return fail(ErrorCode::kUnprocessable, "name_required", "请填写申请人名称");
  for (const auto& cond : s.conditions)
    if (!ctx.item.condition(cond))
      return fail(ErrorCode::kUnprocessable, "unknown_condition",
                  "事项“" + ctx.item.name + "”没有情形 " + cond);
  if (auto r = checkStatuses(ctx.item, s.materials); !r) return std::unexpected(r.error());
  if (!replay) {
    if (auto r = checkApplicantLimits(ctx, s); !r) return std::unexpected(r.error());
  }
  CaseState c;
  if (replay) {
    c.flow = s.pinned_flow;
    c.flow_id = s.pinned_flow_id;
    c.item_revision = s.pinned_revision;
    c.notice_due_on = s.pinned_notice_due;
  } else {
    // Chosen by channel, applicant kind and conditions, and pinned with the case.
    c.flow = std::make_shared<const std::vector<FlowStep>>(
        ctx.item.flowFor(s.channel, s.applicant.kind, s.conditions, &c.flow_id));
    c.item_revision = ctx.item.revision;
    // The one-time notice's due date, counted now from the item's limit and recorded in the
    // event: a replay takes it from there, whatever the catalog or calendar say later. An
    // application before the loaded calendar years gets none rather than being refused.
    if (ctx.item.notice_limit)
      if (auto due = limitDue(*ctx.item.notice_limit, ctx.now.date(), ctx.calendar); due && *due)
        c.notice_due_on = (*due)->date;
  }
  c.case_no = case_no;
  c.region = ctx.region.id;
  c.item_code = ctx.item.code;
  c.item_name = ctx.item.name;
  c.channel = s.channel;
  c.query_code = s.query_code;
  c.applicant = s.applicant;
  c.conditions = s.conditions;
  c.form = std::make_shared<const nlohmann::json>(s.form);
  c.materials = s.materials;
  c.submitted_at = ctx.now;
  // 申请 is the applicant's event even when a clerk enters it at the window (the staff statistics
  // count the clerk's decisions, not the applicant's application); the clerk is kept in its data
  // for the audit trail.
  Actor applicant{"applicant", {}, ctx.region.id, true};
  Action a{.name = "submit"};
  nlohmann::json data = {{"channel", s.channel}, {"materials", s.materials}};
  if (!s.entered_by.empty()) data["entered_by"] = s.entered_by;
  if (c.notice_due_on) data["notice_due_on"] = c.notice_due_on->str();
  return withEvent(ctx, std::move(c), applicant, a, "申请", std::move(data));
}

Result<CaseState> applyAction(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                              const Action& a) {
  if (a.name == "accept") return accept(ctx, c, actor, a);
  if (a.name == "return") return returnForSupplement(ctx, c, actor, a);
  if (a.name == "supplement") return supplement(ctx, c, actor, a);
  if (a.name == "not_accept") return notAccept(ctx, c, actor, a);
  if (a.name == "approve") return approve(ctx, c, actor, a);
  if (a.name == "send_back") return sendBack(ctx, c, actor, a);
  if (a.name == "reject") return reject(ctx, c, actor, a);
  if (a.name == "pay") return pay(ctx, c, actor, a);
  if (a.name == "complete") return complete(ctx, c, actor, a);
  if (a.name == "withdraw") return withdraw(ctx, c, actor, a);
  if (a.name == "pause") return pause(ctx, c, actor, a);
  if (a.name == "resume") return resume(ctx, c, actor, a);
  if (a.name == "rate") return rate(ctx, c, actor, a);
  if (a.name == "resolve_follow_up") return resolveFollowUp(ctx, c, actor, a);
  if (a.name == "extend") return extend(ctx, c, actor, a);
  if (a.name == "recount_deadline") return recountDeadline(ctx, c, actor, a);
  return fail(ErrorCode::kNotFound, "unknown_action", "未知的办理动作：" + a.name);
}

std::vector<std::string> permittedActions(const WorkflowContext& ctx, const CaseState& c,
                                          const Actor& actor) {
  // Refusals that say "not now" although they are 422s: the item or the moment forbids it, no
  // input would help.
  static const std::set<std::string> kNotNow{"outside_acceptance_window", "extension_not_allowed",
                                             "extension_exhausted", "not_uncounted"};
  std::vector<std::string> out;
  for (const auto& name : actionNames()) {
    Action a{.name = name, .comment = "-"};
    if (!ctx.item.uncounted_periods.empty()) a.period = ctx.item.uncounted_periods.front().id;
    a.data = {{"working_days", 1}};
    auto r = applyAction(ctx, c, actor, a);
    if (r) {
      out.push_back(name);
      continue;
    }
    const Error& e = r.error();
    if (e.code == ErrorCode::kForbidden || e.code == ErrorCode::kConflict) continue;
    if (kNotNow.count(e.slug)) continue;
    out.push_back(name);
  }
  return out;
}

}  // namespace jingban
