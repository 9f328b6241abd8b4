#include "http/api.hpp"

namespace jingban {

Api::Api(ApiDeps deps) : deps_(deps), hashing_(std::make_unique<WorkQueue>(1)) {
  addCatalogRoutes(router_, deps_);
  addSessionRoutes(router_, deps_, *hashing_);
  addRecordRoutes(router_, deps_);  // before the case routes: a page is not an {action}
  addNoticeRoutes(router_, deps_);
  addCaseRoutes(router_, deps_);
  addOpsRoutes(router_, deps_);
  addStaffRoutes(router_, deps_, *hashing_);
  addRegisterRoutes(router_, deps_);
  addAccountCreditRoutes(router_, deps_);
  addDashboardRoutes(router_, deps_);
  addFileRoutes(router_, deps_);
  addNotificationRoutes(router_, deps_);
  addCalendarRoutes(router_, deps_);
  addFilingRoutes(router_, deps_);
  addTransferRoutes(router_, deps_);
  addInstitutionRoutes(router_, deps_);
  addSettlementRoutes(router_, deps_);
  addMaternityRoutes(router_, deps_);
  addSigningRoutes(router_, deps_);
  addCardRoutes(router_, deps_);
}

}  // namespace jingban
