// The one JSON mapping of cases and catalog items for the API (the HTTP edge's views; the case
// service reaches them through cases/case_views.hpp). ID numbers leave masked.
#pragma once

#include <nlohmann/json.hpp>

#include "cases/case_views.hpp"
#include "catalog/catalog.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

// What the case service is given (cli wires it): the functions below.
class ApiCaseViews : public CaseViews {
 public:
  std::string outcomeText(const CaseState& c, const Item& item, const DeadlineView& d,
                          const OutcomeExtras& extras) const override;
  nlohmann::json full(const CaseState& c, const Item& item, const DeadlineView& d,
                      bool with_events) const override;
  nlohmann::json progress(const CaseState& c, const Item& item,
                          const DeadlineView& d) const override;
};

nlohmann::json eventView(const Event& e);
nlohmann::json itemJson(const Item& item, const Region& region);
nlohmann::json caseJson(const CaseState& c, const Item& item, const DeadlineView& d,
                        bool with_events);
// The answer to an action: where the case stands now and the event just added (no materials,
// applicant or full log: GET /cases/{no} has those). Written without a tree, keys in nlohmann's
// (sorted) order, so that the text equals caseOutcomeJson(...).dump().
std::string caseOutcomeText(const CaseState& c, const Item& item, const DeadlineView& d,
                            const OutcomeExtras& extras = {});
nlohmann::json caseOutcomeJson(const CaseState& c, const Item& item, const DeadlineView& d);
// Public progress (办理进度): stage, item name, step names with dates, the one-time notice.
nlohmann::json progressJson(const CaseState& c, const Item& item, const DeadlineView& d);

}  // namespace jingban
