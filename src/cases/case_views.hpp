// How a case is shown to API clients: the JSON shapes are the HTTP edge's (http/case_views.hpp
// implements this); the case service asks for them where it must answer from inside a commit
// (an action's answer is also what an idempotent retry replays) or for a read.
#pragma once

#include <nlohmann/json.hpp>

#include "catalog/catalog.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

// What an outcome carries besides the case itself.
struct OutcomeExtras {
  std::optional<std::string> query_code;  // the receipt of 申请 (回执) carries the query code
  struct Effect {
    std::string name;
    bool implemented = false;
    std::optional<int64_t> payable_fen;  // what 拨付 must pay
  };
  std::optional<Effect> register_effect;  // an action's answer: the item's register effect
};

class CaseViews {
 public:
  virtual ~CaseViews() = default;
  // The answer to an action or a submission: where the case stands and the event just added, as
  // JSON text (made on every action, and stored as the idempotent replay: written without a tree).
  virtual std::string outcomeText(const CaseState& c, const Item& item, const DeadlineView& d,
                                  const OutcomeExtras& extras) const = 0;
  // A staff member's view of a case; with its events, form and query code for the case page,
  // without them for a list row.
  virtual nlohmann::json full(const CaseState& c, const Item& item, const DeadlineView& d,
                              bool with_events) const = 0;
  // The applicant's progress page (办理进度).
  virtual nlohmann::json progress(const CaseState& c, const Item& item,
                                  const DeadlineView& d) const = 0;
};

}  // namespace jingban
