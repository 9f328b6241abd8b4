// Monthly settlement routes (010001 / 010002, issue 8 §6):
// - POST …/settlements/{institution_code}/{YYYY-MM}/lines: the month's fee lines (CSV or JSON
//   lines) validated and aggregated by settlement::LineValidator; the upload is the application:
//   when a line passes, a case of the item is submitted with the totals in its form, and the
//   answer holds {accepted, rejected, rejected_sample, totals, case}. The institution itself
//   (anonymous, X-Id-No = its credit code, as an online applicant) or a window clerk of the region.
// - GET …/settlements/{institution_code}/{YYYY-MM}: the month's settlement and its 基金拨付单
//   (staff of the region, or the institution with X-Id-No + X-Query-Code of the case).
// - POST …/settlements/{institution_code}/{YYYY-MM}/confirm: 对账 — the institution confirms the
//   基金拨付单's amount (settlement_record.hpp: a register change kept as a batch).
// - GET /api/v1/regions/{region}/settlements?month=&format=json|xlsx|pdf: 结算确认汇总表.
//
// The body is streamed (HttpRequest::body_stream, server.cpp): everything the header decides
// (who asks, the region, the institution and its agreement, the month, a settlement already
// there) is refused before a byte of the body is read; then each piece goes to the validator as
// it arrives, and the case is submitted after the last. Memory stays bounded by the piece and
// the validator's totals, whatever the size of the month (see README "Monthly settlement").
#include <algorithm>

#include "common/hash.hpp"
#include "common/money.hpp"
#include "effects/institution_settlement.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"
#include "http/register_access.hpp"
#include "http/xlsx.hpp"
#include "notices/notices.hpp"
#include "settlement/fee_lines.hpp"
#include "settlement/settlement_record.hpp"
#include "store/committer.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;
namespace stl = settlement;

namespace {

constexpr size_t kCaseSample = 20;  // rejected lines the case keeps (the answer has 100)
constexpr int kEntryPage = 1000;
constexpr size_t kMaxMonthRows = 100'000;  // institutions of one region in one month

Error settlementNotFound() {
  return {ErrorCode::kNotFound, "settlement_not_found", "未找到该机构该月的费用结算（尚未受理）"};
}

Result<std::string> monthOfPath(const std::string& m) {
  if (m.size() != 7 || monthIndex(m) < 0)
    return fail(ErrorCode::kBadRequest, "bad_month", "月份须为 YYYY-MM 格式");
  return m;
}

bool validInstitutionCode(const std::string& code) {
  // H or P + 6-digit division + 5-digit sequence (issue 8 §5).
  if (code.size() != 12 || (code[0] != 'H' && code[0] != 'P')) return false;
  return std::all_of(code.begin() + 1, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The item of the region whose effect settles this category, and its handler.
struct SettlementItem {
  const Region* region = nullptr;
  const Item* item = nullptr;
  const SettlementEffect* effect = nullptr;
};

Result<SettlementItem> itemFor(ApiDeps& d, const std::string& region_id,
                               const std::string& category) {
  const Region* region = d.cases.catalog().region(region_id);
  if (!region) return fail(ErrorCode::kNotFound, "not_found", "未知地区");
  const char* effect = category == "零售药店" ? "pharmacy_settlement" : "institution_settlement";
  for (const auto& it : region->items)
    if (it.effect == effect) {
      auto* h = dynamic_cast<const SettlementEffect*>(d.cases.effects().find(effect));
      if (!h) break;
      return SettlementItem{region, &it, h};
    }
  return fail(ErrorCode::kNotFound, "no_settlement_item",
              "地区“" + region->name + "”没有定点" + category + "费用结算事项");
}

Result<std::optional<stl::SettlementRecord>> record(ApiDeps& d, const std::string& region,
                                                    const std::string& code,
                                                    const std::string& month) {
  auto e = d.store->registers().entry(stl::kEntryKind, region, stl::entryKey(code, month));
  if (!e) return std::unexpected(e.error());
  if (!*e) return std::optional<stl::SettlementRecord>();
  return std::optional<stl::SettlementRecord>(stl::fromEntry(**e));
}

// Staff of the region, or the institution that applied (X-Id-No + X-Query-Code of the case).
// Answers the refusal itself and returns false.
bool mayRead(ApiDeps& d, const HttpRequest& req, const std::string& region,
             const stl::SettlementRecord& r, Responder& res, bool* applicant = nullptr) {
  if (!req.authorization.empty()) {
    if (applicant) *applicant = false;
    return registerReader(d, req, region, res).has_value();
  }
  if (applicant) *applicant = true;
  if (d.limits)
    if (auto l = d.limits->check(RateKind::kApplicant, req.remote_address, r.case_no); !l)
      return res(errorResponse(l.error())), false;
  auto a = d.cases.applicantActor(r.case_no, req.id_no, req.query_code);
  if (!a) return res(errorResponse(a.error())), false;
  return true;
}

json historyJson(const std::vector<HistoryEntry>& h) {
  json out = json::array();
  for (const auto& e : h) {
    bool batch = e.source.starts_with("import:");
    out.push_back({{"at", Instant{e.at}.iso()},
                   {"case_no", batch ? json(nullptr) : json(e.source)},
                   {"confirmation", batch ? json(e.source.substr(7)) : json(nullptr)},
                   {"changes", e.changes}});
  }
  return out;
}

// A month's upload: what the header decided, and what the pieces of the body build. Alive until
// the last piece is read and the case submitted.
struct Upload {
  Upload(const stl::FeeCatalogue& c, stl::LineRules r) : validator(c, std::move(r)) {}
  stl::LineValidator validator;
  Sha256 digest;  // of path + "\n" + body: the request's identity under an Idempotency-Key
  std::string region_id, code, month, credit_code, name, idempotency_key;
  SettlementItem found;
  bool example = false;
  std::optional<Actor> staff;
};

// After the last piece: the report, and the case when a line passed.
void submitUpload(ApiDeps& d, Upload& up, const Responder& res) {
  auto report = up.validator.finish();
  if (!report) return res(errorResponse(report.error()));
  json answer = report->toJson();
  answer["example"] = up.example;
  if (report->totals.accepted == 0) {
    // Nothing to settle: no case. The report still tells the institution what to correct.
    answer["error"] = {
        {"code", "no_accepted_lines"},
        {"message", "上传的费用明细没有一行通过校验，未提交结算；请按退回原因更正后重新上传"}};
    answer["case"] = nullptr;
    return res(ok(answer, 422));
  }

  Submission s;
  s.channel = "网上";
  const auto& channels = up.found.item->channels;
  if (up.staff && std::find(channels.begin(), channels.end(), "窗口") != channels.end())
    s.channel = "窗口";
  s.applicant = {"institution", up.credit_code, up.name, ""};
  // The uploaded fee details are the settlement documents the item asks for (结算单据).
  for (const auto& m : up.found.item->materials) s.materials[m.id] = "provided";
  json sample = json::array();
  for (const auto& r : answer["rejected_sample"]) {
    if (sample.size() >= kCaseSample) break;
    sample.push_back(r);
  }
  s.form = {{"institution_code", up.code},
            {"month", up.month},
            {"upload",
             {{"accepted", report->totals.accepted},
              {"rejected", report->totals.rejected},
              {"totals", answer["totals"]},
              {"rejected_sample", std::move(sample)},
              {"example", up.example}}}};
  RequestMeta meta;
  if (!up.idempotency_key.empty()) meta = {up.idempotency_key, up.digest.hex()};
  d.cases.submit(up.region_id, up.found.item->code, std::move(s), up.staff ? &*up.staff : nullptr,
                 meta, [res, answer = std::move(answer)](Result<std::string> r) mutable {
                   if (!r) return res(errorResponse(r.error()));
                   answer["case"] = json::parse(*r, nullptr, false);
                   res(ok(answer, 201));
                 });
}

void upload(ApiDeps& d, HttpRequest&& req, const Params& p, Responder res) {
  const std::string& region_id = p.at("region");
  const std::string& code = p.at("institution_code");
  std::optional<Actor> staff;
  if (!req.authorization.empty()) {
    staff = registerReader(d, req, region_id, res);
    if (!staff) return;
    if (!staff->hasRole("window"))
      return res(errorResponse({ErrorCode::kForbidden, "role_required",
                                "只有受理窗口人员可以代定点医药机构上传费用明细"}));
  } else if (d.limits) {
    if (auto l = d.limits->check(RateKind::kSubmit, req.remote_address, req.id_no); !l)
      return res(errorResponse(l.error()));
  }
  auto month = monthOfPath(p.at("month"));
  if (!month) return res(errorResponse(month.error()));
  if (!d.cases.catalog().region(region_id))
    return res(errorResponse({ErrorCode::kNotFound, "not_found", "未知地区"}));
  if (!validInstitutionCode(code))
    return res(errorResponse(badRequest("定点医药机构编码须为 H 或 P 加 11 位数字")));
  std::string this_month = d.cases.today().str().substr(0, 7);
  if (monthIndex(*month) >= monthIndex(this_month))
    return res(errorResponse(
        {ErrorCode::kUnprocessable, "month_not_ended", "只能结算已经结束的月份的费用"}));

  auto& reads = d.store->registers();
  auto inst_entry = reads.entry("institution", region_id, code);
  if (!inst_entry) return res(errorResponse(inst_entry.error()));
  if (!*inst_entry)
    return res(errorResponse(
        {ErrorCode::kNotFound, "institution_not_found", "该地区没有这个定点医药机构编码"}));
  // The institution applies for itself: its credit code, as the register holds it.
  if (!staff) {
    auto credit = checkId(IdKind::kCreditCode, req.id_no);
    if (!credit || *credit != (*inst_entry)->owner)
      return res(errorResponse({ErrorCode::kForbidden, "not_the_institution",
                                "X-Id-No 须为该定点医药机构登记的统一社会信用代码"}));
  }
  auto found = itemFor(d, region_id, (*inst_entry)->data.value("category", ""));
  if (!found) return res(errorResponse(found.error()));
  const SettlementEffect& h = *found->effect;
  auto inst = h.institution(reads, region_id, code, *month);
  if (!inst) return res(errorResponse(inst.error()));

  // One settlement per institution and month: one registered, or one submitted and not yet
  // accepted (its totals are in the case's form only).
  auto existing = record(d, region_id, code, *month);
  if (!existing) return res(errorResponse(existing.error()));
  if (*existing && stl::blocksResubmission((*existing)->status))
    return res(errorResponse({ErrorCode::kConflict, "settlement_exists",
                              "该机构 " + *month + " 的费用结算已在办理（办件 " +
                                  (*existing)->case_no + "），同一月份只能结算一次"}));
  CaseFilter waiting;
  waiting.region = region_id;
  waiting.item_code = found->item->code;
  waiting.open_only = true;
  waiting.text = inst->credit_code;
  waiting.limit = 1000;
  auto open = d.store->listCases(waiting);
  if (!open) return res(errorResponse(open.error()));
  for (const auto& c : *open)
    if (c.form->value("institution_code", "") == code && c.form->value("month", "") == *month)
      return res(errorResponse({ErrorCode::kConflict, "settlement_exists",
                                "该机构 " + *month + " 的费用结算已提交（办件 " + c.case_no +
                                    "），同一月份只能结算一次"}));

  auto catalogue = h.catalogue(*found->region);
  if (!catalogue) return res(errorResponse(catalogue.error()));
  auto permille = h.firstPaidPermille(region_id, *month);
  if (!permille) return res(errorResponse(permille.error()));
  stl::LineRules rules;
  rules.month = *month;
  rules.agreement_from = inst->from;
  rules.agreement_to = inst->to;
  rules.pharmacy = inst->category == "零售药店";
  rules.class_b_first_paid_permille = *permille;
  auto up = std::make_shared<Upload>(**catalogue, std::move(rules));
  up->region_id = region_id;
  up->code = code;
  up->month = *month;
  up->found = *found;
  up->credit_code = inst->credit_code;
  up->name = inst->name.empty() ? code : inst->name;
  up->example = (*catalogue)->example();
  up->staff = std::move(staff);
  up->idempotency_key = req.idempotency_key;
  up->digest.update(req.path + "\n");
  auto stream = req.body_stream ? req.body_stream : BodyStream::fromString(std::move(req.body));
  stream->read(
      [up, res](std::string_view piece) {
        up->digest.update(piece);
        if (auto r = up->validator.feed(piece); !r) return res(errorResponse(r.error())), false;
        return true;
      },
      [&d, up, res](std::string error) {
        if (!error.empty())
          return res(errorResponse({ErrorCode::kBadRequest, "upload_incomplete", error}));
        submitUpload(d, *up, res);
      });
}
// The month's settlements of a region (every institution), in code order.
Result<std::vector<stl::SettlementRecord>> monthRecords(ApiDeps& d, const std::string& region,
                                                        const std::string& month) {
  std::vector<stl::SettlementRecord> out;
  EntryFilter f;
  f.kind = stl::kEntryKind;
  f.region = region;
  f.limit = kEntryPage;
  for (f.offset = 0;; f.offset += kEntryPage) {
    auto page = d.store->registers().entries(f);
    if (!page) return std::unexpected(page.error());
    for (const auto& e : *page)
      if (e.from.starts_with(month)) {
        out.push_back(stl::fromEntry(e));
        if (out.size() > kMaxMonthRows)
          return fail(ErrorCode::kUnprocessable, "too_many_rows", "该月结算记录过多");
      }
    if (page->size() < static_cast<size_t>(kEntryPage)) break;
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.institution_code < b.institution_code; });
  return out;
}

json summaryRow(const stl::SettlementRecord& r) {
  const json& t = r.totals;
  auto cls = [&](const char* c) {
    return t.contains("by_class") ? t["by_class"].value(c, json::object()).value("amount_fen", 0)
                                  : 0;
  };
  return {{"institution_code", r.institution_code},
          {"institution_name", r.institution_name},
          {"category", r.category},
          {"status", r.status},
          {"case_no", r.case_no},
          {"accepted", t.value("accepted", int64_t{0})},
          {"rejected", t.value("rejected", int64_t{0})},
          {"amount_fen", t.value("amount_fen", int64_t{0})},
          {"class_a_fen", cls("甲")},
          {"class_b_fen", cls("乙")},
          {"class_c_fen", cls("丙")},
          {"self_fen", t.value("self_fen", int64_t{0})},
          {"payable_fen", r.payable_fen},
          {"paid_fen", r.paid_fen}};
}

json summaryJson(const std::string& region, const std::string& month,
                 const std::vector<stl::SettlementRecord>& list) {
  json rows = json::array();
  json total = {
      {"institution_code", "合计"}, {"accepted", 0},    {"rejected", 0},    {"amount_fen", 0},
      {"class_a_fen", 0},           {"class_b_fen", 0}, {"class_c_fen", 0}, {"self_fen", 0},
      {"payable_fen", 0},           {"paid_fen", 0}};
  bool example = false;
  for (const auto& r : list) {
    json row = summaryRow(r);
    for (const char* k : {"accepted", "rejected", "amount_fen", "class_a_fen", "class_b_fen",
                          "class_c_fen", "self_fen", "payable_fen", "paid_fen"})
      total[k] = total[k].get<int64_t>() + row[k].get<int64_t>();
    example = example || r.example;
    rows.push_back(std::move(row));
  }
  return {{"region", region},
          {"month", month},
          {"rows", std::move(rows)},
          {"total", std::move(total)},
          {"example", example}};
}

Result<std::string> summaryXlsx(const json& s) {
  using xlsx::Kind;
  xlsx::Sheet sheet;
  sheet.name = "结算确认汇总表";
  sheet.columns = {{"机构编码", "institution_code"},
                   {"机构名称", "institution_name"},
                   {"类别", "category"},
                   {"状态", "status"},
                   {"办件编号", "case_no"},
                   {"通过行数", "accepted", Kind::kInteger},
                   {"退回行数", "rejected", Kind::kInteger},
                   {"费用总额（元）", "amount_fen", Kind::kMoneyFen},
                   {"甲类（元）", "class_a_fen", Kind::kMoneyFen},
                   {"乙类（元）", "class_b_fen", Kind::kMoneyFen},
                   {"丙类（元）", "class_c_fen", Kind::kMoneyFen},
                   {"个人负担（元）", "self_fen", Kind::kMoneyFen},
                   {"基金拨付（元）", "payable_fen", Kind::kMoneyFen},
                   {"已拨付（元）", "paid_fen", Kind::kMoneyFen}};
  sheet.rows = s["rows"];
  sheet.total = s["total"];
  return xlsx::workbook({sheet});
}

notices::Block block(notices::Block::Kind kind, std::string text = "") {
  notices::Block b;
  b.kind = kind;
  b.text = std::move(text);
  return b;
}

Result<std::string> summaryPdf(const json& s, const Region& region, const std::string& today) {
  notices::Document doc;
  doc.header.agency = region.name + "医疗保障经办机构";
  doc.header.issued_on = today;
  doc.title = "定点医药机构费用结算确认汇总表";
  notices::Block head = block(notices::Block::Kind::kFields);
  head.fields = {{"统筹区", region.name},
                 {"结算月份", notices::chineseMonth(s["month"].get<std::string>())},
                 {"机构数", std::to_string(s["rows"].size())}};
  doc.blocks.push_back(std::move(head));
  notices::Block table = block(notices::Block::Kind::kTable);
  table.columns = {"机构编码", "机构名称", "状态", "费用总额", "个人负担", "基金拨付", "已拨付"};
  table.widths = {2.2, 3.2, 1.2, 1.6, 1.6, 1.6, 1.6};
  auto add = [&](const json& r, std::string name) {
    table.rows.push_back({r.value("institution_code", ""), std::move(name), r.value("status", ""),
                          notices::yuanText(r["amount_fen"].get<int64_t>()),
                          notices::yuanText(r["self_fen"].get<int64_t>()),
                          notices::yuanText(r["payable_fen"].get<int64_t>()),
                          notices::yuanText(r["paid_fen"].get<int64_t>())});
  };
  for (const auto& r : s["rows"]) add(r, r.value("institution_name", ""));
  add(s["total"], "");
  doc.blocks.push_back(std::move(table));
  doc.blocks.push_back(
      block(notices::Block::Kind::kParagraph,
            "金额单位：元。基金拨付按医保目录甲类全额、乙类扣除先行自付部分、丙类不支付计算。"));
  if (s["example"].get<bool>())
    doc.blocks.push_back(block(
        notices::Block::Kind::kNote,
        "示例参数：所用医保收费目录和乙类先行自付比例为示例数值，并非正式公布的目录和政策。"));
  return notices::renderPdf(doc);
}

}  // namespace

void addSettlementRoutes(Router& R, ApiDeps& d) {
  if (!d.store || !d.committer) return;

  R.add("POST", "/api/v1/regions/{region}/settlements/{institution_code}/{month}/lines",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          upload(d, std::move(req), p, std::move(res));
        });

  R.add("GET", "/api/v1/regions/{region}/settlements/{institution_code}/{month}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          auto month = monthOfPath(p.at("month"));
          if (!month) return res(errorResponse(month.error()));
          auto r = record(d, region, p.at("institution_code"), *month);
          if (!r) return res(errorResponse(r.error()));
          if (!*r) {
            // Staff learn that nothing is registered; an applicant learns nothing more than 404.
            if (!req.authorization.empty() && !registerReader(d, req, region, res)) return;
            return res(errorResponse(settlementNotFound()));
          }
          bool applicant = false;
          if (!mayRead(d, req, region, **r, res, &applicant)) return;
          json out = stl::recordJson(**r);
          auto h = d.store->registers().entryHistory(stl::kEntryKind, region,
                                                     stl::entryKey((*r)->institution_code, *month));
          if (!h) return res(errorResponse(h.error()));
          out["history"] = historyJson(*h);
          HttpResponse resp = ok(out);
          resp.headers.push_back({"Cache-Control", "no-store"});
          res(std::move(resp));
        });

  R.add("POST", "/api/v1/regions/{region}/settlements/{institution_code}/{month}/confirm",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          auto month = monthOfPath(p.at("month"));
          if (!month) return res(errorResponse(month.error()));
          auto body = parseBody(req);
          if (!body) return res(errorResponse(body.error()));
          if (!body->contains("payable_fen") || !(*body)["payable_fen"].is_number_integer())
            return res(errorResponse(badRequest("须给出所核对的基金拨付金额 payable_fen（分）")));
          int64_t confirmed = (*body)["payable_fen"].get<int64_t>();
          auto r = record(d, region, p.at("institution_code"), *month);
          if (!r) return res(errorResponse(r.error()));
          if (!*r) return res(errorResponse(settlementNotFound()));
          if (!req.authorization.empty())
            return res(errorResponse(
                {ErrorCode::kForbidden, "applicant_only", "对账确认须由定点医药机构本身办理"}));
          if (!mayRead(d, req, region, **r, res)) return;
          if ((*r)->status != stl::kStatusOrdered)
            return res(errorResponse(
                {ErrorCode::kConflict, "not_ordered",
                 (*r)->status == stl::kStatusReviewing || (*r)->status == stl::kStatusRefused
                     ? "基金拨付单尚未生成，不能对账"
                     : "该月结算已对账确认"}));
          if (confirmed != (*r)->payable_fen)
            return res(errorResponse({ErrorCode::kUnprocessable, "amount_differs",
                                      "所确认的金额与基金拨付单不一致，请重新核对"}));
          stl::SettlementRecord rec = **r;
          int64_t at = d.auth.now();
          auto done = std::make_shared<std::optional<stl::SettlementRecord>>();
          UnitOfWork work = [rec, region, at, done](Tx& tx) -> Result<void> {
            auto n = tx.nextSequence("settlement_confirmation");
            if (!n) return std::unexpected(n.error());
            std::string id = "stl-confirm-" + std::to_string(*n);
            std::string rows = stl::confirmationRows(rec);
            if (auto b = tx.putImportBatch(
                    {id, region, stl::kConfirmationBatchKind, at, "applicant", rows, 1, 0});
                !b)
              return b;
            if (auto a = stl::applyConfirmation(region, rows, at, id, tx.registers()); !a) return a;
            auto e = tx.registers().entry(stl::kEntryKind, region,
                                          stl::entryKey(rec.institution_code, rec.month));
            if (!e) return std::unexpected(e.error());
            if (*e) *done = stl::fromEntry(**e);
            return {};
          };
          d.committer->submit(std::move(work), [res, done](Result<void> r) {
            if (!r) return res(errorResponse(r.error()));
            res(ok(*done ? stl::recordJson(**done) : json(nullptr)));
          });
        });

  R.add(
      "GET", "/api/v1/regions/{region}/settlements",
      [&d](HttpRequest&& req, const Params& p, Responder res) {
        const std::string& region = p.at("region");
        if (!registerReader(d, req, region, res)) return;
        const Region* reg = d.cases.catalog().region(region);
        if (!reg) return res(errorResponse({ErrorCode::kNotFound, "not_found", "未知地区"}));
        auto m = req.query.find("month");
        auto month = monthOfPath(m == req.query.end() ? "" : m->second);
        if (!month) return res(errorResponse(month.error()));
        auto f = req.query.find("format");
        std::string format = f == req.query.end() || f->second.empty() ? "json" : f->second;
        if (format != "json" && format != "xlsx" && format != "pdf")
          return res(errorResponse(badRequest("format 须为 json、xlsx 或 pdf")));
        auto list = monthRecords(d, region, *month);
        if (!list) return res(errorResponse(list.error()));
        json s = summaryJson(region, *month, *list);
        if (format == "json") return res(ok(s));
        HttpResponse r;
        if (format == "xlsx") {
          auto bytes = summaryXlsx(s);
          if (!bytes) return res(errorResponse(bytes.error()));
          r.content_type = xlsx::kContentType;
          r.body = std::move(*bytes);
        } else {
          auto bytes = summaryPdf(s, *reg, d.cases.today().str());
          if (!bytes) return res(errorResponse(bytes.error()));
          r.content_type = "application/pdf";
          r.body = std::move(*bytes);
        }
        // region and month are checked above: safe in a header.
        r.headers.push_back({"Content-Disposition", "attachment; filename=\"settlements-" + region +
                                                        "-" + *month + "." + format + "\""});
        res(std::move(r));
      });
}

}  // namespace jingban
