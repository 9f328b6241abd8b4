#include "effects/effect.hpp"

namespace jingban {

void EffectRegistry::add(std::unique_ptr<EffectHandler> h) { handlers_.push_back(std::move(h)); }

const EffectHandler* EffectRegistry::find(const std::string& name) const {
  for (const auto& h : handlers_)
    if (h->name() == name) return h.get();
  return nullptr;
}

std::vector<std::string> EffectRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& h : handlers_) out.push_back(h->name());
  return out;
}

}  // namespace jingban
