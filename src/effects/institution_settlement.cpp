#include "effects/institution_settlement.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "policy/policy.hpp"
#include "settlement/settlement_record.hpp"

namespace jingban {

using nlohmann::json;
namespace stl = settlement;

namespace {

// The upload as the case carries it (the 申请's form, written by routes_settlements.cpp).
struct UploadForm {
  std::string institution_code, month;
  json upload;  // {accepted, rejected, totals, rejected_sample, example}
};

Result<UploadForm> uploadOf(const CaseState& c) {
  const json& f = *c.form;
  UploadForm u{effects::text(f, "institution_code"), effects::text(f, "month"), nullptr};
  if (auto it = f.find("upload"); it != f.end() && it->is_object()) u.upload = *it;
  if (u.institution_code.empty() || monthIndex(u.month) < 0 || !u.upload.is_object() ||
      !u.upload.contains("totals") || !u.upload["totals"].is_object())
    return std::unexpected(effects::refusal(
        "settlement_upload_missing",
        "该结算办件没有费用明细：须由定点医药机构通过费用明细上传接口提交（上传即申请）"));
  return u;
}

int64_t fundOf(const json& upload) { return upload["totals"].value("fund_fen", int64_t{0}); }

// The review step an approval was given at is the last one when the next step is 拨付: passing it
// makes the 基金拨付单 (复审 in Qinghai, 复核 in Yunnan).
bool lastReview(const CaseState& c, const Item& item, const std::string& step) {
  const auto& flow = caseFlow(c, item);
  for (size_t i = 0; i + 1 < flow.size(); ++i)
    if (flow[i].step == step && flow[i].kind == StepKind::kReview)
      return flow[i + 1].kind == StepKind::kPay;
  return false;
}

class SettlementHandler final : public SettlementEffect {
 public:
  SettlementHandler(std::string name, std::shared_ptr<const PolicySet> policies)
      : name_(std::move(name)), policies_(std::move(policies)) {}

  std::string name() const override { return name_; }
  const char* category() const override {
    return name_ == "pharmacy_settlement" ? "零售药店" : "医疗机构";
  }

  Result<const stl::FeeCatalogue*> catalogue(const Region& region) const override {
    std::call_once(load_once_, [this] {
      auto c = stl::FeeCatalogues::load(feeCatalogueDir());
      if (c)
        catalogues_ = *c;
      else
        load_error_ = c.error();
    });
    if (!catalogues_) return std::unexpected(load_error_);
    std::vector<std::string> chain{region.id};
    if (!region.extends.empty()) chain.push_back(region.extends);
    const stl::FeeCatalogue* found = catalogues_->find(chain);
    if (!found)
      return std::unexpected(effects::refusal(
          "no_fee_catalogue", "地区“" + region.name + "”没有医保收费目录，不能结算费用明细"));
    return found;
  }

  Result<int> firstPaidPermille(const std::string& region,
                                const std::string& month) const override {
    int idx = monthIndex(month);
    const InsurancePolicy* p =
        policies_ && idx >= 0 ? policies_->find(region, "职工", idx / 12) : nullptr;
    if (!p)
      return std::unexpected(effects::refusal(
          "no_policy",
          "没有该地区 " + month.substr(0, 4) + " 年的职工医保待遇参数，不能计算统筹支付"));
    return p->class_b_first_paid_permille;
  }

  bool changesAt(const Event& e) const override {
    static const std::set<std::string> kActions{"accept",   "approve", "send_back", "pay",
                                                "complete", "reject",  "withdraw"};
    return kActions.count(e.action) > 0;
  }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    const Event& ev = c.events.back();
    auto u = uploadOf(c);
    if (!u) return std::unexpected(u.error());
    Verdict v;
    if (ev.action == "accept") {
      auto inst = institution(view, c.region, u->institution_code, u->month);
      if (!inst) return std::unexpected(inst.error());
      if (inst->credit_code != c.applicant.id_no)
        return std::unexpected(effects::refusal(
            "not_the_institution", "申请人的统一社会信用代码与该定点医药机构登记的不一致"));
      if (u->upload.value("accepted", int64_t{0}) <= 0)
        return std::unexpected(effects::refusal(
            "no_accepted_lines", "上传的费用明细没有一行通过校验，没有可结算的费用"));
    }
    auto existing =
        view.entry(stl::kEntryKind, c.region, stl::entryKey(u->institution_code, u->month));
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      auto r = stl::fromEntry(**existing);
      if (r.case_no != c.case_no && stl::blocksResubmission(r.status))
        return std::unexpected(Error{ErrorCode::kConflict, "settlement_exists",
                                     "该机构 " + u->month + " 的费用结算已在办理（办件 " +
                                         r.case_no + "），同一月份只能结算一次"});
    }
    if (ev.action == "approve" && lastReview(c, in.item, ev.step)) {
      const json& t = u->upload["totals"];
      v.record["fund_payment_order"] = {
          {"institution_code", u->institution_code},
          {"month", u->month},
          {"amount_fen", t.value("amount_fen", int64_t{0})},
          {"class_b_first_paid_fen", t.value("class_b_first_paid_fen", int64_t{0})},
          {"self_fen", t.value("self_fen", int64_t{0})},
          {"payable_fen", fundOf(u->upload)},
          {"example", u->upload.value("example", true)}};
    }
    if (ev.action == "pay") {
      if (!*existing || stl::fromEntry(**existing).status != stl::kStatusReconciled)
        return std::unexpected(effects::refusal(
            "not_reconciled", "定点医药机构尚未对基金拨付单进行对账确认，不能拨付"));
      auto inst = institution(view, c.region, u->institution_code, u->month);
      if (!inst) return std::unexpected(inst.error());
      v.record["payee"] = {{"name", inst->name}, {"bank_account", inst->bank_account}};
    }
    return v;
  }

  std::optional<int64_t> payable(const CaseState& c) const override {
    auto u = uploadOf(c);
    if (!u) return std::nullopt;
    return fundOf(u->upload);
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    auto u = uploadOf(c);
    if (!u) return std::unexpected(u.error());
    const std::string key = stl::entryKey(u->institution_code, u->month);
    auto found = tx.entry(stl::kEntryKind, c.region, key);
    if (!found) return std::unexpected(found.error());
    std::optional<stl::SettlementRecord> cur;
    if (*found) cur = stl::fromEntry(**found);
    const Cause cause{c.case_no, e.seq, e.at.unix_seconds};

    if (e.action == "accept") {
      if (cur && cur->case_no != c.case_no && stl::blocksResubmission(cur->status))
        return std::unexpected(
            effects::changedMeanwhile("该机构该月的费用结算已由另一办件受理，请刷新后重试"));
      auto inst = tx.entry("institution", c.region, u->institution_code);
      if (!inst) return std::unexpected(inst.error());
      stl::SettlementRecord r;
      r.region = c.region;
      r.institution_code = u->institution_code;
      r.month = u->month;
      r.status = stl::kStatusReviewing;
      r.case_no = c.case_no;
      r.item_code = c.item_code;
      r.credit_code = c.applicant.id_no;
      r.institution_name = *inst ? (*inst)->data.value("name", c.applicant.name) : c.applicant.name;
      r.category = category();
      r.totals = u->upload["totals"];
      r.example = u->upload.value("example", true);
      r.payable_fen = fundOf(u->upload);
      return tx.putEntry(stl::toEntry(r), cause);
    }
    // Every later event concerns the entry this case registered at 受理 (none when it never
    // got that far: a withdrawal before 受理 changes nothing).
    if (!cur || cur->case_no != c.case_no) return {};
    stl::SettlementRecord r = *cur;
    if (e.action == "approve") {
      if (!lastReview(c, in.item, e.step)) return {};
      r.status = stl::kStatusOrdered;
      r.ordered_at = e.at.iso();
    } else if (e.action == "send_back") {
      // The 拨付单 is void once review reopens; the institution confirms the new one.
      r.status = stl::kStatusReviewing;
      r.ordered_at.clear();
      r.confirmed_at.clear();
    } else if (e.action == "pay") {
      if (r.status != stl::kStatusReconciled)
        return std::unexpected(
            effects::changedMeanwhile("基金拨付单的对账状态已变更，请刷新后重试"));
      Payment p;
      p.region = c.region;
      p.case_no = c.case_no;
      p.event_seq = e.seq;
      p.payee_kind = "institution";
      p.payee = r.institution_name;
      if (auto it = e.data.find("payee"); it != e.data.end() && it->is_object()) {
        p.payee = it->value("name", r.institution_name);
        p.payee_account = it->value("bank_account", "");
      }
      p.amount_fen = e.data.value("amount_fen", r.payable_fen);
      p.purpose = c.item_name + "（" + r.institution_code + "，" + r.month + "）";
      p.at = e.at.unix_seconds;
      p.month = effects::monthOf(e.at);
      if (auto ok = tx.addPayment(p); !ok) return ok;
      r.status = stl::kStatusPaid;
      r.paid_at = e.at.iso();
      r.paid_fen = p.amount_fen;
    } else if (e.action == "complete") {
      r.status = stl::kStatusClosed;
    } else if (e.action == "reject" || e.action == "withdraw") {
      r.status = stl::kStatusRefused;
    } else {
      return {};
    }
    return tx.putEntry(stl::toEntry(r), cause);
  }

  json view(const CaseState& c) const override {
    auto u = uploadOf(c);
    if (!u) return nullptr;
    json out = {{"institution_code", u->institution_code},
                {"month", u->month},
                {"accepted", u->upload.value("accepted", int64_t{0})},
                {"rejected", u->upload.value("rejected", int64_t{0})},
                {"totals", u->upload["totals"]},
                {"rejected_sample", u->upload.value("rejected_sample", json::array())},
                {"example", u->upload.value("example", true)}};
    if (const Event* e = effects::latestWith(c, "fund_payment_order"))
      out["fund_payment_order"] = e->data["fund_payment_order"];
    return {{"fee_settlement", std::move(out)}};
  }

 private:
  std::string name_;
  std::shared_ptr<const PolicySet> policies_;
  mutable std::once_flag load_once_;
  mutable std::shared_ptr<const stl::FeeCatalogues> catalogues_;
  mutable Error load_error_{ErrorCode::kInternal, "", ""};
};

}  // namespace

Result<InstitutionFacts> SettlementEffect::institution(RegisterView& view,
                                                       const std::string& region,
                                                       const std::string& code,
                                                       const std::string& month) const {
  auto e = view.entry("institution", region, code);
  if (!e) return std::unexpected(e.error());
  if (!*e)
    return std::unexpected(
        Error{ErrorCode::kNotFound, "institution_not_found", "该地区没有这个定点医药机构编码"});
  const RegisterEntry& x = **e;
  InstitutionFacts f{
      x.key,  x.owner, x.data.value("name", ""),        x.data.value("category", ""), x.status,
      x.from, x.to,    x.data.value("bank_account", "")};
  if (f.category != category())
    return std::unexpected(effects::refusal(
        "wrong_category", "该编码是" + (f.category.empty() ? std::string("其他机构") : f.category) +
                              "，本事项结算的是定点" + category() + "的费用"));
  int idx = monthIndex(month);
  std::string first = month + "-01";
  std::string last = monthText(idx + 1) + "-01";  // the day after the month, exclusive
  // The agreement must overlap the month (a line outside the agreement is rejected on its own).
  if ((!f.from.empty() && f.from >= last) || (!f.to.empty() && f.to < first))
    return std::unexpected(effects::refusal(
        "outside_agreement", "该机构的定点协议有效期不覆盖 " + month + "，不能结算该月费用"));
  return f;
}

std::string feeCatalogueDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("JINGBAN_FEE_CATALOGUE_DIR"); env && *env) return env;
  const std::string rel = "catalog/fee_catalogue";
  if (fs::exists(rel)) return rel;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = exe.parent_path().parent_path() / rel;
    if (fs::exists(beside)) return beside.string();
  }
  return rel;
}

std::unique_ptr<EffectHandler> makeSettlementEffect(std::string name,
                                                    std::shared_ptr<const PolicySet> policies) {
  return std::make_unique<SettlementHandler>(std::move(name), std::move(policies));
}

}  // namespace jingban
