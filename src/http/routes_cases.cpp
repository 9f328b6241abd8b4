// Case routes: submission, lists, the case view, actions, and the applicant's progress query.
#include <climits>

#include "catalog/form_schema.hpp"
#include "common/hash.hpp"
#include "common/money.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "http/case_views.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"
#include "http/xlsx.hpp"

namespace jingban {

using nlohmann::json;

namespace {

constexpr size_t kMaxShort = 64;  // ids, steps, periods, ratings, channels

// Identifiers the client names (step, period, rating …): short, or a 400.
Result<void> capped(const std::string& v, size_t max, const char* label) {
  if (utf8Length(v) > max)
    return fail(ErrorCode::kBadRequest, "too_long",
                std::string(label) + "过长（最多 " + std::to_string(max) + " 个字）");
  return {};
}

// The list's search text: trimmed, at most kMaxShort characters; an ID number's check letter is
// matched as stored (upper case).
Result<std::string> searchText(std::string v) {
  while (!v.empty() && v.back() == ' ') v.pop_back();
  size_t lead = v.find_first_not_of(' ');
  v.erase(0, lead == std::string::npos ? v.size() : lead);
  if (auto r = capped(v, kMaxShort, "搜索内容"); !r) return std::unexpected(r.error());
  if (v.size() == 18 && v.back() == 'x') v.back() = 'X';
  return v;
}

// The request as it identifies a retry: the parsed body in canonical form (keys sorted).
RequestMeta metaOf(const HttpRequest& req, const json& body) {
  // Only a keyed request is ever compared with an earlier one.
  if (req.idempotency_key.empty()) return RequestMeta{};
  return RequestMeta{req.idempotency_key, sha256Hex(body.dump())};
}

// Answers a CaseService reply, naming the staff member for the request log.
CaseService::Reply replyAs(Responder res, int status, std::string actor) {
  return [res, status, actor](Result<std::string> out) {
    HttpResponse r =
        out ? HttpResponse{status, kJsonType, std::move(*out)} : errorResponse(out.error());
    r.actor = actor;
    res(std::move(r));
  };
}

Result<void> limit(ApiDeps& d, RateKind kind, const HttpRequest& req, std::string_view account) {
  if (!d.limits) return {};
  return d.limits->check(kind, req.remote_address, account);
}

Result<Submission> withFormAndMaterials(const json& b, const Item* item, Submission s);

Result<Submission> submission(const json& b, const std::optional<Actor>& staff, const Item* item) {
  // An agency's internal routine (Xining 待遇支付) is opened by its own staff, never applied for:
  // it has no applicant and no channel (the case service names the agency as its applicant).
  if (item && item->internal) {
    if (!staff)
      return fail(ErrorCode::kUnprocessable, "internal_item",
                  "“" + item->name + "”是经办机构内部办理流程，不受理申请");
    Submission s;
    s.applicant = {"agency", "", "", ""};
    s.channel = kInternalChannel;
    return withFormAndMaterials(b, item, std::move(s));
  }
  if (!b.contains("applicant") || !b["applicant"].is_object())
    return std::unexpected(badRequest("缺少 applicant 对象（kind、id_no、name）"));
  const json& a = b["applicant"];
  Submission s;
  auto kind = str(a, "kind", true), id = str(a, "id_no", true), name = str(a, "name", true),
       phone = str(a, "phone", false), channel = str(b, "channel", false);
  for (auto* f : {&kind, &id, &name, &phone, &channel})
    if (!*f) return std::unexpected(f->error());
  if (*kind != "unit" && *kind != "person" && *kind != "institution")
    return std::unexpected(badRequest("applicant.kind 须为 unit / person / institution"));
  auto clean_name = checkText(*name, kMaxNameChars, "申请人名称");
  if (!clean_name) return std::unexpected(clean_name.error());
  if (clean_name->empty()) return std::unexpected(badRequest("请填写申请人名称"));
  if (auto r = capped(*id, kMaxShort, "证件号码"); !r) return std::unexpected(r.error());
  std::string clean_phone;
  if (!phone->empty()) {
    auto p = checkPhone(*phone, "联系电话");
    if (!p) return std::unexpected(p.error());
    clean_phone = *p;
  }
  s.applicant = {*kind, *id, *clean_name, clean_phone};
  s.channel = channel->empty() ? (staff ? "窗口" : "网上") : *channel;
  if (auto r = capped(s.channel, kMaxShort, "办理渠道"); !r) return std::unexpected(r.error());
  if (item &&
      std::find(item->channels.begin(), item->channels.end(), s.channel) == item->channels.end()) {
    std::string list;
    for (const auto& c : item->channels) list += (list.empty() ? "" : "、") + c;
    return fail(ErrorCode::kUnprocessable, "channel_not_offered",
                "“" + item->name + "”不能通过“" + s.channel + "”办理，可用渠道：" + list);
  }
  if (!staff && s.channel == "窗口")
    return fail(ErrorCode::kUnauthorized, "unauthorized", "窗口申请须由登录的经办人员录入");
  return withFormAndMaterials(b, item, std::move(s));
}

// The situations, materials and form of a submission (the form checked against the item's).
Result<Submission> withFormAndMaterials(const json& b, const Item* item, Submission s) {
  if (b.contains("conditions")) {
    if (!b["conditions"].is_array()) return std::unexpected(badRequest("conditions 须为列表"));
    if (b["conditions"].size() > 64) return std::unexpected(badRequest("conditions 过多"));
    for (const auto& c : b["conditions"]) {
      if (!c.is_string() || c.get_ref<const std::string&>().size() > kMaxShort)
        return std::unexpected(badRequest("conditions 须为情形 id 字符串列表"));
      s.conditions.insert(c.get<std::string>());
    }
  }
  auto m = materials(b);
  if (!m) return std::unexpected(m.error());
  s.materials = *m;
  // The form is checked against the item's form definition: known fields only, each typed and
  // capped (catalog/forms.yaml).
  json form = json::object();
  if (b.contains("form") && !b["form"].is_null()) {
    if (!b["form"].is_object()) return std::unexpected(badRequest("form 须为对象"));
    form = b["form"];
  }
  if (item) {
    auto valid = validateForm(item->formSchema(), form);
    if (!valid) return std::unexpected(valid.error());
    s.form = std::move(*valid);
  }
  return s;
}

Result<Action> actionOf(const std::string& name, const json& b) {
  Action a;
  a.name = name;
  auto comment = str(b, "comment", false), target = str(b, "target_step", false),
       period = str(b, "period", false), rating = str(b, "rating", false),
       reason = str(b, "reason", false);
  for (auto* f : {&comment, &target, &period, &rating, &reason})
    if (!*f) return std::unexpected(f->error());
  // `reason` is the comment under the name the refusals and the pay check ask for.
  if (comment->empty()) *comment = *reason;
  auto clean_comment = checkText(*comment, kMaxTextChars, "说明（comment）", true);
  if (!clean_comment) return std::unexpected(clean_comment.error());
  for (auto* f : {&target, &period, &rating})
    if (auto r = capped(**f, kMaxShort, "参数"); !r) return std::unexpected(r.error());
  a.comment = *clean_comment;
  a.target_step = *target;
  a.period = *period;
  a.rating = *rating;
  auto m = materials(b);
  if (!m) return std::unexpected(m.error());
  a.materials = *m;
  if (b.contains("amount_fen")) {
    const json& v = b["amount_fen"];
    if (!v.is_number_integer())
      return std::unexpected(badRequest("amount_fen 须为整数（单位：分）"));
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      return std::unexpected(Money::amount(INT64_MAX).error());
    auto amount = Money::amount(v.get<int64_t>());
    if (!amount) return std::unexpected(amount.error());
    a.amount_fen = amount->fen();
  }
  if (b.contains("data")) {
    // Figures a reviewer enters (e.g. 初审's missing_contribution_years): a flat object of short
    // strings and integers; the item's effect checks their meaning.
    const json& d = b["data"];
    if (!d.is_object() || d.size() > 16)
      return std::unexpected(badRequest("data 须为不超过 16 项的对象"));
    for (const auto& [k, v] : d.items()) {
      if (k.size() > kMaxShort || !(v.is_number_integer() || v.is_string() || v.is_boolean()))
        return std::unexpected(badRequest("data 的每一项须为整数、布尔值或字符串"));
      if (v.is_string())
        if (auto r = capped(v.get<std::string>(), kMaxShort, "data"); !r)
          return std::unexpected(r.error());
    }
    a.data = d;
  }
  return a;
}

// The case list as a download: the JSON rows (ID numbers masked there), one sheet.
HttpResponse caseListXlsx(const json& rows) {
  using xlsx::Kind;
  xlsx::Sheet sheet{
      "办件列表",
      {{"办件编号", "case_no"},
       {"事项编码", "item_code"},
       {"事项名称", "item_name"},
       {"申请人", "applicant.name"},
       {"申请人类型",
        "applicant.kind",
        Kind::kText,
        {{"unit", "单位"}, {"person", "个人"}, {"institution", "机构"}}},
       {"证件号码", "applicant.id_no"},
       {"办理渠道", "channel"},
       {"状态", "status", Kind::kText, xlsx::caseStatusLabels()},
       {"当前环节", "step.name"},
       {"申请时间", "submitted_at", Kind::kDateTime},
       {"受理日期", "accepted_on", Kind::kDate},
       {"办结期限", "due_on", Kind::kDate},
       {"期限暂定", "due_provisional"},
       {"期限状态", "deadline_status", Kind::kText, xlsx::deadlineStatusLabels()},
       {"延长工作日", "extended_working_days", Kind::kInteger},
       {"办结日期", "closed_on", Kind::kDate},
       {"已拨付（元）", "paid_fen", Kind::kMoneyFen},
       {"评价", "rating"},
       {"差评回访", "follow_up", Kind::kText, {{"open", "待回访"}, {"resolved", "已回访"}}}},
      rows};
  auto bytes = xlsx::workbook({sheet});
  if (!bytes) return errorResponse(bytes.error());
  return xlsx::download(std::move(*bytes), "办件列表", "cases");
}

}  // namespace

void addCaseRoutes(Router& R, ApiDeps& d) {
  R.add("POST", "/api/v1/cases", [&d](HttpRequest&& req, const Params&, Responder res) {
    std::optional<Actor> staff;
    if (!req.authorization.empty()) {
      auto a = d.auth.authenticate(req.authorization);
      if (!a) return res(errorResponse(a.error()));
      staff = *a;
    } else if (auto l = limit(d, RateKind::kSubmit, req, {}); !l) {
      return res(errorResponse(l.error()));
    }
    auto body = parseBody(req);
    if (!body) return res(errorResponse(body.error()));
    const json& b = *body;
    auto region = str(b, "region", true);
    auto code = str(b, "item_code", true);
    if (!region) return res(errorResponse(region.error()));
    if (!code) return res(errorResponse(code.error()));
    if (staff && staff->region != *region)
      return res(errorResponse({ErrorCode::kForbidden, "wrong_region", "不能为其他地区受理申请"}));
    const Region* r = d.cases.catalog().region(*region);
    const Item* item = r ? r->item(*code) : nullptr;
    auto s = submission(b, staff, item);
    if (!s) return res(errorResponse(s.error()));
    d.cases.submit(*region, *code, std::move(*s), staff ? &*staff : nullptr, metaOf(req, b),
                   replyAs(res, 201, staff ? staff->username : ""));
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
    if (auto t = searchText(req.query["q"]); !t)
      return res(errorResponse(t.error()));
    else
      q.filter.text = std::move(*t);
    for (const char* bound : {"from", "to"}) {
      const std::string& v = req.query[bound];
      if (v.empty()) continue;
      auto day = Date::parse(v);
      if (!day)
        return res(errorResponse(badRequest(std::string(bound) + " 须为 YYYY-MM-DD 格式的日期")));
      // Midnight in Asia/Shanghai (UTC+8) of the day; `to` includes its whole day.
      int64_t start = int64_t{day->days()} * 86400 - 8 * 3600;
      if (std::string_view(bound) == "from")
        q.filter.submitted_from = start;
      else
        q.filter.submitted_before = start + 86400;
    }
    if (!q.filter.status.empty() && !parseCaseStatus(q.filter.status))
      return res(errorResponse(badRequest("status 取值无效")));
    if (!req.query["deadline"].empty()) {
      q.deadline = parseDeadlineStatus(req.query["deadline"]);
      if (!q.deadline)
        return res(errorResponse(badRequest("deadline 须为 on_time / due_soon / overdue")));
    }
    auto as_xlsx = xlsx::wantsXlsx(req);
    if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
    bool paged = !req.query["limit"].empty() || !req.query["offset"].empty();
    if (!req.query["limit"].empty()) {
      auto n = parseStrictInt(req.query["limit"], 1, 500, "limit");
      if (!n) return res(errorResponse(n.error()));
      q.filter.limit = static_cast<int>(*n);
    }
    if (!req.query["offset"].empty()) {
      auto n = parseStrictInt(req.query["offset"], 0, 10'000'000, "offset");
      if (!n) return res(errorResponse(n.error()));
      q.filter.offset = static_cast<int>(*n);
    }
    auto answer = [&res, &staff](HttpResponse r) {
      r.actor = staff->username;
      res(std::move(r));
    };
    if (!*as_xlsx || paged) {
      auto out = d.cases.list(q, *staff);
      if (!out) return answer(errorResponse(out.error()));
      if (*as_xlsx) return answer(caseListXlsx(out->rows));
      HttpResponse r = ok(out->rows);
      r.headers.emplace_back("X-Total-Count", std::to_string(out->total));
      return answer(std::move(r));
    }
    // The download without limit / offset: every case the filters select, page by page (the same
    // list the JSON pages through), refused past xlsx::kMaxRows rather than cut short.
    json all = json::array();
    q.filter.limit = 500;
    for (q.filter.offset = 0;; q.filter.offset += q.filter.limit) {
      auto page = d.cases.list(q, *staff);
      if (!page) return answer(errorResponse(page.error()));
      size_t got = page->rows.size();
      for (auto& row : page->rows) all.push_back(std::move(row));
      if (all.size() > xlsx::kMaxRows)
        return answer(errorResponse(xlsx::tooManyRows("按事项、状态、环节或期限筛选")));
      if (got < static_cast<size_t>(q.filter.limit)) break;
    }
    answer(caseListXlsx(all));
  });

  R.add("GET", "/api/v1/cases/{case_no}", [&d](HttpRequest&& req, const Params& p, Responder res) {
    auto staff = d.auth.authenticate(req.authorization);
    if (!staff) return res(errorResponse(staff.error()));
    auto out = d.cases.get(p.at("case_no"), *staff);
    HttpResponse r = out ? ok(*out) : errorResponse(out.error());
    r.actor = staff->username;
    res(std::move(r));
  });

  R.add(
      "POST", "/api/v1/cases/{case_no}/{action}",
      [&d](HttpRequest&& req, const Params& p, Responder res) {
        const std::string& name = p.at("action");
        const std::string& case_no = p.at("case_no");
        if (!actionNames().count(name))
          return res(errorResponse({ErrorCode::kNotFound, "unknown_action", "未知的办理动作"}));
        bool applicant = req.authorization.empty();
        if (applicant && name != "supplement" && name != "withdraw" && name != "rate")
          return res(errorResponse({ErrorCode::kUnauthorized, "unauthorized", "请先登录"}));
        if (applicant)
          if (auto l = limit(d, RateKind::kApplicant, req, case_no); !l)
            return res(errorResponse(l.error()));
        auto body = parseBody(req);
        if (!body) return res(errorResponse(body.error()));
        const json& b = *body;
        auto a = actionOf(name, b);
        if (!a) return res(errorResponse(a.error()));
        Result<Actor> actor = std::unexpected(Error{});
        if (!applicant) {
          actor = d.auth.authenticate(req.authorization);
        } else {
          auto id_no = str(b, "id_no", false), code = str(b, "query_code", false);
          if (!id_no) return res(errorResponse(id_no.error()));
          if (!code) return res(errorResponse(code.error()));
          if (id_no->empty() || code->empty())
            return res(errorResponse({ErrorCode::kUnauthorized, "unauthorized",
                                      "申请人办理须提供证件号码（id_no）和查询码（query_code）"}));
          actor = d.cases.applicantActor(case_no, *id_no, *code);
        }
        if (!actor) return res(errorResponse(actor.error()));
        d.cases.act(case_no, *actor, *a, metaOf(req, b),
                    replyAs(res, 200, actor->applicant ? "" : actor->username));
      });

  R.add("GET", "/api/v1/progress", [&d](HttpRequest&& req, const Params&, Responder res) {
    const std::string& no = req.query["case_no"];
    const std::string& id = req.query["id_no"];
    const std::string& code = req.query["query_code"];
    if (no.empty() || id.empty() || code.empty())
      return res(errorResponse(
          badRequest("请提供办件编号（case_no）、证件号码（id_no）和查询码（query_code）")));
    if (auto l = limit(d, RateKind::kProgress, req, no); !l) return res(errorResponse(l.error()));
    auto out = d.cases.progress(no, id, code);
    res(out ? ok(*out) : errorResponse(out.error()));
  });
}

}  // namespace jingban
