// A person's remote-care filings (异地就医备案) and outpatient chronic / special disease
// qualifications (门诊慢特病认定) over time, each with its change history, and a region's disease
// catalogue. Staff of the region read any person's; the applicant reads their own through the
// portal with the case number of one of their applications and its query code (X-Query-Code
// header, as the uploads take it; the same 404 for every mismatch), rate limited as progress is.
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/register_access.hpp"
#include "policy/policy.hpp"
#include "registers/filing.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {

template <typename FromEntry>
void personList(ApiDeps& d, const char* kind, const char* key, FromEntry from, HttpRequest&& req,
                const Params& p, Responder res, json extra) {
  const std::string& region = p.at("region");
  auto id = checkId(IdKind::kCitizen, p.at("id_no"));
  if (!id) return res(errorResponse(id.error()));
  if (!staffOrApplicant(d, req, region, *id, res)) return;
  auto list = ownedEntries(d, kind, region, *id);
  if (!list) return res(errorResponse(list.error()));
  json out = json::array();
  for (const auto& e : *list) {
    auto rec = from(e);
    if (!rec) continue;
    auto h = d.store->registers().entryHistory(kind, region, e.key);
    if (!h) return res(errorResponse(h.error()));
    json j = toJson(*rec);
    j["history"] = entryHistoryJson(*h);
    out.push_back(std::move(j));
  }
  extra["region"] = region;
  extra["id_no"] = *id;
  extra[key] = std::move(out);
  res(ok(extra));
}

}  // namespace

void addFilingRoutes(Router& R, ApiDeps& d) {
  if (!d.store) return;

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/filings",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          json rules = nullptr;
          if (d.policies)
            if (const FilingRules* r = d.policies->filingRules(p.at("region")))
              rules = {{"example", r->example},
                       {"source", r->source},
                       {"temporary_validity_months", r->temporary_validity_months},
                       {"long_term_change_min_months", r->long_term_change_min_months},
                       {"temporary_change_min_months", r->temporary_change_min_months}};
          personList(d, kFilingKind, "filings",
                     [](const RegisterEntry& e) { return filingFromEntry(e); }, std::move(req), p,
                     std::move(res), {{"rules", rules}});
        });

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/qualifications",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          personList(
              d, kQualificationKind, "qualifications",
              [](const RegisterEntry& e) { return qualificationFromEntry(e); }, std::move(req), p,
              std::move(res), json::object());
        });

  // The disease catalogue: public, as the items are (the application form names a code of it).
  R.add("GET", "/api/v1/regions/{region}/diseases",
        [&d](HttpRequest&&, const Params& p, Responder res) {
          const DiseaseCatalog* c = d.policies ? d.policies->diseases(p.at("region")) : nullptr;
          if (!c)
            return res(errorResponse(
                {ErrorCode::kNotFound, "no_disease_catalog", "该地区没有门诊慢特病病种目录"}));
          json list = json::array();
          for (const auto& x : c->diseases)
            list.push_back({{"code", x.code},
                            {"name", x.name},
                            {"kind", x.kind},
                            {"kind_name", diseaseKindName(x.kind)},
                            {"instant", x.instant},
                            {"specialist", x.specialist},
                            {"from_seed", x.from_seed}});
          json validity = json::object();
          for (const auto& [k, m] : c->validity_months) validity[k] = m;
          res(ok({{"region", p.at("region")},
                  {"example", c->example},
                  {"source", c->source},
                  {"validity_months", validity},
                  {"renewal_window_days", c->renewal_window_days},
                  {"limit_condition",
                   c->limit_condition.empty() ? json(nullptr) : json(c->limit_condition)},
                  {"diseases", std::move(list)}}));
        });
}

}  // namespace jingban
