// POST /api/v1/regions/{region}/imports/account-credits: the monthly 个人账户划入 batch (CSV
// `id_no,amount_fen,month`), by the region's finance staff. effects/account_credits.hpp says what
// is checked.
#include "effects/account_credits.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"

namespace jingban {

namespace {
constexpr const char* kCreditRole = "finance";
constexpr size_t kMaxApiCreditRows = 200'000;
}  // namespace

void addAccountCreditRoutes(Router& R, ApiDeps& d) {
  if (!d.committer) return;
  R.add("POST", "/api/v1/regions/{region}/imports/account-credits",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto staff = d.auth.authenticate(req.authorization);
          if (!staff) return res(errorResponse(staff.error()));
          const std::string& region = p.at("region");
          if (staff->region != region)
            return res(errorResponse(
                {ErrorCode::kForbidden, "wrong_region", "无权办理其他地区的个人账户划入"}));
          if (!staff->hasRole(kCreditRole))
            return res(errorResponse(
                {ErrorCode::kForbidden, "role_required", "个人账户划入须由本地区财务人员办理"}));
          auto file = parseAccountCredits(req.body, kMaxApiCreditRows);
          if (!file) return res(errorResponse(file.error()));
          importAccountCredits(*d.committer, region, staff->username, d.auth.now(),
                               std::move(*file), [res](Result<ImportReport> r) {
                                 if (!r) return res(errorResponse(r.error()));
                                 res(ok(importReportJson(*r), 201));
                               });
        });
}

}  // namespace jingban
