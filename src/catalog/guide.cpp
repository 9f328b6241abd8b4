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
               para(it.service_objects.empty() ? "（依据文件未单列）" : it.service_objects));
  std::string channels;
  for (const auto& c : it.channels) channels += (channels.empty() ? "" : "、") + c;
  h += section(++n, "办理方式",
               para(channels) + (it.channels_text.empty() ? "" : para(it.channels_text)));
  std::string flow = "<p>办理环节：";
  for (size_t i = 0; i < it.steps.size(); ++i) flow += (i ? "—" : "") + htmlEscape(it.steps[i]);
  flow += "</p><ol>";
  for (const auto& s : it.flow) {
    const Role* r = region.role(s.role);
    flow += "<li><b>" + htmlEscape(s.step) + "</b>（" + htmlEscape(r ? r->name : s.role) + "）" +
            (s.text.empty() ? "" : "：" + htmlEscape(s.text)) + "</li>";
  }
  h += section(++n, "办理流程", flow + "</ol>");
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
    if (m.copies) tags += "；一式" + std::to_string(m.copies) + "份";
    if (m.commitment) tags += "；可以个人承诺书代替";
    if (!m.shared_data.empty()) tags += "；" + htmlEscape(m.shared_data) + "（可免提交）";
    if (m.optional) tags += "；视情况提供";
    if (!tags.empty()) mats += "<small>（" + tags.substr(3) + "）</small>";
    mats += "</li>";
  }
  mats += "</ol>";
  if (it.materials.empty()) mats = "<p>无</p>";
  h += section(++n, "申办材料", mats);
  std::string limit = para(it.time_limit.text);
  for (const auto& v : it.variants) {
    const Condition* c = it.condition(v.when);
    limit += para((c ? c->name : v.when) + "：" + v.text);
  }
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
  if (!it.note.empty()) h += "<aside><h2>编目说明</h2>" + para(it.note) + "</aside>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace jingban
