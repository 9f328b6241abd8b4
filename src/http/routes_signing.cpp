// A person's 门诊统筹签约 (the signing in force and its change history: each earlier signing is a
// before / after of the one entry) and 应届毕业生 / 退役军人医保待遇资格确认 (Qingdao). Staff of
// the region read any person's; the applicant reads their own through the portal with the case
// number of one of their applications and its query code (X-Query-Code; the same 404 for every
// mismatch), rate limited as progress is.
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/register_access.hpp"
#include "policy/policy.hpp"
#include "registers/signing.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

void addSigningRoutes(Router& R, ApiDeps& d) {
  if (!d.store) return;

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/outpatient-signing",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          auto id = checkId(IdKind::kCitizen, p.at("id_no"));
          if (!id) return res(errorResponse(id.error()));
          if (!staffOrApplicant(d, req, region, *id, res)) return;
          auto entry = d.store->registers().entry(kOutpatientSigningKind, region, *id);
          if (!entry) return res(errorResponse(entry.error()));
          json current = nullptr, history = json::array();
          if (auto s = *entry ? signingFromEntry(**entry) : std::nullopt) {
            auto h = d.store->registers().entryHistory(kOutpatientSigningKind, region, *id);
            if (!h) return res(errorResponse(h.error()));
            current = toJson(*s);
            history = entryHistoryJson(*h);
          }
          json rules = nullptr;
          if (d.policies)
            if (const SigningRules* r = d.policies->signingRules(region))
              rules = {{"example", r->example},
                       {"source", r->source},
                       {"change_min_months", r->change_min_months}};
          res(ok({{"region", region},
                  {"id_no", *id},
                  {"current", std::move(current)},
                  {"history", std::move(history)},
                  {"rules", std::move(rules)}}));
        });

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/benefit-qualifications",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          auto id = checkId(IdKind::kCitizen, p.at("id_no"));
          if (!id) return res(errorResponse(id.error()));
          if (!staffOrApplicant(d, req, region, *id, res)) return;
          auto list = ownedEntries(d, kBenefitQualificationKind, region, *id);
          if (!list) return res(errorResponse(list.error()));
          json out = json::array();
          for (const auto& e : *list) {
            auto q = benefitQualificationFromEntry(e);
            if (!q) continue;
            auto h = d.store->registers().entryHistory(kBenefitQualificationKind, region, e.key);
            if (!h) return res(errorResponse(h.error()));
            json j = toJson(*q);
            j["history"] = entryHistoryJson(*h);
            out.push_back(std::move(j));
          }
          res(ok({{"region", region}, {"id_no", *id}, {"qualifications", std::move(out)}}));
        });
}

}  // namespace jingban
