// The supervisor's dashboard (统计分析): counts of a region's cases over a period — by item, step,
// status and staff member — 按期办结率, overdue and due-soon counts, satisfaction per item and
// channel, the open follow-ups of poor ratings with their own deadline, and a daily series for
// the chart. JSON, or one XLSX sheet per part (format=xlsx).
//
// Only the region's supervisors (role `supervisor`) see it: it ranks staff members by the work
// they recorded, which is personnel supervision; every other staff member still has the case
// lists (overdue, due soon, follow-ups) their work needs.
#include <map>

#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/xlsx.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

using nlohmann::json;

namespace {

// A period is at most a year and a day (a leap year, both ends included): the daily series and
// the scan stay bounded.
constexpr int kMaxPeriodDays = 366;
// The follow-up of a poor rating is due this many working days after the rating. The seeds name
// no such limit; local 好差评 rules ask for 整改反馈 within 5 to 15 working days — the longer one
// is taken here, and the figure is stated in the API description.
constexpr int kFollowUpWorkingDays = 15;
constexpr const char* kSupervisorRole = "supervisor";

json rate(int64_t part, int64_t whole) {
  if (whole <= 0) return nullptr;
  // Four decimals: 0.8333 (83.33 %); the sheet shows it as a percentage.
  return static_cast<double>(part * 10000 / whole + (part * 10000 % whole * 2 >= whole ? 1 : 0)) /
         10000.0;
}

std::string itemName(const Region& r, const std::string& code) {
  const Item* it = r.item(code);
  return it ? it->name : "";
}

// The action columns of the staff sheet, in the order of the work. (申请 is recorded as the
// applicant's event even when a clerk enters it at the window, so it is not a staff action.)
const std::vector<std::pair<std::string, std::string>>& staffActions() {
  static const std::vector<std::pair<std::string, std::string>> a{
      {"accept", "受理"},
      {"return", "一次性告知"},
      {"not_accept", "不予受理"},
      {"approve", "审核通过"},
      {"send_back", "退回"},
      {"reject", "不予通过"},
      {"pay", "拨付"},
      {"complete", "办结"},
      {"extend", "延长时限"},
      {"resolve_follow_up", "差评回访"}};
  return a;
}

struct Query {
  Date from, to, today;
};

Result<Query> period(const HttpRequest& req, Date today) {
  auto param = [&](const char* key) {
    auto it = req.query.find(key);
    return it == req.query.end() ? std::string() : it->second;
  };
  Query q{Date::fromYmd(today.year(), today.month(), 1), today, today};
  for (auto [key, at] : {std::pair{"from", &q.from}, {"to", &q.to}}) {
    std::string v = param(key);
    if (v.empty()) continue;
    auto d = Date::parse(v);
    if (!d)
      return fail(ErrorCode::kBadRequest, "bad_date",
                  std::string(key) + " 须为 YYYY-MM-DD 格式的日期");
    *at = *d;
  }
  if (q.from > q.to) return fail(ErrorCode::kBadRequest, "bad_period", "开始日期不能晚于结束日期");
  if (q.to.days() - q.from.days() + 1 > kMaxPeriodDays)
    return fail(ErrorCode::kBadRequest, "period_too_long",
                "统计期间最长 " + std::to_string(kMaxPeriodDays) + " 天，请缩短后再查询");
  return q;
}

// Open cases that are overdue or due soon now, by item, under the exact rule of the case lists
// (deadlineOn: a pause still running moves the date), so that the counts equal the lengths of
// GET /cases?deadline=overdue and ?deadline=due_soon. Only cases stored as due by the next
// working day can be either (a running pause only moves a date later): those are read, page by
// page.
Result<std::map<std::string, std::pair<int64_t, int64_t>>> deadlineCounts(ApiDeps& d,
                                                                          const Region& region,
                                                                          const WorkCalendar& cal,
                                                                          Date today) {
  auto next = cal.plusWorkingDays(today, 1);
  if (!next) return std::unexpected(next.error());
  CaseFilter f;
  f.region = region.id;
  f.open_only = true;
  f.due_until = next->date;
  f.limit = 500;
  std::map<std::string, std::pair<int64_t, int64_t>> out;  // item → (overdue, due soon)
  for (f.offset = 0;; f.offset += f.limit) {
    auto rows = d.store->listCases(f);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& c : *rows) {
      if (!region.item(c.item_code)) continue;  // dropped from the catalog: not listed either
      auto v = deadlineOn(c, cal, today);
      if (!v) return std::unexpected(v.error());
      if (v->status == DeadlineStatus::kOverdue) ++out[c.item_code].first;
      if (v->status == DeadlineStatus::kDueSoon) ++out[c.item_code].second;
    }
    if (rows->size() < static_cast<size_t>(f.limit)) break;
  }
  return out;
}

// A region's figures by item (the period's counts, its open cases now and their deadlines) and
// their sum: the dashboard's by_item and summary, and one row of by_region.
struct ItemFigures {
  json by_item = json::array();
  json summary;
};

Result<ItemFigures> itemFigures(ApiDeps& d, const Region& region, const Query& q,
                                const StatsCounts& counts, const WorkCalendar& cal) {
  auto deadlines = deadlineCounts(d, region, cal, q.today);
  if (!deadlines) return std::unexpected(deadlines.error());

  // By item: the period's figures, the open cases now and their deadlines.
  struct ItemRow {
    PeriodCounts p;
    int64_t open = 0, overdue = 0, due_soon = 0;
  };
  std::map<std::string, ItemRow> items;
  for (const auto& p : counts.by_item) items[p.key].p = p;
  for (const auto& o : counts.open_by_item) items[o.key].open = o.count;
  for (const auto& [code, n] : *deadlines) {
    items[code].overdue = n.first;
    items[code].due_soon = n.second;
  }
  ItemFigures out;
  json& summary = out.summary;
  summary = {
      {"applications", 0}, {"closed", 0},  {"closed_on_time", 0}, {"closed_without_limit", 0},
      {"open", 0},         {"overdue", 0}, {"due_soon", 0}};
  json& by_item = out.by_item;
  for (const auto& [code, r] : items) {
    by_item.push_back({{"item_code", code},
                       {"item_name", itemName(region, code)},
                       {"applications", r.p.applications},
                       {"closed", r.p.closed},
                       {"closed_on_time", r.p.closed_on_time},
                       {"on_time_rate", rate(r.p.closed_on_time, r.p.closed)},
                       {"closed_without_limit", r.p.closed_without_limit},
                       {"open", r.open},
                       {"overdue", r.overdue},
                       {"due_soon", r.due_soon}});
    for (const char* k : {"applications", "closed", "closed_on_time", "closed_without_limit",
                          "open", "overdue", "due_soon"})
      summary[k] = summary[k].get<int64_t>() + by_item.back()[k].get<int64_t>();
  }
  summary["on_time_rate"] =
      rate(summary["closed_on_time"].get<int64_t>(), summary["closed"].get<int64_t>());

  return out;
}

Result<json> dashboard(ApiDeps& d, const Region& region, const Query& q) {
  auto counts = d.stats->counts({region.id, q.from, q.to});
  if (!counts) return std::unexpected(counts.error());
  auto cal = d.cases.calendar();
  auto figures = itemFigures(d, region, q, *counts, *cal);
  if (!figures) return std::unexpected(figures.error());
  json by_item = std::move(figures->by_item);
  json summary = std::move(figures->summary);

  // By region: this region and those whose catalog extends it (青海省 → 西宁市), as totals only,
  // so that a provincial supervisor sees the cities under it side by side.
  json by_region = json::array();
  for (const auto& r : d.cases.catalog().regions()) {
    if (r.id != region.id && r.extends != region.id) continue;
    json row = {{"region", r.id}, {"region_name", r.name}};
    if (r.id == region.id) {
      row.update(summary);
    } else {
      auto c = d.stats->counts({r.id, q.from, q.to});
      if (!c) return std::unexpected(c.error());
      auto f = itemFigures(d, r, q, *c, *cal);
      if (!f) return std::unexpected(f.error());
      row.update(f->summary);
    }
    by_region.push_back(std::move(row));
  }

  json by_step = json::array();
  for (const auto& s : counts->open_by_step)
    by_step.push_back({{"step", s.key}, {"open", s.count}});
  json by_status = json::array();
  for (const auto& s : counts->by_status) {
    auto label = xlsx::caseStatusLabels().find(s.key);
    by_status.push_back({{"status", s.key},
                         {"label", label == xlsx::caseStatusLabels().end() ? s.key : label->second},
                         {"count", s.count}});
  }
  json by_staff = json::array();
  for (const auto& s : counts->by_staff) {
    json kinds = json::object();
    int64_t other = s.actions;
    for (const auto& [action, label] : staffActions()) kinds[action] = 0;
    for (const auto& a : s.by_action)
      if (kinds.contains(a.key)) {
        kinds[a.key] = a.count;
        other -= a.count;
      }
    kinds["other"] = other;  // pause, resume …
    by_staff.push_back({{"username", s.username},
                        {"cases", s.cases},
                        {"actions", s.actions},
                        {"by_action", kinds}});
  }

  // Satisfaction: a rating at or above the region's 满意 line is satisfied.
  int satisfied_rank = region.ratingRank(region.rating_satisfied);
  auto satisfied = [&](const std::string& r) {
    int rank = region.ratingRank(r);
    return rank >= 0 && rank <= satisfied_rank;
  };
  struct Tally {
    int64_t ratings = 0, satisfied = 0;
    std::map<std::string, int64_t> by_rating;
  };
  std::map<std::string, Tally> by_item_rating, by_channel_rating;
  Tally all_ratings;
  for (const auto& r : counts->ratings) {
    for (Tally* t : {&by_item_rating[r.item_code], &by_channel_rating[r.channel], &all_ratings}) {
      t->ratings += r.count;
      if (satisfied(r.rating)) t->satisfied += r.count;
      t->by_rating[r.rating] += r.count;
    }
  }
  auto tallyJson = [&](const Tally& t) {
    json by = json::object();
    for (const auto& s : region.rating_scale) by[s] = 0;
    for (const auto& [k, n] : t.by_rating) by[k] = n;
    return json{{"ratings", t.ratings},
                {"satisfied", t.satisfied},
                {"satisfaction_rate", rate(t.satisfied, t.ratings)},
                {"by_rating", by}};
  };
  json sat_item = json::array(), sat_channel = json::array();
  for (const auto& [code, t] : by_item_rating) {
    json j = {{"item_code", code}, {"item_name", itemName(region, code)}};
    j.update(tallyJson(t));
    sat_item.push_back(j);
  }
  for (const auto& [channel, t] : by_channel_rating) {
    json j = {{"channel", channel}};
    j.update(tallyJson(t));
    sat_channel.push_back(j);
  }
  summary["ratings"] = all_ratings.ratings;
  summary["satisfied"] = all_ratings.satisfied;
  summary["satisfaction_rate"] = rate(all_ratings.satisfied, all_ratings.ratings);

  // Follow-ups of poor ratings, each due kFollowUpWorkingDays after its rating.
  auto next = cal->plusWorkingDays(q.today, 1);
  if (!next) return std::unexpected(next.error());
  json follow_ups = json::array();
  int64_t follow_ups_overdue = 0;
  for (const auto& f : counts->follow_ups) {
    Instant at{f.rated_at};
    auto due = cal->plusWorkingDays(at.date(), kFollowUpWorkingDays);
    if (!due) return std::unexpected(due.error());
    const char* status = q.today > due->date       ? "overdue"
                         : due->date <= next->date ? "due_soon"
                                                   : "on_time";
    if (std::string_view(status) == "overdue") ++follow_ups_overdue;
    follow_ups.push_back({{"case_no", f.case_no},
                          {"item_code", f.item_code},
                          {"item_name", itemName(region, f.item_code)},
                          {"channel", f.channel},
                          {"rating", f.rating},
                          {"reason", f.reason},
                          {"rated_at", at.iso()},
                          {"follow_up_due", due->date.str()},
                          {"due_provisional", due->provisional},
                          {"deadline_status", status}});
  }
  summary["follow_ups_open"] = follow_ups.size();
  summary["follow_ups_overdue"] = follow_ups_overdue;

  // Every day of the period, zeros included (the chart's x axis).
  std::map<std::string, PeriodCounts> days;
  for (const auto& p : counts->by_day) days[p.key] = p;
  json daily = json::array();
  for (Date day = q.from; day <= q.to; day = day.plusDays(1)) {
    auto it = days.find(day.str());
    PeriodCounts p = it == days.end() ? PeriodCounts{} : it->second;
    daily.push_back({{"date", day.str()},
                     {"applications", p.applications},
                     {"closed", p.closed},
                     {"closed_on_time", p.closed_on_time}});
  }
  return json{{"region", region.id},
              {"region_name", region.name},
              {"from", q.from.str()},
              {"to", q.to.str()},
              {"today", q.today.str()},
              {"rating_scale", region.rating_scale},
              {"rating_satisfied", region.rating_satisfied},
              {"follow_up_working_days", kFollowUpWorkingDays},
              {"summary", summary},
              {"by_region", by_region},
              {"by_item", by_item},
              {"by_step", by_step},
              {"by_status", by_status},
              {"by_staff", by_staff},
              {"satisfaction_by_item", sat_item},
              {"satisfaction_by_channel", sat_channel},
              {"follow_ups", follow_ups},
              {"daily", daily}};
}

using xlsx::Column;
using xlsx::Kind;

std::vector<Column> ratingColumns(const Region& region) {
  std::vector<Column> c{{"评价数", "ratings", Kind::kInteger},
                        {"满意数", "satisfied", Kind::kInteger},
                        {"满意率", "satisfaction_rate", Kind::kRate}};
  for (const auto& s : region.rating_scale) c.push_back({s, "by_rating." + s, Kind::kInteger});
  return c;
}

std::vector<xlsx::Sheet> sheets(const json& j, const Region& region) {
  json summary = j["summary"];
  summary["from"] = j["from"];
  summary["to"] = j["to"];
  std::vector<xlsx::Sheet> out;
  out.push_back({"概况",
                 {{"统计起始日", "from", Kind::kDate},
                  {"统计截止日", "to", Kind::kDate},
                  {"申请件数", "applications", Kind::kInteger},
                  {"办结件数", "closed", Kind::kInteger},
                  {"按期办结件数", "closed_on_time", Kind::kInteger},
                  {"按期办结率", "on_time_rate", Kind::kRate},
                  {"时限未载明的办结件数", "closed_without_limit", Kind::kInteger},
                  {"在办件数", "open", Kind::kInteger},
                  {"已超期", "overdue", Kind::kInteger},
                  {"即将到期", "due_soon", Kind::kInteger},
                  {"评价数", "ratings", Kind::kInteger},
                  {"满意数", "satisfied", Kind::kInteger},
                  {"满意率", "satisfaction_rate", Kind::kRate},
                  {"待回访差评", "follow_ups_open", Kind::kInteger},
                  {"回访已超期", "follow_ups_overdue", Kind::kInteger}},
                 json::array({summary})});
  out.push_back({"按地区",
                 {{"地区", "region_name"},
                  {"申请件数", "applications", Kind::kInteger},
                  {"办结件数", "closed", Kind::kInteger},
                  {"按期办结件数", "closed_on_time", Kind::kInteger},
                  {"按期办结率", "on_time_rate", Kind::kRate},
                  {"在办件数", "open", Kind::kInteger},
                  {"已超期", "overdue", Kind::kInteger},
                  {"即将到期", "due_soon", Kind::kInteger}},
                 j["by_region"]});
  out.push_back({"按事项",
                 {{"事项编码", "item_code"},
                  {"事项名称", "item_name"},
                  {"申请件数", "applications", Kind::kInteger},
                  {"办结件数", "closed", Kind::kInteger},
                  {"按期办结件数", "closed_on_time", Kind::kInteger},
                  {"按期办结率", "on_time_rate", Kind::kRate},
                  {"时限未载明的办结件数", "closed_without_limit", Kind::kInteger},
                  {"在办件数", "open", Kind::kInteger},
                  {"已超期", "overdue", Kind::kInteger},
                  {"即将到期", "due_soon", Kind::kInteger}},
                 j["by_item"]});
  out.push_back({"按环节", {{"环节", "step"}, {"在办件数", "open", Kind::kInteger}}, j["by_step"]});
  out.push_back({"按状态", {{"状态", "label"}, {"件数", "count", Kind::kInteger}}, j["by_status"]});
  std::vector<Column> staff{{"经办人", "username"},
                            {"办件数", "cases", Kind::kInteger},
                            {"操作次数", "actions", Kind::kInteger}};
  for (const auto& [action, label] : staffActions())
    staff.push_back({label, "by_action." + action, Kind::kInteger});
  staff.push_back({"其他", "by_action.other", Kind::kInteger});
  out.push_back({"按经办人", staff, j["by_staff"]});
  std::vector<Column> sat_item{{"事项编码", "item_code"}, {"事项名称", "item_name"}};
  std::vector<Column> sat_channel{{"办理渠道", "channel"}};
  for (auto& c : ratingColumns(region)) {
    sat_item.push_back(c);
    sat_channel.push_back(c);
  }
  out.push_back({"满意度（按事项）", sat_item, j["satisfaction_by_item"]});
  out.push_back({"满意度（按渠道）", sat_channel, j["satisfaction_by_channel"]});
  out.push_back({"差评回访",
                 {{"办件编号", "case_no"},
                  {"事项编码", "item_code"},
                  {"事项名称", "item_name"},
                  {"办理渠道", "channel"},
                  {"评价", "rating"},
                  {"原因", "reason"},
                  {"评价时间", "rated_at", Kind::kDateTime},
                  {"回访期限", "follow_up_due", Kind::kDate},
                  {"期限状态", "deadline_status", Kind::kText, xlsx::deadlineStatusLabels()}},
                 j["follow_ups"]});
  out.push_back({"每日趋势",
                 {{"日期", "date", Kind::kDate},
                  {"申请件数", "applications", Kind::kInteger},
                  {"办结件数", "closed", Kind::kInteger},
                  {"按期办结件数", "closed_on_time", Kind::kInteger}},
                 j["daily"]});
  return out;
}

}  // namespace

void addDashboardRoutes(Router& R, ApiDeps& d) {
  if (!d.stats || !d.store) return;
  R.add("GET", "/api/v1/regions/{region}/dashboard",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto staff = d.auth.authenticate(req.authorization);
          if (!staff) return res(errorResponse(staff.error()));
          res = [res, actor = staff->username](HttpResponse r) {
            r.actor = actor;
            res(std::move(r));
          };
          const Region* region = d.cases.catalog().region(p.at("region"));
          if (!region || staff->region != region->id)
            return res(
                errorResponse({ErrorCode::kForbidden, "wrong_region", "无权查看其他地区的统计"}));
          if (!staff->hasRole(kSupervisorRole))
            return res(errorResponse(
                {ErrorCode::kForbidden, "role_required", "统计分析仅限本地区监督人员查看"}));
          auto as_xlsx = xlsx::wantsXlsx(req);
          if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
          auto q = period(req, d.cases.today());
          if (!q) return res(errorResponse(q.error()));
          auto out = dashboard(d, *region, *q);
          if (!out) return res(errorResponse(out.error()));
          if (!*as_xlsx) return res(ok(*out));
          auto bytes = xlsx::workbook(sheets(*out, *region));
          if (!bytes) return res(errorResponse(bytes.error()));
          std::string span = q->from.str() + "至" + q->to.str();
          res(xlsx::download(std::move(*bytes), "统计分析-" + region->name + "-" + span,
                             "dashboard-" + region->id + "-" + q->from.str() + "-" + q->to.str()));
        });
}

}  // namespace jingban
