#include "http/json_io.hpp"

namespace jingban {

using nlohmann::json;

// The second line of defence behind the edge's UTF-8 check: a string that is not valid UTF-8
// would make dump() throw; replace it with U+FFFD instead.
HttpResponse ok(const json& body, int status) {
  return {status, kJsonType, body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

HttpResponse errorResponse(const Error& e) {
  json body = {{"error", {{"code", e.slug}, {"message", e.message}}}};
  HttpResponse r{httpStatus(e.code), kJsonType,
                 body.dump(-1, ' ', false, json::error_handler_t::replace)};
  if (e.retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
  return r;
}

Error badRequest(const std::string& msg) {
  return Error{ErrorCode::kBadRequest, "bad_request", msg};
}

size_t jsonDepth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;  // no need to read the rest
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<json> parseBody(const HttpRequest& req) {
  if (req.body.empty()) return json::object();
  // Refuse deep nesting before any tree exists: nlohmann::json copies, compares and serialises
  // recursively, so a 65,000-level `form` overflowed the stack after parsing succeeded.
  if (jsonDepth(req.body, kMaxJsonDepth) > kMaxJsonDepth)
    return fail(ErrorCode::kBadRequest, "too_deep",
                "请求体的 JSON 嵌套层数过多（最多 " + std::to_string(kMaxJsonDepth) + " 层）");
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
