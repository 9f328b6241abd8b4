// The wording of each notice: what a Chinese administrative notice of its kind says, built from
// the input struct alone. Nothing here invents a fact: a value the input lacks is printed as "—"
// or its sentence is left out.
#include <cstdio>

#include "notices/notices.hpp"

namespace jingban::notices {

namespace {

using Kind = Block::Kind;

const std::string kDash = "—";

std::string orDash(const std::string& s) { return s.empty() ? kDash : s; }

Block textBlock(Kind kind, std::string text) {
  Block b;
  b.kind = kind;
  b.text = std::move(text);
  return b;
}
Block plain(std::string text) { return textBlock(Kind::kPlain, std::move(text)); }
Block para(std::string text) { return textBlock(Kind::kParagraph, std::move(text)); }
Block heading(std::string text) { return textBlock(Kind::kHeading, std::move(text)); }
Block note(std::string text) { return textBlock(Kind::kNote, std::move(text)); }
Block fields(std::vector<std::pair<std::string, std::string>> f) {
  Block b;
  b.kind = Kind::kFields;
  b.fields = std::move(f);
  return b;
}
Block table(std::vector<std::string> columns, std::vector<double> widths,
            std::vector<std::vector<std::string>> rows) {
  Block b;
  b.kind = Kind::kTable;
  b.columns = std::move(columns);
  b.widths = std::move(widths);
  b.rows = std::move(rows);
  return b;
}

Document titled(const Header& h, std::string title) {
  Document d;
  d.header = h;
  d.title = std::move(title);
  return d;
}

// The salutation: 张三：
Block salutation(const Party& p) { return plain(orDash(p.name) + "："); }

// "你（单位）于2026年3月10日提交的“…”申请（办件编号：…）"
std::string applicationRef(const Header& h, const std::string& submitted_on,
                           const std::string& item) {
  std::string s = "你（单位）";
  if (!submitted_on.empty()) s += "于" + chineseDate(submitted_on);
  s += "提交的“" + item + "”申请";
  if (!h.case_no.empty()) s += "（办件编号：" + h.case_no + "）";
  return s;
}

// Where to follow the case: every notice of a case says how.
const char* const kFollowText =
    "可扫描本通知书右上角的二维码，或登录网上办事大厅，凭办件编号、证件号码和查询码查询办理进度。";

std::string permilleText(int permille) {
  char buf[32];
  if (permille % 10 == 0)
    std::snprintf(buf, sizeof buf, "%d%%", permille / 10);
  else
    std::snprintf(buf, sizeof buf, "%d.%d%%", permille / 10, permille % 10);
  return buf;
}

std::string monthsText(int months) {
  if (months <= 0) return "0个月";
  std::string s;
  if (months / 12) s += std::to_string(months / 12) + "年";
  if (months % 12) s += std::to_string(months % 12) + "个月";
  return s;
}

}  // namespace

const char* const kRemedyText =
    "你（单位）如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书"
    "之日起六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政复议法》第二十条，《中华人民共和"
    "国行政诉讼法》第四十六条）。";

std::string chineseDate(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return iso;
  return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

std::string chineseMonth(const std::string& ym) {
  if (ym.empty()) return "至今";
  int y = 0, m = 0;
  if (ym.size() != 7 || std::sscanf(ym.c_str(), "%4d-%2d", &y, &m) != 2) return ym;
  return std::to_string(y) + "年" + std::to_string(m) + "月";
}

std::string yuanText(int64_t fen) {
  bool negative = fen < 0;
  // The magnitude as unsigned: INT64_MIN has none in int64.
  uint64_t v = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string whole = std::to_string(v / 100), grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02d", static_cast<int>(v % 100));
  return (negative ? "-" : "") + grouped + "." + cents;
}

Document acceptanceDocument(const AcceptanceNotice& n) {
  Document d = titled(n.header, "受理通知书");
  d.blocks.push_back(salutation(n.applicant));
  d.blocks.push_back(para(applicationRef(n.header, n.submitted_on, n.item_name) +
                          "，经审查，申请材料齐全，符合法定形式，决定予以受理。"));
  if (!n.due_on.empty()) {
    std::string due = "本机构将于" + chineseDate(n.due_on) + "前办结";
    if (n.due_provisional)
      due += "（该日期暂定：所跨年度的法定节假日安排尚未公布，公布后将重新计算，以查询结果为准）";
    d.blocks.push_back(para(due + "。"));
  } else {
    d.blocks.push_back(para("该事项的办理时限未载明具体日期，办理进度以查询结果为准。"));
  }
  d.blocks.push_back(para(kFollowText));
  d.blocks.push_back(
      fields({{"办件编号", orDash(n.header.case_no)},
              {"申请人", orDash(n.applicant.name)},
              {"证件号码", orDash(n.applicant.id_no)},
              {"申请事项", orDash(n.item_name)},
              {"办理渠道", orDash(n.channel)},
              {"申请日期", orDash(chineseDate(n.submitted_on))},
              {"受理日期", orDash(chineseDate(n.accepted_on))},
              {"预计办结日期",
               n.due_on.empty() ? kDash
                                : chineseDate(n.due_on) + (n.due_provisional ? "（暂定）" : "")}}));
  if (!n.materials.empty()) {
    d.blocks.push_back(heading("已收材料"));
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < n.materials.size(); ++i)
      rows.push_back({std::to_string(i + 1), n.materials[i].first, n.materials[i].second});
    d.blocks.push_back(table({"序号", "材料名称", "提交方式"}, {1, 8, 3}, std::move(rows)));
  }
  return d;
}

Document supplementDocument(const SupplementNotice& n) {
  Document d = titled(n.header, "一次性告知书");
  d.blocks.push_back(salutation(n.applicant));
  std::string when = n.returned_on.empty() ? "" : "于" + chineseDate(n.returned_on);
  d.blocks.push_back(para(applicationRef(n.header, n.submitted_on, n.item_name) + "，经审查" +
                          when +
                          "，申请材料不齐全或者不符合法定形式。现将需要补正的全部材料一次性告知如"
                          "下（共 " +
                          std::to_string(n.missing.size()) + " 项）："));
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < n.missing.size(); ++i)
    rows.push_back({std::to_string(i + 1), n.missing[i].name, orDash(n.missing[i].requirement)});
  d.blocks.push_back(table({"序号", "需补正的材料", "要求"}, {1, 8, 4}, std::move(rows)));
  if (!n.remark.empty()) d.blocks.push_back(para("经办说明：" + n.remark));
  d.blocks.push_back(para(
      n.after_acceptance
          ? "请补齐上述全部材料后，通过网上办事大厅或办事窗口一并提交。补正期间暂停计算办理时限，"
            "自补正材料提交之日起继续计算。"
          : "请补齐上述全部材料后，通过网上办事大厅或办事窗口一并提交；材料齐全、符合法定形式的，"
            "予以受理。"));
  d.blocks.push_back(para(kFollowText));
  return d;
}

Document refusalDocument(const RefusalNotice& n) {
  Document d = titled(n.header, "不予受理决定书");
  d.blocks.push_back(salutation(n.applicant));
  std::string when = n.decided_on.empty() ? "" : "于" + chineseDate(n.decided_on);
  d.blocks.push_back(para(applicationRef(n.header, n.submitted_on, n.item_name) + "，本机构经审查" +
                          when + "决定不予受理。"));
  d.blocks.push_back(heading("不予受理的理由"));
  d.blocks.push_back(para(orDash(n.reason)));
  d.blocks.push_back(heading("救济途径"));
  d.blocks.push_back(para(kRemedyText));
  d.blocks.push_back(fields({{"办件编号", orDash(n.header.case_no)},
                             {"申请人", orDash(n.applicant.name)},
                             {"证件号码", orDash(n.applicant.id_no)},
                             {"申请事项", orDash(n.item_name)},
                             {"决定日期", orDash(chineseDate(n.decided_on))}}));
  return d;
}

Document completionDocument(const CompletionNotice& n) {
  Document d = titled(n.header, "办结通知书");
  d.blocks.push_back(salutation(n.applicant));
  std::string text = applicationRef(n.header, n.submitted_on, n.item_name);
  if (!n.accepted_on.empty()) text += "，已于" + chineseDate(n.accepted_on) + "受理";
  text += "，现已于" + chineseDate(n.closed_on) + "办结。";
  if (n.paid_fen > 0) text += "已拨付金额 " + yuanText(n.paid_fen) + " 元。";
  d.blocks.push_back(para(text));
  std::vector<std::pair<std::string, std::string>> f = {
      {"办件编号", orDash(n.header.case_no)},
      {"申请人", orDash(n.applicant.name)},
      {"证件号码", orDash(n.applicant.id_no)},
      {"申请事项", orDash(n.item_name)},
      {"受理日期", orDash(chineseDate(n.accepted_on))},
      {"办结日期", orDash(chineseDate(n.closed_on))}};
  if (!n.due_on.empty()) f.push_back({"办结时限", chineseDate(n.due_on) + "前"});
  if (n.paid_fen > 0) f.push_back({"拨付金额", yuanText(n.paid_fen) + " 元"});
  d.blocks.push_back(fields(std::move(f)));
  if (!n.steps.empty()) {
    d.blocks.push_back(heading("办理过程"));
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < n.steps.size(); ++i)
      rows.push_back({std::to_string(i + 1), n.steps[i].first, chineseDate(n.steps[i].second)});
    d.blocks.push_back(table({"序号", "办理环节", "日期"}, {1, 8, 4}, std::move(rows)));
  }
  d.blocks.push_back(para(
      "欢迎对本次服务作出评价（好差评）：扫描本通知书右上角的二维码，或登录网上办事大厅，凭办件"
      "编号、证件号码和查询码评价。"));
  return d;
}

Document settlementDocument(const SettlementSheet& s) {
  Document d = titled(s.header, "医疗费用结算单");
  if (s.example)
    d.blocks.push_back(note(
        "示例参数：本结算单按示例政策参数计算（政策参数中的数值均为示例，并非正式发布的标准），"
        "仅供演示和核对计算过程，不作为实际结算和支付的依据。"));
  std::vector<std::pair<std::string, std::string>> f = {{"办件编号", orDash(s.header.case_no)},
                                                        {"申请人", orDash(s.applicant.name)},
                                                        {"证件号码", orDash(s.applicant.id_no)},
                                                        {"申请事项", orDash(s.item_name)},
                                                        {"办件状态", orDash(s.case_status)}};
  if (!s.policy_text.empty()) f.push_back({"适用政策", s.policy_text});
  d.blocks.push_back(fields(std::move(f)));

  d.blocks.push_back(heading("一、费用明细（金额单位：元）"));
  std::vector<std::vector<std::string>> lines;
  for (size_t i = 0; i < s.lines.size(); ++i) {
    const auto& l = s.lines[i];
    lines.push_back({std::to_string(i + 1), l.code, l.name, l.fee_class, yuanText(l.amount_fen),
                     yuanText(l.excluded_fen), yuanText(l.first_paid_fen),
                     yuanText(l.eligible_fen)});
  }
  d.blocks.push_back(table(
      {"序号", "编码", "项目名称", "类别", "金额", "剔除丙类及自费", "乙类先行自付", "政策范围内"},
      {1.1, 2, 4, 1.1, 2.2, 2.2, 2.2, 2.2}, std::move(lines)));

  d.blocks.push_back(heading("二、结算步骤（金额单位：元）"));
  std::vector<std::vector<std::string>> steps;
  for (size_t i = 0; i < s.steps.size(); ++i) {
    const auto& st = s.steps[i];
    steps.push_back({std::to_string(i + 1), st.name, yuanText(st.base_fen),
                     st.rate_permille < 0 ? kDash : permilleText(st.rate_permille),
                     yuanText(st.amount_fen), orDash(st.note)});
  }
  d.blocks.push_back(table({"序号", "步骤", "基数", "比例", "金额", "说明"},
                           {1.1, 3, 2.2, 1.5, 2.2, 7}, std::move(steps)));

  d.blocks.push_back(heading("三、结算结果（金额单位：元）"));
  d.blocks.push_back(fields({{"医疗费用总额", yuanText(s.total_fen)},
                             {"统筹基金支付", yuanText(s.fund_fen)},
                             {"大病保险支付", yuanText(s.serious_illness_fen)},
                             {"医疗救助支付", yuanText(s.assistance_fen)},
                             {"个人负担", yuanText(s.personal_fen)}}));
  return d;
}

Document certificateDocument(const InsuranceCertificate& c) {
  Document d = titled(c.header, "参保凭证");
  d.blocks.push_back(para("兹证明 " + orDash(c.person.name) + "（证件号码：" +
                          orDash(c.person.id_no) + "）在" + orDash(c.region_name) +
                          "参加基本医疗保险，参保缴费情况如下："));
  d.blocks.push_back(fields({{"姓名", orDash(c.person.name)},
                             {"证件号码", orDash(c.person.id_no)},
                             {"参保地", orDash(c.region_name)},
                             {"险种", orDash(c.insurance_type)},
                             {"参保状态", orDash(c.status)},
                             {"人员类别", orDash(c.employment)},
                             {"所在单位", orDash(c.unit)},
                             {"累计缴费", monthsText(c.contribution_months) + "（" +
                                              std::to_string(c.contribution_months) + "个月）"},
                             {"统计截至", orDash(chineseMonth(c.as_of))}}));
  d.blocks.push_back(heading("参保缴费期间"));
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < c.periods.size(); ++i) {
    const auto& p = c.periods[i];
    rows.push_back({std::to_string(i + 1), chineseMonth(p.from), chineseMonth(p.to),
                    orDash(p.status), orDash(p.insurance_type), orDash(p.unit),
                    std::to_string(p.contribution_months)});
  }
  d.blocks.push_back(table({"序号", "起始年月", "终止年月", "状态", "险种", "单位", "缴费月数"},
                           {1, 2.4, 2.4, 2, 2, 5, 1.8}, std::move(rows)));
  d.blocks.push_back(
      para("本凭证依据参保登记记录出具，缴费月数统计至" + orDash(chineseMonth(c.as_of)) + "。"));
  return d;
}

std::string documentText(const Document& doc) {
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  line(doc.header.agency);
  line(doc.title);
  if (!doc.header.case_no.empty()) line("办件编号：" + doc.header.case_no);
  for (const auto& b : doc.blocks) {
    switch (b.kind) {
      case Kind::kFields:
        for (const auto& [k, v] : b.fields) line(k + "：" + v);
        break;
      case Kind::kTable: {
        std::string head;
        for (const auto& c : b.columns) head += (head.empty() ? "" : "\t") + c;
        line(head);
        for (const auto& r : b.rows) {
          std::string row;
          for (const auto& c : r) row += (row.empty() ? "" : "\t") + c;
          line(row);
        }
        break;
      }
      default:
        line(b.text);
    }
  }
  if (doc.signature) {
    line(doc.header.agency + "（盖章）");
    line(chineseDate(doc.header.issued_on));
  }
  return out;
}

}  // namespace jingban::notices
