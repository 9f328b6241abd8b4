// Who may read the registers over HTTP: a signed-in staff member of the region asked about (the
// one rule of routes_registers.cpp, routes_records.cpp and routes_notices.cpp).
#pragma once

#include <optional>
#include <string>

#include "http/api.hpp"
#include "http/json_io.hpp"

namespace jingban {

// The signed-in staff member of `region`, or nullopt with the error already answered (401 not
// signed in, 403 wrong_region). On success `res` names the staff member in the request log.
inline std::optional<Actor> registerReader(ApiDeps& d, const HttpRequest& req,
                                           const std::string& region, Responder& res) {
  auto a = d.auth.authenticate(req.authorization);
  if (!a) {
    res(errorResponse(a.error()));
    return std::nullopt;
  }
  res = [res, actor = a->username](HttpResponse r) {
    r.actor = actor;
    res(std::move(r));
  };
  if (a->region != region) {
    res(errorResponse({ErrorCode::kForbidden, "wrong_region", "无权查看或办理其他地区的登记信息"}));
    return std::nullopt;
  }
  return *a;
}

}  // namespace jingban
