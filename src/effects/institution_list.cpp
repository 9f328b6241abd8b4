#include "effects/institution_list.hpp"

#include <cstdio>
#include <memory>

#include "calendar/date.hpp"
#include "store/committer.hpp"

namespace jingban {

namespace {

using nlohmann::json;

json listJson(const std::string& division, const std::vector<ListedInstitution>& list) {
  json rows = json::array();
  for (const auto& i : list)
    rows.push_back({{"category", i.category},
                    {"credit_code", i.credit_code},
                    {"name", i.name},
                    {"level", i.level},
                    {"agreement_from", i.agreement_from},
                    {"agreement_to", i.agreement_to},
                    {"address", i.address},
                    {"bank_account", i.bank_account}});
  return json{{"division", division}, {"institutions", std::move(rows)}};
}

Result<std::vector<std::string>> apply(const std::string& region, const json& doc,
                                       const Cause& cause, RegisterTx& tx) {
  if (!doc.is_object() || !doc.contains("institutions") || !doc["institutions"].is_array())
    return fail(ErrorCode::kInternal, "bad_institution_batch", "定点机构名单批次内容无效");
  const std::string division = doc.value("division", "");
  std::vector<std::string> codes;
  for (const auto& i : doc["institutions"]) {
    const std::string category = i.value("category", "");
    const char prefix = institutionPrefix(category);
    if (!prefix)
      return fail(ErrorCode::kUnprocessable, "bad_institution_category",
                  "定点机构类别须为 医疗机构 或 零售药店");
    auto n = tx.nextNumber(institutionCounter(region, prefix));
    if (!n) return std::unexpected(n.error());
    auto code = institutionCode(prefix, division, *n);
    if (!code) return std::unexpected(code.error());
    RegisterEntry e{kInstitutionKind,
                    region,
                    *code,
                    i.value("credit_code", ""),
                    kInstitutionDesignated,
                    i.value("agreement_from", ""),
                    i.value("agreement_to", "")};
    e.data = {{"name", i.value("name", "")},
              {"category", category},
              {"level", i.value("level", "")},
              {"division", division},
              {"agreement_no", ""},
              {"case_no", ""},
              {"address", i.value("address", "")},
              {"bank_account", i.value("bank_account", "")},
              {"listed_by", cause.source}};
    if (auto r = tx.putEntry(e, cause); !r) return std::unexpected(r.error());
    codes.push_back(*code);
  }
  return codes;
}

}  // namespace

char institutionPrefix(const std::string& category) {
  if (category == "医疗机构") return 'H';
  if (category == "零售药店") return 'P';
  return 0;
}

std::string institutionCounter(const std::string& region, char prefix) {
  return "institution:" + region + ":" + std::string(1, prefix);
}

Result<std::string> institutionCode(char prefix, const std::string& division, int64_t n) {
  bool digits = division.size() == 6;
  for (char c : division) digits = digits && c >= '0' && c <= '9';
  if (!digits || (prefix != 'H' && prefix != 'P'))
    return fail(ErrorCode::kInternal, "bad_division", "定点机构编码须有 6 位行政区划代码");
  if (n < 1 || n > 99'999)
    return fail(ErrorCode::kConflict, "institution_codes_exhausted",
                "本统筹区的定点机构编码已用尽（5 位顺序号）");
  char seq[8];
  std::snprintf(seq, sizeof seq, "%05lld", static_cast<long long>(n));
  return std::string(1, prefix) + division + seq;
}

void importInstitutions(Committer& committer, const std::string& region,
                        const std::string& division, const std::string& actor, int64_t at,
                        std::vector<ListedInstitution> list,
                        std::function<void(Result<std::vector<std::string>>)> done) {
  auto codes = std::make_shared<std::vector<std::string>>();
  const std::string rows = listJson(division, list).dump();
  const int64_t count = static_cast<int64_t>(list.size());
  UnitOfWork work = [=](Tx& tx) -> Result<void> {
    auto n = tx.nextSequence("institutions:" + region);
    if (!n) return std::unexpected(n.error());
    char seq[16];
    std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(*n));
    const std::string batch_id =
        region + "-institutions-" + Instant{at}.date().compact() + "-" + seq;
    ImportBatch b{batch_id, region, kInstitutionBatchKind, at, actor, rows, count, 0};
    if (auto r = tx.putImportBatch(b); !r) return r;
    auto applied = applyInstitutionBatch(b, tx.registers());
    if (!applied) return std::unexpected(applied.error());
    *codes = std::move(*applied);
    return {};
  };
  committer.submit(std::move(work), [codes, done](Result<void> r) {
    if (!r) return done(std::unexpected(r.error()));
    done(std::move(*codes));
  });
}

Result<std::vector<std::string>> applyInstitutionBatch(const ImportBatch& batch, RegisterTx& tx) {
  const Cause cause{"import:" + batch.batch_id, 0, batch.at};
  auto fresh = tx.claim(cause);
  if (!fresh) return std::unexpected(fresh.error());
  if (!*fresh) return std::vector<std::string>{};
  return apply(batch.region, json::parse(batch.rows, nullptr, false), cause, tx);
}

}  // namespace jingban
