// GET /api/v1/openapi.json: the API described for clients and tools (OpenAPI 3.0).
#include <nlohmann/json.hpp>

#include "http/api.hpp"

namespace jingban {

using nlohmann::json;

namespace {

json op(const char* summary, json params = json::array(), bool auth = false, json body = nullptr) {
  json o = {
      {"summary", summary},
      {"responses",
       {{"200", {{"description", "OK"}}},
        {"4XX",
         {{
              "description",
              "错误",
          },
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
  if (!params.empty()) o["parameters"] = params;
  if (auth) o["security"] = json::array({{{"bearer", json::array()}}});
  if (!body.is_null())
    o["requestBody"] = {{"required", true},
                        {"content", {{"application/json", {{"schema", body}}}}}};
  return o;
}

json pathParam(const char* name, const char* desc) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", desc},
          {"schema", {{"type", "string"}}}};
}
json queryParam(const char* name, const char* desc, bool required = false) {
  return {{"name", name},
          {"in", "query"},
          {"required", required},
          {"description", desc},
          {"schema", {{"type", "string"}}}};
}

json build() {
  json obj = {{"type", "object"}};
  json submit = {
      {"type", "object"},
      {"required", {"region", "item_code", "applicant"}},
      {"properties",
       {{"region", {{"type", "string"}}},
        {"item_code", {{"type", "string"}}},
        {"channel",
         {{"type", "string"},
          {"description", "窗口 (staff) / 网上 (anonymous) / another channel of the item"}}},
        {"applicant",
         {{"type", "object"},
          {"properties",
           {{"kind", {{"type", "string"}, {"enum", {"unit", "person", "institution"}}}},
            {"id_no",
             {{"type", "string"}, {"description", "公民身份号码 (person) or 统一社会信用代码"}}},
            {"name", {{"type", "string"}}},
            {"phone", {{"type", "string"}}}}}}},
        {"conditions", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"materials",
         {{"type", "object"},
          {"additionalProperties",
           {{"type", "string"}, {"enum", {"provided", "commitment", "shared", "missing"}}}}}},
        {"form", obj}}}};
  json action = {{"type", "object"},
                 {"properties",
                  {{"comment", {{"type", "string"}}},
                   {"materials", {{"type", "object"}}},
                   {"target_step", {{"type", "string"}}},
                   {"period", {{"type", "string"}}},
                   {"amount_fen", {{"type", "integer"}}},
                   {"rating", {{"type", "string"}}},
                   {"id_no",
                    {{"type", "string"},
                     {"description",
                      "applicant's own actions (supplement, withdraw, rate) without a token"}}}}}};
  json idem = {{"name", "Idempotency-Key"},
               {"in", "header"},
               {"required", false},
               {"schema", {{"type", "string"}}},
               {"description", "the same key twice returns the first result"}};
  json paths = {
      {"/healthz", {{"get", op("Liveness")}}},
      {"/api/v1/regions", {{"get", op("Regions with their catalogs")}}},
      {"/api/v1/regions/{region}/items",
       {{"get",
         op("Items of a region", {pathParam("region", "qinghai / xining / yunnan / qingdao")})}}},
      {"/api/v1/regions/{region}/items/{code}",
       {{"get", op("One item",
                   {pathParam("region", "region id"), pathParam("code", "12-digit item code")})}}},
      {"/api/v1/regions/{region}/items/{code}/guide",
       {{"get", op("办事指南 (HTML)",
                   {pathParam("region", "region id"), pathParam("code", "item code")})}}},
      {"/api/v1/calendar/deadline",
       {{"get", op("Due date from a date",
                   {queryParam("from", "YYYY-MM-DD", true), queryParam("working_days", "N"),
                    queryParam("natural_days", "N")})}}},
      {"/api/v1/session",
       {{"post",
         op("Staff sign-in → bearer token", json::array(), false,
            {{"type", "object"},
             {"properties",
              {{"username", {{"type", "string"}}}, {"password", {{"type", "string"}}}}}})}}},
      {"/api/v1/cases",
       {{"post",
         op("Submit (申请); anonymous = online, with a token = window", {idem}, false, submit)},
        {"get",
         op("List cases",
            {queryParam("region", "region id"), queryParam("item", "item code"),
             queryParam(
                 "status",
                 "submitted/supplement/in_progress/completed/not_accepted/rejected/withdrawn"),
             queryParam("step", "step name"), queryParam("deadline", "on_time/due_soon/overdue"),
             queryParam("follow_up", "open"), queryParam("limit", "1-500"),
             queryParam("offset", "≥0")},
            true)}}},
      {"/api/v1/cases/{case_no}",
       {{"get", op("One case with its event log", {pathParam("case_no", "case number")}, true)}}},
      {"/api/v1/cases/{case_no}/{action}",
       {{"post", op("Act: accept, return, supplement, not_accept, approve, send_back, reject, pay, "
                    "complete, withdraw, pause, resume, rate, resolve_follow_up",
                    {pathParam("case_no", "case number"), pathParam("action", "action name"), idem},
                    true, action)}}},
      {"/api/v1/progress",
       {{"get", op("Public progress query",
                   {queryParam("case_no", "case number", true),
                    queryParam("id_no", "applicant's ID number or credit code", true)})}}},
  };
  return {
      {"openapi", "3.0.3"},
      {"info", {{"title", "Jingban 经办 API"}, {"version", "1"}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"properties",
                 {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace

const std::string& openapiJson() {
  static const std::string doc = build().dump();
  return doc;
}

}  // namespace jingban
