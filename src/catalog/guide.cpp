#include "catalog/guide.hpp"

namespace jingban {

std::string htmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string para(const std::string& text) {
  std::string out = "<p>";
  for (char c : htmlEscape(text)) {
    if (c == '\n')
      out += "<br>";
    else
      out += c;
  }
  return out + "</p>";
}

std::string section(int n, const char* title, const std::string& body) {
  static const char* kNum[] = {"一", "二", "三", "四", "五",   "六",
                               "七", "八", "九", "十", "十一", "十二"};
  return "<section><h2>" + std::string(kNum[(n - 1) % 12]) + "、" + title + "</h2>" + body +
         "</section>\n";
}

}  // namespace

std::string limitDisplay(const TimeLimit& t) {
  if (t.unstated()) return t.text.empty() ? "未载明" : "未载明（" + t.text + "）";
  return t.text;
}

nlohmann::json publicItemJson(const Item& it, const Region& region) {
  using nlohmann::json;
  auto steps = [&](const std::vector<FlowStep>& chain) {
    json flow = json::array();
    for (const auto& s : chain) {
      const Role* r = region.role(s.role);
      json j = {{"step", s.step},
                {"kind", stepKindName(s.kind)},
                {"role", s.role},
                {"role_name", r ? r->name : s.role},
                {"text", s.text}};
      if (s.limit) j["limit"] = timeLimitJson(*s.limit);
      flow.push_back(std::move(j));
    }
    return flow;
  };
  json flows = json::array();
  for (const auto& f : it.flows)
    flows.push_back({{"id", f.id},
                     {"name", f.name},
                     {"when",
                      {{"channels", f.when.channels},
                       {"applicant", f.when.applicant},
                       {"conditions", f.when.conditions}}},
                     {"flow", steps(f.steps)}});
  json materials = json::array();
  for (const auto& m : it.materials) {
    json j = materialJson(m);
    j.erase("note");
    materials.push_back(std::move(j));
  }
  json tl = timeLimitJson(it.time_limit);
  if (!it.variants.empty()) {
    tl["variants"] = json::array();
    for (const auto& v : it.variants) tl["variants"].push_back(timeLimitJson(v));
  }
  json conds = json::array(), groups = json::array(), windows = json::array(), unc = json::array(),
       alimits = json::array();
  for (const auto& c : it.conditions) conds.push_back({{"id", c.id}, {"name", c.name}});
  for (const auto& g : it.material_groups) groups.push_back({{"id", g.id}, {"text", g.text}});
  for (const auto& w : it.acceptance_windows) windows.push_back({{"text", w.text}});
  for (const auto& u : it.uncounted_periods)
    unc.push_back({{"id", u.id}, {"name", u.name}, {"text", u.text}});
  for (const auto& a : it.applicant_limits) {
    json j = {{"field", a.field}, {"limit", timeLimitJson(a.limit)}, {"text", a.text}};
    if (!a.when.empty()) j["when"] = a.when;
    if (!a.unless.empty()) j["unless"] = a.unless;
    alimits.push_back(std::move(j));
  }
  json j = {{"code", it.code},
            {"code_kind", it.code_kind},
            {"name", it.name},
            {"main_code", it.main_code},
            {"main_name", it.main_name},
            {"service_objects", it.service_objects},
            {"applicant", it.applicant},
            {"internal", it.internal},
            {"channels", it.channels},
            {"steps", it.steps},
            {"flow", steps(it.flow)},
            {"flows", flows},
            {"time_limit", tl},
            {"applicant_limits", alimits},
            {"takes_effect", it.takes_effect.empty() ? json(nullptr) : json(it.takes_effect)},
            {"conditions", conds},
            {"material_groups", groups},
            {"materials", materials},
            {"acceptance_windows", windows},
            {"uncounted_periods", unc},
            {"remarks", it.remarks},
            {"legal_basis", it.legal_basis},
            {"supervision_phone", region.supervisionPhone(it)},
            {"effect", it.effect},
            {"revision", it.revision}};
  // Only where the seed states a limit on the one-time notice of missing materials.
  if (it.notice_limit) j["notice_limit"] = timeLimitJson(*it.notice_limit);
  if (!it.channels_text.empty()) j["channels_text"] = it.channels_text;
  if (!it.progress_query_text.empty()) j["progress_query_text"] = it.progress_query_text;
  if (!it.diseases.is_null()) j["diseases"] = it.diseases;
  j["form_schema"] = formSchemaJson(it.formSchema());
  return j;
}

std::string guideHtml(const Region& region, const Item& it) {
  std::string h;
  h += "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
       htmlEscape(it.name) +
       " 办事指南</title><style>body{font-family:sans-serif;max-width:52em;margin:2em "
       "auto;line-height:1.6}"
       "h1{font-size:1.5em}h2{font-size:1.1em;border-bottom:1px solid "
       "#ccc}table{border-collapse:collapse}"
       "td,th{border:1px solid #999;padding:.2em .5em;text-align:left}</style></head><body>\n";
  h += "<h1>" + htmlEscape(region.name) + " · " + htmlEscape(it.name) + " 办事指南</h1>\n";
  h += "<p>事项编码：" + htmlEscape(it.code) + "　主项：" + htmlEscape(it.main_code) + " " +
       htmlEscape(it.main_name) + "</p>\n";
  int n = 0;
  h += section(++n, "事项名称", para(it.name));
  h += section(++n, "服务对象",
               para(it.service_objects.empty() ? "（依据文件未单列）" : it.service_objects) +
                   (it.internal ? para("本事项为经办机构内部办理流程，不受理申请。") : ""));
  std::string channels;
  for (const auto& c : it.channels) channels += (channels.empty() ? "" : "、") + c;
  h += section(++n, "办理方式",
               para(channels) + (it.channels_text.empty() ? "" : para(it.channels_text)));
  std::string flow = "<p>办理环节：";
  for (size_t i = 0; i < it.steps.size(); ++i) flow += (i ? "—" : "") + htmlEscape(it.steps[i]);
  flow += "</p>";
  // With alternatives, each path is introduced by its name, the default's first (现场查询：…).
  if (!it.flows.empty() && !it.flow_name.empty())
    flow += "<p>" + htmlEscape(it.flow_name) + "：</p>";
  flow += "<ol>";
  auto steps = [&](const std::vector<FlowStep>& chain) {
    std::string out;
    for (const auto& s : chain) {
      const Role* r = region.role(s.role);
      out += "<li><b>" + htmlEscape(s.step) + "</b>（" + htmlEscape(r ? r->name : s.role) + "）" +
             (s.text.empty() ? "" : "：" + htmlEscape(s.text)) +
             (s.limit ? "<small>（本环节时限：" + htmlEscape(s.limit->text) + "）</small>" : "") +
             "</li>";
    }
    return out;
  };
  flow += steps(it.flow) + "</ol>";
  for (const auto& f : it.flows)
    flow += "<p>" + htmlEscape(f.name) + "：</p><ol>" + steps(f.steps) + "</ol>";
  h += section(++n, "办理流程", flow);
  std::string mats = "<ol>";
  for (const auto& m : it.materials) {
    mats += "<li>" + htmlEscape(m.name);
    std::string tags;
    if (!m.when.empty()) {
      const Condition* c = it.condition(m.when);
      tags += "；适用情形：" + htmlEscape(c ? c->name : m.when);
    }
    if (!m.group.empty())
      for (const auto& g : it.material_groups)
        if (g.id == m.group) tags += "；与同组材料任选其一（" + htmlEscape(g.text) + "）";
    if (m.original != MaterialOriginal::kUnstated) tags += "；" + materialOriginalText(m.original);
    if (m.copies) tags += "；" + std::to_string(m.copies) + "份";
    if (m.photos) tags += "；照片" + std::to_string(m.photos) + "张";
    for (const auto& c : m.waived_channels) tags += "；" + htmlEscape(c) + "办理无需提交";
    if (m.commitment) tags += "；可以个人承诺书代替";
    if (!m.shared_data.empty()) tags += "；" + htmlEscape(m.shared_data) + "（可免提交）";
    if (m.optional) tags += "；视情况提供";
    if (!tags.empty()) mats += "<small>（" + tags.substr(3) + "）</small>";
    mats += "</li>";
  }
  mats += "</ol>";
  if (it.materials.empty()) mats = "<p>无</p>";
  h += section(++n, "申办材料", mats);
  std::string limit = para(limitDisplay(it.time_limit));
  for (const auto& v : it.variants) {
    const Condition* c = it.condition(v.when);
    limit += para((c ? c->name : v.when) + "：" + limitDisplay(v));
  }
  // Public: the applicant may see the due date move, and should know that the rules allow it.
  bool extensible = it.time_limit.extension.allowed;
  for (const auto& v : it.variants) extensible = extensible || v.extension.allowed;
  if (extensible)
    limit += para("延长办理：遇特殊情况可适当延长（经批准并记录，延长后的期限见办理进度）");
  if (it.notice_limit) limit += para("一次性告知：" + it.notice_limit->text);
  for (const auto& a : it.applicant_limits) limit += para("申请期限：" + a.text);
  if (it.takes_effect == "next_month") limit += para("生效时间：次月生效");
  for (const auto& w : it.acceptance_windows) limit += para("受理时间：" + w.text);
  for (const auto& u : it.uncounted_periods)
    limit += para("不计入办理时限：" + u.name + (u.text.empty() ? "" : "（" + u.text + "）"));
  h += section(++n, "办理时限", limit);
  if (!it.remarks.empty()) h += section(++n, "备注", para(it.remarks));
  if (!it.legal_basis.empty()) {
    std::string lb = "<ol>";
    for (const auto& l : it.legal_basis) lb += "<li>" + htmlEscape(l) + "</li>";
    h += section(++n, "设定依据", lb + "</ol>");
  }
  if (!it.progress_query_text.empty())
    h += section(++n, "办理进度查询", para(it.progress_query_text));
  std::string phone = region.supervisionPhone(it);
  h += section(++n, "监督电话", para(phone.empty() ? "（依据文件未公布）" : phone));
  std::string scale;
  for (const auto& s : region.rating_scale) scale += (scale.empty() ? "" : "、") + s;
  h += section(
      ++n, "满意度测评",
      para(scale) + (region.service_quality_text.empty() ? "" : para(region.service_quality_text)));
  h += "</body></html>\n";
  return h;
}

}  // namespace jingban
