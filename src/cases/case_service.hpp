// Runs cases: finds the item, applies the pure workflow, and commits the result as one unit of
// work through the group committer before answering. Keeps committed case projections in a
// bounded cache so that reads and the next action do not go to the database.
//
// Correct by construction: the actions on one case run one at a time (the next waits until the
// previous one is committed or refused), the cached state only ever moves to a committed version,
// and a version conflict marks the entry stale so that it is reloaded before the next use.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cases/case_views.hpp"
#include "catalog/catalog.hpp"
#include "effects/effect.hpp"
#include "store/committer.hpp"
#include "workflow/deadline.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

struct ListQuery {
  CaseFilter filter;
  std::optional<DeadlineStatus> deadline;
};

// Who asks, and how to recognise a retry: idempotency keys are scoped to the caller, the route
// and the case, and remembered with the hash of the request body.
struct RequestMeta {
  std::string idempotency_key;  // "" = none
  std::string request_hash;     // SHA-256 of the canonical request body
};

class CaseService {
 public:
  // The reply carries the JSON body, serialised once (it is also what an idempotent replay
  // returns).
  using Reply = std::function<void(Result<std::string>)>;
  using Executor = std::function<void(std::function<void()>)>;
  struct Options {
    size_t cache_capacity = 100000;    // cached cases (idle ones are evicted beyond it)
    size_t max_waiting_per_case = 64;  // actions queued behind one case's commit
  };

  // `effects` are the register effects of the items (effects/registry.hpp builds them); an item
  // whose effect has no handler yet changes no register. `views` are the API's JSON shapes of a
  // case (http/case_views.hpp), kept at the HTTP edge.
  CaseService(std::shared_ptr<const Catalog> catalog, std::shared_ptr<const WorkCalendar> calendar,
              Store& store, Committer& committer, const EffectRegistry& effects,
              const CaseViews& views, Clock clock, Options options);
  CaseService(std::shared_ptr<const Catalog> catalog, std::shared_ptr<const WorkCalendar> calendar,
              Store& store, Committer& committer, const EffectRegistry& effects,
              const CaseViews& views, Clock clock)
      : CaseService(std::move(catalog), std::move(calendar), store, committer, effects, views,
                    std::move(clock), Options{}) {}
  // Where queued actions of a case resume (the HTTP I/O threads); inline without one.
  void setExecutor(Executor e) { executor_ = std::move(e); }

  // 申请. `staff` is the window clerk entering it, or null for an online application.
  void submit(const std::string& region, const std::string& item_code, Submission s,
              const Actor* staff, const RequestMeta& meta, Reply reply);
  // Any workflow action by staff or (for supplement / withdraw / rate) the applicant.
  void act(const std::string& case_no, const Actor& actor, const Action& action,
           const RequestMeta& meta, Reply reply);
  // The applicant of a case: case number + ID number + query code (查询码). Every mismatch gives
  // the same answer, whether the case exists or not.
  Result<Actor> applicantActor(const std::string& case_no, const std::string& id_no,
                               const std::string& query_code);

  // A staff member's view of a case (recorded: who read whose case).
  Result<nlohmann::json> get(const std::string& case_no, const Actor& viewer);
  Result<nlohmann::json> progress(const std::string& case_no, const std::string& id_no,
                                  const std::string& query_code);
  // One page of the cases the filter selects, and how many it selects in all (for paging).
  struct Page {
    nlohmann::json rows;
    int64_t total = 0;
  };
  Result<Page> list(const ListQuery& q, const Actor& viewer);

  const Catalog& catalog() const { return *catalog_; }
  const EffectRegistry& effects() const { return effects_; }
  const CaseViews& views() const { return views_; }
  std::shared_ptr<const WorkCalendar> calendar() const;
  Date today() const { return clock_().date(); }

  // Swaps in a newly loaded calendar (a year's holiday notice added) and recounts every open
  // case whose due date was provisional, each as a recorded event. Returns what changed.
  Result<nlohmann::json> reloadCalendar(std::shared_ptr<const WorkCalendar> calendar);

  struct Stats {
    size_t cached_cases = 0, idempotency_slots = 0;
  };
  Stats stats() const;
  // Open cases of a region by deadline status (not_started, on_time, due_soon, overdue, and
  // unstated: accepted under a limit the seed does not state, with no due date), counted
  // in the store from the stored due date (a pause still running is not added: the figure is for
  // supervision at a glance; the lists apply the exact rule).
  Result<std::map<std::string, int64_t>> openByDeadline(const std::string& region) const;

 private:
  struct Entry;
  struct IdemSlot;
  struct Located {
    const Region* region;
    const Item* item;
  };

  // The cached entry of a case, loaded on first use; 404 when there is no such case.
  Result<std::shared_ptr<Entry>> entryFor(const std::string& case_no);
  // The committed state for a read, from the cache or the store (a read never fills the cache).
  Result<std::shared_ptr<const CaseState>> committed(const std::string& case_no);
  void evictIfFull(size_t shard);
  void runAction(std::shared_ptr<Entry> e, const std::string& case_no, const Actor& actor,
                 const Action& action, const RequestMeta& meta, Reply reply);
  void finish(const std::shared_ptr<Entry>& e);  // lets the next queued action of the case run
  // Submission idempotency (no case exists yet to serialise on).
  bool beginSubmitKey(const std::string& scope, const std::string& hash, const Reply& reply);
  void finishSubmitKey(const std::string& scope, const std::string& hash,
                       const Result<std::string>& r);
  Result<Located> itemOf(const CaseState& c) const;
  Result<DeadlineView> deadline(const CaseState& c, const WorkCalendar& cal) const;
  Result<std::string> actionBody(const CaseState& c, const WorkCalendar& cal) const;
  // The register effect of an action: validation (which may record figures in the event or turn
  // an approval into a return to an earlier step) and the check of a payment against the amount
  // the effect fixes. Returns the state to commit.
  Result<CaseState> withEffect(const WorkflowContext& ctx, const CaseState& cur, const Actor& actor,
                               const Action& action, CaseState next) const;
  // The case view plus its register effect (what will change / what changed, the 结算单). An
  // action's answer carries only the effect's name, whether it is implemented and the payable
  // figure (actionBody, through OutcomeExtras).
  nlohmann::json withEffectView(nlohmann::json j, const CaseState& c, const Item& item) const;
  void recordRead(const std::string& staff, const std::string& case_no, const char* what);

  std::shared_ptr<const Catalog> catalog_;
  mutable std::mutex calendar_mu_;
  std::shared_ptr<const WorkCalendar> calendar_;
  Store& store_;
  Committer& committer_;
  const EffectRegistry& effects_;
  const CaseViews& views_;
  Clock clock_;
  Options options_;
  Executor executor_;

  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<Entry>> map;
  };
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> tick_{0};
  mutable std::mutex idem_mu_;
  std::unordered_map<std::string, std::shared_ptr<IdemSlot>> idem_;
};

}  // namespace jingban
