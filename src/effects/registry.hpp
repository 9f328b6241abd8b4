// The composition of the register effects: every handler this build has, and the effect names the
// catalog may use whose register changes come with the issue "Registers II".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "effects/effect.hpp"

namespace jingban {

class PolicySet;  // policy/policy.hpp

std::unique_ptr<EffectRegistry> makeEffects(std::shared_ptr<const PolicySet> policies);

// Effects the catalog names that have no handler yet (remote-care filings, disease
// qualifications, maternity, transfers, designated institutions, monthly settlement …): their
// cases run from 申请 to 办结 and change no register; the case shows `implemented: false`.
const std::vector<std::string>& pendingEffects();

// Whether the catalog may name `name` (a handler exists or it is pending).
bool effectNameKnown(const std::string& name);

}  // namespace jingban
