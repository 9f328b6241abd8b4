// A month's settlement of one designated institution as the registers hold it (RegisterEntry kind
// "settlement", key "<institution code>:<YYYY-MM>", owner the institution code): the upload's
// totals, the 基金拨付单 made when review ends, the institution's 对账 confirmation and the
// payment. Typed record, its JSON mapping, and the 对账 confirmation applied to the registers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "registers/registers.hpp"

namespace jingban::settlement {

inline constexpr const char* kEntryKind = "settlement";
// The 对账 confirmation is a register change no case event carries (the institution confirms in
// the portal between 复审 and 拨付); it is stored as an import batch of this kind, so that the
// register log replays it in its place (cases/rebuild.cpp → applyConfirmation).
inline constexpr const char* kConfirmationBatchKind = "settlement_confirmation";

// Statuses, in the order of the flow (seed 000 chart 4-23: 上传 → 初审复审 → 基金拨付单 → 对账 →
// 拨款).
inline constexpr const char* kStatusReviewing = "审核中";   // accepted, in 初审 / 复审
inline constexpr const char* kStatusOrdered = "已制单";     // 基金拨付单 made, awaiting 对账
inline constexpr const char* kStatusReconciled = "已对账";  // the institution confirmed it
inline constexpr const char* kStatusPaid = "已拨付";        // finance paid
inline constexpr const char* kStatusClosed = "已办结";
inline constexpr const char* kStatusRefused = "未通过";  // rejected or withdrawn
// A settlement in one of these blocks another upload for the same month.
bool blocksResubmission(const std::string& status);

std::string entryKey(const std::string& institution_code, const std::string& month);

struct SettlementRecord {
  std::string region, institution_code, month;  // month YYYY-MM
  std::string status = kStatusReviewing;
  std::string case_no, item_code;
  std::string institution_name, category, credit_code;
  nlohmann::json totals = nlohmann::json::object();  // fee_lines.hpp totalsJson
  bool example = true;  // the catalogue and the first-paid share are example figures (示例参数)
  int64_t payable_fen = 0;   // the 基金拨付单's amount (the fund's share)
  std::string ordered_at;    // 基金拨付单 made (ISO time), "" before
  std::string confirmed_at;  // 对账 (ISO time), "" before
  std::string paid_at;
  int64_t paid_fen = 0;
};

RegisterEntry toEntry(const SettlementRecord& r);
SettlementRecord fromEntry(const RegisterEntry& e);
// The record as the API shows it (the 基金拨付单 figures included).
nlohmann::json recordJson(const SettlementRecord& r);

// The confirmation's batch rows: what was confirmed (the key, the case and the amount), so that a
// replay refuses a confirmation that no longer matches the 基金拨付单.
std::string confirmationRows(const SettlementRecord& r);
// Applies a confirmation (the batch's rows, at `at` unix seconds) to the settlement entry:
// 已制单 → 已对账, claiming ("import:<batch_id>", 0) first (nothing happens when it was claimed).
// Refused (kConflict) when the entry is not at 已制单 or its amount differs. The route calls it
// after storing the batch; the rebuild calls it for every batch of kConfirmationBatchKind.
Result<void> applyConfirmation(const std::string& region, const std::string& rows, int64_t at,
                               const std::string& batch_id, RegisterTx& tx);

}  // namespace jingban::settlement
