// Staff administration over the API: the admins of a region manage its accounts. The rules
// (who may, which roles, password strength, audit, revocation) are in auth/; this maps HTTP.
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/xlsx.hpp"

namespace jingban {

using nlohmann::json;

namespace {

json staffJson(const StaffRecord& s, int64_t now) {
  bool locked = s.locked_until > now;
  return {{"username", s.username},
          {"name", s.name},
          {"region", s.region},
          {"roles", s.roles},
          {"disabled", s.disabled},
          {"locked", locked},
          {"locked_until", locked ? json(Instant{s.locked_until}.iso()) : json(nullptr)},
          {"updated_at", s.updated_at ? json(Instant{s.updated_at}.iso()) : json(nullptr)}};
}

Result<std::vector<std::string>> rolesField(const json& body) {
  if (!body.contains("roles") || !body["roles"].is_array())
    return std::unexpected(badRequest("字段 roles 须为角色 id 的列表"));
  std::vector<std::string> out;
  for (const auto& r : body["roles"]) {
    if (!r.is_string()) return std::unexpected(badRequest("字段 roles 须为角色 id 的列表"));
    out.push_back(r.get<std::string>());
  }
  return out;
}

// The signed-in staff member, or the error already answered.
std::optional<Actor> signedIn(ApiDeps& d, const HttpRequest& req, const Responder& res) {
  auto a = d.auth.authenticate(req.authorization);
  if (!a) {
    res(errorResponse(a.error()));
    return std::nullopt;
  }
  return *a;
}

Responder withActor(Responder res, std::string actor) {
  return [res = std::move(res), actor = std::move(actor)](HttpResponse r) {
    r.actor = actor;
    res(std::move(r));
  };
}

}  // namespace

void addStaffRoutes(Router& R, ApiDeps& d, WorkQueue& hashing) {
  auto now = [&d] { return d.auth.now(); };

  R.add("GET", "/api/v1/staff", [&d, now](HttpRequest&& req, const Params&, Responder res) {
    auto a = signedIn(d, req, res);
    if (!a) return;
    res = withActor(std::move(res), a->username);
    auto as_xlsx = xlsx::wantsXlsx(req);
    if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
    auto list = d.auth.listStaff(ChangedBy::api(*a), a->region);
    if (!list) return res(errorResponse(list.error()));
    json out = json::array();
    for (const auto& s : *list) out.push_back(staffJson(s, now()));
    if (!*as_xlsx) return res(ok(out));
    // A region's staff is far below xlsx::kMaxRows; the cap holds all the same.
    if (out.size() > xlsx::kMaxRows) return res(errorResponse(xlsx::tooManyRows("")));
    using xlsx::Kind;
    auto bytes = xlsx::workbook({{"工作人员",
                                  {{"用户名", "username"},
                                   {"姓名", "name"},
                                   {"地区", "region"},
                                   {"角色", "roles"},
                                   {"已停用", "disabled"},
                                   {"已锁定", "locked"},
                                   {"锁定至", "locked_until", Kind::kDateTime},
                                   {"最近修改", "updated_at", Kind::kDateTime}},
                                  out}});
    if (!bytes) return res(errorResponse(bytes.error()));
    res(xlsx::download(std::move(*bytes), "工作人员", "staff"));
  });

  R.add("POST", "/api/v1/staff",
        [&d, &hashing, now](HttpRequest&& req, const Params&, Responder res) {
          auto a = signedIn(d, req, res);
          if (!a) return;
          res = withActor(std::move(res), a->username);
          auto body = parseBody(req);
          if (!body) return res(errorResponse(body.error()));
          NewStaff n;
          for (auto [key, field] : {std::pair{"username", &n.username},
                                    {"name", &n.name},
                                    {"region", &n.region},
                                    {"password", &n.password}}) {
            auto v = str(*body, key, true);
            if (!v) return res(errorResponse(v.error()));
            *field = std::move(*v);
          }
          auto roles = rolesField(*body);
          if (!roles) return res(errorResponse(roles.error()));
          n.roles = std::move(*roles);
          // Hashing the new password takes ~0.1 s: off the I/O thread.
          postHashing(hashing, res, [&d, now, a = *a, n = std::move(n), res] {
            auto s = d.auth.addStaff(ChangedBy::api(a), d.cases.catalog(), n);
            if (!s) return res(errorResponse(s.error()));
            res(ok(staffJson(*s, now()), 201));
          });
        });

  R.add("PUT", "/api/v1/staff/{username}/roles",
        [&d, now](HttpRequest&& req, const Params& p, Responder res) {
          auto a = signedIn(d, req, res);
          if (!a) return;
          res = withActor(std::move(res), a->username);
          auto body = parseBody(req);
          if (!body) return res(errorResponse(body.error()));
          auto roles = rolesField(*body);
          if (!roles) return res(errorResponse(roles.error()));
          auto s = d.auth.setRoles(ChangedBy::api(*a), d.cases.catalog(), p.at("username"), *roles);
          if (!s) return res(errorResponse(s.error()));
          res(ok(staffJson(*s, now())));
        });

  for (bool disable : {true, false}) {
    R.add("POST", disable ? "/api/v1/staff/{username}/disable" : "/api/v1/staff/{username}/enable",
          [&d, now, disable](HttpRequest&& req, const Params& p, Responder res) {
            auto a = signedIn(d, req, res);
            if (!a) return;
            res = withActor(std::move(res), a->username);
            auto s = d.auth.setDisabled(ChangedBy::api(*a), p.at("username"), disable);
            if (!s) return res(errorResponse(s.error()));
            res(ok(staffJson(*s, now())));
          });
  }

  R.add("POST", "/api/v1/staff/{username}/password",
        [&d, &hashing, now](HttpRequest&& req, const Params& p, Responder res) {
          auto a = signedIn(d, req, res);
          if (!a) return;
          res = withActor(std::move(res), a->username);
          auto body = parseBody(req);
          if (!body) return res(errorResponse(body.error()));
          auto pass = str(*body, "password", true);
          if (!pass) return res(errorResponse(pass.error()));
          postHashing(hashing, res, [&d, now, a = *a, user = p.at("username"), pass = *pass, res] {
            auto s = d.auth.setPassword(ChangedBy::api(a), user, pass);
            if (!s) return res(errorResponse(s.error()));
            res(ok(staffJson(*s, now())));
          });
        });
}

}  // namespace jingban
