// 待遇支付 (Xining 630100990001, chart 16): the agency's own payment run. Staff open it with the
// 医疗待遇支付结算单 as its form (lines: payee kind, name and account, amount, purpose, optionally
// the case of this region the line pays).
// - 受理 and 审核医疗待遇支付结算单 check the 结算单: at least one line, case numbers of this
//   region and none paid twice, no line repeated, the total within 10^12 fen, the month not later
//   than the month of the action. The total is what 拨付 must pay.
// - 拨付 (支付审核后的各项医疗待遇) books one payment per line in the payments ledger: line n of
//   the 结算单 as line n of the 拨付 event (the ledger is keyed by case, event and line). Applying
//   the event a second time is refused by the register log (exactly once).
// - 编制待遇支付会计凭证 (the flow's second pay step, which the workflow does not count as paid a
//   second time) must equal the total paid, and records the voucher (kind benefit_voucher, number
//   PZ + division + 6 digits from the registers' counter, totals by purpose).
// - 办结 (月末与银行进行核对) marks the voucher 已对账 and links the month's payments export, the
//   file compared with the bank statement.
#include "common/money.hpp"
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/extras.hpp"
#include "registers/filing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "benefit_run";
constexpr int kMaxLines = 500;  // the form's cap

const char* payeeKind(const std::string& kind) {
  if (kind == "个人") return "person";
  if (kind == "单位") return "unit";
  return "institution";
}

// A case number of the region: <division>-<YYYYMMDD>-<6 or more digits>.
bool caseNoOfRegion(const std::string& no, const std::string& division) {
  std::string prefix = division + "-";
  if (no.size() < prefix.size() + 15 || no.compare(0, prefix.size(), prefix) != 0) return false;
  std::string rest = no.substr(prefix.size());
  if (rest[8] != '-') return false;
  for (size_t i = 0; i < rest.size(); ++i)
    if (i != 8 && (rest[i] < '0' || rest[i] > '9')) return false;
  return true;
}

class BenefitPayment : public EffectHandler {
 public:
  std::string name() const override { return "benefit_payment"; }
  bool changesAt(const Event& e) const override {
    return e.action == "pay" || e.action == "complete";
  }

  Result<Verdict> validate(const EffectInput& in, RegisterView&) const override {
    const CaseState& c = in.c;
    const json& form = *c.form;
    const Event& now = c.events.back();
    std::string month = effects::text(form, "month");
    if (month.empty()) return std::unexpected(refusal("month_required", "请填写支付月份"));
    if (month > effects::monthOf(now.at))
      return std::unexpected(
          refusal("month_not_started", "支付月份 " + month + " 尚未开始，不能办理待遇支付"));
    auto lines = form.find("lines");
    if (lines == form.end() || !lines->is_array() || lines->empty())
      return std::unexpected(refusal("no_lines", "医疗待遇支付结算单没有支付明细，不能办理"));
    if (lines->size() > kMaxLines)
      return std::unexpected(refusal("too_many_lines", "一份结算单至多 500 条支付明细"));
    auto total = Money::total(0);
    if (!total) return std::unexpected(total.error());
    std::map<std::string, std::pair<int, int64_t>> by_purpose;  // purpose → (count, fen)
    std::map<std::string, size_t> seen_cases, seen_lines;
    for (size_t i = 0; i < lines->size(); ++i) {
      const json& l = (*lines)[i];
      std::string n = std::to_string(i + 1);
      std::string case_no = effects::text(l, "case_no");
      if (!case_no.empty()) {
        if (!caseNoOfRegion(case_no, in.region.division_code))
          return std::unexpected(refusal(
              "bad_case_no", "第 " + n + " 条明细的办件编号不是本统筹区的办件编号，请核对"));
        auto [it, fresh] = seen_cases.emplace(case_no, i + 1);
        if (!fresh)
          return std::unexpected(
              refusal("case_paid_twice", "第 " + std::to_string(it->second) + " 条和第 " + n +
                                             " 条明细支付同一办件，一个办件只能支付一次"));
      }
      std::string same = l.dump();
      auto [it, fresh] = seen_lines.emplace(same, i + 1);
      if (!fresh)
        return std::unexpected(refusal("duplicate_line", "第 " + std::to_string(it->second) +
                                                             " 条和第 " + n +
                                                             " 条明细完全相同，请核对是否重复"));
      auto amount = Money::amount(l.value("amount_fen", int64_t{0}));
      if (!amount)
        return std::unexpected(refusal("bad_line_amount", "第 " + n + " 条明细的金额不正确"));
      auto sum = total->plus(*amount);
      if (!sum)
        return std::unexpected(
            refusal("total_too_large", "结算单合计金额超出上限，请分批办理待遇支付"));
      total = *sum;
      auto& p = by_purpose[effects::text(l, "purpose")];
      ++p.first;
      p.second += amount->fen();
    }
    // Each line is paid as the 结算单 states it: a run's payment is its total, never another sum.
    if (now.action == "pay" && now.data.value("amount_fen", int64_t{0}) != total->fen())
      return std::unexpected(refusal(
          "run_amount_differs",
          "拨付（编制凭证）金额须等于结算单合计 " + total->yuan() + " 元，结算单各条明细逐笔支付"));
    json purposes = json::array();
    for (const auto& [purpose, v] : by_purpose)
      purposes.push_back({{"purpose", purpose}, {"count", v.first}, {"amount_fen", v.second}});
    Verdict out;
    out.record[kRecordKey] = {{"month", month},
                              {"lines", lines->size()},
                              {"total_fen", total->fen()},
                              {"by_purpose", std::move(purposes)}};
    return out;
  }

  std::optional<int64_t> payable(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, kRecordKey);
    if (!e) return std::nullopt;
    return e->data[kRecordKey].value("total_fen", int64_t{0});
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_benefit_run", "办件没有审核过的医疗待遇支付结算单");
    const json& run = recorded->data[kRecordKey];
    Cause cause{c.case_no, e.seq, e.at.unix_seconds};
    if (e.action == "pay" && e.step == firstPayStep(c, in.item)) {
      const json& lines = (*c.form)["lines"];
      for (size_t i = 0; i < lines.size(); ++i) {
        const json& l = lines[i];
        Payment p;
        p.region = c.region;
        p.case_no = c.case_no;
        p.event_seq = e.seq;
        p.line = static_cast<int>(i) + 1;
        p.payee_kind = payeeKind(effects::text(l, "payee_kind"));
        p.payee = effects::text(l, "payee");
        p.payee_account = effects::text(l, "payee_account");
        p.amount_fen = l.value("amount_fen", int64_t{0});
        std::string paid_case = effects::text(l, "case_no");
        p.purpose =
            effects::text(l, "purpose") + (paid_case.empty() ? "" : "（" + paid_case + "）");
        p.at = e.at.unix_seconds;
        p.month = effects::monthOf(e.at);
        if (auto r = tx.addPayment(p); !r) return r;
      }
      return {};
    }
    if (e.action == "pay") {
      const Event* paid = paymentEvent(c, in.item);
      if (!paid) return fail(ErrorCode::kConflict, "not_paid", "待遇尚未拨付，不能编制会计凭证");
      auto n = tx.nextNumber(std::string(kVoucherKind) + ":" + c.region);
      if (!n) return std::unexpected(n.error());
      RegisterEntry v;
      v.kind = kVoucherKind;
      v.region = c.region;
      v.key = registerNumber("PZ", in.region.division_code, *n);
      v.owner = c.case_no;
      v.status = kVoucherMade;
      v.from = e.at.date().str();
      std::string payments_month = effects::monthOf(paid->at);
      v.data = {{"number", v.key},
                {"case_no", c.case_no},
                {"month", run.value("month", "")},
                {"total_fen", run.value("total_fen", int64_t{0})},
                {"lines", run.value("lines", 0)},
                {"by_purpose", run.value("by_purpose", json::array())},
                {"paid_on", paid->at.date().str()},
                {"payments_month", payments_month},
                {"made_on", v.from},
                {"made_by", e.actor}};
      return tx.putEntry(v, cause);
    }
    // 办结: the month-end reconciliation against the bank.
    EntryFilter f;
    f.kind = kVoucherKind;
    f.region = c.region;
    f.owner = c.case_no;
    auto list = tx.entries(f);
    if (!list) return std::unexpected(list.error());
    if (list->empty())
      return fail(ErrorCode::kConflict, "no_voucher", "尚未编制待遇支付会计凭证，不能办结");
    RegisterEntry v = list->back();
    std::string month = v.data.value("payments_month", "");
    v.status = kVoucherReconciled;
    v.data["reconciled_on"] = e.at.date().str();
    v.data["reconciled_by"] = e.actor;
    v.data["export"] =
        "/api/v1/regions/" + c.region + "/payments/export?month=" + month + "&format=csv";
    return tx.putEntry(v, cause);
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "payments", "run");
  }

 private:
  static std::string firstPayStep(const CaseState& c, const Item& item) {
    for (const auto& s : caseFlow(c, item))
      if (s.kind == StepKind::kPay) return s.step;
    return "";
  }
  // The 拨付 event (the first pay step's).
  static const Event* paymentEvent(const CaseState& c, const Item& item) {
    std::string step = firstPayStep(c, item);
    const Event* found = nullptr;
    for (const auto& ev : c.events)
      if (ev.action == "pay" && ev.step == step) found = &ev;
    return found;
  }
};

}  // namespace

std::unique_ptr<EffectHandler> makeBenefitPaymentEffect() {
  return std::make_unique<BenefitPayment>();
}

}  // namespace jingban
