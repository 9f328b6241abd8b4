// What an approved case does to the registers. Each catalog item names an effect; the effect
// validates when the case is accepted and reviewed, and applies inside the transaction that
// completes the case. This issue ships the hook and the effect journal; the register
// implementations (units, persons, accounts, filings …) come with the registers issue.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "store/store.hpp"

namespace jingban {

struct CaseState;
struct Item;

class EffectRegistry {
 public:
  static const std::vector<std::string>& names();
  static bool known(const std::string& name);
  // Called at 受理 and at each review approval: refuses a case whose data the effect cannot use.
  static Result<void> validate(const Item& item, const CaseState& c);
  // Called when the case completes; the result is written in the same transaction.
  static RegisterChange apply(const Item& item, const CaseState& c);
};

}  // namespace jingban
