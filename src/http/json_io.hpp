// What every route needs to read a request and write an answer: JSON bodies, typed fields with
// messages naming the field, and the one mapping of an Error to an HTTP response.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cases/case_service.hpp"
#include "catalog/checklist.hpp"
#include "common/error.hpp"
#include "http/server.hpp"

namespace jingban {

inline constexpr const char* kJsonType = "application/json; charset=utf-8";

HttpResponse ok(const nlohmann::json& body, int status = 200);
HttpResponse errorResponse(const Error& e);
Error badRequest(const std::string& msg);

// The body as a JSON object ({} when empty); 400 otherwise.
Result<nlohmann::json> parseBody(const HttpRequest& req);
// A string field; "" when absent and not required.
Result<std::string> str(const nlohmann::json& j, const char* key, bool required);
// "materials": {id: status} or [id, …] (= provided).
Result<MaterialStatus> materials(const nlohmann::json& j);
// Answers a CaseService reply: the serialised body with `status`, or the error.
CaseService::Reply caseReply(Responder respond, int status);

}  // namespace jingban
