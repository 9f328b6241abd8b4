#include "http/json_io.hpp"

namespace jingban {

using nlohmann::json;

HttpResponse ok(const json& body, int status) { return {status, kJsonType, body.dump()}; }

HttpResponse errorResponse(const Error& e) {
  json body = {{"error", {{"code", e.slug}, {"message", e.message}}}};
  HttpResponse r{httpStatus(e.code), kJsonType, body.dump()};
  if (e.retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
  return r;
}

Error badRequest(const std::string& msg) {
  return Error{ErrorCode::kBadRequest, "bad_request", msg};
}

Result<json> parseBody(const HttpRequest& req) {
  if (req.body.empty()) return json::object();
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) return std::unexpected(badRequest("请求体不是有效的 JSON"));
  if (!j.is_object()) return std::unexpected(badRequest("请求体须为 JSON 对象"));
  return j;
}

Result<std::string> str(const json& j, const char* key, bool required) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required) return std::unexpected(badRequest(std::string("缺少字段 ") + key));
    return std::string();
  }
  if (!j[key].is_string())
    return std::unexpected(badRequest(std::string("字段 ") + key + " 须为字符串"));
  return j[key].get<std::string>();
}

Result<MaterialStatus> materials(const json& j) {
  MaterialStatus m;
  if (!j.contains("materials") || j["materials"].is_null()) return m;
  const json& v = j["materials"];
  if (v.is_object()) {
    for (const auto& [k, s] : v.items()) {
      if (!s.is_string())
        return std::unexpected(
            badRequest("materials 的值须为 provided / commitment / shared / missing"));
      m[k] = s.get<std::string>();
    }
    return m;
  }
  if (v.is_array()) {  // a plain list of material ids means "provided"
    for (const auto& s : v) {
      if (!s.is_string()) return std::unexpected(badRequest("materials 列表须为材料 id 字符串"));
      m[s.get<std::string>()] = "provided";
    }
    return m;
  }
  return std::unexpected(badRequest("materials 须为对象或列表"));
}

CaseService::Reply caseReply(Responder respond, int status) {
  return [respond, status](Result<std::string> r) {
    respond(r ? HttpResponse{status, kJsonType, std::move(*r)} : errorResponse(r.error()));
  };
}

}  // namespace jingban
