// Transfers between regions (转移接续, registers/transfer.hpp): a person's transfers as each side
// records them (staff of the region, or the applicant themself through the portal), the documents
// not yet delivered, and the inbox where a peer server delivers documents (authenticated by the
// shared key, not by a staff session).
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/register_access.hpp"
#include "peer/exchange.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

void addTransferRoutes(Router& r, ApiDeps& d) {
  if (!d.transfers) return;
  r.add("GET", "/api/v1/regions/{region}/transfers",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!d.transfers->serves(region))
            return res(errorResponse({ErrorCode::kNotFound, "unknown_region", "未知的地区"}));
          auto id = req.query.find("id_no");
          // Staff of the region, or the applicant themself with the case number and query code
          // of one of their cases here (a wrong ID number answers the same 404 as a wrong code).
          if (!staffOrApplicant(d, req, region, id == req.query.end() ? "" : id->second, res))
            return;
          if (id == req.query.end() || id->second.empty())
            return res(errorResponse(
                {ErrorCode::kBadRequest, "id_no_required", "须给出参保人的公民身份号码"}));
          if (!validCitizenId(id->second))
            return res(
                errorResponse({ErrorCode::kUnprocessable, "invalid_id_no", "公民身份号码无效"}));
          auto list = d.transfers->transfers(region, id->second);
          if (!list) return res(errorResponse(list.error()));
          res(ok(*list));
        });
  r.add("GET", "/api/v1/regions/{region}/transfers/outbox",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& region = p.at("region");
          if (!d.transfers->serves(region))
            return res(errorResponse({ErrorCode::kNotFound, "unknown_region", "未知的地区"}));
          if (!registerReader(d, req, region, res)) return;
          auto list = d.transfers->pending(region);
          if (!list) return res(errorResponse(list.error()));
          res(ok(*list));
        });
  r.add("POST", peer::kInboxPath, [&d](HttpRequest&& req, const Params&, Responder res) {
    d.transfers->inbox(req.authorization, req.body, [res](Result<json> answer) {
      if (!answer) return res(errorResponse(answer.error()));
      res(ok(*answer));
    });
  });
}

}  // namespace jingban
