// 参保单位参保信息查询 (002001), 参保人员参保信息查询 (002002) and 出具《参保凭证》 (003001): no
// register changes; the record is read at 受理 and at each review and kept in the case as it
// stood then (a 参保凭证 certifies the record on the day it is issued).
#include "effects/handlers.hpp"
#include "effects/support.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

json periodsJson(const Person& p) {
  json out = json::array();
  for (const auto& e : p.enrolments)
    out.push_back({{"from", e.from},
                   {"to", e.to},
                   {"status", e.status},
                   {"insurance_type", e.insurance_type},
                   {"unit", e.unit}});
  return out;
}

class RecordQuery : public EffectHandler {
 public:
  explicit RecordQuery(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  bool changesAt(const Event&) const override { return false; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    Verdict v;
    std::string month = effects::monthOf(c.events.back().at);
    if (name_ == "unit_query") {
      auto u = view.unit(c.region, c.applicant.id_no);
      if (!u) return std::unexpected(u.error());
      if (!*u)
        return std::unexpected(
            refusal("unit_not_found", "该单位未在本统筹区参保登记，无参保信息可查"));
      v.record["record"] = {
          {"credit_code", (*u)->credit_code}, {"name", (*u)->name},       {"type", (*u)->type},
          {"status", (*u)->status},           {"address", (*u)->address}, {"as_of", month}};
      return v;
    }
    auto p = view.person(c.region, c.applicant.id_no);
    if (!p) return std::unexpected(p.error());
    if (!*p)
      return std::unexpected(
          refusal("person_not_found", "申请人未在本统筹区参保登记，无参保信息可查"));
    v.record["record"] = {{"name", (*p)->name},
                          {"id_no", effects::masked((*p)->id_no)},
                          {"insurance_type", (*p)->insurance_type},
                          {"status", (*p)->status},
                          {"unit", (*p)->unit},
                          {"enrolments", periodsJson(**p)},
                          {"contribution_months", contributionMonths((*p)->enrolments, month)},
                          {"as_of", month}};
    if (name_ == "insurance_certificate") v.record["record"]["title"] = "参保凭证";
    return v;
  }

  Result<void> apply(const EffectInput&, const Event&, RegisterTx&) const override { return {}; }

  json view(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "record");
    return {{"register", name_ == "unit_query" ? "units" : "persons"},
            {"record", e ? e->data["record"] : json(nullptr)}};
  }

 private:
  std::string name_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeRecordQueryEffect(std::string name) {
  return std::make_unique<RecordQuery>(std::move(name));
}

}  // namespace jingban
