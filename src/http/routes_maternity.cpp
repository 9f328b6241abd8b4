// A person's maternity register (生育备案 and the 生育保险 benefits paid, each with its change
// history) and a unit's wage declarations (Qingdao 单位医疗保险工资申报). Staff of the region read
// any; the applicant reads their own maternity record through the portal with the case number of
// one of their applications and its query code (X-Query-Code; the same 404 for every mismatch),
// rate limited as progress is.
#include <algorithm>

#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/register_access.hpp"
#include "registers/maternity.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

void addMaternityRoutes(Router& R, ApiDeps& d) {
  if (!d.store) return;

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/maternity",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          auto id = checkId(IdKind::kCitizen, p.at("id_no"));
          if (!id) return res(errorResponse(id.error()));
          if (!staffOrApplicant(d, req, region, *id, res)) return;
          auto list = ownedEntries(d, kMaternityKind, region, *id);
          if (!list) return res(errorResponse(list.error()));
          json filings = json::array(), benefits = json::array();
          int64_t paid = 0;
          for (const auto& e : *list) {
            MaternityRecord r = maternityFromEntry(e);
            auto h = d.store->registers().entryHistory(kMaternityKind, region, e.key);
            if (!h) return res(errorResponse(h.error()));
            json j = maternityJson(r);
            j["history"] = entryHistoryJson(*h);
            if (r.type == "filing") {
              filings.push_back(std::move(j));
            } else {
              paid += r.amount_fen;
              benefits.push_back(std::move(j));
            }
          }
          res(ok({{"region", region},
                  {"id_no", *id},
                  {"filings", std::move(filings)},
                  {"benefits", std::move(benefits)},
                  {"paid_fen", paid}}));
        });

  R.add("GET", "/api/v1/regions/{region}/units/{credit_code}/wages",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          // Staff only: who asks is checked before what is asked about.
          if (!registerReader(d, req, region, res)) return;
          auto code = checkId(IdKind::kCreditCode, p.at("credit_code"));
          if (!code) return res(errorResponse(code.error()));
          auto list = ownedEntries(d, kWageKind, region, *code);
          if (!list) return res(errorResponse(list.error()));
          json wages = json::array();
          for (const auto& e : *list) {
            auto h = d.store->registers().entryHistory(kWageKind, region, e.key);
            if (!h) return res(errorResponse(h.error()));
            json j = wageJson(wageFromEntry(e));
            j["history"] = entryHistoryJson(*h);
            wages.push_back(std::move(j));
          }
          // Newest year first: the 生育津贴 of a birth reads the year before it.
          std::sort(wages.begin(), wages.end(),
                    [](const json& a, const json& b) { return a["year"] > b["year"]; });
          res(ok({{"region", region}, {"credit_code", *code}, {"wages", std::move(wages)}}));
        });
}

}  // namespace jingban
