// 参保人员个人账户一次性支取 (002003): death (to the heirs directly, or through the unit's account
// — the two paths of chart 4-13 of 000), emigration, exit, transfer to a place without personal
// accounts. Refused at 受理 without an account or with a zero balance; at 拨付 the whole balance
// is paid (a different amount needs a recorded reason), the payment is booked and the account
// closes at zero.
#include "common/money.hpp"
#include "effects/handlers.hpp"
#include "effects/support.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

class AccountWithdrawal : public EffectHandler {
 public:
  std::string name() const override { return "account_withdrawal"; }
  bool changesAt(const Event& e) const override { return e.action == "pay"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.applicant.kind != "person")
      return std::unexpected(refusal("applicant_not_person",
                                     "个人账户一次性支取的申请人须为参保人（或其继承人代办）"));
    if (effects::text(*c.form, "reason") == "死亡" && effects::text(*c.form, "heir_name").empty() &&
        !unitPath(c))
      return std::unexpected(refusal("heir_required", "参保人死亡的，须填写继承人姓名"));
    auto a = view.account(c.region, c.applicant.id_no);
    if (!a) return std::unexpected(a.error());
    if (!*a || (*a)->status != "正常")
      return std::unexpected(refusal("no_account", "申请人在本统筹区没有个人账户，不能支取"));
    if ((*a)->balance_fen <= 0)
      return std::unexpected(refusal("zero_balance", "个人账户余额为零，没有可支取的金额"));
    Verdict v;
    v.record["balance_fen"] = (*a)->balance_fen;
    if (unitPath(c)) {
      auto p = view.person(c.region, c.applicant.id_no);
      if (!p) return std::unexpected(p.error());
      auto u = *p && !(*p)->unit.empty() ? view.unit(c.region, (*p)->unit)
                                         : Result<std::optional<Unit>>(std::nullopt);
      if (!u) return std::unexpected(u.error());
      if (!*u)
        return std::unexpected(
            refusal("unit_not_found", "经单位账户支付的，参保人须有参保单位，登记中未找到"));
      v.record["payee_unit"] = {{"name", (*u)->name}, {"bank_account", (*u)->bank_account}};
    }
    return v;
  }

  std::optional<int64_t> payable(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "balance_fen");
    if (!e) return std::nullopt;
    return e->data["balance_fen"].get<int64_t>();
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    int64_t amount = e.data.value("amount_fen", int64_t{0});
    std::string reason = effects::text(*c.form, "reason");
    auto debit =
        tx.addAccountEntry(c.region, c.applicant.id_no,
                           AccountEntry{e.at.unix_seconds, -amount, "一次性支取", c.case_no});
    if (!debit) return debit;
    auto a = tx.account(c.region, c.applicant.id_no);
    if (!a) return std::unexpected(a.error());
    if (*a && (*a)->balance_fen == 0)
      if (auto r = tx.closeAccount(c.region, c.applicant.id_no,
                                   Cause{c.case_no, e.seq, e.at.unix_seconds});
          !r)
        return r;
    Payment p;
    p.region = c.region;
    p.case_no = c.case_no;
    p.event_seq = e.seq;
    p.amount_fen = amount;
    p.purpose = "个人账户一次性支取（" + reason + "）";
    p.at = e.at.unix_seconds;
    p.month = effects::monthOf(e.at);
    const Event* unit = effects::latestWith(c, "payee_unit");
    if (unitPath(c) && unit) {
      p.payee_kind = "unit";
      p.payee = unit->data["payee_unit"].value("name", "");
      p.payee_account = unit->data["payee_unit"].value("bank_account", "");
    } else if (reason == "死亡") {
      p.payee_kind = "heir";
      p.payee = effects::text(*c.form, "heir_name");
      p.payee_account = effects::text(*c.form, "payee_account");
    } else {
      p.payee_kind = "person";
      p.payee = c.applicant.name;
      p.payee_account = effects::text(*c.form, "payee_account");
    }
    return tx.addPayment(p);
  }

  json view(const CaseState& c) const override {
    json v = {{"register", "accounts"}, {"reason", effects::text(*c.form, "reason")}};
    if (auto due = payable(c)) v["payable_fen"] = *due;
    return v;
  }

 private:
  // Qinghai's 单位办理 path (the death of an employee, paid through the unit's account).
  static bool unitPath(const CaseState& c) { return c.conditions.count("unit_path") > 0; }
};

}  // namespace

std::unique_ptr<EffectHandler> makeAccountWithdrawalEffect() {
  return std::make_unique<AccountWithdrawal>();
}

}  // namespace jingban
