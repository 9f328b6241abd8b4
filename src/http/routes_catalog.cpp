#include "catalog/guide.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "http/case_views.hpp"
#include "http/json_io.hpp"
#include "http/xlsx.hpp"
#include "workflow/deadline.hpp"

namespace jingban {

using nlohmann::json;

namespace {

// The region's item list (事项清单) as an agency reviews it: one row per item with its steps, the
// count of materials and the limit as the catalog states it.
HttpResponse itemListXlsx(const Region& region, const json& items) {
  json rows = json::array();
  for (const auto& it : items) {
    json steps = json::array();
    for (const auto& s : it.value("flow", json::array())) steps.push_back(s.value("step", ""));
    int required = 0;
    for (const auto& m : it.value("materials", json::array()))
      if (!m.value("optional", false) && m.value("when", json()).is_null()) ++required;
    const json& limit = it.value("time_limit", json::object());
    rows.push_back({{"code", it.value("code", "")},
                    {"name", it.value("name", "")},
                    {"main", it.value("main_name", json(""))},
                    {"applicant", it.value("applicant", json::array())},
                    {"channels", it.value("channels", json::array())},
                    {"limit", limit.value("display", limit.value("text", json("")))},
                    {"materials", it.value("materials", json::array()).size()},
                    {"required", required},
                    {"steps", steps},
                    {"basis", it.value("legal_basis", json(""))},
                    {"phone", it.value("supervision_phone", json(""))}});
  }
  using xlsx::Kind;
  auto bytes =
      xlsx::workbook({{"事项清单",
                       {{"事项编码", "code"},
                        {"事项名称", "name"},
                        {"主项", "main"},
                        {"服务对象",
                         "applicant",
                         Kind::kText,
                         {{"person", "个人"}, {"unit", "单位"}, {"institution", "医药机构"}}},
                        {"办理渠道", "channels"},
                        {"办理时限", "limit"},
                        {"材料数", "materials", Kind::kInteger},
                        {"必交材料数", "required", Kind::kInteger},
                        {"办理环节", "steps"},
                        {"设定依据", "basis"},
                        {"监督电话", "phone"}},
                       rows}});
  if (!bytes) return errorResponse(bytes.error());
  return xlsx::download(std::move(*bytes), "事项清单-" + region.name, "items-" + region.id);
}

}  // namespace

void addCatalogRoutes(Router& R, ApiDeps& d) {
  R.add("GET", "/healthz", [](HttpRequest&&, const Params&, Responder res) {
    res(ok({{"status", "ok"}}));
  });

  R.add("GET", "/api/v1/openapi.json", [](HttpRequest&&, const Params&, Responder res) {
    res({200, kJsonType, openapiJson()});
  });

  R.add("GET", "/api/v1/regions", [&d](HttpRequest&&, const Params&, Responder res) {
    json out = json::array();
    for (const auto& r : d.cases.catalog().regions())
      out.push_back({{"id", r.id},
                     {"name", r.name},
                     {"division_code", r.division_code},
                     {"extends", r.extends.empty() ? json(nullptr) : json(r.extends)},
                     {"items", r.items.size()},
                     {"rating_scale", r.rating_scale}});
    res(ok(out));
  });

  auto findItem = [&d](const Params& p) -> Result<std::pair<const Region*, const Item*>> {
    const Region* r = d.cases.catalog().region(p.at("region"));
    // Never echo the path parameter: the message names what we know, not what was sent.
    if (!r) return fail(ErrorCode::kNotFound, "unknown_region", "没有这个地区");
    if (!p.count("code")) return std::make_pair(r, static_cast<const Item*>(nullptr));
    const Item* it = r->item(p.at("code"));
    if (!it) return fail(ErrorCode::kNotFound, "unknown_item", "地区“" + r->name + "”没有这个事项");
    return std::make_pair(r, it);
  };

  R.add("GET", "/api/v1/regions/{region}/items",
        [findItem](HttpRequest&& req, const Params& p, Responder res) {
          auto f = findItem(p);
          if (!f) return res(errorResponse(f.error()));
          auto as_xlsx = xlsx::wantsXlsx(req);
          if (!as_xlsx) return res(errorResponse(as_xlsx.error()));
          json out = json::array();
          for (const auto& it : f->first->items) out.push_back(itemJson(it, *f->first));
          if (!*as_xlsx) return res(ok(out));
          res(itemListXlsx(*f->first, out));
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

  // 办理时限 as a date for the guide: the due date of the item's limit (and of each variant) if the
  // case were accepted today by the server's calendar and clock, and whether the acceptance
  // windows are open today (else the next open day within a year). Read-only, anonymous.
  R.add("GET", "/api/v1/regions/{region}/items/{code}/due-date",
        [findItem, &d](HttpRequest&&, const Params& p, Responder res) {
          auto f = findItem(p);
          if (!f) return res(errorResponse(f.error()));
          const Item& item = *f->second;
          auto cal = d.cases.calendar();
          Date today = d.cases.today();
          auto dueJson = [&](const TimeLimit& t) -> Result<json> {
            auto due = limitDue(t, today, *cal);
            if (!due) return std::unexpected(due.error());
            json j = {{"time_limit", timeLimitJson(t)}, {"due", nullptr}, {"provisional", false}};
            if (*due) j["due"] = (*due)->date.str(), j["provisional"] = (*due)->provisional;
            return j;
          };
          auto main = dueJson(item.time_limit);
          if (!main) return res(errorResponse(main.error()));
          json out = *main;
          out["today"] = today.str();
          out["variants"] = json::array();
          for (const auto& v : item.variants) {
            auto vj = dueJson(v);
            if (!vj) return res(errorResponse(vj.error()));
            (*vj)["when"] = v.when;
            out["variants"].push_back(std::move(*vj));
          }
          out["window_open"] = true;
          out["next_open"] = nullptr;
          if (!item.acceptance_windows.empty()) {
            auto open = anyWindowOpen(item.acceptance_windows, *cal, today);
            if (!open) return res(errorResponse(open.error()));
            out["window_open"] = *open;
            for (int i = 1; !*open && i <= 366; ++i) {
              auto o = anyWindowOpen(item.acceptance_windows, *cal, today.plusDays(i));
              if (!o) break;  // past the loaded years: no date to promise
              if (*o) {
                out["next_open"] = today.plusDays(i).str();
                break;
              }
            }
          }
          res(ok(out));
        });

  R.add("GET", "/api/v1/calendar/deadline", [&d](HttpRequest&& req, const Params&, Responder res) {
    auto from = Date::parse(req.query["from"]);
    if (!from) return res(errorResponse(badRequest("from 须为 YYYY-MM-DD 格式的日期")));
    bool working = req.query.count("working_days"), natural = req.query.count("natural_days");
    if (working == natural)
      return res(errorResponse(badRequest("须且只能给出 working_days 或 natural_days 之一")));
    const char* field = working ? "working_days" : "natural_days";
    auto days = parseStrictInt(req.query[field], 0, 3650, field);
    if (!days) return res(errorResponse(days.error()));
    auto due = d.cases.calendar()->dueDate(
        *from, working ? LimitKind::kWorkingDays : LimitKind::kNaturalDays,
        static_cast<int>(*days));
    if (!due) return res(errorResponse(due.error()));
    // provisional: counted over a year whose holiday notice is not loaded (暂定).
    res(ok({{"from", from->str()}, {"due", due->date.str()}, {"provisional", due->provisional}}));
  });
}

}  // namespace jingban
