// 参保记录 (issue 6 §3.4): the person's and the unit's insurance record as a document of its own,
// in JSON and as a printable page, and the record a 002001 / 002002 / 003001 case kept at its
// review, printed. Register records: staff of the region, as the register routes; the case page:
// the staff who may read the case (GET /api/v1/cases/{case_no}, which records the read).
//
// The figures are read from the registers now, on the server's clock (--fake-now in tests): the
// contribution months count the 参保缴费 periods up to this month, as the person view does.
#include <map>
#include <optional>

#include "calendar/date.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/record_page.hpp"
#include "http/register_access.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {

constexpr const char* kHtmlType = "text/html; charset=utf-8";
// Persons read per page, and at most, to count a unit's insured employees: through the
// (region, unit) index, so a unit of ordinary size costs one or a few reads; a larger one is
// reported as not counted rather than scanned on the I/O thread.
constexpr int kEmployeePage = 5000;
constexpr size_t kMaxEmployeesCounted = 50'000;

// The effects whose cases keep a record (effects/record_query.cpp).
constexpr const char* kUnitQuery = "unit_query";
constexpr const char* kPersonQuery = "person_query";
constexpr const char* kCertificate = "insurance_certificate";

std::string regionName(ApiDeps& d, const std::string& region) {
  const Region* r = d.cases.catalog().region(region);
  return r ? r->name : region;
}

// What every record document carries: the region, the time it was made and the month counted to.
json documentHead(ApiDeps& d, const std::string& region, const char* kind, const char* title) {
  Instant now{d.auth.now()};
  return {{"kind", kind},
          {"title", title},
          {"region", region},
          {"region_name", regionName(d, region)},
          {"as_of", now.date().str().substr(0, 7)},
          {"generated_at", now.iso()}};
}

// Unit names by credit code, each read once per record.
class UnitNames {
 public:
  UnitNames(RegisterReads& reads, std::string region) : reads_(reads), region_(std::move(region)) {}
  Result<json> of(const std::string& code) {
    if (code.empty()) return json(nullptr);
    auto it = names_.find(code);
    if (it == names_.end()) {
      auto u = reads_.unit(region_, code);
      if (!u) return std::unexpected(u.error());
      it = names_.emplace(code, *u ? (*u)->name : std::string()).first;
    }
    return json{{"credit_code", code}, {"name", it->second}};
  }

 private:
  RegisterReads& reads_;
  std::string region_;
  std::map<std::string, std::string> names_;
};

Result<json> personRecord(ApiDeps& d, const std::string& region, const std::string& raw_id) {
  auto id = checkId(IdKind::kCitizen, raw_id);
  if (!id) return std::unexpected(id.error());
  auto& reads = d.store->registers();
  auto person = reads.person(region, *id);
  if (!person) return std::unexpected(person.error());
  if (!*person) return fail(ErrorCode::kNotFound, "person_not_found", "未找到该参保人员");
  const Person& p = **person;
  json doc = documentHead(d, region, "person", "参保缴费记录");
  const std::string as_of = doc["as_of"].get<std::string>();
  UnitNames units(reads, region);
  auto unit = units.of(p.unit);
  if (!unit) return std::unexpected(unit.error());
  json periods = json::array();
  for (const auto& e : p.enrolments) {
    auto u = units.of(e.unit);
    if (!u) return std::unexpected(u.error());
    // The registers keep one 统筹区's periods per person: this region's.
    periods.push_back({{"region", region},
                       {"region_name", doc["region_name"]},
                       {"from", e.from},
                       {"to", e.to},
                       {"status", e.status},
                       {"insurance_type", e.insurance_type},
                       {"unit", *u},
                       {"contribution_months", contributionMonths({e}, as_of)}});
  }
  int months = contributionMonths(p.enrolments, as_of);
  doc["name"] = p.name;
  doc["id_no"] = maskId(p.id_no);  // a record to print or hand over: never the whole number
  doc["insurance_type"] = p.insurance_type;
  doc["status"] = p.status;
  doc["employment"] = p.employment;
  doc["unit"] = *unit;
  doc["enrolments"] = std::move(periods);
  doc["contribution_months"] = months;
  doc["contribution_years"] = months / 12;
  return doc;
}

// Insured employees of a unit now (职工 whose latest period is 参保缴费), or nullopt when the unit
// has more than the cap.
Result<std::optional<int64_t>> insuredEmployees(RegisterReads& reads, const std::string& region,
                                                const std::string& code) {
  PersonFilter f;
  f.region = region;
  f.unit = code;
  f.insurance_type = "职工";
  f.limit = kEmployeePage;
  int64_t count = 0;
  for (f.offset = 0;; f.offset += kEmployeePage) {
    auto page = reads.persons(f);
    if (!page) return std::unexpected(page.error());
    for (const auto& p : *page)
      if (p.status == kEnrolPaying) ++count;
    if (page->size() < static_cast<size_t>(kEmployeePage)) break;
    if (static_cast<size_t>(f.offset) + page->size() >= kMaxEmployeesCounted)
      return std::optional<int64_t>{};
  }
  return std::optional<int64_t>{count};
}

Result<json> unitRecord(ApiDeps& d, const std::string& region, const std::string& raw_code) {
  auto code = checkId(IdKind::kCreditCode, raw_code);
  if (!code) return std::unexpected(code.error());
  auto& reads = d.store->registers();
  auto unit = reads.unit(region, *code);
  if (!unit) return std::unexpected(unit.error());
  if (!*unit) return fail(ErrorCode::kNotFound, "unit_not_found", "未找到该参保单位");
  auto history = reads.unitHistory(region, *code);
  if (!history) return std::unexpected(history.error());
  auto employees = insuredEmployees(reads, region, *code);
  if (!employees) return std::unexpected(employees.error());
  const Unit& u = **unit;
  json doc = documentHead(d, region, "unit", "参保单位参保记录");
  // The status periods: each change of status (the registration included) opens one and closes
  // the one before, on the day of the change.
  json periods = json::array(), changes = json::array();
  for (const auto& e : *history) {
    bool import = e.source.starts_with("import:");
    json case_no = import ? json(nullptr) : json(e.source);
    json batch = import ? json(e.source.substr(7)) : json(nullptr);
    std::string day = Instant{e.at}.date().str();
    changes.push_back({{"at", Instant{e.at}.iso()},
                       {"case_no", case_no},
                       {"import_batch", batch},
                       {"changes", e.changes}});
    auto s = e.changes.find("status");
    if (s == e.changes.end() || !s->is_object()) continue;
    auto after = s->find("after");
    if (after == s->end() || !after->is_string()) continue;
    if (!periods.empty()) periods.back()["to"] = day;
    periods.push_back({{"from", day},
                       {"to", ""},
                       {"status", *after},
                       {"case_no", case_no},
                       {"import_batch", batch}});
  }
  doc["credit_code"] = u.credit_code;
  doc["name"] = u.name;
  doc["type"] = u.type;
  doc["status"] = u.status;
  doc["address"] = u.address;
  doc["legal_representative"] = u.legal_representative;
  doc["insured_employees"] = *employees ? json(**employees) : json(nullptr);
  doc["status_periods"] = std::move(periods);
  doc["history"] = std::move(changes);
  return doc;
}

HttpResponse page(const json& doc) {
  HttpResponse r{200, kHtmlType, recordHtml(doc)};
  // A page of personal data: not to be kept by a browser or a proxy.
  r.headers.push_back({"Cache-Control", "no-store"});
  return r;
}

// The document of the record kept in a case, or why there is none to print.
Result<json> caseRecord(ApiDeps& d, const json& view) {
  const json& effect = view.contains("register_effect") ? view["register_effect"] : json();
  std::string name = effect.is_object() ? effect.value("name", "") : "";
  if (name != kUnitQuery && name != kPersonQuery && name != kCertificate)
    return fail(ErrorCode::kNotFound, "no_record",
                "该办件不是参保信息查询或出具《参保凭证》事项，没有可打印的参保记录");
  std::string status = view.value("status", "");
  if (status == "not_accepted" || status == "rejected" || status == "withdrawn")
    return fail(ErrorCode::kConflict, "record_not_ready",
                "该办件未办结（不予受理、审核不通过或已撤回），不出具参保记录");
  if (!effect.contains("record") || !effect["record"].is_object())
    return fail(ErrorCode::kConflict, "record_not_ready", "该办件尚未受理，参保记录尚未生成");
  if (name == kCertificate && status != "completed")
    return fail(ErrorCode::kConflict, "record_not_ready", "参保凭证在办结后出具，该办件尚未办结");
  std::string region = view.value("region", "");
  const char* title = name == kCertificate ? "参保凭证"
                      : name == kUnitQuery ? "参保单位参保记录"
                                           : "参保缴费记录";
  json head = documentHead(d, region, name == kUnitQuery ? "unit" : "person", title);
  json doc = effect["record"];
  // The record as kept: its own as_of (the month of the review), not this month.
  for (const char* k : {"kind", "title", "region", "region_name", "generated_at"}) doc[k] = head[k];
  if (!doc.contains("as_of")) doc["as_of"] = head["as_of"];
  doc["case"] = {{"case_no", view.value("case_no", "")},
                 {"item_name", view.value("item_name", "")},
                 {"closed_on", view.contains("closed_on") ? view["closed_on"] : json(nullptr)}};
  return doc;
}

}  // namespace

void addRecordRoutes(Router& R, ApiDeps& d) {
  R.add("GET", "/api/v1/cases/{case_no}/record.html",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto staff = d.auth.authenticate(req.authorization);
          if (!staff) return res(errorResponse(staff.error()));
          auto view = d.cases.get(p.at("case_no"), *staff);
          auto doc = view ? caseRecord(d, *view) : Result<json>(std::unexpected(view.error()));
          HttpResponse r = doc ? page(*doc) : errorResponse(doc.error());
          r.actor = staff->username;
          res(std::move(r));
        });

  if (!d.store) return;  // the register records read the store; the case page does not
  using Builder = Result<json> (*)(ApiDeps&, const std::string&, const std::string&);
  auto record = [&R, &d](const std::string& path, const char* key, Builder build, bool html) {
    R.add("GET", path, [&d, key, build, html](HttpRequest&& req, const Params& p, Responder res) {
      const std::string& region = p.at("region");
      if (!registerReader(d, req, region, res)) return;
      auto doc = build(d, region, p.at(key));
      if (!doc) return res(errorResponse(doc.error()));
      res(html ? page(*doc) : ok(*doc));
    });
  };
  record("/api/v1/regions/{region}/persons/{id_no}/record", "id_no", personRecord, false);
  record("/api/v1/regions/{region}/persons/{id_no}/record.html", "id_no", personRecord, true);
  record("/api/v1/regions/{region}/units/{credit_code}/record", "credit_code", unitRecord, false);
  record("/api/v1/regions/{region}/units/{credit_code}/record.html", "credit_code", unitRecord,
         true);
}

}  // namespace jingban
