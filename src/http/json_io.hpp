// What every route needs to read a request and write an answer: JSON bodies, typed fields with
// messages naming the field, and the one mapping of an Error to an HTTP response.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cases/case_service.hpp"
#include "catalog/checklist.hpp"
#include "common/error.hpp"
#include "http/server.hpp"

namespace jingban {

inline constexpr const char* kJsonType = "application/json; charset=utf-8";

HttpResponse ok(const nlohmann::json& body, int status = 200);
HttpResponse errorResponse(const Error& e);
Error badRequest(const std::string& msg);

// Arrays and objects nest at most this deep in a request body.
inline constexpr size_t kMaxJsonDepth = 32;
// The deepest nesting of arrays and objects in `text`, counted on the bytes (outside strings)
// without parsing; stops counting once past `limit`. For valid JSON it is the nesting depth; for
// invalid JSON it is at least as deep as any parser gets before refusing it.
size_t jsonDepth(std::string_view text, size_t limit);
// The body as a JSON object ({} when empty); 400 otherwise (too_deep past kMaxJsonDepth).
Result<nlohmann::json> parseBody(const HttpRequest& req);
// A string field; "" when absent and not required.
Result<std::string> str(const nlohmann::json& j, const char* key, bool required);
// "materials": {id: status} or [id, …] (= provided).
Result<MaterialStatus> materials(const nlohmann::json& j);
// Answers a CaseService reply: the serialised body with `status`, or the error.
CaseService::Reply caseReply(Responder respond, int status);

}  // namespace jingban
