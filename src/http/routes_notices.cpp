// Printable notices (issue 7): GET /api/v1/cases/{case_no}/notices/{kind}.pdf (受理通知书,
// 一次性告知书, 不予受理决定书, 办结通知书, 结算单) and GET
// /api/v1/regions/{region}/persons/{id_no}/ certificate.pdf (参保凭证). The inputs are read here
// (the case view, the catalog, the person register); notices/ only renders them.
//
// Who may print a case's notice: staff of the case's region, through CaseService::get (which
// records the read), or the applicant with case number + ID number + query code, as the progress
// query (every mismatch the same 404; rate-limited as progress), so that the portal can offer the
// download. The certificate: staff of the region, as the register routes.
#include <set>

#include "common/text.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"
#include "http/register_access.hpp"
#include "notices/notices.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;
namespace nt = notices;

namespace {

constexpr const char* kPdfType = "application/pdf";

std::string regionName(ApiDeps& d, const std::string& region) {
  const Region* r = d.cases.catalog().region(region);
  return r ? r->name : region;
}

// The issuing body: the region's medical-insurance agency, by its generic name (the catalog names
// the region, not the agency's official title).
std::string agency(ApiDeps& d, const std::string& region) {
  return regionName(d, region) + "医疗保障经办机构";
}

// The portal's progress page of the case (the QR code on every page).
std::string progressUrl(const ApiDeps& d, const std::string& case_no) {
  std::string base = d.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/progress?case_no=" + case_no;
}

std::string s(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
// The date of an ISO 8601 instant ("2026-03-10T10:00:00+08:00" → "2026-03-10").
std::string dayOf(const std::string& iso) { return iso.substr(0, 10); }

Error notApplicable(const std::string& message) {
  return {ErrorCode::kConflict, "notice_not_applicable", message};
}

const json& events(const json& view) {
  static const json kNone = json::array();
  auto it = view.find("events");
  return it != view.end() && it->is_array() ? *it : kNone;
}

// An event's data (an object; empty when it has none).
const json& dataOf(const json& event) {
  static const json kEmpty = json::object();
  auto it = event.find("data");
  return it != event.end() && it->is_object() ? *it : kEmpty;
}

// The last event of the action, or null.
const json* lastEvent(const json& view, const std::string& action) {
  const json* found = nullptr;
  for (const auto& e : events(view))
    if (s(e, "action") == action) found = &e;
  return found;
}

struct CaseContext {
  const Region* region = nullptr;
  const Item* item = nullptr;
  nt::Header header;
  nt::Party applicant;
};

CaseContext contextOf(ApiDeps& d, const json& view) {
  CaseContext c;
  std::string region = s(view, "region");
  c.region = d.cases.catalog().region(region);
  c.item = c.region ? c.region->item(s(view, "item_code")) : nullptr;
  std::string case_no = s(view, "case_no");
  c.header = {agency(d, region), case_no, progressUrl(d, case_no), d.cases.today().str()};
  if (view.contains("applicant") && view["applicant"].is_object())
    c.applicant = {s(view["applicant"], "name"), s(view["applicant"], "id_no")};  // masked
  return c;
}

const Material* material(const CaseContext& c, const std::string& id) {
  if (!c.item) return nullptr;
  for (const auto& m : c.item->materials)
    if (m.id == id) return &m;
  return nullptr;
}

// What the window takes of a missing material, as the catalog states it.
std::string requirement(const Material* m) {
  if (!m) return "";
  std::string r;
  auto add = [&r](const std::string& t) { r += (r.empty() ? "" : "；") + t; };
  if (m->original != MaterialOriginal::kUnstated) add(materialOriginalText(m->original));
  if (m->copies) add(std::to_string(m->copies) + "份");
  if (m->photos) add("照片" + std::to_string(m->photos) + "张");
  if (m->commitment) add("可以个人承诺书代替");
  if (!m->shared_data.empty()) add(m->shared_data + "（可免提交）");
  return r;
}

Result<nt::Document> acceptance(ApiDeps& d, const json& view) {
  const json* accept = lastEvent(view, "accept");
  if (!accept || !view.value("accepted_on", json()).is_string())
    return std::unexpected(notApplicable("该办件尚未受理，不出具受理通知书"));
  CaseContext c = contextOf(d, view);
  nt::AcceptanceNotice n;
  n.header = c.header;
  n.header.issued_on = s(view, "accepted_on");
  n.applicant = c.applicant;
  n.item_name = s(view, "item_name");
  n.channel = s(view, "channel");
  n.submitted_on = dayOf(s(view, "submitted_at"));
  n.accepted_on = s(view, "accepted_on");
  // The due date as decided at 受理 (a later pause or extension moves it; progress shows that).
  n.due_on = s(dataOf(*accept), "due_on");
  n.due_provisional = view.value("due_provisional", false) && n.due_on == s(view, "due_on");
  static const std::map<std::string, std::string> kHow{
      {"provided", "已提交"}, {"commitment", "个人承诺代替"}, {"shared", "数据共享免提交"}};
  if (view.contains("materials") && view["materials"].is_object())
    for (const auto& [id, status] : view["materials"].items()) {
      auto how = status.is_string() ? kHow.find(status.get<std::string>()) : kHow.end();
      if (how == kHow.end()) continue;  // missing: not received
      const Material* m = material(c, id);
      n.materials.push_back({m ? m->name : id, how->second});
    }
  return nt::acceptanceDocument(n);
}

Result<nt::Document> supplement(ApiDeps& d, const json& view) {
  const json* ret = lastEvent(view, "return");
  if (!ret) return std::unexpected(notApplicable("该办件没有退回补正，不出具一次性告知书"));
  CaseContext c = contextOf(d, view);
  nt::SupplementNotice n;
  n.header = c.header;
  n.returned_on = dayOf(s(*ret, "at"));
  n.header.issued_on = n.returned_on;
  n.applicant = c.applicant;
  n.item_name = s(view, "item_name");
  n.submitted_on = dayOf(s(view, "submitted_at"));
  n.remark = s(*ret, "comment");
  // Returned at a review step (after 受理): the limit pauses.
  int64_t seq = (*ret).value("seq", int64_t{0});
  for (const auto& e : events(view))
    if (s(e, "action") == "accept" && e.value("seq", int64_t{0}) < seq) n.after_acceptance = true;
  std::set<std::string> seen;
  const json& data = dataOf(*ret);
  if (data.contains("notice") && data["notice"].is_array())
    for (const auto& m : data["notice"]) {
      std::string id = s(m, "id");
      if (!seen.insert(id).second) continue;  // once
      n.missing.push_back({s(m, "name"), requirement(material(c, id))});
    }
  return nt::supplementDocument(n);
}

Result<nt::Document> refusal(ApiDeps& d, const json& view) {
  const json* decision = lastEvent(view, "not_accept");
  if (s(view, "status") != "not_accepted" || !decision)
    return std::unexpected(notApplicable(
        "该办件未作不予受理决定，不出具不予受理决定书（审核不通过的办件以办理结果告知）"));
  CaseContext c = contextOf(d, view);
  nt::RefusalNotice n;
  n.header = c.header;
  n.decided_on = s(view, "closed_on").empty() ? dayOf(s(*decision, "at")) : s(view, "closed_on");
  n.header.issued_on = n.decided_on;
  n.applicant = c.applicant;
  n.item_name = s(view, "item_name");
  n.submitted_on = dayOf(s(view, "submitted_at"));
  n.reason = s(*decision, "comment");
  return nt::refusalDocument(n);
}

Result<nt::Document> completion(ApiDeps& d, const json& view) {
  if (s(view, "status") != "completed")
    return std::unexpected(notApplicable("该办件尚未办结，不出具办结通知书"));
  CaseContext c = contextOf(d, view);
  nt::CompletionNotice n;
  n.header = c.header;
  n.closed_on = s(view, "closed_on");
  n.header.issued_on = n.closed_on;
  n.applicant = c.applicant;
  n.item_name = s(view, "item_name");
  n.submitted_on = dayOf(s(view, "submitted_at"));
  n.accepted_on = s(view, "accepted_on");
  n.due_on = s(view, "due_on");
  n.paid_fen = view.value("paid_fen", int64_t{0});
  // The steps as the progress query shows them: each step reached, with its date.
  static const std::set<std::string> kStepActions{"submit", "accept", "approve", "pay", "complete"};
  for (const auto& e : events(view))
    if (kStepActions.count(s(e, "action"))) n.steps.push_back({s(e, "step"), dayOf(s(e, "at"))});
  return nt::completionDocument(n);
}

std::string statusText(const std::string& status) {
  static const std::map<std::string, std::string> kText{
      {"submitted", "待受理"}, {"supplement", "待补正"},     {"in_progress", "办理中"},
      {"completed", "已办结"}, {"not_accepted", "不予受理"}, {"rejected", "审核不通过"},
      {"withdrawn", "已撤回"}};
  auto it = kText.find(status);
  return it == kText.end() ? status : it->second;
}

Result<nt::Document> settlement(ApiDeps& d, const json& view) {
  auto it = view.find("settlement");
  if (it == view.end() || !it->is_object())
    return std::unexpected(
        notApplicable("该办件没有结算单（仅医疗费用报销类事项在初审后生成结算单）"));
  const json& st = *it;
  CaseContext c = contextOf(d, view);
  nt::SettlementSheet sh;
  sh.header = c.header;
  // Dated as the event that recorded it (初审, or a re-settlement at 拨付).
  for (const auto& e : events(view))
    if (dataOf(e).contains("settlement")) sh.header.issued_on = dayOf(s(e, "at"));
  sh.applicant = c.applicant;
  sh.item_name = s(view, "item_name");
  sh.case_status = statusText(s(view, "status"));
  const json& effect = view.value("register_effect", json::object());
  if (effect.contains("policy") && effect["policy"].is_object()) {
    const json& p = effect["policy"];
    sh.policy_text = regionName(d, s(p, "region")) + " " + s(p, "insurance_type") + " " +
                     std::to_string(p.value("year", 0)) + "年度";
  }
  auto fen = [](const json& j, const char* k) {
    auto v = j.find(k);
    return v != j.end() && v->is_number_integer() ? v->get<int64_t>() : int64_t{0};
  };
  if (st.contains("lines") && st["lines"].is_array())
    for (const auto& l : st["lines"])
      sh.lines.push_back({s(l, "code"), s(l, "name"), s(l, "class"), fen(l, "amount_fen"),
                          fen(l, "excluded_fen"), fen(l, "first_paid_fen"),
                          fen(l, "eligible_fen")});
  if (st.contains("steps") && st["steps"].is_array())
    for (const auto& x : st["steps"]) {
      int rate = x.contains("rate_permille") && x["rate_permille"].is_number_integer()
                     ? x["rate_permille"].get<int>()
                     : -1;
      sh.steps.push_back(
          {s(x, "name"), s(x, "note"), fen(x, "base_fen"), fen(x, "amount_fen"), rate});
    }
  sh.total_fen = fen(st, "total_fen");
  sh.fund_fen = fen(st, "fund_fen");
  sh.serious_illness_fen = fen(st, "serious_illness_fen");
  sh.assistance_fen = fen(st, "assistance_fen");
  sh.personal_fen = fen(st, "personal_fen");
  sh.example = st.value("example", false);
  return nt::settlementDocument(sh);
}

using Builder = Result<nt::Document> (*)(ApiDeps&, const json&);
const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> kBuilders{{"acceptance", acceptance},
                                                        {"supplement", supplement},
                                                        {"refusal", refusal},
                                                        {"completion", completion},
                                                        {"settlement", settlement}};
  return kBuilders;
}

HttpResponse pdfResponse(const Result<std::string>& pdf, const std::string& filename) {
  if (!pdf) return errorResponse(pdf.error());
  HttpResponse r{200, kPdfType, *pdf};
  // Personal data: not to be kept by a browser or a proxy.
  r.headers.push_back({"Cache-Control", "no-store"});
  r.headers.push_back({"Content-Disposition", "inline; filename=\"" + filename + "\""});
  return r;
}

// The case view for the caller: staff (signed in) or the applicant (ID number + query code).
Result<json> caseFor(ApiDeps& d, const HttpRequest& req, const std::string& case_no,
                     std::string& actor) {
  if (!req.authorization.empty()) {
    auto staff = d.auth.authenticate(req.authorization);
    if (!staff) return std::unexpected(staff.error());
    actor = staff->username;
    return d.cases.get(case_no, *staff);
  }
  auto id = req.query.find("id_no"), code = req.query.find("query_code");
  if (id == req.query.end() || code == req.query.end() || id->second.empty() ||
      code->second.empty())
    return fail(ErrorCode::kUnauthorized, "unauthorized",
                "请先登录；申请人打印须提供证件号码（id_no）和查询码（query_code）");
  if (d.limits)
    if (auto l = d.limits->check(RateKind::kProgress, req.remote_address, case_no); !l)
      return std::unexpected(l.error());
  auto applicant = d.cases.applicantActor(case_no, id->second, code->second);
  if (!applicant) return std::unexpected(applicant.error());
  // The applicant's own case: read as "applicant" (recorded like a staff read).
  return d.cases.get(case_no, *applicant);
}

// 参保凭证 from the person register, the figures as the 参保记录 counts them (routes_records.cpp):
// the periods of this region, contribution months up to this month on the server's clock.
Result<nt::Document> certificate(ApiDeps& d, const std::string& region, const std::string& raw_id) {
  auto id = checkId(IdKind::kCitizen, raw_id);
  if (!id) return std::unexpected(id.error());
  auto& reads = d.store->registers();
  auto person = reads.person(region, *id);
  if (!person) return std::unexpected(person.error());
  if (!*person) return fail(ErrorCode::kNotFound, "person_not_found", "未找到该参保人员");
  const Person& p = **person;
  Date today = d.cases.today();
  std::string as_of = today.str().substr(0, 7);
  std::map<std::string, std::string> names;
  auto unitName = [&](const std::string& code) -> Result<std::string> {
    if (code.empty()) return std::string();
    auto it = names.find(code);
    if (it == names.end()) {
      auto u = reads.unit(region, code);
      if (!u) return std::unexpected(u.error());
      it = names.emplace(code, *u ? (*u)->name + "（" + code + "）" : code).first;
    }
    return it->second;
  };
  nt::InsuranceCertificate c;
  c.header = {agency(d, region), "", "", today.str()};
  c.region_name = regionName(d, region);
  c.person = {p.name, maskId(p.id_no)};  // a document to hand over: never the whole number
  c.insurance_type = p.insurance_type;
  c.status = p.status;
  c.employment = p.employment;
  auto unit = unitName(p.unit);
  if (!unit) return std::unexpected(unit.error());
  c.unit = *unit;
  for (const auto& e : p.enrolments) {
    auto u = unitName(e.unit);
    if (!u) return std::unexpected(u.error());
    c.periods.push_back(
        {e.from, e.to, e.status, e.insurance_type, *u, contributionMonths({e}, as_of)});
  }
  c.contribution_months = contributionMonths(p.enrolments, as_of);
  c.as_of = as_of;
  return nt::certificateDocument(c);
}

}  // namespace

void addNoticeRoutes(Router& R, ApiDeps& d) {
  R.add(
      "GET", "/api/v1/cases/{case_no}/notices/{file}",
      [&d](HttpRequest&& req, const Params& p, Responder res) {
        const std::string& file = p.at("file");
        // Only …/notices/{kind}.pdf is an address; anything else is answered as the router
        // answers a path it does not know.
        if (!file.ends_with(".pdf"))
          return res(errorResponse({ErrorCode::kNotFound, "not_found", "没有这个接口"}));
        auto b = builders().find(file.substr(0, file.size() - 4));
        if (b == builders().end())
          return res(errorResponse(
              {ErrorCode::kNotFound, "unknown_notice",
               "没有这种通知书（可选：acceptance、supplement、refusal、completion、settlement）"}));
        std::string actor;
        auto view = caseFor(d, req, p.at("case_no"), actor);
        auto doc = view ? b->second(d, *view) : Result<nt::Document>(std::unexpected(view.error()));
        HttpResponse r =
            doc ? pdfResponse(nt::renderPdf(*doc), b->first + "-" + doc->header.case_no + ".pdf")
                : errorResponse(doc.error());
        r.actor = actor;
        res(std::move(r));
      });

  if (!d.store) return;  // the certificate reads the person register
  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/certificate.pdf",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!registerReader(d, req, region, res)) return;
          auto doc = certificate(d, region, p.at("id_no"));
          if (!doc) return res(errorResponse(doc.error()));
          res(pdfResponse(nt::renderPdf(*doc), "certificate.pdf"));
        });
}

}  // namespace jingban
