// The REST API (JSON, UTF-8) on top of CaseService and Auth. Paths and fields are a contract;
// see README "API" and GET /api/v1/openapi.json. Each routes_*.cpp adds one area's routes.
#pragma once

#include <memory>

#include "auth/auth.hpp"
#include "cases/case_service.hpp"
#include "common/work_queue.hpp"
#include "http/router.hpp"
#include "store/file_store.hpp"
#include "store/outbox_store.hpp"
#include "store/stats.hpp"

namespace jingban {

// What the routes are given. Owned by the caller (cli/serve), outliving the Api.
class RateLimiter;  // http/rate_limit.hpp
class StaticSite;   // routes_static.cpp: the browser UI's built files, served under /
namespace obs {
class Metrics;  // obs/metrics.hpp
}
class PolicySet;  // policy/policy.hpp
namespace peer {
class Exchange;  // peer/exchange.hpp
}

struct ApiDeps {
  CaseService& cases;
  Auth& auth;
  RateLimiter* limits = nullptr;    // null: no rate limits (tests of other things, the fuzzer)
  obs::Metrics* metrics = nullptr;  // null: no /metrics
  // The registers' reads and the batch imports (null: no register routes).
  Store* store = nullptr;
  Committer* committer = nullptr;
  // The browser UI (web/dist) served under `/` (null: the API only).
  std::shared_ptr<const StaticSite> site = nullptr;
  // The supervisor dashboard's counts (null: no dashboard route).
  CaseStats* stats = nullptr;
  // Where the browser UI is reached from outside (`serve --public-url`): the QR code on every
  // printed notice opens <public_url>/progress?case_no=….
  std::string public_url = "http://127.0.0.1:8080";
  // The files uploaded for a case's materials (null: no upload routes).
  FileStore* files = nullptr;
  // The notifications outbox: the supervisors' list and retry (null: no notification routes).
  OutboxStore* outbox = nullptr;
  // The policy data (filing rules and disease catalogues: routes_filings.cpp); null: those parts
  // are absent from the answers.
  const PolicySet* policies = nullptr;
  // Transfers between regions: their records and the peer inbox (null: no transfer routes).
  peer::Exchange* transfers = nullptr;
};

// The browser UI (routes_static.cpp): every file of the built directory, read once; an error when
// the directory or its index.html is missing. serveStatic answers GET/HEAD of a path outside
// /api, /healthz and /metrics (a file, or index.html for the UI's own routes) and returns true,
// or returns false and leaves the request to the router.
Result<std::shared_ptr<const StaticSite>> loadStaticSite(const std::string& dir);
size_t staticFileCount(const StaticSite& site);
bool serveStatic(const StaticSite& site, HttpRequest& req, const Responder& respond);

class Api {
 public:
  explicit Api(ApiDeps deps);
  void handle(HttpRequest&& req, Responder respond) const {
    if (deps_.site && serveStatic(*deps_.site, req, respond)) return;
    router_.dispatch(std::move(req), std::move(respond));
  }

 private:
  ApiDeps deps_;
  std::unique_ptr<WorkQueue> hashing_;  // argon2 sign-ins, off the I/O threads
  Router router_;
};

// One function per area, each in its own file.
void addCatalogRoutes(Router& r, ApiDeps& d);                      // routes_catalog.cpp
void addSessionRoutes(Router& r, ApiDeps& d, WorkQueue& hashing);  // routes_session.cpp
void addCaseRoutes(Router& r, ApiDeps& d);                         // routes_cases.cpp
void addOpsRoutes(Router& r, ApiDeps& d);                          // routes_ops.cpp (/metrics)
void addStaffRoutes(Router& r, ApiDeps& d, WorkQueue& hashing);    // routes_staff.cpp
void addRegisterRoutes(Router& r, ApiDeps& d);  // routes_registers.cpp (needs store, committer)
void addAccountCreditRoutes(Router& r, ApiDeps& d);  // routes_account_credits.cpp
void addRecordRoutes(Router& r, ApiDeps& d);  // routes_records.cpp (参保记录 pages; needs store)
void addNoticeRoutes(Router& r, ApiDeps& d);     // routes_notices.cpp (PDF notices, 参保凭证)
void addDashboardRoutes(Router& r, ApiDeps& d);  // routes_dashboard.cpp (needs stats)
void addFileRoutes(Router& r, ApiDeps& d);       // routes_files.cpp (uploads; needs files, store)
void addNotificationRoutes(Router& r, ApiDeps& d);  // routes_notifications.cpp (needs outbox)
void addFilingRoutes(Router& r, ApiDeps& d);        // routes_filings.cpp (filings, qualifications)
void addCalendarRoutes(Router& r, ApiDeps& d);      // routes_calendar.cpp (the holiday calendar)
void addTransferRoutes(Router& r, ApiDeps& d);      // routes_transfers.cpp (needs transfers)
void addInstitutionRoutes(Router& r, ApiDeps& d);   // routes_institutions.cpp (定点医药机构)
void addSettlementRoutes(Router& r, ApiDeps& d);    // routes_settlements.cpp (费用结算)
void addMaternityRoutes(Router& r, ApiDeps& d);     // routes_maternity.cpp (生育, 工资申报)
void addSigningRoutes(Router& r, ApiDeps& d);  // routes_signing.cpp (门诊统筹签约, 待遇资格确认)
void addCardRoutes(Router& r, ApiDeps& d);  // routes_cards.cpp (社保卡, 退役士兵补缴, 待遇支付凭证)
// Runs `job` on the hashing thread, or answers 503 `busy` when too many wait (routes_session.cpp).
void postHashing(WorkQueue& hashing, const Responder& res, std::function<void()> job);

const std::string& openapiJson();

}  // namespace jingban
