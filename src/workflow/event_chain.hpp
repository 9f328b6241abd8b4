// Tamper evidence: every event of a case stores a SHA-256 over the previous event's hash and its
// own content, so an edited, inserted or deleted event breaks the chain (`jingban verify`).
#pragma once

#include <string>
#include <vector>

#include "workflow/case_state.hpp"

namespace jingban {

// hash(seq n) = SHA-256(hash(seq n-1) "\n" case_no "\n" seq "\n" at "\n" actor "\n" action "\n"
//                       step "\n" comment "\n" data.dump()); hash(seq 0) = "".
std::string chainHash(const std::string& previous_hash, const std::string& case_no, const Event& e);
// The event's data as hashed and stored: compact JSON, invalid UTF-8 replaced.
std::string eventDataText(const Event& e);
// Sets the hash of every event from index `from` on, chaining from the one before it; returns
// those events' data as serialised for the hash (what the store writes, so it is done once).
std::vector<std::string> chainEvents(const std::string& case_no, std::vector<Event>& events,
                                     size_t from = 0);
std::vector<std::string> chainEvents(const std::string& case_no, EventLog& events, size_t from = 0);

}  // namespace jingban
