#include "http/api.hpp"

#include "cases/case_json.hpp"
#include "catalog/guide.hpp"

namespace jingban {

using nlohmann::json;

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

HttpResponse ok(const json& body, int status = 200) { return {status, kJson, body.dump()}; }

HttpResponse errorResponse(const Error& e) {
  json body = {{"error", {{"code", e.slug}, {"message", e.message}}}};
  return {httpStatus(e.code), kJson, body.dump()};
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

// Typed field access with a message naming the field.
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
    respond(r ? HttpResponse{status, kJson, std::move(*r)} : errorResponse(r.error()));
  };
}

}  // namespace

Api::Api(CaseService& cases, Auth& auth)
    : cases_(cases), auth_(auth), hashing_(std::make_unique<WorkQueue>(1)) {
  Router& R = router_;
  R.add("GET", "/healthz", [](HttpRequest&&, const Params&, Responder res) {
    res(ok({{"status", "ok"}}));
  });

  R.add("GET", "/api/v1/openapi.json", [](HttpRequest&&, const Params&, Responder res) {
    res({200, kJson, openapiJson()});
  });

  R.add("GET", "/api/v1/regions", [this](HttpRequest&&, const Params&, Responder res) {
    json out = json::array();
    for (const auto& r : cases_.catalog().regions())
      out.push_back({{"id", r.id},
                     {"name", r.name},
                     {"division_code", r.division_code},
                     {"extends", r.extends.empty() ? json(nullptr) : json(r.extends)},
                     {"items", r.items.size()},
                     {"rating_scale", r.rating_scale}});
    res(ok(out));
  });

  auto findItem = [this](const Params& p) -> Result<std::pair<const Region*, const Item*>> {
    const Region* r = cases_.catalog().region(p.at("region"));
    if (!r) return fail(ErrorCode::kNotFound, "unknown_region", "未知地区：" + p.at("region"));
    if (!p.count("code")) return std::make_pair(r, static_cast<const Item*>(nullptr));
    const Item* it = r->item(p.at("code"));
    if (!it)
      return fail(ErrorCode::kNotFound, "unknown_item",
                  "地区“" + r->name + "”没有事项 " + p.at("code"));
    return std::make_pair(r, it);
  };

  R.add("GET", "/api/v1/regions/{region}/items",
        [findItem](HttpRequest&&, const Params& p, Responder res) {
          auto f = findItem(p);
          if (!f) return res(errorResponse(f.error()));
          json out = json::array();
          for (const auto& it : f->first->items) out.push_back(itemJson(it, *f->first));
          res(ok(out));
        });

  R.add("GET", "/api/v1/regions/{region}/items/{code}",
        [findItem](HttpRequest&&, const Params& p, Responder res) {
          auto f = findItem(p);
          if (!f) return res(errorResponse(f.error()));
          res(ok(itemJson(*f->second, *f->first)));
        });

  R.add("GET", "/api/v1/regions/{region}/items/{code}/guide",
        [findItem](HttpRequest&&, const Params& p, Responder res) {
          auto f = findItem(p);
          if (!f) return res(errorResponse(f.error()));
          res({200, "text/html; charset=utf-8", guideHtml(*f->first, *f->second)});
        });

  R.add("GET", "/api/v1/calendar/deadline",
        [this](HttpRequest&& req, const Params&, Responder res) {
          auto from = Date::parse(req.query["from"]);
          if (!from) return res(errorResponse(badRequest("from 须为 YYYY-MM-DD 格式的日期")));
          bool working = req.query.count("working_days"), natural = req.query.count("natural_days");
          if (working == natural)
            return res(errorResponse(badRequest("须且只能给出 working_days 或 natural_days 之一")));
          const std::string& n = req.query[working ? "working_days" : "natural_days"];
          int days = -1;
          try {
            size_t used = 0;
            days = std::stoi(n, &used);
            if (used != n.size()) days = -1;
          } catch (const std::exception&) {
          }
          if (days < 0 || days > 3650)
            return res(errorResponse(badRequest("天数须为 0 到 3650 之间的整数")));
          auto due = cases_.calendar().due(
              *from, working ? LimitKind::kWorkingDays : LimitKind::kNaturalDays, days);
          if (!due) return res(errorResponse(due.error()));
          res(ok({{"from", from->str()}, {"due", due->str()}}));
        });

  R.add("POST", "/api/v1/session", [this](HttpRequest&& req, const Params&, Responder res) {
    auto body = parseBody(req);
    if (!body) return res(errorResponse(body.error()));
    auto user = str(*body, "username", true);
    auto pass = str(*body, "password", true);
    if (!user) return res(errorResponse(user.error()));
    if (!pass) return res(errorResponse(pass.error()));
    // Verifying an argon2id hash takes ~100 ms of CPU: do it on the hashing thread.
    hashing_->post([this, user = *user, pass = *pass, res] {
      auto token = auth_.signIn(user, pass);
      if (!token) return res(errorResponse(token.error()));
      auto actor = auth_.authenticate("Bearer " + *token);
      if (!actor) return res(errorResponse(actor.error()));
      res(ok(
          {{"token", *token},
           {"staff",
            {{"username", actor->username}, {"region", actor->region}, {"roles", actor->roles}}}},
          201));
    });
  });

  R.add("POST", "/api/v1/cases", [this](HttpRequest&& req, const Params&, Responder res) {
    auto body = parseBody(req);
    if (!body) return res(errorResponse(body.error()));
    const json& b = *body;
    std::optional<Actor> staff;
    if (!req.authorization.empty()) {
      auto a = auth_.authenticate(req.authorization);
      if (!a) return res(errorResponse(a.error()));
      staff = *a;
    }
    auto region = str(b, "region", true);
    auto code = str(b, "item_code", true);
    auto channel = str(b, "channel", false);
    if (!region) return res(errorResponse(region.error()));
    if (!code) return res(errorResponse(code.error()));
    if (!channel) return res(errorResponse(channel.error()));
    if (!b.contains("applicant") || !b["applicant"].is_object())
      return res(errorResponse(badRequest("缺少 applicant 对象（kind、id_no、name）")));
    const json& a = b["applicant"];
    Submission s;
    auto kind = str(a, "kind", true), id = str(a, "id_no", true), name = str(a, "name", true),
         phone = str(a, "phone", false);
    for (auto* f : {&kind, &id, &name, &phone})
      if (!*f) return res(errorResponse(f->error()));
    if (*kind != "unit" && *kind != "person" && *kind != "institution")
      return res(errorResponse(badRequest("applicant.kind 须为 unit / person / institution")));
    s.applicant = {*kind, *id, *name, *phone};
    if (staff && staff->region != *region)
      return res(errorResponse({ErrorCode::kForbidden, "wrong_region", "不能为其他地区受理申请"}));
    s.channel = channel->empty() ? (staff ? "窗口" : "网上") : *channel;
    const Region* r = cases_.catalog().region(*region);
    const Item* item = r ? r->item(*code) : nullptr;
    if (item && std::find(item->channels.begin(), item->channels.end(), s.channel) ==
                    item->channels.end()) {
      std::string list;
      for (const auto& c : item->channels) list += (list.empty() ? "" : "、") + c;
      return res(errorResponse(
          {ErrorCode::kUnprocessable, "channel_not_offered",
           "“" + item->name + "”不能通过“" + s.channel + "”办理，可用渠道：" + list}));
    }
    if (!staff && s.channel == "窗口")
      return res(errorResponse(
          {ErrorCode::kUnauthorized, "unauthorized", "窗口申请须由登录的经办人员录入"}));
    if (b.contains("conditions")) {
      if (!b["conditions"].is_array()) return res(errorResponse(badRequest("conditions 须为列表")));
      for (const auto& c : b["conditions"]) {
        if (!c.is_string())
          return res(errorResponse(badRequest("conditions 须为情形 id 字符串列表")));
        s.conditions.insert(c.get<std::string>());
      }
    }
    auto m = materials(b);
    if (!m) return res(errorResponse(m.error()));
    s.materials = *m;
    if (b.contains("form")) {
      if (!b["form"].is_object()) return res(errorResponse(badRequest("form 须为对象")));
      s.form = b["form"];
    }
    cases_.submit(*region, *code, std::move(s), req.idempotency_key, caseReply(res, 201));
  });

  R.add("GET", "/api/v1/cases", [this](HttpRequest&& req, const Params&, Responder res) {
    auto staff = auth_.authenticate(req.authorization);
    if (!staff) return res(errorResponse(staff.error()));
    ListQuery q;
    q.filter.region = req.query["region"];
    q.filter.item_code = req.query["item"];
    q.filter.status = req.query["status"];
    q.filter.step = req.query["step"];
    q.filter.follow_up_open = req.query["follow_up"] == "open";
    if (!q.filter.status.empty() && !parseCaseStatus(q.filter.status))
      return res(errorResponse(badRequest("status 取值无效：" + q.filter.status)));
    if (!req.query["deadline"].empty()) {
      q.deadline = parseDeadlineStatus(req.query["deadline"]);
      if (!q.deadline)
        return res(errorResponse(badRequest("deadline 须为 on_time / due_soon / overdue")));
    }
    try {
      if (!req.query["limit"].empty()) q.filter.limit = std::stoi(req.query["limit"]);
      if (!req.query["offset"].empty())
        q.filter.offset = std::max(0, std::stoi(req.query["offset"]));
    } catch (const std::exception&) {
      return res(errorResponse(badRequest("limit / offset 须为整数")));
    }
    auto out = cases_.list(q, *staff);
    res(out ? ok(*out) : errorResponse(out.error()));
  });

  R.add("GET", "/api/v1/cases/{case_no}",
        [this](HttpRequest&& req, const Params& p, Responder res) {
          auto staff = auth_.authenticate(req.authorization);
          if (!staff) return res(errorResponse(staff.error()));
          auto out = cases_.get(p.at("case_no"), *staff);
          res(out ? ok(*out) : errorResponse(out.error()));
        });

  R.add("POST", "/api/v1/cases/{case_no}/{action}",
        [this](HttpRequest&& req, const Params& p, Responder res) {
          const std::string& name = p.at("action");
          if (!actionNames().count(name))
            return res(
                errorResponse({ErrorCode::kNotFound, "unknown_action", "未知的办理动作：" + name}));
          auto body = parseBody(req);
          if (!body) return res(errorResponse(body.error()));
          const json& b = *body;
          Action a;
          a.name = name;
          auto comment = str(b, "comment", false), target = str(b, "target_step", false),
               period = str(b, "period", false), rating = str(b, "rating", false),
               id_no = str(b, "id_no", false);
          for (auto* f : {&comment, &target, &period, &rating, &id_no})
            if (!*f) return res(errorResponse(f->error()));
          a.comment = *comment;
          a.target_step = *target;
          a.period = *period;
          a.rating = *rating;
          auto m = materials(b);
          if (!m) return res(errorResponse(m.error()));
          a.materials = *m;
          if (b.contains("amount_fen")) {
            if (!b["amount_fen"].is_number_integer())
              return res(errorResponse(badRequest("amount_fen 须为整数（单位：分）")));
            a.amount_fen = b["amount_fen"].get<int64_t>();
          }
          Result<Actor> actor = std::unexpected(Error{});
          if (!req.authorization.empty()) {
            actor = auth_.authenticate(req.authorization);
          } else if (name == "supplement" || name == "withdraw" || name == "rate") {
            if (id_no->empty())
              return res(errorResponse({ErrorCode::kUnauthorized, "unauthorized",
                                        "申请人办理须提供 id_no（证件号码）"}));
            actor = cases_.applicantActor(p.at("case_no"), *id_no);
          } else {
            actor = std::unexpected(Error{ErrorCode::kUnauthorized, "unauthorized", "请先登录"});
          }
          if (!actor) return res(errorResponse(actor.error()));
          cases_.act(p.at("case_no"), *actor, a, req.idempotency_key, caseReply(res, 200));
        });

  R.add("GET", "/api/v1/progress", [this](HttpRequest&& req, const Params&, Responder res) {
    const std::string& no = req.query["case_no"];
    const std::string& id = req.query["id_no"];
    if (no.empty() || id.empty()) return res(errorResponse(badRequest("请提供 case_no 和 id_no")));
    auto out = cases_.progress(no, id);
    res(out ? ok(*out) : errorResponse(out.error()));
  });
}

}  // namespace jingban
