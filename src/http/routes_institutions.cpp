// Designated institutions (定点医药机构, items 009001 / 009002): the register of one region for
// its staff — the list (by category and status), one institution with its agreement and change
// history, and an institution's application outcomes (failed evaluations, the re-application
// date) — and, for the applicant institution, the designation its own case produced (case number
// + credit code + 查询码, as the progress query). One write: a 复审 staff member changes an
// institution's status (暂停 / 恢复定点 / 解除协议) from a date, kept as a batch
// (effects/institution_status) and idempotent under an Idempotency-Key.
#include "common/hash.hpp"
#include "common/text.hpp"
#include "effects/institution_status.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"
#include "http/register_access.hpp"
#include "registers/institution.hpp"
#include "store/committer.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {

// Institutions one region's list reads at most before filtering by category (a 统筹区 designates
// thousands, not hundreds of thousands).
constexpr int kMaxInstitutions = 200'000;
constexpr int kReadPage = 1000;
// Who may suspend, restore or end an institution's agreement: the 复审 staff (the section head,
// 科长, holds the role too), who sign off the agency's decisions.
constexpr const char* kStatusRole = "senior_reviewer";

std::string param(const HttpRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

std::string upperAscii(std::string s) {
  for (char& ch : s)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  return s;
}

// H or P, six digits of division, five of sequence.
bool wellFormedCode(const std::string& code) {
  if (code.size() != 12 || (code[0] != 'H' && code[0] != 'P')) return false;
  for (size_t i = 1; i < code.size(); ++i)
    if (code[i] < '0' || code[i] > '9') return false;
  return true;
}

json historyJson(const std::vector<HistoryEntry>& h) {
  json out = json::array();
  for (const auto& e : h)
    if (e.source.starts_with("import:"))  // a list taken over, or a change of status
      out.push_back({{"at", Instant{e.at}.iso()},
                     {"case_no", nullptr},
                     {"import_batch", e.source.substr(7)},
                     {"changes", e.changes}});
    else
      out.push_back({{"at", Instant{e.at}.iso()},
                     {"case_no", e.source},
                     {"import_batch", nullptr},
                     {"changes", e.changes}});
  return out;
}

// The staff view of one institution: the register's fields and its status changes.
json institutionDetail(const Institution& i) {
  json out = institutionJson(i);
  out["status_changes"] = statusChangesJson(i.status_changes);
  return out;
}

Error institutionNotFound() {
  return {ErrorCode::kNotFound, "institution_not_found", "未找到该定点医药机构"};
}

Error badCode() {
  return badRequest("定点编码须为 H 或 P 加 6 位行政区划代码和 5 位顺序号，共 12 位");
}

// POST …/institutions/{code}/status: {status: 定点 | 暂停 | 解除, reason, effective_on}.
void changeStatusRoute(ApiDeps& d, HttpRequest&& req, const Params& p, Responder res) {
  const std::string& region = p.at("region");
  auto staff = registerReader(d, req, region, res);
  if (!staff) return;
  if (!staff->hasRole(kStatusRole))
    return res(errorResponse({ErrorCode::kForbidden, "role_required",
                              "只有复审人员（科长）可以暂停、恢复或解除定点医药机构的定点"}));
  const std::string& code = p.at("code");
  if (!wellFormedCode(code)) return res(errorResponse(badCode()));
  auto body = parseBody(req);
  if (!body) return res(errorResponse(body.error()));
  StatusRequest r;
  for (auto [key, out] : {std::pair{"status", &r.status}, std::pair{"reason", &r.reason},
                          std::pair{"effective_on", &r.effective_on}}) {
    auto v = str(*body, key, false);
    if (!v) return res(errorResponse(v.error()));
    *out = std::move(*v);
  }
  const int64_t now = d.auth.now();
  r.by = staff->username;
  r.at = Instant{now}.iso();
  r.today = Instant{now}.date().str();

  // An Idempotency-Key: the same request again answers what the first one did.
  std::string scope, hash;
  if (!req.idempotency_key.empty()) {
    scope =
        staff->username + "|institution_status|" + region + "/" + code + "|" + req.idempotency_key;
    hash = sha256Hex(body->dump());
    auto seen = d.store->idempotency(scope);
    if (!seen) return res(errorResponse(seen.error()));
    if (*seen) {
      if ((*seen)->request_hash != hash)
        return res(
            errorResponse({ErrorCode::kUnprocessable, "idempotency_key_reused",
                           "该幂等键（Idempotency-Key）已用于内容不同的另一请求，请换用新的键"}));
      return res(ok(json::parse((*seen)->response, nullptr, false)));
    }
  }

  // Refused at once on the committed register; the unit of work checks again on its own.
  auto e = d.store->registers().entry(kInstitutionRegister, region, code);
  if (!e) return res(errorResponse(e.error()));
  if (!*e) return res(errorResponse(institutionNotFound()));
  if (auto c = changeStatus(institutionFromEntry(**e), r); !c) return res(errorResponse(c.error()));

  auto answer = std::make_shared<json>();
  UnitOfWork work = [region, code, r, now, scope, hash, answer](Tx& tx) -> Result<void> {
    auto n = tx.nextSequence("institution_status");
    if (!n) return std::unexpected(n.error());
    ImportBatch b{"institution-status-" + std::to_string(*n),
                  region,
                  kInstitutionStatusBatchKind,
                  now,
                  r.by,
                  institutionStatusRows(code, r),
                  1,
                  0};
    if (auto put = tx.putImportBatch(b); !put) return put;
    auto changed = applyInstitutionStatus(b, tx.registers());
    if (!changed) return std::unexpected(changed.error());
    *answer = institutionDetail(*changed);
    if (!scope.empty()) return tx.putIdempotency({scope, hash, code, answer->dump(), now});
    return {};
  };
  d.committer->submit(std::move(work), [&d, res, scope, hash, answer](Result<void> done) {
    if (!done) {
      // The same key committed meanwhile by a retry of this request: answer what it answered.
      if (!scope.empty() && done.error().slug == "idempotency_key_in_use")
        if (auto seen = d.store->idempotency(scope); seen && *seen && (*seen)->request_hash == hash)
          return res(ok(json::parse((*seen)->response, nullptr, false)));
      return res(errorResponse(done.error()));
    }
    res(ok(*answer));
  });
}

json applicationJson(const RegisterEntry& e) {
  ApplicationRecord r = applicationFromEntry(e);
  json outcomes = json::array();
  for (const auto& o : r.outcomes)
    outcomes.push_back({{"on", o.on},
                        {"case_no", o.case_no},
                        {"category", o.category},
                        {"result", o.result},
                        {"step", o.step},
                        {"reason", o.reason}});
  json may = json::object();
  for (const char* cat : {kCategoryHospital, kCategoryPharmacy}) {
    Reapply rule = reapplyRule(r.outcomes, cat);
    may[cat] = {{"may_apply_on", rule.may_apply_on}, {"barred", rule.barred}};
  }
  return {{"credit_code", r.credit_code},
          {"name", r.name},
          {"status", e.status},
          {"outcomes", std::move(outcomes)},
          {"reapply", std::move(may)}};
}

Result<void> oneOf(const std::string& v, std::initializer_list<const char*> allowed,
                   const char* key) {
  if (v.empty()) return {};
  for (const char* a : allowed)
    if (v == a) return {};
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : "、") + std::string(a);
  return fail(ErrorCode::kBadRequest, "bad_filter",
              std::string("查询条件 ") + key + " 须为" + list + "之一");
}

Result<void> pagingOf(const HttpRequest& req, int& limit, int& offset) {
  if (auto v = param(req, "limit"); !v.empty()) {
    auto n = parseStrictInt(v, 1, 500, "limit");
    if (!n) return std::unexpected(n.error());
    limit = static_cast<int>(*n);
  }
  if (auto v = param(req, "offset"); !v.empty()) {
    auto n = parseStrictInt(v, 0, kMaxInstitutions, "offset");
    if (!n) return std::unexpected(n.error());
    offset = static_cast<int>(*n);
  }
  return {};
}

}  // namespace

void addInstitutionRoutes(Router& R, ApiDeps& d) {
  if (!d.store) return;

  R.add("GET", "/api/v1/regions/{region}/institutions",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          std::string category = param(req, "category"), status = param(req, "status");
          if (auto r = oneOf(category, {kCategoryHospital, kCategoryPharmacy}, "category"); !r)
            return res(errorResponse(r.error()));
          if (auto r = oneOf(status,
                             {kInstitutionStatusDesignated, kInstitutionStatusSuspended,
                              kInstitutionStatusEnded},
                             "status");
              !r)
            return res(errorResponse(r.error()));
          int limit = 100, offset = 0;
          if (auto r = pagingOf(req, limit, offset); !r) return res(errorResponse(r.error()));
          // The category is in the entry's data: read the region's entries page by page and
          // keep the category's (bounded by kMaxInstitutions).
          EntryFilter f;
          f.kind = kInstitutionRegister;
          f.region = region;
          f.status = status;
          f.limit = kReadPage;
          json rows = json::array();
          int64_t total = 0;
          for (f.offset = 0; f.offset < kMaxInstitutions; f.offset += kReadPage) {
            auto page = d.store->registers().entries(f);
            if (!page) return res(errorResponse(page.error()));
            for (const auto& e : *page) {
              Institution i = institutionFromEntry(e);
              if (!category.empty() && i.category != category) continue;
              if (total >= offset && static_cast<int>(rows.size()) < limit)
                rows.push_back(institutionJson(i));
              ++total;
            }
            if (static_cast<int>(page->size()) < kReadPage) break;
          }
          res(ok({{"region", region},
                  {"limit", limit},
                  {"offset", offset},
                  {"total", total},
                  {"institutions", std::move(rows)}}));
        });

  R.add("GET", "/api/v1/regions/{region}/institutions/{code}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          const std::string& code = p.at("code");
          if (!wellFormedCode(code))
            return res(errorResponse(
                badRequest("定点编码须为 H 或 P 加 6 位行政区划代码和 5 位顺序号，共 12 位")));
          auto& reads = d.store->registers();
          auto e = reads.entry(kInstitutionRegister, region, code);
          if (!e) return res(errorResponse(e.error()));
          if (!*e)
            return res(errorResponse(
                {ErrorCode::kNotFound, "institution_not_found", "未找到该定点医药机构"}));
          auto history = reads.entryHistory(kInstitutionRegister, region, code);
          if (!history) return res(errorResponse(history.error()));
          json out = institutionDetail(institutionFromEntry(**e));
          out["history"] = historyJson(*history);
          res(ok(out));
        });

  if (d.committer)
    R.add("POST", "/api/v1/regions/{region}/institutions/{code}/status",
          [&d](HttpRequest&& req, const Params& p, Responder res) {
            changeStatusRoute(d, std::move(req), p, std::move(res));
          });

  R.add("GET", "/api/v1/regions/{region}/institutions/{code}/history",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          const std::string& code = p.at("code");
          if (!wellFormedCode(code))
            return res(errorResponse(
                badRequest("定点编码须为 H 或 P 加 6 位行政区划代码和 5 位顺序号，共 12 位")));
          auto& reads = d.store->registers();
          auto e = reads.entry(kInstitutionRegister, region, code);
          if (!e) return res(errorResponse(e.error()));
          if (!*e)
            return res(errorResponse(
                {ErrorCode::kNotFound, "institution_not_found", "未找到该定点医药机构"}));
          auto history = reads.entryHistory(kInstitutionRegister, region, code);
          if (!history) return res(errorResponse(history.error()));
          res(ok({{"code", code}, {"history", historyJson(*history)}}));
        });

  R.add("GET", "/api/v1/regions/{region}/institution-applications/{credit_code}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          auto credit = checkId(IdKind::kCreditCode, p.at("credit_code"));
          if (!credit) return res(errorResponse(credit.error()));
          auto& reads = d.store->registers();
          auto e = reads.entry(kInstitutionApplicationRegister, region, *credit);
          if (!e) return res(errorResponse(e.error()));
          if (!*e)
            return res(errorResponse({ErrorCode::kNotFound, "no_application_outcome",
                                      "该机构在本统筹区没有评估结论记录"}));
          json out = applicationJson(**e);
          out["region"] = region;
          EntryFilter f;
          f.kind = kInstitutionRegister;
          f.region = region;
          f.owner = *credit;
          auto designations = reads.entries(f);
          if (!designations) return res(errorResponse(designations.error()));
          json list = json::array();
          for (const auto& x : *designations)
            list.push_back(institutionJson(institutionFromEntry(x)));
          out["designations"] = std::move(list);
          res(ok(out));
        });

  // The applicant institution's own designation, found through its case (the same three keys as
  // the progress query, the same 404 for every mismatch, the same rate limit).
  R.add("GET", "/api/v1/progress/institution",
        [&d](HttpRequest&& req, const Params&, Responder res) {
          std::string no = param(req, "case_no"), id = param(req, "id_no"),
                      code = param(req, "query_code");
          if (no.empty() || id.empty() || code.empty())
            return res(errorResponse(
                badRequest("请提供办件编号（case_no）、证件号码（id_no）和查询码（query_code）")));
          if (d.limits)
            if (auto l = d.limits->check(RateKind::kProgress, req.remote_address, no); !l)
              return res(errorResponse(l.error()));
          auto actor = d.cases.applicantActor(no, id, code);
          if (!actor) return res(errorResponse(actor.error()));
          auto& reads = d.store->registers();
          EntryFilter f;
          f.kind = kInstitutionRegister;
          f.region = actor->region;
          f.owner = upperAscii(id);
          auto list = reads.entries(f);
          if (!list) return res(errorResponse(list.error()));
          json out = {{"case_no", no}, {"designated", false}, {"institution", nullptr}};
          for (const auto& e : *list)
            if (e.data.value("case_no", "") == no) {
              out["designated"] = e.status == kInstitutionStatusDesignated;
              out["institution"] = institutionJson(institutionFromEntry(e));
            }
          // After a failed evaluation: the first day it may apply again.
          auto rec = reads.entry(kInstitutionApplicationRegister, actor->region, upperAscii(id));
          if (!rec) return res(errorResponse(rec.error()));
          if (*rec) {
            ApplicationRecord r = applicationFromEntry(**rec);
            for (const auto& o : r.outcomes)
              if (o.case_no == no && o.result == "不合格") {
                Reapply rule = reapplyRule(r.outcomes, o.category);
                out["evaluation_failed"] = {{"on", o.on},
                                            {"reason", o.reason},
                                            {"may_apply_on", rule.may_apply_on},
                                            {"barred", rule.barred}};
              }
          }
          res(ok(out));
        });
}

}  // namespace jingban
