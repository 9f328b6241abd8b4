// The case state machine (pure: no I/O, time passed in). Each action either returns the next state
// with one more event, or an error that names why it is refused; the caller stores the result.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "catalog/catalog.hpp"
#include "workflow/case_state.hpp"

namespace jingban {

struct Actor {
  std::string username;  // "applicant" for the applicant's own actions
  std::set<std::string> roles;
  std::string region;
  bool applicant = false;
  bool hasRole(const std::string& r) const { return roles.count(r) > 0; }
};

struct Action {
  std::string name;
  std::string comment;                // reason / remark
  MaterialStatus materials;           // accept / return / supplement: the checklist
  std::string target_step;            // send_back: the earlier step
  std::string period;                 // pause: an uncounted period id
  std::optional<int64_t> amount_fen;  // pay
  std::string rating;                 // rate
  // approve: the figures the reviewer enters at this step (e.g. 初审's 补缴年限), recorded in the
  // event; the item's effect checks them.
  nlohmann::json data = nlohmann::json::object();
};

struct WorkflowContext {
  const Region& region;
  const Item& item;
  const WorkCalendar& calendar;
  Instant now;
};

struct Submission {
  std::string channel;
  std::string query_code;  // random, from the caller (the workflow stays pure)
  Applicant applicant;
  std::set<std::string> conditions;
  nlohmann::json form = nlohmann::json::object();
  MaterialStatus materials;
  // The clerk who entered it at the window (recorded in the 申请 event's data as entered_by; the
  // event's actor stays "applicant"); "" when the applicant applied online.
  std::string entered_by;
  // Set only when replaying a recorded 申请 (workflow/replay): the flow the case was opened with.
  std::shared_ptr<const std::vector<FlowStep>> pinned_flow;
  std::string pinned_flow_id, pinned_revision;
  std::optional<Date> pinned_notice_due;  // as the 申请 event recorded it (data.notice_due_on)
};

// An agency's internal routine (an item with `internal: true`) is opened by the agency's own staff:
// its channel and its applicant's kind.
inline constexpr const char* kInternalChannel = "内部";
inline constexpr const char* kAgencyApplicant = "agency";

// The actor of what the system does by itself (recounting deadlines after a calendar reload).
inline constexpr const char* kSystemActor = "system";

// Every action name a person may ask for (the system's own, recount_deadline, is not among them).
const std::set<std::string>& actionNames();

// 申请: a new case at 受理. `case_no` is assigned by the caller.
Result<CaseState> openCase(const WorkflowContext& ctx, const Submission& s,
                           const std::string& case_no);
Result<CaseState> applyAction(const WorkflowContext& ctx, const CaseState& c, const Actor& actor,
                              const Action& a);

// The actions `actor` may take on `c` now (in actionNames() order): those applyAction would not
// refuse as forbidden, out of turn or not possible at this moment when given the input it asks
// for (a reason, the checklist, an amount). It is a dry run of the pure workflow, so the list
// and the refusals cannot disagree; the item's register checks (effects) are not part of it.
std::vector<std::string> permittedActions(const WorkflowContext& ctx, const CaseState& c,
                                          const Actor& actor);

}  // namespace jingban
