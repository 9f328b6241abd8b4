// What an approved case does to the registers. Each catalog item names an effect; the handler of
// that name is an object injected into the case service (the composition root builds the
// registry: effects/registry.cpp), one handler per file in this folder, each tested beside it.
//
// - validate() runs at 受理, at every review approval and at 拨付, on the committed registers:
//   a case the registers cannot take is refused there, with a message a clerk understands, never
//   at 办结. It may record figures in the event (the 结算单 at 初审, the computed 补缴年限 at 复审)
//   and may send the case back to an earlier review step (chart 4-3: the two figures differ).
// - apply() runs inside the transaction that commits the event, for the events changesAt()
//   names (a payment at 拨付, a registration at 办结). The caller claims (case number, event
//   sequence) first, so it runs once per event, and again only when the registers are rebuilt
//   from the events. apply() reads the case's fixed parts and its events up to this one, never
//   the current time: replaying gives the same registers.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "registers/registers.hpp"
#include "workflow/case_state.hpp"

namespace jingban {

struct EffectInput {
  const Region& region;
  const Item& item;
  const CaseState& c;  // the state after the action; its last event is the action
};

struct Verdict {
  nlohmann::json record = nlohmann::json::object();  // merged into the event's data
  std::string send_back_to;  // non-empty: the case returns to this review step instead
  std::string reason;        // why (shown in the event's comment)
};

class EffectHandler {
 public:
  virtual ~EffectHandler() = default;
  virtual std::string name() const = 0;
  // The events (by action name) whose commit changes the registers: "pay", "complete" …
  virtual bool changesAt(const Event& e) const = 0;
  virtual Result<Verdict> validate(const EffectInput& in, RegisterView& view) const = 0;
  virtual Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const = 0;
  // 拨付: the amount the payment must equal (the 结算单's payable), if the effect fixes one.
  virtual std::optional<int64_t> payable(const CaseState&) const { return std::nullopt; }
  // The register effect as the case view shows it (what will change / what changed).
  virtual nlohmann::json view(const CaseState&) const { return nullptr; }
};

class EffectRegistry {
 public:
  void add(std::unique_ptr<EffectHandler> h);
  const EffectHandler* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<EffectHandler>> handlers_;
};

}  // namespace jingban
