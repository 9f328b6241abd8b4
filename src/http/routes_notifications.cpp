// The notifications outbox for supervisors (src/notify sends; this shows and retries): a
// region's messages to applicants with their delivery state — as JSON pages or one XLSX sheet —
// and putting a failed message back in the queue.
//
// Only the region's supervisors (role `supervisor`): the list holds applicants' (masked) phone
// numbers and whether the agency reached them, which is supervision work.
#include "common/text.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/xlsx.hpp"
#include "obs/log.hpp"

namespace jingban {

using nlohmann::json;

namespace {

constexpr const char* kSupervisorRole = "supervisor";
constexpr int kMaxLimit = 500;

std::string maskedPhone(const std::string& phone) {
  if (phone.size() < 7) return std::string(phone.size(), '*');
  return phone.substr(0, 3) + std::string(phone.size() - 7, '*') + phone.substr(phone.size() - 4);
}

json messageJson(const OutboxMessage& m) {
  return {{"message_id", m.message_id},
          {"case_no", m.case_no},
          {"region", m.region},
          {"kind", m.kind},
          {"phone", maskedPhone(m.phone)},
          {"text", m.text},
          {"status", m.status},
          {"attempts", m.attempts},
          {"next_attempt_at",
           m.status == "pending" ? json(Instant{m.next_attempt_at}.iso()) : json(nullptr)},
          {"last_error", m.last_error},
          {"created_at", Instant{m.created_at}.iso()},
          {"sent_at", m.sent_at ? json(Instant{*m.sent_at}.iso()) : json(nullptr)}};
}

const std::map<std::string, std::string>& kindLabels() {
  static const std::map<std::string, std::string> l{{"accepted", "受理"},
                                                    {"supplement", "补正"},
                                                    {"completed", "办结"},
                                                    {"follow_up", "差评回访"}};
  return l;
}

const std::map<std::string, std::string>& statusLabels() {
  static const std::map<std::string, std::string> l{
      {"pending", "待发送"}, {"sent", "已发送"}, {"failed", "发送失败"}};
  return l;
}

xlsx::Sheet sheetOf(json rows) {
  using xlsx::Kind;
  return {"通知发送记录",
          {{"通知编号", "message_id"},
           {"办件编号", "case_no"},
           {"类型", "kind", Kind::kText, kindLabels()},
           {"手机号码", "phone"},
           {"内容", "text"},
           {"状态", "status", Kind::kText, statusLabels()},
           {"尝试次数", "attempts", Kind::kInteger},
           {"最近错误", "last_error"},
           {"生成时间", "created_at", Kind::kDateTime},
           {"发送时间", "sent_at", Kind::kDateTime}},
          std::move(rows)};
}

std::string queryValue(const HttpRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

// The filter of a list request: status, limit (1–500, default 100), offset.
Result<OutboxFilter> filterOf(const HttpRequest& req, const std::string& region) {
  OutboxFilter f;
  f.region = region;
  f.status = queryValue(req, "status");
  if (!f.status.empty() && !statusLabels().contains(f.status))
    return fail(ErrorCode::kBadRequest, "bad_status", "status 须为 pending、sent 或 failed");
  if (std::string v = queryValue(req, "limit"); !v.empty()) {
    auto n = parseStrictInt(v, 1, kMaxLimit, "limit");
    if (!n) return std::unexpected(n.error());
    f.limit = static_cast<int>(*n);
  }
  if (std::string v = queryValue(req, "offset"); !v.empty()) {
    auto n = parseStrictInt(v, 0, 10'000'000, "offset");
    if (!n) return std::unexpected(n.error());
    f.offset = static_cast<int>(*n);
  }
  return f;
}

// The caller, when a supervisor (of any region: each route checks the region itself).
Result<Actor> supervisor(ApiDeps& d, const HttpRequest& req, Responder& res) {
  auto staff = d.auth.authenticate(req.authorization);
  if (!staff) return std::unexpected(staff.error());
  res = [res, actor = staff->username](HttpResponse r) {
    r.actor = actor;
    res(std::move(r));
  };
  if (!staff->hasRole(kSupervisorRole))
    return fail(ErrorCode::kForbidden, "role_required", "通知发送记录仅限监督人员查看和处理");
  return staff;
}

}  // namespace

void addNotificationRoutes(Router& R, ApiDeps& d) {
  if (!d.outbox) return;
  R.add("GET", "/api/v1/regions/{region}/notifications",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto staff = supervisor(d, req, res);
          if (!staff) return res(errorResponse(staff.error()));
          const Region* region = d.cases.catalog().region(p.at("region"));
          if (!region || staff->region != region->id)
            return res(errorResponse(
                {ErrorCode::kForbidden, "wrong_region", "无权查看其他地区的通知发送记录"}));
          auto as_xlsx = xlsx::wantsXlsx(req);
          if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
          auto f = filterOf(req, region->id);
          if (!f) return res(errorResponse(f.error()));
          // format=xlsx without limit / offset: every row, up to one past the cap.
          bool all =
              *as_xlsx && queryValue(req, "limit").empty() && queryValue(req, "offset").empty();
          if (all) f->limit = static_cast<int>(xlsx::kMaxRows) + 1;
          auto list = d.outbox->list(*f);
          if (!list) return res(errorResponse(list.error()));
          if (list->size() > xlsx::kMaxRows)
            return res(errorResponse(xlsx::tooManyRows("按状态筛选")));
          json rows = json::array();
          for (const auto& m : *list) rows.push_back(messageJson(m));
          if (*as_xlsx) {
            auto bytes = xlsx::workbook({sheetOf(std::move(rows))});
            if (!bytes) return res(errorResponse(bytes.error()));
            return res(xlsx::download(std::move(*bytes), "通知发送记录-" + region->name,
                                      "notifications-" + region->id));
          }
          res(ok({{"region", region->id},
                  {"status", f->status.empty() ? json(nullptr) : json(f->status)},
                  {"limit", f->limit},
                  {"offset", f->offset},
                  {"notifications", std::move(rows)}}));
        });

  R.add("POST", "/api/v1/notifications/{message_id}/retry",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto staff = supervisor(d, req, res);
          if (!staff) return res(errorResponse(staff.error()));
          const std::string& id = p.at("message_id");
          auto m = d.outbox->message(id);
          if (!m) return res(errorResponse(m.error()));
          if (!*m)
            return res(
                errorResponse({ErrorCode::kNotFound, "notification_not_found", "找不到该通知"}));
          if ((*m)->region != staff->region)
            return res(
                errorResponse({ErrorCode::kForbidden, "wrong_region", "无权处理其他地区的通知"}));
          auto retried = d.outbox->retry(id);
          if (!retried) return res(errorResponse(retried.error()));
          if (!*retried)
            return res(errorResponse(
                {ErrorCode::kConflict, "not_failed", "只有发送失败的通知可以重新发送"}));
          obs::info("notification_requeued", {{"message_id", id}, {"staff", staff->username}});
          auto fresh = d.outbox->message(id);
          if (!fresh) return res(errorResponse(fresh.error()));
          if (!*fresh)
            return res(
                errorResponse({ErrorCode::kNotFound, "notification_not_found", "找不到该通知"}));
          res(ok(messageJson(**fresh)));
        });
}

}  // namespace jingban
