#include "cases/case_service.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <future>
#include <set>

#include "common/hash.hpp"
#include "common/money.hpp"
#include "obs/log.hpp"
#include "validate/identity.hpp"
#include "workflow/event_chain.hpp"

namespace jingban {

using nlohmann::json;

// One case in the cache. `state` only ever holds a committed version. While `busy`, an action of
// this case is between the workflow and its commit; the next actions wait in `waiting`.
struct CaseService::Entry {
  std::mutex mu;
  std::shared_ptr<const CaseState> state;
  bool loaded = false, busy = false, stale = false;
  std::deque<std::function<void()>> waiting;
  std::deque<IdempotencyRecord> recent;  // the last answered keyed actions of this case
  // `recent` holds every keyed action the case ever had: the case was submitted by this process
  // and no key has dropped out since. A key not in it then needs no look-up in the store.
  bool recent_complete = false;
  std::atomic<uint64_t> last_used{0};
};

// A keyed submission in flight or answered: retries wait for the first attempt's answer.
struct CaseService::IdemSlot {
  std::string request_hash;
  bool done = false;
  std::optional<Result<std::string>> result;
  std::vector<Reply> waiters;
};

namespace {

constexpr size_t kRecentKeysPerCase = 8;
constexpr size_t kSubmitKeysKept = 100000;

Error notFound(const std::string& what) { return Error{ErrorCode::kNotFound, "not_found", what}; }

Error keyReused() {
  return Error{ErrorCode::kUnprocessable, "idempotency_key_reused",
               "该幂等键（Idempotency-Key）已用于内容不同的另一请求，请换用新的键"};
}

// The answer to every mismatch of case number, ID number and query code.
Error noSuchApplication() {
  return Error{ErrorCode::kNotFound, "not_found", "办件编号、证件号码或查询码不正确"};
}

std::string sequenceText(int64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(n));
  return buf;
}

bool indexedColumnsChanged(const CaseState& a, const CaseState& b) {
  return a.status != b.status || a.due_on != b.due_on || a.follow_up != b.follow_up ||
         a.closed_on != b.closed_on || a.accepted_on != b.accepted_on ||
         a.due_provisional != b.due_provisional || a.noticeOwedBy() != b.noticeOwedBy();
}

std::string upper(const std::string& s) {
  std::string out = s;
  for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

CaseService::CaseService(std::shared_ptr<const Catalog> catalog,
                         std::shared_ptr<const WorkCalendar> calendar, Store& store,
                         Committer& committer, const EffectRegistry& effects,
                         const CaseViews& views, Clock clock, Options options)
    : catalog_(std::move(catalog)),
      calendar_(std::move(calendar)),
      store_(store),
      committer_(committer),
      effects_(effects),
      views_(views),
      clock_(std::move(clock)),
      options_(options) {}

std::shared_ptr<const WorkCalendar> CaseService::calendar() const {
  std::lock_guard lk(calendar_mu_);
  return calendar_;
}

Result<CaseService::Located> CaseService::itemOf(const CaseState& c) const {
  const Region* r = catalog_->region(c.region);
  const Item* it = r ? r->item(c.item_code) : nullptr;
  if (!it) return std::unexpected(notFound("办件所属事项已不在事项目录中：" + c.item_code));
  // The case runs on the flow pinned at 申请; only a case stored before pinning uses the item's
  // current flow, and a catalog edit may have shortened that one.
  if (!currentStep(c, *it))
    return fail(ErrorCode::kConflict, "flow_changed",
                "办件所在环节已不在该事项当前的办理流程中，请联系管理员");
  return Located{r, it};
}

Result<DeadlineView> CaseService::deadline(const CaseState& c, const WorkCalendar& cal) const {
  return deadlineOn(c, cal, today());
}

Result<std::string> CaseService::actionBody(const CaseState& c, const WorkCalendar& cal) const {
  auto found = itemOf(c);
  if (!found) return std::unexpected(found.error());
  auto d = deadline(c, cal);
  if (!d) return std::unexpected(d.error());
  OutcomeExtras extras;
  const EffectHandler* h = effects_.find(found->item->effect);
  extras.register_effect =
      OutcomeExtras::Effect{found->item->effect, h != nullptr, h ? h->payable(c) : std::nullopt};
  return views_.outcomeText(c, *found->item, *d, extras);
}

json CaseService::withEffectView(json j, const CaseState& c, const Item& item) const {
  const EffectHandler* h = effects_.find(item.effect);
  json effect = {{"name", item.effect}, {"implemented", h != nullptr}};
  if (h) {
    json v = h->view(c);
    if (v.is_object())
      for (auto& [k, val] : v.items()) {
        if (k == "settlement")
          j["settlement"] = val;  // the 结算单 is a top-level field of the case (the contract)
        else
          effect[k] = val;
      }
  }
  if (h)
    if (auto due = h->payable(c)) effect["payable_fen"] = *due;  // what 拨付 must pay
  j["register_effect"] = std::move(effect);
  return j;
}

Result<CaseState> CaseService::withEffect(const WorkflowContext& ctx, const CaseState& cur,
                                          const Actor& actor, const Action& action,
                                          CaseState next) const {
  const EffectHandler* h = effects_.find(ctx.item.effect);
  if (!h) return next;
  if (action.name != "accept" && action.name != "approve" && action.name != "pay") return next;
  // Validated on the committed registers: a case they cannot take is refused here, at 受理 or
  // review, never at 办结. (The transaction re-checks what it writes.)
  // One snapshot for all the handler's reads: they agree with each other.
  auto view = store_.registers().snapshot();
  auto verdict = h->validate(EffectInput{ctx.region, ctx.item, next}, *view);
  if (!verdict) return std::unexpected(verdict.error());
  if (!verdict->send_back_to.empty()) {
    // The effect's own check failed in a way the flow draws as a loop (chart 4-3: the figures
    // differ → back to 初审): the reviewer's approval becomes a return, with the reason.
    Action back;
    back.name = "send_back";
    back.comment = verdict->reason;
    back.target_step = verdict->send_back_to;
    auto sent = applyAction(ctx, cur, actor, back);
    if (!sent) return std::unexpected(sent.error());
    next = std::move(*sent);
    next.events.mutableBack().data["automatic"] = true;
  }
  if (!verdict->record.empty()) {
    auto& data = next.events.mutableBack().data;
    for (auto& [k, v] : verdict->record.items()) data[k] = std::move(v);  // the 结算单: no copy
  }
  if (action.name == "pay") {
    if (auto due = h->payable(next)) {
      auto& data = next.events.mutableBack().data;
      data["payable_fen"] = *due;
      if (action.amount_fen && *action.amount_fen != *due) {
        if (action.comment.empty()) {
          auto paid = Money::amount(*action.amount_fen), payable = Money::total(*due);
          return fail(ErrorCode::kUnprocessable, "amount_differs",
                      "拨付金额 " + (paid ? paid->yuan() : std::string("?")) +
                          " 元与结算单应付金额 " + (payable ? payable->yuan() : std::string("?")) +
                          " 元不一致；确需按不同金额拨付的，须填写原因");
        }
        data["differs_from_payable"] = true;
      }
    }
  }
  return next;
}

CaseService::Stats CaseService::stats() const {
  Stats s;
  for (auto& sh : const_cast<std::array<Shard, kShards>&>(shards_)) {
    std::lock_guard lk(sh.mu);
    s.cached_cases += sh.map.size();
  }
  std::lock_guard lk(idem_mu_);
  s.idempotency_slots = idem_.size();
  return s;
}

Result<std::map<std::string, int64_t>> CaseService::openByDeadline(
    const std::string& region) const {
  Date day = today();
  auto next = calendar()->plusWorkingDays(day, 1);
  if (!next) return std::unexpected(next.error());
  std::map<std::string, int64_t> out;
  CaseFilter open;
  open.region = region;
  open.open_only = true;
  auto total = store_.countCases(open);
  if (!total) return std::unexpected(total.error());
  CaseFilter overdue = open;
  overdue.due_before = day;
  CaseFilter soon = open;
  soon.due_until = next->date;
  CaseFilter started = open;
  started.due_until = Date::fromYmd(9999, 12, 31);  // any due date: accepted
  auto o = store_.countCases(overdue);
  auto s = store_.countCases(soon);
  auto st = store_.countCases(started);
  for (auto* r : {&o, &s, &st})
    if (!*r) return std::unexpected(r->error());
  // Not started: waiting for 受理, or returned for supplement at 受理 (the row's step is then the
  // first step of the case's flow). Every other open case without a due date was accepted under
  // a limit the seed does not state (未载明): unstated, never overdue.
  CaseFilter submitted = open;
  submitted.status = caseStatusName(CaseStatus::kSubmitted);
  auto waiting = store_.countCases(submitted);
  if (!waiting) return std::unexpected(waiting.error());
  // Those that owe a one-time notice run on the notice's clock: counted by its due date above.
  submitted.notice_owed_only = true;
  auto owing = store_.countCases(submitted);
  if (!owing) return std::unexpected(owing.error());
  int64_t not_started = *waiting - *owing;
  std::set<std::string> first_steps;
  if (const Region* r = catalog_->region(region))
    for (const auto& it : r->items) {
      if (!it.flow.empty()) first_steps.insert(it.flow.front().step);
      for (const auto& f : it.flows)
        if (!f.steps.empty()) first_steps.insert(f.steps.front().step);
    }
  for (const auto& name : first_steps) {
    CaseFilter returned = open;
    returned.status = caseStatusName(CaseStatus::kSupplement);
    returned.step = name;
    auto n = store_.countCases(returned);
    if (!n) return std::unexpected(n.error());
    not_started += *n;
  }
  out["overdue"] = *o;
  out["due_soon"] = *s - *o;
  out["on_time"] = *st - *s;
  out["not_started"] = not_started;
  out["unstated"] = *total - *st - not_started;
  return out;
}

// ---- the cache ---------------------------------------------------------------------------------

void CaseService::evictIfFull(size_t index) {
  Shard& sh = shards_[index];
  size_t cap = std::max<size_t>(16, options_.cache_capacity / kShards);
  if (sh.map.size() < cap) return;
  // Only entries nobody holds may go (references are taken under this lock, so use_count() == 1
  // means idle: no action queued or committing). The least recently used half goes first.
  std::vector<std::pair<uint64_t, std::string>> idle;
  for (auto& [no, e] : sh.map)
    if (e.use_count() == 1) idle.emplace_back(e->last_used.load(), no);
  size_t drop = std::min(idle.size(), sh.map.size() - cap / 2);
  std::nth_element(idle.begin(), idle.begin() + static_cast<long>(drop), idle.end());
  for (size_t i = 0; i < drop; ++i) sh.map.erase(idle[i].second);
}

Result<std::shared_ptr<CaseService::Entry>> CaseService::entryFor(const std::string& case_no) {
  size_t index = std::hash<std::string>{}(case_no) % kShards;
  Shard& sh = shards_[index];
  std::shared_ptr<Entry> e;
  {
    std::lock_guard lk(sh.mu);
    auto it = sh.map.find(case_no);
    if (it != sh.map.end()) {
      e = it->second;
    } else {
      evictIfFull(index);
      e = std::make_shared<Entry>();
      sh.map.emplace(case_no, e);
    }
  }
  e->last_used = ++tick_;
  std::unique_lock el(e->mu);
  if (e->loaded && !e->stale && e->state) return e;
  if (e->busy) return e;  // an action is committing: the caller queues behind it
  auto loaded = store_.loadCase(case_no);
  if (!loaded || !*loaded) {
    el.unlock();
    std::lock_guard lk(sh.mu);
    auto it = sh.map.find(case_no);
    if (it != sh.map.end() && it->second == e && !e->state) sh.map.erase(it);
    if (!loaded) return std::unexpected(loaded.error());
    return std::unexpected(notFound("办件不存在：" + case_no));
  }
  e->state = std::make_shared<const CaseState>(std::move(**loaded));
  e->loaded = true;
  e->stale = false;
  return e;
}

Result<std::shared_ptr<const CaseState>> CaseService::committed(const std::string& case_no) {
  Shard& sh = shards_[std::hash<std::string>{}(case_no) % kShards];
  std::shared_ptr<Entry> e;
  {
    std::lock_guard lk(sh.mu);
    auto it = sh.map.find(case_no);
    if (it != sh.map.end()) e = it->second;
  }
  if (e) {
    std::lock_guard el(e->mu);
    if (e->loaded && !e->stale && e->state) return e->state;
  }
  auto loaded = store_.loadCase(case_no);
  if (!loaded) return std::unexpected(loaded.error());
  if (!*loaded) return std::shared_ptr<const CaseState>();
  return std::make_shared<const CaseState>(std::move(**loaded));
}

void CaseService::finish(const std::shared_ptr<Entry>& e) {
  std::function<void()> next;
  {
    std::lock_guard lk(e->mu);
    e->busy = false;
    if (!e->waiting.empty()) {
      next = std::move(e->waiting.front());
      e->waiting.pop_front();
    }
  }
  if (!next) return;
  if (executor_)
    executor_(std::move(next));
  else
    next();
}

// ---- submissions -------------------------------------------------------------------------------

bool CaseService::beginSubmitKey(const std::string& scope, const std::string& hash,
                                 const Reply& reply) {
  std::optional<Result<std::string>> answered;
  {
    std::lock_guard lk(idem_mu_);
    auto it = idem_.find(scope);
    if (it != idem_.end()) {
      if (it->second->request_hash != hash) {
        answered = std::unexpected(keyReused());
      } else if (!it->second->done) {
        it->second->waiters.push_back(reply);
        return false;
      } else {
        answered = *it->second->result;
      }
    } else {
      auto slot = std::make_shared<IdemSlot>();
      slot->request_hash = hash;
      idem_.emplace(scope, slot);
    }
  }
  if (answered) {
    reply(*answered);
    return false;
  }
  auto stored = store_.idempotency(scope);
  if (!stored) {
    finishSubmitKey(scope, hash, std::unexpected(stored.error()));
    reply(std::unexpected(stored.error()));
    return false;
  }
  if (*stored) {
    Result<std::string> r = (*stored)->request_hash == hash
                                ? Result<std::string>((*stored)->response)
                                : Result<std::string>(std::unexpected(keyReused()));
    finishSubmitKey(scope, hash, r);
    reply(r);
    return false;
  }
  return true;
}

void CaseService::finishSubmitKey(const std::string& scope, const std::string& hash,
                                  const Result<std::string>& r) {
  std::vector<Reply> waiters;
  {
    std::lock_guard lk(idem_mu_);
    auto it = idem_.find(scope);
    if (it == idem_.end() || it->second->request_hash != hash) return;
    waiters = std::move(it->second->waiters);
    if (r) {
      it->second->done = true;
      it->second->result = r;
    } else {
      idem_.erase(it);  // a failed attempt may be retried with the same key
    }
    if (idem_.size() > kSubmitKeysKept) {
      // Forget answered keys (the table in the store stays authoritative); keep those in flight,
      // whose waiters are still to be answered.
      for (auto i = idem_.begin(); i != idem_.end();)
        i = i->second->done ? idem_.erase(i) : std::next(i);
    }
  }
  for (auto& w : waiters) w(r);
}

void CaseService::submit(const std::string& region_id, const std::string& item_code, Submission s,
                         const Actor* staff, const RequestMeta& meta, Reply reply) {
  const Region* region = catalog_->region(region_id);
  if (!region) return reply(std::unexpected(notFound("未知地区：" + region_id)));
  const Item* item = region->item(item_code);
  if (!item)
    return reply(std::unexpected(notFound("地区“" + region->name + "”没有事项 " + item_code)));
  // An agency's internal routine (Xining 630100990001 待遇支付) has no applicant and no channel:
  // refused as such, not as a channel or an applicant that does not fit.
  // Its own staff open one (the Xining payment run), as the agency of the region: the applicant is
  // the agency, named by the region's division code.
  if (item->internal) {
    if (!staff)
      return reply(fail(ErrorCode::kUnprocessable, "internal_item",
                        "“" + item->name + "”是经办机构内部办理流程，不受理申请"));
    s.applicant = {kAgencyApplicant, region->division_code, region->name + "医疗保障经办机构", ""};
    s.channel = kInternalChannel;
  } else {
    auto id = checkId(s.applicant.kind == "person" ? IdKind::kCitizen : IdKind::kCreditCode,
                      s.applicant.id_no);
    if (!id) return reply(std::unexpected(id.error()));
    s.applicant.id_no = *id;
  }
  // An online applicant's key is theirs alone: scoped by the applicant's ID number.
  std::string scope;
  if (!meta.idempotency_key.empty())
    scope = (staff ? "staff:" + staff->username : "applicant:" + s.applicant.id_no) + "|submit|" +
            meta.idempotency_key;
  if (!scope.empty() && !beginSubmitKey(scope, meta.request_hash, reply)) return;
  auto done = [this, scope, hash = meta.request_hash, reply](Result<std::string> r) {
    if (!scope.empty()) finishSubmitKey(scope, hash, r);
    reply(std::move(r));
  };
  Instant now = clock_();
  auto cal = calendar();
  WorkflowContext ctx{*region, *item, *cal, now};
  s.query_code = randomString(kQueryCodeLength, kQueryCodeAlphabet);
  s.entered_by = staff ? staff->username : "";
  auto opened = openCase(ctx, s, "");
  if (!opened) return done(std::unexpected(opened.error()));
  auto draft = std::make_shared<const CaseState>(std::move(*opened));
  std::string prefix = region->division_code + "-" + now.date().compact();
  // The first step of the flow the case was opened with (an alternative flow may differ).
  std::string step_name = caseFlow(*draft, *item).front().step;
  // What the unit of work produces: the numbered case and the answer.
  struct Out {
    std::shared_ptr<const CaseState> state;
    std::string body;
  };
  auto out = std::make_shared<Out>();
  UnitOfWork work = [this, draft, prefix, step_name, cal, out, scope,
                     hash = meta.request_hash](Tx& tx) -> Result<void> {
    // The case number is allocated here, inside the committing transaction: numeric, gapless
    // for committed cases, and never reused after a restart.
    auto n = tx.nextSequence("case:" + prefix);
    if (!n) return std::unexpected(n.error());
    auto c = std::make_shared<CaseState>(*draft);
    c->case_no = prefix + "-" + sequenceText(*n);
    auto data_texts = chainEvents(c->case_no, c->events);
    auto found = itemOf(*c);
    if (!found) return std::unexpected(found.error());
    auto d = deadline(*c, *cal);
    if (!d) return std::unexpected(d.error());
    // The receipt (回执) carries the query code.
    out->body = views_.outcomeText(*c, *found->item, *d, OutcomeExtras{c->query_code, {}});
    CaseRow row{c, storageFixed(*c).dump(), storageStateText(*c), step_name, c->due_provisional};
    if (auto r = tx.insertCase(row); !r) return r;
    // A new case holds one event, 申请.
    if (auto r = tx.appendEvents(c->case_no, std::span(&c->events.back(), 1), data_texts); !r)
      return r;
    if (!scope.empty())
      if (auto r =
              tx.putIdempotency({scope, hash, c->case_no, out->body, c->submitted_at.unix_seconds});
          !r)
        return r;
    out->state = std::move(c);
    return {};
  };
  committer_.submit(std::move(work), [this, out, done](Result<void> r) {
    if (!r) return done(std::unexpected(r.error()));
    // Cache the new case: its first action (受理) usually follows soon.
    const std::string& no = out->state->case_no;
    size_t index = std::hash<std::string>{}(no) % kShards;
    auto e = std::make_shared<Entry>();
    e->state = out->state;
    e->loaded = true;
    e->recent_complete = true;  // a new case: no keyed action yet
    e->last_used = ++tick_;
    {
      std::lock_guard lk(shards_[index].mu);
      evictIfFull(index);
      shards_[index].map.emplace(no, std::move(e));
    }
    done(std::move(out->body));
  });
}

// ---- actions -----------------------------------------------------------------------------------

Result<Actor> CaseService::applicantActor(const std::string& case_no, const std::string& id_no,
                                          const std::string& query_code) {
  auto c = committed(case_no);
  if (!c) return std::unexpected(c.error());
  // Compare everything, always, in constant time: the answer and its timing do not tell which
  // part was wrong or whether the case exists.
  std::string id = upper(id_no), code = upper(query_code);
  const std::string& want_id = *c ? (*c)->applicant.id_no : id;
  const std::string& want_code = *c ? (*c)->query_code : code;
  bool id_ok = constantTimeEqual(id, want_id);
  bool code_ok = constantTimeEqual(code, want_code);
  if (!*c || !id_ok || !code_ok || code.empty()) return std::unexpected(noSuchApplication());
  return Actor{"applicant", {}, (*c)->region, true};
}

void CaseService::act(const std::string& case_no, const Actor& actor, const Action& action,
                      const RequestMeta& meta, Reply reply) {
  auto found = entryFor(case_no);
  if (!found) return reply(std::unexpected(found.error()));
  std::shared_ptr<Entry> e = *found;
  {
    std::lock_guard lk(e->mu);
    if (e->busy) {
      if (e->waiting.size() >= options_.max_waiting_per_case)
        return reply(fail(ErrorCode::kUnavailable, "case_busy", "该办件正在办理中，请稍后重试"));
      e->waiting.push_back([this, e, case_no, actor, action, meta, reply] {
        runAction(e, case_no, actor, action, meta, reply);
      });
      return;
    }
    e->busy = true;
  }
  runAction(std::move(e), case_no, actor, action, meta, std::move(reply));
}

void CaseService::runAction(std::shared_ptr<Entry> e, const std::string& case_no,
                            const Actor& actor, const Action& action, const RequestMeta& meta,
                            Reply reply) {
  // Here this action owns the case (busy); every path below ends in finish(e).
  auto refuse = [this, &e, &reply](Error err) {
    finish(e);
    reply(std::unexpected(std::move(err)));
  };
  std::shared_ptr<const CaseState> cur;
  {
    std::unique_lock lk(e->mu);
    if (!e->loaded || e->stale || !e->state) {
      lk.unlock();
      auto loaded = store_.loadCase(case_no);
      if (!loaded) return refuse(loaded.error());
      if (!*loaded) return refuse(notFound("办件不存在：" + case_no));
      lk.lock();
      e->state = std::make_shared<const CaseState>(std::move(**loaded));
      e->loaded = true;
      e->stale = false;
    }
    cur = e->state;
  }
  // Authorisation before any replay: staff act in their own region only. (The applicant was
  // matched on case number + ID number + query code before getting here.)
  if (!actor.applicant && actor.region != cur->region)
    return refuse(
        Error{ErrorCode::kForbidden, "wrong_region",
              "经办人员所属地区（" + actor.region + "）与办件地区（" + cur->region + "）不一致"});
  std::string scope;
  if (!meta.idempotency_key.empty()) {
    scope = (actor.applicant ? std::string("applicant") : "staff:" + actor.username) + "|" +
            action.name + "|" + case_no + "|" + meta.idempotency_key;
    std::optional<IdempotencyRecord> seen;
    bool complete = false;
    {
      std::lock_guard lk(e->mu);
      for (const auto& r : e->recent)
        if (r.scope == scope) seen = r;
      complete = e->recent_complete;
    }
    if (!seen && !complete) {
      auto stored = store_.idempotency(scope);
      if (!stored) return refuse(stored.error());
      seen = *stored;
    }
    if (seen) {
      if (seen->request_hash != meta.request_hash) return refuse(keyReused());
      finish(e);
      return reply(seen->response);
    }
  }
  auto located = itemOf(*cur);
  if (!located) return refuse(located.error());
  const Region& region = *located->region;
  const Item& item = *located->item;
  auto cal = calendar();
  WorkflowContext ctx{region, item, *cal, clock_()};
  auto next = applyAction(ctx, *cur, actor, action);
  if (!next) return refuse(next.error());
  auto effected = withEffect(ctx, *cur, actor, action, std::move(*next));
  if (!effected) return refuse(effected.error());
  // The new event's data, serialised once: for its hash here and for its row in the commit.
  std::string data_text =
      std::move(chainEvents(effected->case_no, effected->events, effected->events.size() - 1)[0]);
  auto state = std::make_shared<const CaseState>(std::move(*effected));
  auto body = actionBody(*state, *cal);
  if (!body) return refuse(body.error());

  // itemOf checked the step against the case's flow; an action keeps it inside that flow.
  const FlowStep* at = currentStep(*state, item);
  if (!at)
    return refuse(Error{ErrorCode::kConflict, "flow_changed",
                        "办件所在环节已不在该事项的办理流程中，请联系管理员"});
  CaseRow row{state, "", storageStateText(*state), at->step, state->due_provisional};
  bool indexed = indexedColumnsChanged(*cur, *state);
  int previous_version = cur->version();
  // The register change this event causes, applied in the transaction that commits it, once per
  // (case number, event sequence).
  const EffectHandler* handler = effects_.find(item.effect);
  if (handler && !handler->changesAt(state->events.back())) handler = nullptr;
  std::optional<IdempotencyRecord> record;
  if (!scope.empty())
    record = IdempotencyRecord{scope, meta.request_hash, case_no, *body, clock_().unix_seconds};
  UnitOfWork work = [row, previous_version, indexed, handler, record, &region, &item,
                     data_text = std::move(data_text)](Tx& tx) -> Result<void> {
    const CaseState& c = *row.state;
    if (auto r = tx.updateCase(row, previous_version, indexed); !r) return r;
    if (auto r =
            tx.appendEvents(c.case_no, std::span(&c.events.back(), 1), std::span(&data_text, 1));
        !r)
      return r;
    if (record)
      if (auto r = tx.putIdempotency(*record); !r) return r;
    if (handler) {
      const Event& ev = c.events.back();
      auto fresh = tx.registers().claim(Cause{c.case_no, ev.seq, ev.at.unix_seconds});
      if (!fresh) return std::unexpected(fresh.error());
      if (*fresh)
        if (auto r = handler->apply(EffectInput{region, item, c}, ev, tx.registers()); !r) return r;
    }
    return {};
  };
  committer_.submit(std::move(work), [this, e, state, record, body = std::move(*body),
                                      reply](Result<void> r) mutable {
    {
      std::lock_guard lk(e->mu);
      if (r) {
        e->state = state;
        if (record) {
          e->recent.push_back(*record);
          if (e->recent.size() > kRecentKeysPerCase) {
            e->recent.pop_front();
            e->recent_complete = false;  // older keys are in the store only now
          }
        }
      } else if (r.error().code == ErrorCode::kConflict) {
        e->stale = true;  // changed elsewhere: reload before the next action
        e->recent_complete = false;
      }
    }
    finish(e);
    if (!r) return reply(std::unexpected(r.error()));
    reply(std::move(body));
  });
}

// ---- reads -------------------------------------------------------------------------------------

void CaseService::recordRead(const std::string& staff, const std::string& case_no,
                             const char* what) {
  int64_t at = clock_().unix_seconds;
  committer_.submit(
      [at, staff, case_no, what = std::string(what)](Tx& tx) {
        return tx.recordRead(at, staff, case_no, what);
      },
      [staff, case_no](Result<void> r) {
        if (!r) obs::warn("case_read_not_recorded", {{"staff", staff}, {"case_no", case_no}});
      });
}

Result<json> CaseService::get(const std::string& case_no, const Actor& viewer) {
  auto c = committed(case_no);
  if (!c) return std::unexpected(c.error());
  if (!*c) return std::unexpected(notFound("办件不存在：" + case_no));
  if ((*c)->region != viewer.region)
    return fail(ErrorCode::kForbidden, "wrong_region", "无权查看其他地区的办件");
  auto found = itemOf(**c);
  if (!found) return std::unexpected(found.error());
  auto d = deadline(**c, *calendar());
  if (!d) return std::unexpected(d.error());
  recordRead(viewer.username, case_no, "case");
  auto out = withEffectView(views_.full(**c, *found->item, *d, true), **c, *found->item);
  // What this viewer may do now, so that a client offers only that.
  auto cal = calendar();
  WorkflowContext ctx{*found->region, *found->item, *cal, clock_()};
  out["actions"] = permittedActions(ctx, **c, viewer);
  return out;
}

Result<json> CaseService::progress(const std::string& case_no, const std::string& id_no,
                                   const std::string& query_code) {
  auto actor = applicantActor(case_no, id_no, query_code);
  if (!actor) return std::unexpected(actor.error());
  auto c = committed(case_no);
  if (!c) return std::unexpected(c.error());
  if (!*c) return std::unexpected(noSuchApplication());
  auto found = itemOf(**c);
  if (!found) return std::unexpected(found.error());
  auto d = deadline(**c, *calendar());
  if (!d) return std::unexpected(d.error());
  return views_.progress(**c, *found->item, *d);
}

Result<CaseService::Page> CaseService::list(const ListQuery& q, const Actor& viewer) {
  CaseFilter f = q.filter;
  if (f.region.empty()) f.region = viewer.region;
  if (f.region != viewer.region)
    return fail(ErrorCode::kForbidden, "wrong_region", "无权查看其他地区的办件");
  if (f.limit < 1 || f.limit > 500)
    return fail(ErrorCode::kBadRequest, "bad_limit", "limit 须在 1 到 500 之间");
  Page page{json::array(), 0};
  if (!q.deadline) {
    auto n = store_.countCases(f);
    if (!n) return std::unexpected(n.error());
    page.total = *n;
    if (f.offset >= page.total) return page;
  }
  Date day = today();
  auto cal = calendar();
  int want = f.limit, skip = f.offset;
  if (q.deadline) {
    f.open_only = *q.deadline != DeadlineStatus::kNotStarted;
    if (*q.deadline == DeadlineStatus::kOverdue) f.due_before = day;
    if (*q.deadline == DeadlineStatus::kDueSoon) {
      auto next = cal->plusWorkingDays(day, 1);
      if (!next) return std::unexpected(next.error());
      f.due_until = next->date;
    }
    f.offset = 0;
    f.limit = 500;
  }
  for (;;) {
    auto rows = store_.listCases(f);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& c : *rows) {
      auto found = itemOf(c);
      if (!found) continue;  // an item dropped from the catalog: its cases are not listable
      auto d = deadlineOn(c, *cal, day);
      if (!d) return std::unexpected(d.error());
      if (q.deadline) {
        // The deadline status is computed here, so the total is counted by the same scan.
        if (d->status != *q.deadline) continue;
        ++page.total;
        if (skip > 0) {
          --skip;
          continue;
        }
        if (static_cast<int>(page.rows.size()) >= want) continue;
      }
      page.rows.push_back(views_.full(c, *found->item, *d, false));
      if (!q.deadline && static_cast<int>(page.rows.size()) >= want) return page;
    }
    if (!q.deadline || static_cast<int>(rows->size()) < f.limit) break;
    f.offset += f.limit;
  }
  return page;
}

// ---- calendar ----------------------------------------------------------------------------------

Result<json> CaseService::reloadCalendar(std::shared_ptr<const WorkCalendar> cal) {
  {
    std::lock_guard lk(calendar_mu_);
    calendar_ = cal;
  }
  // Every open case whose due date was provisional, counted again with the new calendar. Each
  // change is an event of its case (actor "system"), committed like any other action.
  std::vector<std::string> provisional_cases;
  CaseFilter f;
  f.open_only = true;
  f.provisional_only = true;
  f.limit = 500;
  for (;;) {
    auto rows = store_.listCases(f);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& c : *rows) provisional_cases.push_back(c.case_no);
    if (rows->size() < static_cast<size_t>(f.limit)) break;
    f.offset += f.limit;
  }
  json recounted = json::array();
  int unchanged = 0, failed = 0;
  Actor system{kSystemActor, {}, "", false};
  Action recount;
  recount.name = "recount_deadline";
  for (const auto& no : provisional_cases) {
    auto c = committed(no);
    if (!c || !*c) {
      ++failed;
      continue;
    }
    system.region = (*c)->region;
    std::promise<Result<std::string>> p;
    auto done = p.get_future();
    act(no, system, recount, RequestMeta{},
        [&p](Result<std::string> r) { p.set_value(std::move(r)); });
    auto r = done.get();
    if (r) {
      json out = json::parse(*r);
      recounted.push_back({{"case_no", no},
                           {"due_on", out["due_on"]},
                           {"due_provisional", out["due_provisional"]}});
    } else if (r.error().slug == "unchanged") {
      ++unchanged;
    } else {
      ++failed;
      obs::warn("deadline_recount_failed", {{"case_no", no}, {"error", r.error().slug}});
    }
  }
  json out = {{"years", cal->years()},
              {"recounted", recounted},
              {"unchanged", unchanged},
              {"failed", failed}};
  obs::info("calendar_reloaded", out);
  return out;
}

}  // namespace jingban
