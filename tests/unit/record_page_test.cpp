#include "http/record_page.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace jingban {
namespace {

using nlohmann::json;

// The text a reader sees: the page without its style sheet and tags.
std::string visibleText(const std::string& html) {
  std::string s = std::regex_replace(html, std::regex("<style>[^<]*</style>"), "");
  s = std::regex_replace(s, std::regex("<[^>]*>"), " ");
  return s;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

json personDoc() {
  return {{"kind", "person"},
          {"title", "参保缴费记录"},
          {"region", "qinghai"},
          {"region_name", "青海省"},
          {"as_of", "2026-03"},
          {"generated_at", "2026-03-10T10:00:00+08:00"},
          {"name", "张三"},
          {"id_no", "630102199001010012"},
          {"insurance_type", "职工"},
          {"status", "参保缴费"},
          {"employment", "在职"},
          {"unit", {{"credit_code", "916301000000000001"}, {"name", "青海某公司"}}},
          {"enrolments",
           {{{"from", "2020-01"},
             {"to", "2020-12"},
             {"status", "参保缴费"},
             {"insurance_type", "职工"},
             {"unit", {{"credit_code", "916301000000000001"}, {"name", "青海某公司"}}}},
            {{"from", "2021-01"},
             {"to", "2021-06"},
             {"status", "暂停"},
             {"insurance_type", "职工"},
             {"unit", nullptr}},
            {{"from", "2025-01"},
             {"to", ""},
             {"status", "参保缴费"},
             {"insurance_type", "职工"},
             {"unit", {{"credit_code", "916301000000000001"}, {"name", "青海某公司"}}}}}},
          {"contribution_months", 27}};
}

TEST(RecordPage, PersonPageIsPrintableChineseWithPeriodsAndTotals) {
  std::string h = recordHtml(personDoc());
  EXPECT_TRUE(h.starts_with("<!doctype html><html lang=\"zh-CN\">"));
  EXPECT_NE(h.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(h.find("<title>参保缴费记录 · 青海省</title>"), std::string::npos);
  EXPECT_NE(h.find("<h1>参保缴费记录</h1>"), std::string::npos);
  EXPECT_NE(h.find("@media print"), std::string::npos);
  EXPECT_NE(h.find("size:A4"), std::string::npos);
  // The ID number is masked even when the document carries it whole.
  EXPECT_EQ(h.find("630102199001010012"), std::string::npos);
  EXPECT_NE(h.find("630102********0012"), std::string::npos);
  // Three periods, each with its months to the as-of month: 12, 0 (暂停), 15 (2025-01…2026-03).
  EXPECT_EQ(count(h, "<tr><td class=\"n\">"), 3u);
  EXPECT_NE(h.find("2020年01月</td><td>2020年12月"), std::string::npos);
  EXPECT_NE(h.find("2025年01月</td><td>至今"), std::string::npos);
  EXPECT_NE(h.find("<td>参保缴费</td><td class=\"n\">12</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>暂停</td><td class=\"n\">0</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>参保缴费</td><td class=\"n\">15</td>"), std::string::npos);
  EXPECT_NE(h.find("累计缴费月数（2年3个月）</td><td class=\"n\">27</td>"), std::string::npos);
  EXPECT_NE(h.find("青海某公司（916301000000000001）"), std::string::npos);
  EXPECT_NE(h.find("记录截至：2026年03月"), std::string::npos);
  EXPECT_NE(h.find("生成时间：2026年03月10日 10:00:00"), std::string::npos);
  EXPECT_NE(h.find("统筹区：青海省"), std::string::npos);
  EXPECT_NE(h.find("本记录由经办系统生成"), std::string::npos);
  EXPECT_EQ(h.find("办件编号"), std::string::npos);  // not a case's record
  // No English for the reader: the only ASCII letters left are none (the values here have none).
  EXPECT_FALSE(std::regex_search(visibleText(h), std::regex("[A-Za-z]"))) << visibleText(h);
}

TEST(RecordPage, EveryValueIsEscaped) {
  json d = personDoc();
  d["name"] = "<script>alert(\"x\")</script>&'";
  d["region_name"] = "<b>区</b>";
  d["enrolments"][0]["insurance_type"] = "<img src=x onerror=alert(1)>";
  d["unit"] = {{"credit_code", "\"><i>"}, {"name", "<u>单位</u>"}};
  std::string h = recordHtml(d);
  EXPECT_EQ(h.find("<script>"), std::string::npos);
  EXPECT_EQ(h.find("<img"), std::string::npos);
  EXPECT_EQ(h.find("<b>"), std::string::npos);
  EXPECT_EQ(h.find("<u>"), std::string::npos);
  EXPECT_EQ(h.find("<i>"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"), std::string::npos);
  EXPECT_NE(h.find("&lt;b&gt;区&lt;/b&gt;"), std::string::npos);
}

TEST(RecordPage, CaseRecordCarriesTheCaseAndTheCertificateTitle) {
  // The record kept in a 003001 case: the unit is a credit code, no per-period unit names.
  json d = {{"kind", "person"},
            {"title", "参保凭证"},
            {"region_name", "云南省"},
            {"generated_at", "2026-04-01T09:05:07+08:00"},
            {"as_of", "2026-03"},
            {"name", "李四"},
            {"id_no", "530102********0016"},
            {"insurance_type", "城乡居民"},
            {"status", "参保缴费"},
            {"unit", ""},
            {"enrolments",
             {{{"from", "2026-03"},
               {"to", ""},
               {"status", "参保缴费"},
               {"insurance_type", "城乡居民"},
               {"unit", ""}}}},
            {"contribution_months", 1},
            {"case",
             {{"case_no", "530000-20260310-000007"},
              {"item_name", "出具《参保凭证》"},
              {"closed_on", "2026-03-12"}}}};
  std::string h = recordHtml(d);
  EXPECT_NE(h.find("<h1>参保凭证</h1>"), std::string::npos);
  EXPECT_NE(h.find("<th>办件编号</th><td>530000-20260310-000007</td>"), std::string::npos);
  EXPECT_NE(h.find("出具《参保凭证》"), std::string::npos);
  EXPECT_NE(h.find("2026年03月12日"), std::string::npos);
  EXPECT_NE(h.find("累计缴费月数（1个月）"), std::string::npos);
  EXPECT_NE(h.find("<td>—</td>"), std::string::npos);  // no unit
  d["case"]["closed_on"] = nullptr;
  EXPECT_NE(recordHtml(d).find("尚未办结"), std::string::npos);
}

TEST(RecordPage, UnitPageShowsStatusPeriodsAndChangesWithoutContactDetails) {
  json d = {
      {"kind", "unit"},
      {"title", "参保单位参保记录"},
      {"region_name", "青海省"},
      {"generated_at", "2026-03-10T10:00:00+08:00"},
      {"as_of", "2026-03"},
      {"credit_code", "91630100MA0000001X"},
      {"name", "青海某公司"},
      {"type", "企业"},
      {"status", "暂停"},
      {"address", "西宁市城中区"},
      {"legal_representative", "王五"},
      {"insured_employees", 12},
      {"status_periods",
       {{{"from", "2026-01-05"},
         {"to", "2026-02-01"},
         {"status", "正常"},
         {"case_no", "630000-20260105-000001"},
         {"import_batch", nullptr}},
        {{"from", "2026-02-01"},
         {"to", ""},
         {"status", "暂停"},
         {"case_no", "630000-20260201-000003"},
         {"import_batch", nullptr}}}},
      {"history",
       {{{"at", "2026-01-05T10:00:00+08:00"},
         {"case_no", "630000-20260105-000001"},
         {"import_batch", nullptr},
         {"changes",
          {{"name", {{"before", nullptr}, {"after", "青海某公司"}}},
           {"status", {{"before", nullptr}, {"after", "正常"}}}}}},
        {{"at", "2026-02-01T10:00:00+08:00"},
         {"case_no", "630000-20260201-000003"},
         {"import_batch", nullptr},
         {"changes",
          {{"status", {{"before", "正常"}, {"after", "暂停"}}},
           {"bank_account", {{"before", "6222000011112222"}, {"after", "6222000099998888"}}}}}}}}};
  std::string h = recordHtml(d);
  EXPECT_NE(h.find("<h1>参保单位参保记录</h1>"), std::string::npos);
  EXPECT_NE(h.find("91630100MA0000001X"), std::string::npos);
  EXPECT_NE(h.find("12 人"), std::string::npos);
  EXPECT_NE(h.find("2026年01月05日</td><td>2026年02月01日</td><td>正常</td>"), std::string::npos);
  EXPECT_NE(h.find("2026年02月01日</td><td>至今</td><td>暂停</td>"), std::string::npos);
  EXPECT_NE(h.find("参保登记"), std::string::npos);
  EXPECT_NE(h.find("参保状态：正常 → 暂停"), std::string::npos);
  EXPECT_NE(h.find("银行账户已变更"), std::string::npos);
  EXPECT_EQ(h.find("6222000011112222"), std::string::npos);
  EXPECT_EQ(h.find("6222000099998888"), std::string::npos);
  EXPECT_NE(h.find("本记录由经办系统生成"), std::string::npos);
  std::string text = visibleText(h);
  text = std::regex_replace(text, std::regex("91630100MA0000001X"), "");
  EXPECT_FALSE(std::regex_search(text, std::regex("[A-Za-z]"))) << text;
  d["insured_employees"] = nullptr;
  EXPECT_NE(recordHtml(d).find("人数过多，未统计"), std::string::npos);
}

TEST(RecordPage, Displays) {
  EXPECT_EQ(monthDisplay("2026-03"), "2026年03月");
  EXPECT_EQ(monthDisplay(""), "至今");
  EXPECT_EQ(monthDisplay("2026-3"), "2026-3");
  EXPECT_EQ(timeDisplay("2026-03-10T10:00:00+08:00"), "2026年03月10日 10:00:00");
  EXPECT_EQ(timeDisplay("2026-03-10"), "2026年03月10日");
  EXPECT_EQ(timeDisplay("soon"), "soon");
  EXPECT_EQ(monthsDisplay(0), "0个月");
  EXPECT_EQ(monthsDisplay(12), "1年");
  EXPECT_EQ(monthsDisplay(27), "2年3个月");
  EXPECT_EQ(monthsDisplay(5), "5个月");
}

}  // namespace
}  // namespace jingban
