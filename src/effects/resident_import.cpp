#include "effects/resident_import.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "calendar/date.hpp"
#include "catalog/form_schema.hpp"
#include "common/text.hpp"
#include "effects/csv_reader.hpp"
#include "store/committer.hpp"
#include "store/store.hpp"
#include "validate/identity.hpp"

namespace jingban {

namespace {

using csv::CsvReader;
using csv::Record;

constexpr std::array<std::string_view, 4> kAssistance = {"低保", "特困", "重度残疾",
                                                         "其他救助对象"};

// The ID number as it may be shown: masked, and only when it looks like one (digits and X), so
// that no other client text comes back.
std::string shownId(std::string_view raw) {
  std::string id;
  for (char c : raw) {
    if (c == ' ') continue;
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!((u >= '0' && u <= '9') || u == 'X') || id.size() >= 18) return "";
    id += u;
  }
  return maskId(id);
}

std::string trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// The 17 digits before the check digit identify a valid number: a compact key for duplicates.
uint64_t idKey(const std::string& id) {
  uint64_t k = 0;
  for (int i = 0; i < 17; ++i) k = k * 10 + static_cast<uint64_t>(id[i] - '0');
  return k;
}

std::string monthOfInstant(int64_t at) {
  Date d = Instant{at}.date();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", d.year(), d.month());
  return buf;
}

// A field of the normalised CSV: quoted when it holds a comma, a quote or a line break.
void appendField(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void appendBatchRow(std::string& out, const ResidentRow& r, const std::string& start_month) {
  appendField(out, r.id_no);
  out += ',';
  appendField(out, r.name);
  out += ',';
  appendField(out, r.phone);
  out += ',';
  appendField(out, r.identity);
  out += ',';
  out += start_month;
  out += '\n';
}

std::string enrolledReason(const Person& p) {
  return "该人员已在本统筹区参保（" + p.insurance_type + "，" + p.status + "），不再重复登记";
}

// Writes one accepted row's person; `rejected` (when given) takes a person found enrolled,
// otherwise that is an error (a re-applied batch must find the registers as they were).
Result<bool> enrolRow(const std::string& region, const ResidentRow& row,
                      const std::string& start_month, const Cause& cause, RegisterTx& reg,
                      std::vector<RejectedRow>* rejected) {
  auto existing = reg.person(region, row.id_no);
  if (!existing) return std::unexpected(existing.error());
  if (*existing && enrolledAt(**existing, start_month)) {
    if (!rejected)
      return fail(ErrorCode::kConflict, "already_enrolled",
                  "第 " + std::to_string(row.row) + " 行的人员（" + maskId(row.id_no) + "）" +
                      enrolledReason(**existing));
    rejected->push_back({row.row, maskId(row.id_no), enrolledReason(**existing)});
    return false;
  }
  auto put = reg.putPerson(residentPerson(region, row, start_month, *existing), cause);
  if (!put) return std::unexpected(put.error());
  return true;
}

}  // namespace

Result<ResidentFile> parseResidentCsv(std::string_view body, const ImportCaps& caps) {
  if (body.starts_with(csv::kBom)) body.remove_prefix(csv::kBom.size());
  // A field's cap in bytes: every character of valid UTF-8 is at most 4.
  CsvReader in(body, caps.max_field_chars * 4);
  const std::string header_message =
      "表头须为 " + std::string(kResidentHeader) + "（UTF-8 编码，逗号分隔，第一行为表头）";
  if (in.atEnd())
    return fail(ErrorCode::kUnprocessable, "csv_header", "文件为空；" + header_message);
  Record rec;
  int64_t row = 1;
  if (auto r = in.next(rec, row); !r) return std::unexpected(r.error());
  static const std::vector<std::string> kColumns = {"id_no", "name", "phone", "identity"};
  if (rec.fields != kColumns || !rec.problem.empty())
    return fail(ErrorCode::kUnprocessable, "csv_header", header_message);

  ResidentFile out;
  std::unordered_map<uint64_t, int64_t> seen;
  size_t persons = 0;
  while (!in.atEnd()) {
    ++row;
    if (auto r = in.next(rec, row); !r) return std::unexpected(r.error());
    if (rec.blank) continue;
    if (++persons > caps.max_rows)
      return fail(ErrorCode::kUnprocessable, "too_many_rows",
                  "每批最多 " + std::to_string(caps.max_rows) + " 行，请分批导入");
    if (out.rows.capacity() == 0) {
      // A person row is rarely shorter than 40 bytes: reserve once instead of growing.
      out.rows.reserve(std::min(caps.max_rows, body.size() / 40 + 1));
      seen.reserve(out.rows.capacity());
    }
    const std::string shown = rec.fields.empty() ? "" : shownId(rec.fields[0]);
    if (!rec.problem.empty()) {
      out.rejected.push_back({row, shown, rec.problem});
      continue;
    }
    if (rec.fields.size() != kColumns.size()) {
      out.rejected.push_back({row, shown,
                              "应有 4 列（id_no,name,phone,identity），此行有 " +
                                  std::to_string(rec.fields.size()) + " 列"});
      continue;
    }
    std::vector<std::string> why;
    ResidentRow r;
    r.row = row;
    if (trimmed(rec.fields[0]).empty()) {
      why.push_back("缺少公民身份号码");
    } else if (auto id = checkId(IdKind::kCitizen, rec.fields[0]); !id) {
      why.push_back("公民身份号码无效（应为18位，出生日期有效且校验位正确）");
    } else {
      r.id_no = std::move(*id);
    }
    if (auto name = checkText(rec.fields[1], kMaxNameChars, "姓名"); !name)
      why.push_back(name.error().message);
    else if (name->empty())
      why.push_back("缺少姓名");
    else
      r.name = std::move(*name);
    if (std::string phone = trimmed(rec.fields[2]); !phone.empty()) {
      if (auto p = checkPhone(phone, "联系电话"); !p)
        why.push_back(p.error().message);
      else
        r.phone = std::move(*p);
    }
    std::string identity = trimmed(rec.fields[3]);
    if (identity.empty() || identity == kPlainResident) {
      r.identity.clear();
    } else if (std::find(kAssistance.begin(), kAssistance.end(), identity) != kAssistance.end()) {
      r.identity = std::move(identity);
    } else {
      why.push_back(
          "人员身份须为 普通居民、低保、特困、重度残疾、其他救助对象 之一（空白即普通居民）");
    }
    if (why.empty()) {
      auto [it, fresh] = seen.try_emplace(idKey(r.id_no), row);
      if (!fresh) why.push_back("与第 " + std::to_string(it->second) + " 行的公民身份号码重复");
    }
    if (!why.empty()) {
      std::string reason;
      for (const auto& w : why) reason += (reason.empty() ? "" : "；") + w;
      out.rejected.push_back({row, shown, std::move(reason)});
      continue;
    }
    out.rows.push_back(std::move(r));
  }
  return out;
}

bool enrolledAt(const Person& p, const std::string& start_month) {
  int start = monthIndex(start_month);
  for (const auto& e : p.enrolments) {
    if (e.status == kEnrolEnded) continue;
    if (e.to.empty() || monthIndex(e.to) >= start) return true;
  }
  return false;
}

Person residentPerson(const std::string& region, const ResidentRow& r,
                      const std::string& start_month, const std::optional<Person>& existing) {
  Person p = existing.value_or(Person{});
  p.region = region;
  p.id_no = r.id_no;
  p.name = r.name;
  p.sex = sexOfCitizenId(r.id_no);
  p.birth_date = birthDateOfCitizenId(r.id_no);
  p.insurance_type = kResidentInsurance;
  p.unit.clear();
  p.employment.clear();
  p.contribution_base_fen = 0;
  // The file says which assistance identity holds now; other identities (港澳台 …) stay.
  std::erase_if(p.identities, [](const std::string& i) {
    return std::find(kAssistance.begin(), kAssistance.end(), i) != kAssistance.end();
  });
  if (!r.identity.empty()) p.identities.push_back(r.identity);
  if (!r.phone.empty()) p.phone = r.phone;
  p.status = kEnrolPaying;
  p.enrolments.push_back({start_month, "", kEnrolPaying, kResidentInsurance, ""});
  std::stable_sort(p.enrolments.begin(), p.enrolments.end(),
                   [](const Enrolment& a, const Enrolment& b) { return a.from < b.from; });
  return p;
}

nlohmann::json importReportJson(const ImportReport& r) {
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& x : r.rejected)
    rejected.push_back({{"row", x.row}, {"id_no", x.id_no}, {"reason", x.reason}});
  return {{"batch_id", r.batch_id}, {"accepted", r.accepted}, {"rejected", std::move(rejected)}};
}

void importResidents(Committer& committer, ImportRequest req, ResidentFile file,
                     std::function<void(Result<ImportReport>)> done) {
  struct State {
    ImportRequest req;
    ResidentFile file;
    ImportReport report;
  };
  auto state = std::make_shared<State>(State{std::move(req), std::move(file), {}});
  if (state->req.start_month.empty()) state->req.start_month = monthOfInstant(state->req.at);
  committer.submit(
      [state](Tx& tx) -> Result<void> {
        const ImportRequest& q = state->req;
        ImportReport& report = state->report;
        report = ImportReport{};  // the unit starts afresh should it ever run again
        auto seq = tx.nextSequence("import:" + q.region);
        if (!seq) return std::unexpected(seq.error());
        char num[32];
        std::snprintf(num, sizeof num, "%06lld", static_cast<long long>(*seq));
        report.batch_id = q.region + "-" + Instant{q.at}.date().compact() + "-" + num;
        const Cause cause{"import:" + report.batch_id, 0, q.at};
        RegisterTx& reg = tx.registers();
        auto claimed = reg.claim(cause);
        if (!claimed) return std::unexpected(claimed.error());
        if (!*claimed)
          return fail(ErrorCode::kConflict, "version_conflict", "导入批次编号已被使用，请重试");

        std::string csv;
        csv.reserve(state->file.rows.size() * 64 + 64);
        csv += kResidentBatchHeader;
        csv += '\n';
        // Written in ID-number order: the register's B-trees (keyed by region and ID number)
        // then grow at their right edge instead of at a random page per row, which keeps a
        // million-row batch within the page cache. The stored batch keeps the file's order.
        const auto& rows = state->file.rows;
        // (The 17 digits before the check digit order valid numbers as the strings do.)
        std::vector<std::pair<uint64_t, uint32_t>> order(rows.size());
        for (uint32_t i = 0; i < order.size(); ++i) order[i] = {idKey(rows[i].id_no), i};
        std::sort(order.begin(), order.end());
        std::vector<char> written(rows.size(), 0);
        std::vector<RejectedRow> enrolled;
        for (auto [key, i] : order) {
          auto wrote = enrolRow(q.region, rows[i], q.start_month, cause, reg, &enrolled);
          if (!wrote) return std::unexpected(wrote.error());
          written[i] = *wrote ? 1 : 0;
        }
        for (size_t i = 0; i < rows.size(); ++i) {
          if (!written[i]) continue;
          appendBatchRow(csv, rows[i], q.start_month);
          ++report.accepted;
        }
        std::sort(enrolled.begin(), enrolled.end(),
                  [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });
        // Both lists are in row order: one merged report.
        report.rejected.reserve(state->file.rejected.size() + enrolled.size());
        std::merge(state->file.rejected.begin(), state->file.rejected.end(), enrolled.begin(),
                   enrolled.end(), std::back_inserter(report.rejected),
                   [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });
        ImportBatch b;
        b.batch_id = report.batch_id;
        b.region = q.region;
        b.kind = "residents";
        b.at = q.at;
        b.actor = q.actor;
        b.rows = std::move(csv);
        b.accepted = report.accepted;
        b.rejected = static_cast<int64_t>(report.rejected.size());
        return tx.putImportBatch(b);
      },
      [state, done = std::move(done)](Result<void> r) {
        if (!r) return done(std::unexpected(r.error()));
        done(std::move(state->report));
      });
}

Result<int64_t> applyResidentBatch(const ImportBatch& batch, RegisterTx& tx) {
  const Cause cause{"import:" + batch.batch_id, 0, batch.at};
  auto claimed = tx.claim(cause);
  if (!claimed) return std::unexpected(claimed.error());
  if (!*claimed) return 0;
  auto damaged = [&batch](const std::string& what) {
    return fail(ErrorCode::kInternal, "import_batch_damaged",
                "导入批次 " + batch.batch_id + " 的存储内容损坏：" + what);
  };
  CsvReader in(batch.rows, 1 << 20);
  Record rec;
  int64_t line = 1, written = 0;
  if (auto r = in.next(rec, line); !r) return std::unexpected(r.error());
  static const std::vector<std::string> kColumns = {"id_no", "name", "phone", "identity",
                                                    "start_month"};
  if (rec.fields != kColumns) return damaged("表头不符");
  while (!in.atEnd()) {
    ++line;
    if (auto r = in.next(rec, line); !r) return std::unexpected(r.error());
    if (rec.blank) continue;
    if (rec.fields.size() != kColumns.size() || !validCitizenId(rec.fields[0]) ||
        monthIndex(rec.fields[4]) < 0)
      return damaged("第 " + std::to_string(line) + " 行");
    ResidentRow row{line, rec.fields[0], rec.fields[1], rec.fields[2], rec.fields[3]};
    auto wrote = enrolRow(batch.region, row, rec.fields[4], cause, tx, nullptr);
    if (!wrote) return std::unexpected(wrote.error());
    ++written;
  }
  return written;
}

}  // namespace jingban
