// The REST API (JSON, UTF-8) on top of CaseService and Auth. Paths and fields are a contract;
// see README "API" and GET /api/v1/openapi.json.
#pragma once

#include <memory>

#include "auth/auth.hpp"
#include "cases/case_service.hpp"
#include "common/work_queue.hpp"
#include "http/router.hpp"

namespace jingban {

class Api {
 public:
  Api(CaseService& cases, Auth& auth);
  void handle(HttpRequest&& req, Responder respond) const {
    router_.dispatch(std::move(req), std::move(respond));
  }

 private:
  CaseService& cases_;
  Auth& auth_;
  std::unique_ptr<WorkQueue> hashing_;  // argon2 sign-ins, off the I/O threads
  Router router_;
};

const std::string& openapiJson();

}  // namespace jingban
