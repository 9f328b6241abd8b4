#include "cases/rebuild.hpp"

#include <map>

#include "common/hash.hpp"
#include "effects/account_credits.hpp"
#include "effects/institution_list.hpp"
#include "effects/institution_status.hpp"
#include "effects/resident_import.hpp"
#include "registers/transfer.hpp"
#include "settlement/settlement_record.hpp"

namespace jingban {

namespace {

constexpr std::string_view kImportPrefix = "import:";

Result<void> applyBatch(const ImportBatch& b, RegisterTx& tx) {
  if (b.kind == "residents") {
    auto r = applyResidentBatch(b, tx);
    if (!r) return std::unexpected(r.error());
    return {};
  }
  if (b.kind == kInstitutionBatchKind) {
    auto r = applyInstitutionBatch(b, tx);
    if (!r) return std::unexpected(r.error());
    return {};
  }
  if (b.kind == "account_credits") {
    auto r = applyAccountCredits(b, tx);
    if (!r) return std::unexpected(r.error());
    return {};
  }
  if (b.kind == transfer::kBatchKind) {  // a transfer document received (peer/exchange.cpp)
    auto receipt = transfer::receiptFromJson(nlohmann::json::parse(b.rows, nullptr, false));
    if (!receipt) return std::unexpected(receipt.error());
    Cause cause{"import:" + b.batch_id, 0, b.at};
    auto fresh = tx.claim(cause);
    if (!fresh) return std::unexpected(fresh.error());
    if (!*fresh) return {};
    return transfer::applyReceipt(*receipt, tx, cause);
  }
  if (b.kind == kInstitutionStatusBatchKind) {  // 暂停 / 恢复 / 解除 (routes_institutions)
    auto r = applyInstitutionStatus(b, tx);
    if (!r) return std::unexpected(r.error());
    return {};
  }
  if (b.kind == settlement::kConfirmationBatchKind)  // an institution's 对账 (routes_settlements)
    return settlement::applyConfirmation(b.region, b.rows, b.at, b.batch_id, tx);
  return fail(ErrorCode::kInternal, "unknown_batch", "未知的导入批次类型：" + b.kind);
}

}  // namespace

Result<RebuildReport> rebuildRegisters(Store& store, const Catalog& catalog,
                                       const EffectRegistry& effects) {
  RebuildReport report;
  auto before = store.registers().dump();
  if (!before) return std::unexpected(before.error());
  report.before_sha256 = sha256Hex(before->dump());
  auto log = store.registerLog();
  if (!log) return std::unexpected(log.error());

  // Everything the replay needs is read before the transaction (cases and batches do not change).
  std::map<std::string, CaseState> cases;
  std::map<std::string, ImportBatch> batches;
  for (const auto& cause : *log) {
    if (cause.source.starts_with(kImportPrefix)) {
      std::string id = cause.source.substr(kImportPrefix.size());
      if (batches.count(id)) continue;
      auto b = store.importBatch(id);
      if (!b) return std::unexpected(b.error());
      if (!*b)
        return fail(ErrorCode::kInternal, "batch_missing", "登记日志中的导入批次不存在：" + id);
      batches.emplace(id, std::move(**b));
    } else if (!cases.count(cause.source)) {
      auto c = store.loadCase(cause.source);
      if (!c) return std::unexpected(c.error());
      if (!*c)
        return fail(ErrorCode::kInternal, "case_missing",
                    "登记日志中的办件不存在：" + cause.source);
      cases.emplace(cause.source, std::move(**c));
    }
  }

  UnitOfWork work = [&](Tx& tx) -> Result<void> {
    if (auto r = tx.clearRegisters(); !r) return r;
    for (const auto& cause : *log) {
      if (cause.source.starts_with(kImportPrefix)) {
        if (auto r =
                applyBatch(batches.at(cause.source.substr(kImportPrefix.size())), tx.registers());
            !r)
          return r;
        ++report.batches;
        continue;
      }
      const CaseState& full = cases.at(cause.source);
      const Region* region = catalog.region(full.region);
      const Item* item = region ? region->item(full.item_code) : nullptr;
      const EffectHandler* h = item ? effects.find(item->effect) : nullptr;
      if (!h || cause.event_seq < 1 || cause.event_seq > full.version())
        return fail(ErrorCode::kInternal, "cannot_replay",
                    "无法重放办件 " + cause.source + " 的第 " + std::to_string(cause.event_seq) +
                        " 条记录（事项或办理结果类型已不存在）");
      // The case as it stood when the event was committed: its events up to this one.
      CaseState at = full;
      at.events.resize(static_cast<size_t>(cause.event_seq));
      const Event& e = at.events.back();
      auto fresh = tx.registers().claim(Cause{at.case_no, e.seq, e.at.unix_seconds});
      if (!fresh) return std::unexpected(fresh.error());
      if (!*fresh) continue;
      if (auto r = h->apply(EffectInput{*region, *item, at}, e, tx.registers()); !r) return r;
      ++report.events;
    }
    return {};
  };
  std::vector<UnitOfWork> units{std::move(work)};
  std::vector<Result<void>> results;
  store.runBatch(units, results);
  if (!results.at(0)) return std::unexpected(results[0].error());

  auto after = store.registers().dump();
  if (!after) return std::unexpected(after.error());
  report.after_sha256 = sha256Hex(after->dump());
  report.identical = *before == *after;
  return report;
}

}  // namespace jingban
