// The storage interface. The core (cases/, auth/) speaks only to this; each engine lives in
// store/<engine>/ (SQLite now, PostgreSQL next) and passes the same tests.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "workflow/case_state.hpp"

namespace jingban {

// One register change to commit with the completing event (the effect journal).
struct RegisterChange {
  std::string effect;
  nlohmann::json payload;  // what the register module applies
};

// One case change: the new projection plus the events it adds, committed together with an
// idempotency record and a register change where there is one.
struct Mutation {
  std::shared_ptr<const CaseState> state;     // the new projection
  std::shared_ptr<const CaseState> previous;  // the projection it replaces (null for a new case)
  std::string fixed;      // storageFixed(*state).dump() for a new case, made off the commit thread
  std::string body;       // storageState(*state).dump(), likewise
  std::string step_name;  // the flow step the case now waits at (for lists by step)
  int previous_version = 0;  // 0 for a new case; the row must still be at this version
  std::vector<Event> new_events;
  std::optional<RegisterChange> register_change;
  std::optional<std::pair<std::string, std::string>> idempotency;  // key → response body
};

// Builds a mutation, serialising the row body on the calling thread.
Mutation makeMutation(std::shared_ptr<const CaseState> state,
                      std::shared_ptr<const CaseState> previous, std::vector<Event> new_events);

struct CaseFilter {
  std::string region, item_code, status, step;
  std::optional<Date> due_before;  // due_on < this (open cases only when set)
  std::optional<Date> due_until;   // due_on <= this
  bool open_only = false;
  bool follow_up_open = false;
  int limit = 100, offset = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // All mutations in one durable transaction, or none. A version mismatch fails the batch.
  virtual Result<void> commit(const std::vector<Mutation>& batch) = 0;
  virtual Result<std::optional<CaseState>> loadCase(const std::string& case_no) = 0;
  virtual Result<std::vector<CaseState>> listCases(const CaseFilter& f) = 0;  // without events
  virtual Result<std::optional<std::string>> idempotentResponse(const std::string& key) = 0;
  // The highest sequence used in case numbers starting with `prefix`.
  virtual Result<int> lastSequence(const std::string& prefix) = 0;
  virtual Result<int> registerChangeCount(const std::string& case_no) = 0;
};

}  // namespace jingban
