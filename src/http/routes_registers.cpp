// Register routes (staff of the region only): units, persons, personal accounts, the payments
// ledger with its month-end reconciliation export (CSV / XLSX), and the batch enrolment of
// residents from a CSV body. Reads are the store's blocking reads on the I/O thread, as the case
// reads are; the import is one unit of work through the committer.
//
// The import body is capped by the server's body limit (ServerOptions::body_limit, 1 MiB: about
// 20,000 rows of a typical file); `jingban import-residents` is the path for larger files.
#include <cctype>

#include "common/money.hpp"
#include "common/text.hpp"
#include "effects/resident_import.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/register_access.hpp"
#include "http/xlsx.hpp"
#include "store/committer.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {

// Person rows one API import may hold (the body limit stops it well before).
constexpr size_t kMaxApiImportRows = 100'000;
// Payments one month's list or export reads at most (a month of one 统筹区 is far below this).
constexpr size_t kMaxMonthPayments = 1'000'000;
constexpr int kPaymentPage = 1000;
constexpr const char* kImportRole = "window";  // 受理: the clerks who take in enrolments

std::string monthNow(ApiDeps& d) { return Instant{d.auth.now()}.date().str().substr(0, 7); }

std::string iso(int64_t at) { return Instant{at}.iso(); }

// One page of a register list or, for a whole-list download, every row up to xlsx::kMaxRows:
// one row more is refused (too_many_rows, with the filters that narrow it), never cut off.
template <class Filter, class Fetch>
auto readList(Filter& f, bool all, const std::string& hint, Fetch fetch) -> decltype(fetch(f)) {
  if (all) f.limit = static_cast<int>(xlsx::kMaxRows);
  auto list = fetch(f);
  if (!list || !all || list->size() < xlsx::kMaxRows) return list;
  Filter probe = f;
  probe.offset = f.offset + f.limit;
  probe.limit = 1;
  auto more = fetch(probe);
  if (!more) return std::unexpected(more.error());
  if (!more->empty()) return std::unexpected(xlsx::tooManyRows(hint));
  return list;
}

// history: [{at, case_no, import_batch, changes}] — the case, or the import batch, that changed it.
json historyJson(const std::vector<HistoryEntry>& h) {
  json out = json::array();
  for (const auto& e : h) {
    bool import = e.source.starts_with("import:");
    out.push_back({{"at", iso(e.at)},
                   {"case_no", import ? json(nullptr) : json(e.source)},
                   {"import_batch", import ? json(e.source.substr(7)) : json(nullptr)},
                   {"changes", e.changes}});
  }
  return out;
}

json enrolmentsJson(const std::vector<Enrolment>& list) {
  json out = json::array();
  for (const auto& e : list)
    out.push_back({{"from", e.from},
                   {"to", e.to},
                   {"status", e.status},
                   {"insurance_type", e.insurance_type},
                   {"unit", e.unit}});
  return out;
}

json unitJson(const Unit& u) {
  return {{"credit_code", u.credit_code},
          {"name", u.name},
          {"type", u.type},
          {"address", u.address},
          {"legal_representative", u.legal_representative},
          {"phone", u.phone},
          {"bank_account", u.bank_account},
          {"status", u.status}};
}

// Optional limit / offset query parameters, strictly.
Result<void> paging(const HttpRequest& req, int max_limit, int& limit, int& offset) {
  if (auto it = req.query.find("limit"); it != req.query.end() && !it->second.empty()) {
    auto n = parseStrictInt(it->second, 1, max_limit, "limit");
    if (!n) return std::unexpected(n.error());
    limit = static_cast<int>(*n);
  }
  if (auto it = req.query.find("offset"); it != req.query.end() && !it->second.empty()) {
    auto n = parseStrictInt(it->second, 0, 10'000'000, "offset");
    if (!n) return std::unexpected(n.error());
    offset = static_cast<int>(*n);
  }
  return {};
}

std::string queryValue(const HttpRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

Result<std::string> filterText(const HttpRequest& req, const char* key, size_t max_chars) {
  std::string v = queryValue(req, key);
  if (utf8Length(v) > max_chars)
    return fail(
        ErrorCode::kBadRequest, "too_long",
        std::string("查询条件 ") + key + " 过长（最多 " + std::to_string(max_chars) + " 个字）");
  return v;
}

Result<std::string> monthParam(const HttpRequest& req) {
  std::string m = queryValue(req, "month");
  if (monthIndex(m) < 0)
    return fail(ErrorCode::kBadRequest, "bad_month", "month 须为 YYYY-MM 格式的月份");
  return m;
}

// Every payment of the month, page by page.
Result<std::vector<Payment>> monthPayments(ApiDeps& d, const std::string& region,
                                           const std::string& month) {
  std::vector<Payment> all;
  PaymentFilter f;
  f.region = region;
  f.month = month;
  f.limit = kPaymentPage;
  for (f.offset = 0;; f.offset += kPaymentPage) {
    auto page = d.store->registers().payments(f);
    if (!page) return std::unexpected(page.error());
    all.insert(all.end(), page->begin(), page->end());
    if (page->size() < static_cast<size_t>(kPaymentPage)) break;
    if (all.size() >= kMaxMonthPayments)
      return fail(ErrorCode::kUnprocessable, "too_many_rows",
                  "该月拨付记录超过 " + std::to_string(kMaxMonthPayments) + " 条，无法一次导出");
  }
  return all;
}

Result<int64_t> totalFen(const std::vector<Payment>& list) {
  auto total = Money::total(0);
  for (const auto& p : list) {
    auto amount = Money::total(p.amount_fen);
    if (!amount) return std::unexpected(amount.error());
    total = total->plus(*amount);
    if (!total) return std::unexpected(total.error());
  }
  return total->fen();
}

// A CSV cell: quoted when needed, and text that a spreadsheet would take for a formula
// (=, +, -, @, tab, CR at the start) is prefixed with an apostrophe (CSV injection).
std::string csvCell(const std::string& v) {
  std::string s = v;
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

// The last two columns name the payment in the ledger: the case's 拨付 event and the line of it
// (0 for an event's one payment, 1..n for the lines of a 待遇支付 run).
const std::vector<std::string> kExportColumns = {"办件编号",   "收款方类型", "收款方", "收款账号",
                                                 "金额（元）", "金额（分）", "用途",   "拨付时间",
                                                 "拨付事件",   "明细行"};

std::string yuan(int64_t fen) {
  auto m = Money::total(fen);
  return m ? m->yuan() : std::to_string(fen) + "分";
}

std::string paymentsCsv(const std::vector<Payment>& list, int64_t total) {
  std::string out = "\xEF\xBB\xBF";  // the BOM: Excel then reads the file as UTF-8
  for (size_t i = 0; i < kExportColumns.size(); ++i) out += (i ? "," : "") + kExportColumns[i];
  out += "\r\n";
  for (const auto& p : list) {
    out += csvCell(p.case_no) + "," + csvCell(p.payee_kind) + "," + csvCell(p.payee) + "," +
           csvCell(p.payee_account) + "," + yuan(p.amount_fen) + "," +
           std::to_string(p.amount_fen) + "," + csvCell(p.purpose) + "," + iso(p.at) + "," +
           std::to_string(p.event_seq) + "," + std::to_string(p.line) + "\r\n";
  }
  out += "合计（" + std::to_string(list.size()) + " 笔）,,,," + yuan(total) + "," +
         std::to_string(total) + ",,,,\r\n";
  return out;
}

// The month-end reconciliation workbook: every payment with its full account number (the bank
// statement shows it), in 元 and in 分, and the month's total in bold.
Result<std::string> paymentsXlsx(const std::vector<Payment>& list, int64_t total,
                                 const std::string& month) {
  using xlsx::Kind;
  json rows = json::array();
  for (const auto& p : list)
    rows.push_back({{"case_no", p.case_no},
                    {"payee_kind", p.payee_kind},
                    {"payee", p.payee},
                    {"payee_account", p.payee_account},
                    {"amount_fen", p.amount_fen},
                    {"purpose", p.purpose},
                    {"at", iso(p.at)},
                    {"event_seq", p.event_seq},
                    {"line", p.line}});
  xlsx::Sheet sheet{
      "拨付明细 " + month,
      {{kExportColumns[0], "case_no"},
       {kExportColumns[1], "payee_kind"},
       {kExportColumns[2], "payee"},
       {kExportColumns[3], "payee_account"},
       {kExportColumns[4], "amount_fen", Kind::kMoneyFen},
       {kExportColumns[5], "amount_fen", Kind::kInteger},
       {kExportColumns[6], "purpose"},
       {kExportColumns[7], "at", Kind::kDateTime},
       {kExportColumns[8], "event_seq", Kind::kInteger},
       {kExportColumns[9], "line", Kind::kInteger}},
      std::move(rows),
      json{{"case_no", "合计（" + std::to_string(list.size()) + " 笔）"}, {"amount_fen", total}}};
  return xlsx::workbook({sheet});
}

// A register list as a download (masked as the JSON is); more than xlsx::kMaxRows rows is refused.
HttpResponse listXlsx(xlsx::Sheet sheet, const std::string& name, const std::string& ascii,
                      const std::string& hint) {
  if (sheet.rows.size() > xlsx::kMaxRows) return errorResponse(xlsx::tooManyRows(hint));
  auto bytes = xlsx::workbook({sheet});
  if (!bytes) return errorResponse(bytes.error());
  return xlsx::download(std::move(*bytes), name, ascii);
}

// format=xlsx without limit / offset: every row up to one past the cap (to tell "too many").
bool exportAll(const HttpRequest& req, bool as_xlsx) {
  return as_xlsx && queryValue(req, "limit").empty() && queryValue(req, "offset").empty();
}

bool isCsvType(const std::string& content_type) {
  std::string t;
  for (char c : content_type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t.starts_with("text/csv");
}

}  // namespace

void addRegisterRoutes(Router& R, ApiDeps& d) {
  if (!d.store || !d.committer) return;

  R.add("GET", "/api/v1/regions/{region}/units/{credit_code}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          auto code = checkId(IdKind::kCreditCode, p.at("credit_code"));
          if (!code) return res(errorResponse(code.error()));
          auto& reads = d.store->registers();
          auto u = reads.unit(region, *code);
          if (!u) return res(errorResponse(u.error()));
          if (!*u)
            return res(errorResponse({ErrorCode::kNotFound, "unit_not_found", "未找到该参保单位"}));
          auto history = reads.unitHistory(region, *code);
          if (!history) return res(errorResponse(history.error()));
          json out = unitJson(**u);
          out["region"] = region;
          out["history"] = historyJson(*history);
          res(ok(out));
        });

  R.add(
      "GET", "/api/v1/regions/{region}/persons/{id_no}",
      [&d](HttpRequest&& req, const Params& p, Responder res) {
        const std::string& region = p.at("region");
        if (!registerReader(d, req, region, res)) return;
        auto id = checkId(IdKind::kCitizen, p.at("id_no"));
        if (!id) return res(errorResponse(id.error()));
        auto& reads = d.store->registers();
        auto person = reads.person(region, *id);
        if (!person) return res(errorResponse(person.error()));
        if (!*person)
          return res(errorResponse({ErrorCode::kNotFound, "person_not_found", "未找到该参保人员"}));
        auto history = reads.personHistory(region, *id);
        if (!history) return res(errorResponse(history.error()));
        const Person& x = **person;
        // The full number: it is the key the clerk asked for.
        res(ok({{"region", region},
                {"id_no", x.id_no},
                {"name", x.name},
                {"sex", x.sex},
                {"birth_date", x.birth_date},
                {"insurance_type", x.insurance_type},
                {"status", x.status},
                {"unit", x.unit},
                {"employment", x.employment},
                {"contribution_base_fen", x.contribution_base_fen},
                {"identities", x.identities},
                {"phone", x.phone},
                {"enrolments", enrolmentsJson(x.enrolments)},
                {"contribution_months", contributionMonths(x.enrolments, monthNow(d))},
                {"history", historyJson(*history)}}));
      });

  R.add("GET", "/api/v1/regions/{region}/accounts/{id_no}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          auto id = checkId(IdKind::kCitizen, p.at("id_no"));
          if (!id) return res(errorResponse(id.error()));
          auto& reads = d.store->registers();
          auto account = reads.account(region, *id);
          if (!account) return res(errorResponse(account.error()));
          if (!*account)
            return res(errorResponse({ErrorCode::kNotFound, "no_account", "该人员没有个人账户"}));
          auto entries = reads.accountEntries(region, *id);
          if (!entries) return res(errorResponse(entries.error()));
          json list = json::array();
          for (const auto& e : *entries) {
            bool import = e.source.starts_with("import:");
            list.push_back({{"at", iso(e.at)},
                            {"amount_fen", e.amount_fen},
                            {"kind", e.kind},
                            {"case_no", import ? json(nullptr) : json(e.source)}});
          }
          res(ok({{"region", region},
                  {"id_no", (*account)->id_no},
                  {"status", (*account)->status},
                  {"balance_fen", (*account)->balance_fen},
                  {"entries", std::move(list)}}));
        });

  R.add("GET", "/api/v1/regions/{region}/payments",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          auto month = monthParam(req);
          if (!month) return res(errorResponse(month.error()));
          auto as_xlsx = xlsx::wantsXlsx(req);
          if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
          int limit = 100, offset = 0;
          if (auto pg = paging(req, 1000, limit, offset); !pg)
            return res(errorResponse(pg.error()));
          auto all = monthPayments(d, region, *month);
          if (!all) return res(errorResponse(all.error()));
          auto total = totalFen(*all);
          if (!total) return res(errorResponse(total.error()));
          // The download holds the whole month unless a page is asked for.
          if (exportAll(req, *as_xlsx)) limit = static_cast<int>(xlsx::kMaxRows) + 1;
          json list = json::array();
          for (size_t i = static_cast<size_t>(offset);
               i < all->size() && i < static_cast<size_t>(offset) + static_cast<size_t>(limit);
               ++i) {
            const Payment& x = (*all)[i];
            list.push_back({{"case_no", x.case_no},
                            {"payee_kind", x.payee_kind},
                            {"payee", x.payee},
                            {"payee_account", maskId(x.payee_account)},
                            {"amount_fen", x.amount_fen},
                            {"purpose", x.purpose},
                            {"at", iso(x.at)},
                            {"event_seq", x.event_seq},
                            {"line", x.line}});
          }
          if (*as_xlsx) {
            using xlsx::Kind;
            xlsx::Sheet sheet{"拨付记录",
                              {{"办件编号", "case_no"},
                               {"收款方类型", "payee_kind"},
                               {"收款方", "payee"},
                               {"收款账号", "payee_account"},
                               {"金额（元）", "amount_fen", Kind::kMoneyFen},
                               {"用途", "purpose"},
                               {"拨付时间", "at", Kind::kDateTime},
                               {"拨付事件", "event_seq", Kind::kInteger},
                               {"明细行", "line", Kind::kInteger}},
                              std::move(list)};
            return res(listXlsx(std::move(sheet), "拨付记录-" + *month, "payments-" + *month,
                                "整月对账文件请用 payments/export"));
          }
          res(ok({{"region", region},
                  {"month", *month},
                  {"count", all->size()},
                  {"total_fen", *total},
                  {"limit", limit},
                  {"offset", offset},
                  {"payments", std::move(list)}}));
        });

  R.add("GET", "/api/v1/regions/{region}/payments/export",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          auto month = monthParam(req);
          if (!month) return res(errorResponse(month.error()));
          std::string format = queryValue(req, "format");
          if (format.empty()) format = "csv";
          if (format != "csv" && format != "xlsx")
            return res(errorResponse(badRequest("format 须为 csv 或 xlsx")));
          auto all = monthPayments(d, region, *month);
          if (!all) return res(errorResponse(all.error()));
          auto total = totalFen(*all);
          if (!total) return res(errorResponse(total.error()));
          HttpResponse r;
          if (format == "csv") {
            r.content_type = "text/csv; charset=utf-8";
            r.body = paymentsCsv(*all, *total);
          } else {
            auto bytes = paymentsXlsx(*all, *total, *month);
            if (!bytes) return res(errorResponse(bytes.error()));
            r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            r.body = std::move(*bytes);
          }
          // region and month are checked above (a catalog region id, YYYY-MM): safe in a header.
          r.headers.push_back({"Content-Disposition", "attachment; filename=\"payments-" + region +
                                                          "-" + *month + "." + format + "\""});
          res(std::move(r));
        });

  R.add("GET", "/api/v1/regions/{region}/persons",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          PersonFilter f;
          f.region = region;
          auto name = filterText(req, "name", kMaxNameChars);
          auto unit = filterText(req, "unit", 18);
          auto type = filterText(req, "insurance_type", 8);
          for (auto* v : {&name, &unit, &type})
            if (!*v) return res(errorResponse(v->error()));
          f.name = *name;
          f.unit = *unit;
          f.insurance_type = *type;
          auto as_xlsx = xlsx::wantsXlsx(req);
          if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
          if (auto pg = paging(req, 500, f.limit, f.offset); !pg)
            return res(errorResponse(pg.error()));
          const std::string hint = "按姓名、单位或险种筛选";
          bool all = exportAll(req, *as_xlsx);
          auto list = readList(f, all, hint,
                               [&d](const auto& q) { return d.store->registers().persons(q); });
          if (!list) return res(errorResponse(list.error()));
          json out = json::array();
          for (const auto& x : *list)
            out.push_back({{"id_no", maskId(x.id_no)},
                           {"name", x.name},
                           {"sex", x.sex},
                           {"insurance_type", x.insurance_type},
                           {"status", x.status},
                           {"unit", x.unit},
                           {"identities", x.identities}});
          if (*as_xlsx)
            return res(listXlsx({"参保人员",
                                 {{"证件号码", "id_no"},
                                  {"姓名", "name"},
                                  {"性别", "sex"},
                                  {"险种", "insurance_type"},
                                  {"参保状态", "status"},
                                  {"所属单位", "unit"},
                                  {"身份", "identities"}},
                                 std::move(out)},
                                "参保人员", "persons", hint));
          res(ok({{"region", region},
                  {"limit", f.limit},
                  {"offset", f.offset},
                  {"persons", std::move(out)}}));
        });

  R.add("GET", "/api/v1/regions/{region}/units",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          UnitFilter f;
          f.region = region;
          auto name = filterText(req, "name", kMaxNameChars);
          auto status = filterText(req, "status", 8);
          for (auto* v : {&name, &status})
            if (!*v) return res(errorResponse(v->error()));
          f.name = *name;
          f.status = *status;
          auto as_xlsx = xlsx::wantsXlsx(req);
          if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
          if (auto pg = paging(req, 500, f.limit, f.offset); !pg)
            return res(errorResponse(pg.error()));
          const std::string hint = "按名称或状态筛选";
          bool all = exportAll(req, *as_xlsx);
          auto list =
              readList(f, all, hint, [&d](const auto& q) { return d.store->registers().units(q); });
          if (!list) return res(errorResponse(list.error()));
          json out = json::array();
          for (const auto& u : *list)
            out.push_back({{"credit_code", u.credit_code},
                           {"name", u.name},
                           {"type", u.type},
                           {"status", u.status}});
          if (*as_xlsx)
            return res(listXlsx({"参保单位",
                                 {{"统一社会信用代码", "credit_code"},
                                  {"单位名称", "name"},
                                  {"单位类型", "type"},
                                  {"参保状态", "status"}},
                                 std::move(out)},
                                "参保单位", "units", hint));
          res(ok({{"region", region},
                  {"limit", f.limit},
                  {"offset", f.offset},
                  {"units", std::move(out)}}));
        });

  R.add("POST", "/api/v1/regions/{region}/imports/residents",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          auto staff = registerReader(d, req, region, res);
          if (!staff) return;
          if (!staff->hasRole(kImportRole))
            return res(errorResponse({ErrorCode::kForbidden, "role_required",
                                      "批量参保登记须由本地区窗口受理人员办理"}));
          if (!isCsvType(req.content_type))
            return res(errorResponse(
                badRequest("请求体须为 CSV 文件（Content-Type: text/csv; charset=utf-8）")));
          ImportRequest q;
          q.region = region;
          q.actor = staff->username;
          q.at = d.auth.now();
          q.start_month = queryValue(req, "start_month");
          if (!q.start_month.empty() && monthIndex(q.start_month) < 0)
            return res(errorResponse(
                {ErrorCode::kBadRequest, "bad_month", "start_month 须为 YYYY-MM 格式的月份"}));
          ImportCaps caps;
          caps.max_rows = kMaxApiImportRows;
          auto file = parseResidentCsv(req.body, caps);
          if (!file) return res(errorResponse(file.error()));
          importResidents(*d.committer, std::move(q), std::move(*file),
                          [res](Result<ImportReport> r) {
                            if (!r) return res(errorResponse(r.error()));
                            res(ok(importReportJson(*r), 201));
                          });
        });
}

}  // namespace jingban
