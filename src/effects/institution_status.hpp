// A change of a designated institution's status by the agency (暂停 / 恢复定点 / 解除协议, the
// staff route POST …/institutions/{code}/status): kept as a batch, so the rebuild applies it again.
#pragma once

#include <string>

#include "registers/institution.hpp"
#include "store/store.hpp"

namespace jingban {

inline constexpr const char* kInstitutionStatusBatchKind = "institution_status";

// The batch's rows: the institution's code and the request, as JSON.
std::string institutionStatusRows(const std::string& code, const StatusRequest& r);

// Applies a stored change inside the unit of work (the route's and the rebuild's alike): claims the
// batch, checks the change on the institution as the transaction sees it (changeStatus: a change
// committed meanwhile may refuse it) and writes the entry, whose history then holds the change.
// Returns the institution as written (as found, when the batch was applied already).
Result<Institution> applyInstitutionStatus(const ImportBatch& batch, RegisterTx& tx);

}  // namespace jingban
