// Re-derives a case's projection from its event log by running every recorded action through the
// same pure workflow, at the time it happened. `jingban verify` compares the result with the
// stored row: a row that differs from the replay of its events has been altered.
#pragma once

#include <vector>

#include "workflow/workflow.hpp"

namespace jingban {

// `stored` supplies what 申请 fixed (applicant, form, conditions, channel, query code); the rest
// comes from `events` (seq 1 … n, the first being the submission).
Result<CaseState> replayCase(const Region& region, const Item& item, const WorkCalendar& calendar,
                             const CaseState& stored, const EventLog& events);

}  // namespace jingban
