// Who may read the registers over HTTP: a signed-in staff member of the region asked about (the
// one rule of routes_registers.cpp, routes_records.cpp and routes_notices.cpp), or for a person's
// own register entries (filings, qualifications, maternity, transfers) the applicant themself; and
// the JSON of an entry's change history, as those routes answer it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calendar/date.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"
#include "registers/registers.hpp"

namespace jingban {

// The signed-in staff member of `region`, or nullopt with the error already answered (401 not
// signed in, 403 wrong_region). On success `res` names the staff member in the request log.
inline std::optional<Actor> registerReader(ApiDeps& d, const HttpRequest& req,
                                           const std::string& region, Responder& res) {
  auto a = d.auth.authenticate(req.authorization);
  if (!a) {
    res(errorResponse(a.error()));
    return std::nullopt;
  }
  res = [res, actor = a->username](HttpResponse r) {
    r.actor = actor;
    res(std::move(r));
  };
  if (a->region != region) {
    res(errorResponse({ErrorCode::kForbidden, "wrong_region", "无权查看或办理其他地区的登记信息"}));
    return std::nullopt;
  }
  return *a;
}

// Staff of the region (a bearer token), or the applicant themself: no token, the query code of
// one of their cases in X-Query-Code and its number in `case_no` (every mismatch answers the same
// 404; rate limited as the progress query). False with the error already answered.
inline bool staffOrApplicant(ApiDeps& d, const HttpRequest& req, const std::string& region,
                             const std::string& id_no, Responder& res) {
  if (!req.authorization.empty() || req.query_code.empty())
    return registerReader(d, req, region, res).has_value();
  auto it = req.query.find("case_no");
  std::string case_no = it == req.query.end() ? "" : it->second;
  if (d.limits)
    if (auto l = d.limits->check(RateKind::kProgress, req.remote_address, case_no); !l) {
      res(errorResponse(l.error()));
      return false;
    }
  auto a = d.cases.applicantActor(case_no, id_no, req.query_code);
  if (!a || a->region != region) {
    res(errorResponse({ErrorCode::kNotFound, "no_such_application",
                       "未找到该办件，请核对办件编号、证件号码和查询码"}));
    return false;
  }
  return true;
}

// Every entry of `kind` that `owner` (an ID number, a credit code) holds in the region: a handful.
inline Result<std::vector<RegisterEntry>> ownedEntries(ApiDeps& d, const char* kind,
                                                       const std::string& region,
                                                       const std::string& owner) {
  EntryFilter f;
  f.kind = kind;
  f.region = region;
  f.owner = owner;
  f.limit = 1000;
  return d.store->registers().entries(f);
}

// [{at (ISO 8601, Asia/Shanghai), case_no, changes: {field: {before, after}}}]
inline nlohmann::json entryHistoryJson(const std::vector<HistoryEntry>& h) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : h)
    out.push_back({{"at", Instant{e.at}.iso()}, {"case_no", e.source}, {"changes", e.changes}});
  return out;
}

}  // namespace jingban
