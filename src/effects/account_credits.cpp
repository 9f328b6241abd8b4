#include "effects/account_credits.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "common/text.hpp"
#include "effects/csv_reader.hpp"
#include "effects/support.hpp"
#include "store/committer.hpp"
#include "validate/identity.hpp"

namespace jingban {

namespace {

constexpr int64_t kMaxCreditFen = 100'000'000;  // 100万元: far above any monthly credit

// Why a credit cannot go to this person's account ("" when it can).
std::string refusalFor(RegisterView& view, const std::string& region, const CreditRow& r) {
  auto p = view.person(region, r.id_no);
  if (!p) return "读取参保登记失败";
  if (!*p) return "未在本统筹区参保登记";
  if ((*p)->insurance_type != "职工" && (*p)->insurance_type != "灵活就业")
    return "参保类型为" + (*p)->insurance_type + "，没有个人账户";
  auto a = view.account(region, r.id_no);
  if (!a) return "读取个人账户失败";
  if (*a && (*a)->status != "正常") return "个人账户已销户";
  return "";
}

std::string normalised(const std::vector<CreditRow>& rows) {
  std::string out(kAccountCreditHeader);
  out += "\n";
  for (const auto& r : rows)
    out += r.id_no + "," + std::to_string(r.amount_fen) + "," + r.month + "\n";
  return out;
}

Result<int64_t> credit(const std::vector<CreditRow>& rows, const std::string& source, int64_t at,
                       const std::string& region, RegisterTx& tx) {
  for (const auto& r : rows)
    if (auto e =
            tx.addAccountEntry(region, r.id_no, AccountEntry{at, r.amount_fen, "划入", source});
        !e)
      return std::unexpected(e.error());
  return static_cast<int64_t>(rows.size());
}

}  // namespace

Result<CreditFile> parseAccountCredits(std::string_view body, size_t max_rows) {
  if (!validUtf8(body))
    return fail(ErrorCode::kBadRequest, "invalid_encoding", "文件须为 UTF-8 编码");
  if (body.starts_with(csv::kBom)) body.remove_prefix(csv::kBom.size());
  csv::CsvReader in(body, 200);
  csv::Record rec;
  int64_t row = 1;
  auto header = in.atEnd() ? Result<void>() : in.next(rec, row);
  if (!header) return std::unexpected(header.error());
  static const std::vector<std::string> kColumns = {"id_no", "amount_fen", "month"};
  if (rec.fields != kColumns || !rec.problem.empty())
    return fail(ErrorCode::kUnprocessable, "bad_header",
                "首行须为表头 id_no,amount_fen,month（证件号码、划入金额（分）、所属年月）");
  CreditFile out;
  while (!in.atEnd()) {
    ++row;
    if (auto r = in.next(rec, row); !r) return std::unexpected(r.error());
    if (rec.blank) continue;
    if (out.rows.size() + out.rejected.size() >= max_rows)
      return fail(ErrorCode::kUnprocessable, "too_many_rows",
                  "行数超过上限 " + std::to_string(max_rows) + "，请分批导入");
    std::string id = rec.fields.empty() ? "" : rec.fields[0];
    for (char& ch : id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto reject = [&](std::string why) {
      out.rejected.push_back({row, validCitizenId(id) ? maskId(id) : "", std::move(why)});
    };
    if (!rec.problem.empty()) {
      reject(rec.problem);
      continue;
    }
    if (rec.fields.size() != kColumns.size()) {
      reject("列数应为 3");
      continue;
    }
    if (!validCitizenId(id)) {
      reject("公民身份号码无效");
      continue;
    }
    auto amount = parseStrictInt(rec.fields[1], 1, kMaxCreditFen, "amount_fen");
    if (!amount) {
      reject("划入金额须为 1 至 100000000 的整数（单位：分）");
      continue;
    }
    const std::string& month = rec.fields[2];
    if (monthIndex(month) < 0) {
      reject("所属年月须为 YYYY-MM");
      continue;
    }
    out.rows.push_back({row, id, *amount, month});
  }
  return out;
}

void importAccountCredits(Committer& committer, const std::string& region, const std::string& actor,
                          int64_t at, CreditFile file,
                          std::function<void(Result<ImportReport>)> done) {
  auto report = std::make_shared<ImportReport>();
  auto input = std::make_shared<CreditFile>(std::move(file));
  UnitOfWork work = [=](Tx& tx) -> Result<void> {
    auto n = tx.nextSequence("credits:" + region);
    if (!n) return std::unexpected(n.error());
    Instant when{at};
    char seq[16];
    std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(*n));
    report->batch_id = region + "-credits-" + when.date().compact() + "-" + seq;
    std::vector<CreditRow> accepted;
    std::vector<RejectedRow> rejected = input->rejected;
    for (const auto& r : input->rows) {
      std::string why = refusalFor(tx.registers(), region, r);
      if (why.empty())
        accepted.push_back(r);
      else
        rejected.push_back({r.row, maskId(r.id_no), why});
    }
    std::sort(rejected.begin(), rejected.end(),
              [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });
    std::string source = "import:" + report->batch_id;
    ImportBatch b{report->batch_id,
                  region,
                  "account_credits",
                  at,
                  actor,
                  normalised(accepted),
                  static_cast<int64_t>(accepted.size()),
                  static_cast<int64_t>(rejected.size())};
    if (auto r = tx.putImportBatch(b); !r) return r;
    auto fresh = tx.registers().claim(Cause{source, 0, at});
    if (!fresh) return std::unexpected(fresh.error());
    auto credited = credit(accepted, source, at, region, tx.registers());
    if (!credited) return std::unexpected(credited.error());
    report->accepted = *credited;
    report->rejected = std::move(rejected);
    return {};
  };
  committer.submit(std::move(work), [report, done](Result<void> r) {
    if (!r) return done(std::unexpected(r.error()));
    done(std::move(*report));
  });
}

Result<int64_t> applyAccountCredits(const ImportBatch& batch, RegisterTx& tx) {
  auto file = parseAccountCredits(batch.rows, SIZE_MAX);
  if (!file) return std::unexpected(file.error());
  std::string source = "import:" + batch.batch_id;
  auto fresh = tx.claim(Cause{source, 0, batch.at});
  if (!fresh) return std::unexpected(fresh.error());
  if (!*fresh) return int64_t{0};
  return credit(file->rows, source, batch.at, batch.region, tx);
}

}  // namespace jingban
