#include "cases/case_service.hpp"

#include <cstdio>
#include <functional>

#include "cases/case_json.hpp"
#include "effects/effects.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {
Error notFound(const std::string& what) { return Error{ErrorCode::kNotFound, "not_found", what}; }
}  // namespace

CaseService::CaseService(std::shared_ptr<const Catalog> catalog, const WorkCalendar& calendar,
                         Store& store, Committer& committer, Clock clock)
    : catalog_(std::move(catalog)),
      calendar_(calendar),
      store_(store),
      committer_(committer),
      clock_(std::move(clock)) {}

Result<std::pair<const Region*, const Item*>> CaseService::itemOf(const CaseState& c) const {
  const Region* r = catalog_->region(c.region);
  const Item* it = r ? r->item(c.item_code) : nullptr;
  if (!it) return std::unexpected(notFound("办件所属事项已不在事项目录中：" + c.item_code));
  return std::make_pair(r, it);
}

Result<json> CaseService::view(const CaseState& c) const {
  auto found = itemOf(c);
  if (!found) return std::unexpected(found.error());
  auto d = deadlineOn(c, calendar_, today());
  if (!d) return std::unexpected(d.error());
  return caseJson(c, *found->second, *d, true);
}

Result<std::string> CaseService::actionBody(const CaseState& c) const {
  auto found = itemOf(c);
  if (!found) return std::unexpected(found.error());
  auto d = deadlineOn(c, calendar_, today());
  if (!d) return std::unexpected(d.error());
  return caseOutcomeJson(c, *found->second, *d).dump();
}

Result<std::shared_ptr<CaseService::Entry>> CaseService::entry(const std::string& case_no) {
  Shard& sh = shards_[std::hash<std::string>{}(case_no) % kShards];
  {
    std::lock_guard lk(sh.mu);
    auto it = sh.map.find(case_no);
    if (it != sh.map.end()) return it->second;
  }
  auto loaded = store_.loadCase(case_no);
  if (!loaded) return std::unexpected(loaded.error());
  if (!*loaded) return std::unexpected(notFound("办件不存在：" + case_no));
  auto e = std::make_shared<Entry>();
  e->committed = std::make_shared<const CaseState>(std::move(**loaded));
  e->latest = e->committed;
  std::lock_guard lk(sh.mu);
  auto [it, inserted] = sh.map.emplace(case_no, e);
  return it->second;
}

void CaseService::putEntry(const std::string& case_no, std::shared_ptr<Entry> e) {
  Shard& sh = shards_[std::hash<std::string>{}(case_no) % kShards];
  std::lock_guard lk(sh.mu);
  if (sh.map.size() >= kShardCap) {
    // Drop idle entries; they reload from the store on next use.
    for (auto it = sh.map.begin(); it != sh.map.end();) {
      std::unique_lock el(it->second->mu, std::try_to_lock);
      bool idle = el.owns_lock() && it->second->latest == it->second->committed;
      if (el.owns_lock()) el.unlock();
      it = idle ? sh.map.erase(it) : std::next(it);
    }
  }
  sh.map[case_no] = std::move(e);
}

Result<std::string> CaseService::nextCaseNo(const Region& r, Date day) {
  std::string prefix = r.division_code + "-" + day.compact() + "-";
  std::lock_guard lk(seq_mu_);
  auto it = sequences_.find(prefix);
  if (it == sequences_.end()) {
    auto last = store_.lastSequence(prefix);
    if (!last) return std::unexpected(last.error());
    it = sequences_.emplace(prefix, *last).first;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", ++it->second);
  return prefix + buf;
}

bool CaseService::beginIdempotent(const std::string& key, const Reply& reply) {
  std::optional<Result<std::string>> answered;
  {
    std::lock_guard lk(idem_mu_);
    auto it = idem_.find(key);
    if (it != idem_.end()) {
      if (!it->second->done) {
        it->second->waiters.push_back(reply);
        return false;
      }
      answered = *it->second->result;
    } else {
      idem_.emplace(key, std::make_shared<IdemSlot>());
    }
  }
  if (answered) {
    reply(*answered);
    return false;
  }
  auto stored = store_.idempotentResponse(key);
  if (stored && *stored) {
    finishIdempotent(key, **stored);
    reply(**stored);
    return false;
  }
  return true;
}

void CaseService::finishIdempotent(const std::string& key, const Result<std::string>& r) {
  std::vector<Reply> waiters;
  {
    std::lock_guard lk(idem_mu_);
    auto it = idem_.find(key);
    if (it == idem_.end()) return;
    waiters = std::move(it->second->waiters);
    if (r) {
      it->second->done = true;
      it->second->result = r;
    } else {
      idem_.erase(it);  // a failed attempt may be retried with the same key
    }
    if (idem_.size() > 100000) {
      // Forget answered keys (the table in the store stays authoritative); keep those in flight,
      // whose waiters are still to be answered.
      for (auto i = idem_.begin(); i != idem_.end();)
        i = i->second->done ? idem_.erase(i) : std::next(i);
    }
  }
  for (auto& w : waiters) w(r);
}

void CaseService::submit(const std::string& region_id, const std::string& item_code, Submission s,
                         const std::string& idempotency_key, Reply reply) {
  const Region* region = catalog_->region(region_id);
  if (!region) return reply(std::unexpected(notFound("未知地区：" + region_id)));
  const Item* item = region->item(item_code);
  if (!item)
    return reply(std::unexpected(notFound("地区“" + region->name + "”没有事项 " + item_code)));
  auto id = checkId(s.applicant.kind == "person" ? IdKind::kCitizen : IdKind::kCreditCode,
                    s.applicant.id_no);
  if (!id) return reply(std::unexpected(id.error()));
  s.applicant.id_no = *id;
  std::string key = idempotency_key.empty() ? "" : "submit:" + idempotency_key;
  if (!key.empty() && !beginIdempotent(key, reply)) return;
  auto done = [this, key, reply](Result<std::string> r) {
    if (!key.empty()) finishIdempotent(key, r);
    reply(std::move(r));
  };
  Instant now = clock_();
  WorkflowContext ctx{*region, *item, calendar_, now};
  auto no = nextCaseNo(*region, now.date());
  if (!no) return done(std::unexpected(no.error()));
  auto opened = openCase(ctx, s, *no);
  if (!opened) return done(std::unexpected(opened.error()));
  auto state = std::make_shared<const CaseState>(std::move(*opened));
  auto v = actionBody(*state);
  if (!v) return done(std::unexpected(v.error()));
  auto e = std::make_shared<Entry>();
  e->latest = state;
  putEntry(state->case_no, e);
  Mutation m = makeMutation(state, nullptr, state->events);
  m.step_name = item->flow.front().step;
  if (!key.empty()) m.idempotency = std::make_pair(key, *v);
  committer_.submit(std::move(m), [e, state, body = std::move(*v), done](Result<void> r) {
    std::lock_guard lk(e->mu);
    if (!r) {
      e->latest = nullptr;
      return done(std::unexpected(r.error()));
    }
    e->committed = state;
    done(body);
  });
}

Result<std::shared_ptr<const CaseState>> CaseService::ownedCase(const std::string& case_no,
                                                                const std::string& id_no) {
  auto e = entry(case_no);
  if (!e) return std::unexpected(e.error());
  std::shared_ptr<const CaseState> c;
  {
    std::lock_guard lk((*e)->mu);
    c = (*e)->committed;
  }
  std::string norm;
  for (char ch : id_no) norm += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  // The same answer for an unknown case and a wrong ID number: nothing about the case leaks.
  if (!c || c->applicant.id_no != norm)
    return fail(ErrorCode::kNotFound, "not_found", "办件编号与证件号码不匹配");
  return c;
}

Result<Actor> CaseService::applicantActor(const std::string& case_no, const std::string& id_no) {
  auto c = ownedCase(case_no, id_no);
  if (!c) return std::unexpected(c.error());
  return Actor{"applicant", {}, (*c)->region, true};
}

void CaseService::act(const std::string& case_no, const Actor& actor, const Action& action,
                      const std::string& idempotency_key, Reply reply) {
  auto found = entry(case_no);
  if (!found) return reply(std::unexpected(found.error()));
  std::shared_ptr<Entry> e = *found;
  std::string key =
      idempotency_key.empty() ? "" : "act:" + case_no + ":" + action.name + ":" + idempotency_key;
  if (!key.empty() && !beginIdempotent(key, reply)) return;
  auto done = [this, key, reply](Result<std::string> r) {
    if (!key.empty()) finishIdempotent(key, r);
    reply(std::move(r));
  };
  std::unique_lock lk(e->mu);
  if (!e->latest) return done(std::unexpected(notFound("办件不存在：" + case_no)));
  const CaseState& cur = *e->latest;
  auto located = itemOf(cur);
  if (!located) return done(std::unexpected(located.error()));
  const auto [region, item] = *located;
  WorkflowContext ctx{*region, *item, calendar_, clock_()};
  auto next = applyAction(ctx, cur, actor, action);
  if (!next) return done(std::unexpected(next.error()));
  auto state = std::make_shared<const CaseState>(std::move(*next));
  auto v = actionBody(*state);
  if (!v) return done(std::unexpected(v.error()));
  Mutation m = makeMutation(state, e->latest, {state->events.back()});
  m.step_name = item->flow.at(static_cast<size_t>(state->step)).step;
  if (state->status == CaseStatus::kCompleted && cur.status != CaseStatus::kCompleted)
    m.register_change = EffectRegistry::apply(*item, *state);
  if (!key.empty()) m.idempotency = std::make_pair(key, *v);
  e->latest = state;
  lk.unlock();
  committer_.submit(std::move(m), [e, state, body = std::move(*v), done](Result<void> r) {
    std::unique_lock lk(e->mu);
    if (!r) {
      // Roll the in-memory view back to what is durable; queued followers fail their version check.
      e->latest = e->committed;
      lk.unlock();
      return done(std::unexpected(r.error()));
    }
    if (!e->committed || e->committed->version() < state->version()) e->committed = state;
    lk.unlock();
    done(body);
  });
}

Result<json> CaseService::get(const std::string& case_no, const Actor& viewer) {
  auto e = entry(case_no);
  if (!e) return std::unexpected(e.error());
  std::shared_ptr<const CaseState> c;
  {
    std::lock_guard lk((*e)->mu);
    c = (*e)->committed;
  }
  if (!c) return std::unexpected(notFound("办件不存在：" + case_no));
  if (c->region != viewer.region)
    return fail(ErrorCode::kForbidden, "wrong_region", "无权查看其他地区的办件");
  return view(*c);
}

Result<json> CaseService::progress(const std::string& case_no, const std::string& id_no) {
  auto c = ownedCase(case_no, id_no);
  if (!c) return std::unexpected(c.error());
  auto found = itemOf(**c);
  if (!found) return std::unexpected(found.error());
  return progressJson(**c, *found->second);
}

Result<json> CaseService::list(const ListQuery& q, const Actor& viewer) {
  CaseFilter f = q.filter;
  if (f.region.empty()) f.region = viewer.region;
  if (f.region != viewer.region)
    return fail(ErrorCode::kForbidden, "wrong_region", "无权查看其他地区的办件");
  if (f.limit < 1 || f.limit > 500)
    return fail(ErrorCode::kBadRequest, "bad_limit", "limit 须在 1 到 500 之间");
  Date day = today();
  int want = f.limit, skip = f.offset;
  if (q.deadline) {
    f.open_only = *q.deadline != DeadlineStatus::kNotStarted;
    if (*q.deadline == DeadlineStatus::kOverdue) f.due_before = day;
    if (*q.deadline == DeadlineStatus::kDueSoon) {
      auto next = calendar_.addWorkingDays(day, 1);
      if (!next) return std::unexpected(next.error());
      f.due_until = *next;
    }
    f.offset = 0;
    f.limit = 500;
  }
  json out = json::array();
  for (;;) {
    auto rows = store_.listCases(f);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& c : *rows) {
      auto found = itemOf(c);
      if (!found) continue;  // an item dropped from the catalog: its cases are not listable
      const Item* it = found->second;
      auto d = deadlineOn(c, calendar_, day);
      if (!d) return std::unexpected(d.error());
      if (q.deadline) {
        if (d->status != *q.deadline) continue;
        if (skip > 0) {
          --skip;
          continue;
        }
      }
      out.push_back(caseJson(c, *it, *d, false));
      if (static_cast<int>(out.size()) >= want) return out;
    }
    if (!q.deadline || static_cast<int>(rows->size()) < f.limit) break;
    f.offset += f.limit;
  }
  return out;
}

}  // namespace jingban
