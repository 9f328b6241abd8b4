#include "effects/institution_status.hpp"

namespace jingban {

using nlohmann::json;

namespace {

std::string field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string institutionStatusRows(const std::string& code, const StatusRequest& r) {
  return json{
      {"code", code}, {"status", r.status}, {"reason", r.reason}, {"effective_on", r.effective_on},
      {"by", r.by},   {"at", r.at},         {"today", r.today}}
      .dump();
}

Result<Institution> applyInstitutionStatus(const ImportBatch& batch, RegisterTx& tx) {
  const json doc = json::parse(batch.rows, nullptr, false);
  if (!doc.is_object())
    return fail(ErrorCode::kInternal, "bad_institution_status_batch", "定点状态变更记录格式错误");
  const std::string code = field(doc, "code");
  auto found = tx.entry(kInstitutionRegister, batch.region, code);
  if (!found) return std::unexpected(found.error());
  if (!*found) return fail(ErrorCode::kNotFound, "institution_not_found", "未找到该定点医药机构");
  RegisterEntry e = **found;
  const Cause cause{"import:" + batch.batch_id, 0, batch.at};
  auto fresh = tx.claim(cause);
  if (!fresh) return std::unexpected(fresh.error());
  if (!*fresh) return institutionFromEntry(e);
  StatusRequest r{field(doc, "status"), field(doc, "reason"), field(doc, "effective_on"),
                  field(doc, "by"),     field(doc, "at"),     field(doc, "today")};
  auto changed = changeStatus(institutionFromEntry(e), r);
  if (!changed) return std::unexpected(changed.error());
  // Only the status and its changes are written: the entry's other data (what a list taken over
  // recorded, say) stays as it is.
  e.status = changed->status;
  e.data["status_changes"] = statusChangesJson(changed->status_changes);
  if (auto w = tx.putEntry(e, cause); !w) return std::unexpected(w.error());
  return std::move(*changed);
}

}  // namespace jingban
