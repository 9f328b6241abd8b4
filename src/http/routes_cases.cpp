#include "cases/case_json.hpp"
#include "catalog/guide.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"

namespace jingban {

using nlohmann::json;

void addCaseRoutes(Router& R, ApiDeps& d) {
  R.add("POST", "/api/v1/cases", [&d](HttpRequest&& req, const Params&, Responder res) {
    auto body = parseBody(req);
    if (!body) return res(errorResponse(body.error()));
    const json& b = *body;
    std::optional<Actor> staff;
    if (!req.authorization.empty()) {
      auto a = d.auth.authenticate(req.authorization);
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
    const Region* r = d.cases.catalog().region(*region);
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
    d.cases.submit(*region, *code, std::move(s), req.idempotency_key, caseReply(res, 201));
  });

  R.add("GET", "/api/v1/cases", [&d](HttpRequest&& req, const Params&, Responder res) {
    auto staff = d.auth.authenticate(req.authorization);
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
    auto out = d.cases.list(q, *staff);
    res(out ? ok(*out) : errorResponse(out.error()));
  });

  R.add("GET", "/api/v1/cases/{case_no}", [&d](HttpRequest&& req, const Params& p, Responder res) {
    auto staff = d.auth.authenticate(req.authorization);
    if (!staff) return res(errorResponse(staff.error()));
    auto out = d.cases.get(p.at("case_no"), *staff);
    res(out ? ok(*out) : errorResponse(out.error()));
  });

  R.add("POST", "/api/v1/cases/{case_no}/{action}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
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
            actor = d.auth.authenticate(req.authorization);
          } else if (name == "supplement" || name == "withdraw" || name == "rate") {
            if (id_no->empty())
              return res(errorResponse({ErrorCode::kUnauthorized, "unauthorized",
                                        "申请人办理须提供 id_no（证件号码）"}));
            actor = d.cases.applicantActor(p.at("case_no"), *id_no);
          } else {
            actor = std::unexpected(Error{ErrorCode::kUnauthorized, "unauthorized", "请先登录"});
          }
          if (!actor) return res(errorResponse(actor.error()));
          d.cases.act(p.at("case_no"), *actor, a, req.idempotency_key, caseReply(res, 200));
        });

  R.add("GET", "/api/v1/progress", [&d](HttpRequest&& req, const Params&, Responder res) {
    const std::string& no = req.query["case_no"];
    const std::string& id = req.query["id_no"];
    if (no.empty() || id.empty()) return res(errorResponse(badRequest("请提供 case_no 和 id_no")));
    auto out = d.cases.progress(no, id);
    res(out ? ok(*out) : errorResponse(out.error()));
  });
}

}  // namespace jingban
