// Rebuilding the registers from the events that changed them: every register is emptied and the
// register log (the commit order of the register-changing events and import batches) is applied
// again through the same effect handlers, in one transaction. The registers are a projection of
// the events, as the case rows are; this proves it (tests/integration/test_effects.py).
#pragma once

#include <nlohmann/json.hpp>

#include "catalog/catalog.hpp"
#include "effects/effect.hpp"
#include "store/store.hpp"

namespace jingban {

struct RebuildReport {
  int64_t events = 0, batches = 0;
  bool identical = false;  // the rebuilt registers equal those before, byte for byte
  std::string before_sha256, after_sha256;
};

// Run with no server writing to the database (the transaction holds the writer throughout).
Result<RebuildReport> rebuildRegisters(Store& store, const Catalog& catalog,
                                       const EffectRegistry& effects);

}  // namespace jingban
