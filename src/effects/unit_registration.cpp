// 单位参保登记 (001001: 新参保, and in Yunnan and Qingdao 暂停参保 / 注销登记, which their guides
// fold into the same item) and 单位参保信息变更登记 (001004). The unit register changes at 办结.
#include "effects/handlers.hpp"
#include "effects/support.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

// Fields of the unit a change may touch, with the form field that carries each.
struct Field {
  const char* form;
  std::string Unit::*member;
  bool key;  // 关键信息: needs the item's supporting-material condition
};
const Field kFields[] = {
    {"name", &Unit::name, true},
    {"unit_type", &Unit::type, true},
    {"legal_representative", &Unit::legal_representative, true},
    {"address", &Unit::address, false},
    {"phone", &Unit::phone, false},
    {"bank_account", &Unit::bank_account, false},
};

class UnitRegistration : public EffectHandler {
 public:
  explicit UnitRegistration(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.applicant.kind != "unit")
      return std::unexpected(refusal("applicant_not_unit", "单位参保登记的申请人须为单位"));
    auto unit = view.unit(c.region, c.applicant.id_no);
    if (!unit) return std::unexpected(unit.error());
    if (auto r = check(in, *unit); !r) return std::unexpected(r.error());
    return Verdict{};
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    auto unit = tx.unit(c.region, c.applicant.id_no);
    if (!unit) return std::unexpected(unit.error());
    // The registers may have changed since the review (another case of the same unit).
    if (auto r = check(in, *unit); !r)
      return std::unexpected(effects::changedMeanwhile(r.error().message));
    Unit u = *unit ? **unit : Unit{};
    const json& form = *c.form;
    std::string change = this->change(form);
    if (change == "新参保") {
      u.region = c.region;
      u.credit_code = c.applicant.id_no;
      u.name = c.applicant.name;
      u.status = kUnitActive;
    } else if (change == "暂停参保") {
      u.status = kUnitSuspended;
    } else if (change == "注销登记") {
      u.status = kUnitCancelled;
    }
    for (const auto& f : kFields)
      if (auto v = effects::text(form, f.form); !v.empty()) u.*(f.member) = v;
    return tx.putUnit(u, Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    return {{"register", "units"}, {"key", c.applicant.id_no}, {"change", change(*c.form)}};
  }

 private:
  std::string change(const json& form) const {
    if (name_ == "unit_change") return "变更";
    std::string v = effects::text(form, "change");
    return v.empty() ? "新参保" : v;
  }

  Result<void> check(const EffectInput& in, const std::optional<Unit>& unit) const {
    const CaseState& c = in.c;
    const json& form = *c.form;
    std::string change = this->change(form);
    if (change == "新参保") {
      for (const char* f : {"unit_type", "address", "legal_representative", "phone"})
        if (effects::text(form, f).empty())
          return fail(ErrorCode::kUnprocessable, "form_incomplete",
                      "新参保登记须填写单位类型、单位地址、法定代表人和联系电话");
      if (unit && unit->status != kUnitCancelled)
        return fail(ErrorCode::kUnprocessable, "duplicate_unit",
                    "统一社会信用代码为 " + c.applicant.id_no + " 的单位已在本统筹区参保登记（" +
                        unit->status + "），不能重复登记");
      return {};
    }
    if (!unit)
      return fail(ErrorCode::kUnprocessable, "unit_not_found",
                  "统一社会信用代码为 " + c.applicant.id_no + " 的单位未在本统筹区参保登记");
    if (unit->status == kUnitCancelled)
      return fail(ErrorCode::kUnprocessable, "unit_cancelled", "该单位已注销参保登记");
    if (change == "暂停参保" && unit->status != kUnitActive)
      return fail(ErrorCode::kUnprocessable, "unit_not_active", "该单位参保状态不是正常，不能暂停");
    if (change != "变更") return {};
    bool any = false, key = false;
    for (const auto& f : kFields) {
      std::string v = effects::text(form, f.form);
      if (v.empty() || v == (*unit).*(f.member)) continue;
      any = true;
      key = key || f.key;
    }
    if (!any)
      return fail(ErrorCode::kUnprocessable, "nothing_to_change",
                  "变更信息与登记信息相同，没有需要变更的内容");
    if (key) {
      // 关键信息 (name, type, legal representative) change only with the item's supporting
      // material: the item's condition for it must be ticked, which adds the material.
      for (const auto& cond : in.item.conditions)
        if (cond.id.find("key") != std::string::npos && !c.conditions.count(cond.id))
          return fail(ErrorCode::kUnprocessable, "key_change_material",
                      "变更单位名称、类型或法定代表人属于关键信息变更，须选择“" + cond.name +
                          "”并提交相应证明材料");
    }
    return {};
  }

  std::string name_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeUnitRegistrationEffect(std::string name) {
  return std::make_unique<UnitRegistration>(std::move(name));
}

}  // namespace jingban
