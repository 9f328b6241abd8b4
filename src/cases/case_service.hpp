// Runs cases: finds the item, applies the pure workflow, and commits the result through the group
// committer before answering. Keeps committed case projections in memory so that reads and the
// next action do not go to the database.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "catalog/catalog.hpp"
#include "store/committer.hpp"
#include "workflow/deadline.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

struct ListQuery {
  CaseFilter filter;
  std::optional<DeadlineStatus> deadline;
};

class CaseService {
 public:
  // The reply carries the JSON body, serialised once (it is also what an idempotent replay
  // returns).
  using Reply = std::function<void(Result<std::string>)>;

  CaseService(std::shared_ptr<const Catalog> catalog, const WorkCalendar& calendar, Store& store,
              Committer& committer, Clock clock);

  // 申请. `idempotency_key` may be empty. The reply carries the case view.
  void submit(const std::string& region, const std::string& item_code, Submission s,
              const std::string& idempotency_key, Reply reply);
  // Any workflow action by staff or (for supplement / withdraw / rate) the applicant.
  void act(const std::string& case_no, const Actor& actor, const Action& action,
           const std::string& idempotency_key, Reply reply);
  // For the applicant's own actions: checks the case belongs to this ID number.
  Result<Actor> applicantActor(const std::string& case_no, const std::string& id_no);

  Result<nlohmann::json> get(const std::string& case_no, const Actor& viewer);
  Result<nlohmann::json> progress(const std::string& case_no, const std::string& id_no);
  Result<nlohmann::json> list(const ListQuery& q, const Actor& viewer);

  const Catalog& catalog() const { return *catalog_; }
  const WorkCalendar& calendar() const { return calendar_; }
  Date today() const { return clock_().date(); }

 private:
  struct Entry {
    std::mutex mu;
    std::shared_ptr<const CaseState> committed;  // what readers see
    std::shared_ptr<const CaseState> latest;     // committed + queued actions
  };
  struct IdemSlot {
    bool done = false;
    std::optional<Result<std::string>> result;
    std::vector<Reply> waiters;
  };

  Result<std::shared_ptr<Entry>> entry(const std::string& case_no);
  void putEntry(const std::string& case_no, std::shared_ptr<Entry> e);
  Result<std::string> nextCaseNo(const Region& r, Date day);
  // True when the caller should go on; false when the key was already answered or is in flight.
  bool beginIdempotent(const std::string& key, const Reply& reply);
  void finishIdempotent(const std::string& key, const Result<std::string>& r);
  Result<std::pair<const Region*, const Item*>> itemOf(const CaseState& c) const;
  // The committed case, if it belongs to this ID number; 404 otherwise.
  Result<std::shared_ptr<const CaseState>> ownedCase(const std::string& case_no,
                                                     const std::string& id_no);
  Result<nlohmann::json> view(const CaseState& c) const;
  // The answer to an action: the case without its full log, plus the event just added.
  Result<std::string> actionBody(const CaseState& c) const;

  std::shared_ptr<const Catalog> catalog_;
  const WorkCalendar& calendar_;
  Store& store_;
  Committer& committer_;
  Clock clock_;

  static constexpr size_t kShards = 16;
  static constexpr size_t kShardCap = 8192;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<Entry>> map;
  };
  std::array<Shard, kShards> shards_;
  std::mutex seq_mu_;
  std::unordered_map<std::string, int> sequences_;
  std::mutex idem_mu_;
  std::unordered_map<std::string, std::shared_ptr<IdemSlot>> idem_;
};

}  // namespace jingban
