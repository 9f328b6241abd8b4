#include "http/record_page.hpp"

#include <cctype>
#include <map>
#include <vector>

#include "catalog/guide.hpp"
#include "registers/registers.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {

constexpr const char* kNone = "—";

// A field as text: strings as they are, integers in decimal, anything else (absent, null) "".
std::string field(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// Escaped, or the dash for an empty value.
std::string cell(const std::string& v) { return v.empty() ? kNone : htmlEscape(v); }

bool digits(const std::string& s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// The unit of a person or a period: a credit code (the record kept in a case) or
// {credit_code, name} (the register's record).
std::string unitText(const json& u) {
  if (u.is_string()) return u.get<std::string>();
  std::string code = field(u, "credit_code"), name = field(u, "name");
  if (name.empty()) return code;
  if (code.empty()) return name;
  return name + "（" + code + "）";
}

// Labels of the unit fields a history entry may change. Contact details are named, never shown.
const std::map<std::string, std::string>& unitFieldLabels() {
  static const std::map<std::string, std::string> labels = {{"name", "单位名称"},
                                                            {"type", "单位类型"},
                                                            {"address", "单位地址"},
                                                            {"status", "参保状态"},
                                                            {"phone", "联系电话"},
                                                            {"bank_account", "银行账户"},
                                                            {"legal_representative", "法定代表人"}};
  return labels;
}

bool shownValue(const std::string& key) { return key != "phone" && key != "bank_account"; }

// One history entry in words: 参保登记 for the entry that created the unit, else each change.
std::string changeText(const json& changes) {
  if (!changes.is_object() || changes.empty()) return kNone;
  bool created = true;
  for (const auto& [k, v] : changes.items())
    if (!v.is_object() || !v.contains("before") || !v["before"].is_null()) created = false;
  if (created) return "参保登记";
  std::string out;
  const auto& labels = unitFieldLabels();
  for (const auto& [k, v] : changes.items()) {
    auto l = labels.find(k);
    std::string label = l == labels.end() ? "其他信息" : l->second;
    std::string line = htmlEscape(label);
    if (l != labels.end() && shownValue(k) && v.is_object()) {
      std::string before = field(v, "before"), after = field(v, "after");
      line += "：" + cell(before) + " → " + cell(after);
    } else {
      line += "已变更";
    }
    out += (out.empty() ? "" : "<br>") + line;
  }
  return out;
}

const char* kStyle =
    "body{font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"SimSun\",serif;"
    "max-width:52em;margin:2em auto;padding:0 1em;line-height:1.6;color:#000;background:#fff}"
    "header{text-align:center;margin-bottom:1em}"
    ".org{margin:0;font-size:1.05em}"
    "h1{font-size:1.7em;letter-spacing:.4em;margin:.3em 0}"
    "h2{font-size:1.1em;margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #000;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{font-weight:normal;background:#f0f0f0;white-space:nowrap}"
    "td.n,th.n{text-align:right}"
    "tfoot td{font-weight:bold}"
    ".case{margin:.5em 0}"
    "footer{margin-top:2em;font-size:.95em}"
    "footer p{margin:.2em 0}"
    "@page{size:A4;margin:18mm 16mm}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:11pt}"
    "th{background:none}tr{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}}";

std::string head(const std::string& title, const std::string& region_name) {
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         htmlEscape(title) + (region_name.empty() ? "" : " · " + htmlEscape(region_name)) +
         "</title><style>" + kStyle + "</style></head><body>\n";
}

std::string header(const std::string& title, const std::string& region_name) {
  return "<header>" +
         (region_name.empty()
              ? std::string()
              : "<p class=\"org\">" + htmlEscape(region_name) + "医疗保障经办机构</p>") +
         "<h1>" + htmlEscape(title) + "</h1></header>\n";
}

// The case the record was kept in: number, item, 办结 date.
std::string caseBlock(const json& doc) {
  auto it = doc.find("case");
  if (it == doc.end() || !it->is_object()) return "";
  const json& c = *it;
  std::string closed = field(c, "closed_on");
  return "<table class=\"case\"><tr><th>办件编号</th><td>" + cell(field(c, "case_no")) +
         "</td><th>事项名称</th><td>" + cell(field(c, "item_name")) +
         "</td></tr><tr><th>办结日期</th><td colspan=\"3\">" +
         (closed.empty() ? std::string("尚未办结") : htmlEscape(timeDisplay(closed))) +
         "</td></tr></table>\n";
}

// Two label/value pairs a row.
std::string infoTable(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string h = "<table class=\"info\">";
  for (size_t i = 0; i < rows.size(); i += 2) {
    h += "<tr><th>" + htmlEscape(rows[i].first) + "</th><td>" + cell(rows[i].second) + "</td>";
    if (i + 1 < rows.size())
      h +=
          "<th>" + htmlEscape(rows[i + 1].first) + "</th><td>" + cell(rows[i + 1].second) + "</td>";
    else
      h += "<td colspan=\"2\"></td>";
    h += "</tr>";
  }
  return h + "</table>\n";
}

std::string footer(const json& doc) {
  std::string as_of = field(doc, "as_of");
  std::string h = "<footer>";
  if (!as_of.empty())
    h += "<p>记录截至：" + htmlEscape(monthDisplay(as_of)) + "（缴费月数计至该月）</p>";
  h += "<p>统筹区：" + cell(field(doc, "region_name")) + "</p>";
  h += "<p>生成时间：" + cell(timeDisplay(field(doc, "generated_at"))) + "</p>";
  h += "<p>本记录由经办系统生成</p></footer>\n</body></html>\n";
  return h;
}

std::string personBody(const json& doc) {
  std::string h;
  std::string id = field(doc, "id_no");
  std::vector<std::pair<std::string, std::string>> info = {
      {"姓名", field(doc, "name")},
      {"公民身份号码", id.empty() ? "" : maskId(id)},  // masked whatever the caller passed
      {"险种", field(doc, "insurance_type")},
      {"参保状态", field(doc, "status")},
      {"参保单位", doc.contains("unit") ? unitText(doc["unit"]) : ""}};
  if (std::string e = field(doc, "employment"); !e.empty()) info.push_back({"人员状态", e});
  h += infoTable(info);

  std::string as_of = field(doc, "as_of");
  std::string region_name = field(doc, "region_name");
  h += "<h2>参保期间</h2>\n<table class=\"periods\"><thead><tr><th>序号</th><th>统筹区</th>"
       "<th>起始年月</th><th>截止年月</th><th>险种</th><th>参保单位</th><th>状态</th>"
       "<th class=\"n\">缴费月数</th></tr></thead><tbody>";
  const json empty = json::array();
  const json& periods =
      doc.contains("enrolments") && doc["enrolments"].is_array() ? doc["enrolments"] : empty;
  int n = 0;
  for (const auto& e : periods) {
    // The period's months as the total counts them: 参保缴费 months up to the as-of month.
    Enrolment p;
    p.from = field(e, "from");
    p.to = field(e, "to");
    p.status = field(e, "status");
    int months = contributionMonths({p}, as_of);
    std::string where = field(e, "region_name");
    h += "<tr><td class=\"n\">" + std::to_string(++n) + "</td><td>" +
         cell(where.empty() ? region_name : where) + "</td><td>" +
         htmlEscape(monthDisplay(p.from)) + "</td><td>" + htmlEscape(monthDisplay(p.to)) +
         "</td><td>" + cell(field(e, "insurance_type")) + "</td><td>" +
         cell(e.contains("unit") ? unitText(e["unit"]) : "") + "</td><td>" + cell(p.status) +
         "</td><td class=\"n\">" + std::to_string(months) + "</td></tr>";
  }
  if (periods.empty()) h += "<tr><td colspan=\"8\">无参保期间</td></tr>";
  int64_t total =
      doc.contains("contribution_months") && doc["contribution_months"].is_number_integer()
          ? doc["contribution_months"].get<int64_t>()
          : 0;
  h += "</tbody><tfoot><tr><td colspan=\"7\">累计缴费月数（" + htmlEscape(monthsDisplay(total)) +
       "）</td><td class=\"n\">" + std::to_string(total) + "</td></tr></tfoot></table>\n";
  return h;
}

std::string unitBody(const json& doc) {
  std::string h;
  std::vector<std::pair<std::string, std::string>> info = {
      {"单位名称", field(doc, "name")},
      {"统一社会信用代码", field(doc, "credit_code")},
      {"单位类型", field(doc, "type")},
      {"参保状态", field(doc, "status")},
      {"单位地址", field(doc, "address")}};
  if (doc.contains("legal_representative"))
    info.push_back({"法定代表人", field(doc, "legal_representative")});
  if (doc.contains("insured_employees"))
    info.push_back(
        {"参保缴费职工人数", doc["insured_employees"].is_number_integer()
                                 ? std::to_string(doc["insured_employees"].get<int64_t>()) + " 人"
                                 : "人数过多，未统计"});
  h += infoTable(info);

  if (doc.contains("status_periods") && doc["status_periods"].is_array()) {
    h += "<h2>参保状态期间</h2>\n<table class=\"periods\"><thead><tr><th>序号</th>"
         "<th>起始日期</th><th>截止日期</th><th>参保状态</th><th>办件编号或批次</th></tr></thead>"
         "<tbody>";
    int n = 0;
    for (const auto& p : doc["status_periods"]) {
      std::string to = field(p, "to");
      std::string source = field(p, "case_no");
      if (source.empty()) source = field(p, "import_batch");
      h += "<tr><td class=\"n\">" + std::to_string(++n) + "</td><td>" +
           cell(timeDisplay(field(p, "from"))) + "</td><td>" +
           (to.empty() ? std::string("至今") : htmlEscape(timeDisplay(to))) + "</td><td>" +
           cell(field(p, "status")) + "</td><td>" + cell(source) + "</td></tr>";
    }
    if (n == 0) h += "<tr><td colspan=\"5\">无记录</td></tr>";
    h += "</tbody></table>\n";
  }
  if (doc.contains("history") && doc["history"].is_array()) {
    h += "<h2>变更记录</h2>\n<table class=\"history\"><thead><tr><th>序号</th><th>日期</th>"
         "<th>变更内容</th><th>办件编号或批次</th></tr></thead><tbody>";
    int n = 0;
    for (const auto& e : doc["history"]) {
      std::string source = field(e, "case_no");
      if (source.empty()) source = field(e, "import_batch");
      h += "<tr><td class=\"n\">" + std::to_string(++n) + "</td><td>" +
           cell(timeDisplay(field(e, "at"))) + "</td><td>" +
           changeText(e.contains("changes") ? e["changes"] : json()) + "</td><td>" + cell(source) +
           "</td></tr>";
    }
    if (n == 0) h += "<tr><td colspan=\"4\">无记录</td></tr>";
    h += "</tbody></table>\n";
  }
  return h;
}

}  // namespace

std::string monthDisplay(const std::string& month) {
  if (month.empty()) return "至今";
  if (month.size() == 7 && digits(month, 0, 4) && month[4] == '-' && digits(month, 5, 2))
    return month.substr(0, 4) + "年" + month.substr(5, 2) + "月";
  return month;
}

std::string timeDisplay(const std::string& iso) {
  if (iso.size() < 10 || !digits(iso, 0, 4) || iso[4] != '-' || !digits(iso, 5, 2) ||
      iso[7] != '-' || !digits(iso, 8, 2))
    return iso;
  std::string date = iso.substr(0, 4) + "年" + iso.substr(5, 2) + "月" + iso.substr(8, 2) + "日";
  if (iso.size() == 10) return date;
  if (iso.size() >= 19 && iso[10] == 'T' && digits(iso, 11, 2) && iso[13] == ':' &&
      digits(iso, 14, 2) && iso[16] == ':' && digits(iso, 17, 2))
    return date + " " + iso.substr(11, 8);
  return iso;
}

std::string monthsDisplay(int64_t months) {
  if (months <= 0) return "0个月";
  int64_t years = months / 12, rest = months % 12;
  std::string out;
  if (years > 0) out += std::to_string(years) + "年";
  if (rest > 0) out += std::to_string(rest) + "个月";
  return out;
}

std::string recordHtml(const json& doc) {
  std::string kind = field(doc, "kind");
  std::string title = field(doc, "title");
  if (title.empty()) title = kind == "unit" ? "参保单位参保记录" : "参保缴费记录";
  std::string region_name = field(doc, "region_name");
  std::string h = head(title, region_name) + header(title, region_name) + caseBlock(doc);
  h += kind == "unit" ? unitBody(doc) : personBody(doc);
  return h + footer(doc);
}

}  // namespace jingban
