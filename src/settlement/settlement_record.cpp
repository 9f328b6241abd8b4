#include "settlement/settlement_record.hpp"

#include "calendar/date.hpp"

namespace jingban::settlement {

using nlohmann::json;

namespace {

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The first and last day of a YYYY-MM month ("" when malformed).
std::pair<std::string, std::string> monthBounds(const std::string& month) {
  int idx = monthIndex(month);
  if (idx < 0) return {"", ""};
  Date first = Date::fromYmd(idx / 12, static_cast<unsigned>(idx % 12 + 1), 1);
  int next = idx + 1;
  Date last = Date::fromYmd(next / 12, static_cast<unsigned>(next % 12 + 1), 1).plusDays(-1);
  return {first.str(), last.str()};
}

}  // namespace

bool blocksResubmission(const std::string& status) { return status != kStatusRefused; }

std::string entryKey(const std::string& institution_code, const std::string& month) {
  return institution_code + ":" + month;
}

RegisterEntry toEntry(const SettlementRecord& r) {
  RegisterEntry e;
  e.kind = kEntryKind;
  e.region = r.region;
  e.key = entryKey(r.institution_code, r.month);
  e.owner = r.institution_code;
  e.status = r.status;
  auto [from, to] = monthBounds(r.month);
  e.from = from;
  e.to = to;
  e.data = {{"month", r.month},
            {"case_no", r.case_no},
            {"item_code", r.item_code},
            {"institution_name", r.institution_name},
            {"category", r.category},
            {"credit_code", r.credit_code},
            {"totals", r.totals},
            {"example", r.example},
            {"payable_fen", r.payable_fen},
            {"ordered_at", r.ordered_at},
            {"confirmed_at", r.confirmed_at},
            {"paid_at", r.paid_at},
            {"paid_fen", r.paid_fen}};
  return e;
}

SettlementRecord fromEntry(const RegisterEntry& e) {
  SettlementRecord r;
  r.region = e.region;
  r.institution_code = e.owner;
  r.status = e.status;
  const json& d = e.data;
  r.month = text(d, "month");
  r.case_no = text(d, "case_no");
  r.item_code = text(d, "item_code");
  r.institution_name = text(d, "institution_name");
  r.category = text(d, "category");
  r.credit_code = text(d, "credit_code");
  if (auto it = d.find("totals"); it != d.end() && it->is_object()) r.totals = *it;
  if (auto it = d.find("example"); it != d.end() && it->is_boolean()) r.example = it->get<bool>();
  r.payable_fen = number(d, "payable_fen");
  r.ordered_at = text(d, "ordered_at");
  r.confirmed_at = text(d, "confirmed_at");
  r.paid_at = text(d, "paid_at");
  r.paid_fen = number(d, "paid_fen");
  return r;
}

json recordJson(const SettlementRecord& r) {
  json order = nullptr;
  if (!r.ordered_at.empty()) {
    const json& t = r.totals;
    order = {{"institution_code", r.institution_code},
             {"institution_name", r.institution_name},
             {"month", r.month},
             {"amount_fen", t.value("amount_fen", int64_t{0})},
             {"class_b_first_paid_fen", t.value("class_b_first_paid_fen", int64_t{0})},
             {"self_fen", t.value("self_fen", int64_t{0})},
             {"payable_fen", r.payable_fen},
             {"made_at", r.ordered_at},
             {"example", r.example}};
  }
  return {{"region", r.region},
          {"institution_code", r.institution_code},
          {"institution_name", r.institution_name},
          {"category", r.category},
          {"month", r.month},
          {"status", r.status},
          {"case_no", r.case_no},
          {"item_code", r.item_code},
          {"totals", r.totals},
          {"example", r.example},
          {"payable_fen", r.payable_fen},
          {"fund_payment_order", std::move(order)},
          {"confirmed_at", r.confirmed_at.empty() ? json(nullptr) : json(r.confirmed_at)},
          {"paid_at", r.paid_at.empty() ? json(nullptr) : json(r.paid_at)},
          {"paid_fen", r.paid_fen}};
}

std::string confirmationRows(const SettlementRecord& r) {
  return json{{"key", entryKey(r.institution_code, r.month)},
              {"case_no", r.case_no},
              {"payable_fen", r.payable_fen}}
      .dump();
}

Result<void> applyConfirmation(const std::string& region, const std::string& rows, int64_t at,
                               const std::string& batch_id, RegisterTx& tx) {
  // Claimed here, so that the route and the rebuild apply it alike, and once.
  const Cause cause{"import:" + batch_id, 0, at};
  auto fresh = tx.claim(cause);
  if (!fresh) return std::unexpected(fresh.error());
  if (!*fresh) return {};
  auto j = json::parse(rows, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(ErrorCode::kInternal, "bad_batch", "对账确认记录格式错误");
  std::string key = text(j, "key");
  auto found = tx.entry(kEntryKind, region, key);
  if (!found) return std::unexpected(found.error());
  if (!*found) return fail(ErrorCode::kNotFound, "settlement_not_found", "未找到该月结算");
  SettlementRecord r = fromEntry(**found);
  if (r.status != kStatusOrdered)
    return fail(
        ErrorCode::kConflict, "not_ordered",
        r.status == kStatusReconciled || r.status == kStatusPaid || r.status == kStatusClosed
            ? "该月结算已对账确认"
            : "基金拨付单尚未生成，不能对账");
  if (r.case_no != text(j, "case_no") || r.payable_fen != number(j, "payable_fen"))
    return fail(ErrorCode::kConflict, "register_changed", "基金拨付单已变更，请重新核对后再确认");
  r.status = kStatusReconciled;
  r.confirmed_at = Instant{at}.iso();
  return tx.putEntry(toEntry(r), cause);
}

}  // namespace jingban::settlement
