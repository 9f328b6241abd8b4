// The printable notices (src/notices): the PDF's text layer is read back with pdftotext and its
// page count with pdfinfo (poppler-utils), and the QR code is decoded from a rendered page with
// pdftoppm + zbarimg (zbar-tools): checks on the file as a reader gets it, not on what was meant
// to be drawn. scripts/setup.sh installs both packages.
#include "notices/notices.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

namespace jingban::notices {
namespace {

const char* kUrl = "http://jingban.example/progress?case_no=630000202603100001";

Header header() {
  return Header{"青海省医疗保障经办机构", "630000202603100001", kUrl, "2026-11-26"};
}

// Runs a shell command, returns its standard output; fails the test on a non-zero exit.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "cannot run " << cmd;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << cmd;
  return out;
}

struct Pdf {
  std::string path;
  explicit Pdf(const std::string& bytes, const std::string& name) {
    path = testing::TempDir() + "notices_" + name + ".pdf";
    std::ofstream(path, std::ios::binary) << bytes;
  }
  ~Pdf() { std::remove(path.c_str()); }
  // The text layer in drawing order (-raw: a table cell stays whole), without white space
  // (pdftotext breaks lines where the layout wrapped them).
  std::string text(int page = 0) const {
    std::string range = page ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
    std::string t = run("pdftotext -raw -enc UTF-8" + range + " '" + path + "' -");
    return std::regex_replace(t, std::regex("\\s+"), "");
  }
  int pages() const {
    std::smatch m;
    std::string info = run("pdfinfo '" + path + "'");
    if (!std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)"))) return -1;
    return std::stoi(m[1]);
  }
};

std::string render(const Document& d) {
  auto pdf = renderPdf(d);
  EXPECT_TRUE(pdf.has_value()) << (pdf ? "" : pdf.error().message);
  return pdf ? *pdf : std::string();
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

TEST(NoticesText, ChineseDatesAndAmounts) {
  EXPECT_EQ(chineseDate("2026-11-26"), "2026年11月26日");
  EXPECT_EQ(chineseDate("2026-03-05"), "2026年3月5日");  // 月、日不编虚位
  EXPECT_EQ(chineseDate(""), "");
  EXPECT_EQ(chineseMonth("2026-01"), "2026年1月");
  EXPECT_EQ(chineseMonth(""), "至今");
  EXPECT_EQ(yuanText(0), "0.00");
  EXPECT_EQ(yuanText(123456789), "1,234,567.89");
  EXPECT_EQ(yuanText(-5), "-0.05");
}

TEST(NoticesPdf, AcceptanceIsOnePageWithTitleCaseNumberAndQr) {
  AcceptanceNotice n{header(),
                     {"张三", "630102********1234"},
                     "门诊费用报销",
                     "窗口",
                     "2026-11-20",
                     "2026-11-26",
                     "2026-12-10",
                     false,
                     {{"身份证", "已提交"}, {"发票", "承诺制"}}};
  std::string bytes = render(acceptanceDocument(n));
  ASSERT_TRUE(bytes.starts_with("%PDF-"));
  Pdf pdf(bytes, "acceptance");
  EXPECT_EQ(pdf.pages(), 1);
  std::string t = pdf.text();
  EXPECT_NE(t.find("受理通知书"), std::string::npos) << t;
  EXPECT_NE(t.find("630000202603100001"), std::string::npos);
  EXPECT_NE(t.find("2026年12月10日前办结"), std::string::npos);
  EXPECT_NE(t.find("2026年11月26日"), std::string::npos);
  EXPECT_NE(t.find("青海省医疗保障经办机构"), std::string::npos);
  EXPECT_EQ(t.find("第1页"), std::string::npos);  // one page: no page numbers

  // The QR code, as a phone would read it from the printed page.
  std::string png = testing::TempDir() + "notices_qr";
  run("pdftoppm -r 200 -f 1 -l 1 -png -singlefile '" + pdf.path + "' '" + png + "'");
  std::string decoded = run("zbarimg --raw -q '" + png + ".png'");
  std::remove((png + ".png").c_str());
  EXPECT_EQ(decoded, std::string(kUrl) + "\n");
}

TEST(NoticesPdf, LongSupplementNoticeRunsOverPagesWithEveryMaterialOnce) {
  SupplementNotice n;
  n.header = header();
  n.applicant = {"李四", "630102********5678"};
  n.item_name = "住院费用报销";
  n.submitted_on = "2026-11-20";
  n.returned_on = "2026-11-26";
  for (int i = 1; i <= 150; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "缺件%03d号", i);
    n.missing.push_back({name, "原件；2份"});
  }
  std::string bytes = render(supplementDocument(n));
  ASSERT_TRUE(bytes.starts_with("%PDF-"));
  Pdf pdf(bytes, "supplement");
  int pages = pdf.pages();
  // 150 rows of at least one 9.5 pt line cannot fit on fewer than three A4 pages.
  EXPECT_GE(pages, 3);
  std::string all = pdf.text();
  EXPECT_NE(all.find("一次性告知书"), std::string::npos);
  EXPECT_NE(all.find("共150项"), std::string::npos);
  for (int i = 1; i <= 150; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "缺件%03d号", i);
    EXPECT_EQ(count(all, name), 1u) << name;
  }
  // Every page: the case number and "第 i 页 共 N 页"; every page with rows of the table repeats
  // its head.
  for (int i = 1; i <= pages; ++i) {
    std::string t = pdf.text(i);
    EXPECT_NE(t.find("办件编号：630000202603100001"), std::string::npos) << "page " << i;
    EXPECT_NE(t.find("第" + std::to_string(i) + "页共" + std::to_string(pages) + "页"),
              std::string::npos)
        << "page " << i << ": " << t.substr(t.size() > 200 ? t.size() - 200 : 0);
    if (t.find("缺件") != std::string::npos)
      EXPECT_NE(t.find("需补正的材料"), std::string::npos) << "page " << i;
  }
}

TEST(NoticesPdf, RefusalStatesReasonAndLegalRemedy) {
  RefusalNotice n{header(),     {"王五", "630102********0000"}, "异地就医备案", "2026-11-20",
                  "2026-11-26", "申请事项不属于本机构职权范围"};
  Pdf pdf(render(refusalDocument(n)), "refusal");
  std::string t = pdf.text();
  EXPECT_NE(t.find("不予受理决定书"), std::string::npos);
  EXPECT_NE(t.find("申请事项不属于本机构职权范围"), std::string::npos);
  EXPECT_NE(t.find("六十日内依法申请行政复议"), std::string::npos) << t;
  EXPECT_NE(t.find("六个月内依法向人民法院提起行政诉讼"), std::string::npos);
}

TEST(NoticesPdf, SettlementSheetPrintsEveryLineAndStepAndMarksExampleParameters) {
  SettlementSheet s;
  s.header = header();
  s.applicant = {"赵六", "630102********1111"};
  s.item_name = "住院费用报销";
  s.case_status = "办理中";
  for (int i = 1; i <= 120; ++i)
    s.lines.push_back(
        {"X" + std::to_string(i), "药品" + std::to_string(1000 + i), "甲", 10000, 0, 0, 10000});
  s.steps = {{"起付线", "一个年度一次", 1200000, 80000, -1},
             {"统筹基金支付", "三级医院", 1120000, 784000, 700}};
  s.total_fen = 1200000;
  s.fund_fen = 784000;
  s.personal_fen = 416000;
  s.example = true;
  Pdf pdf(render(settlementDocument(s)), "settlement");
  EXPECT_GE(pdf.pages(), 2);
  std::string t = pdf.text();
  EXPECT_NE(t.find("结算单"), std::string::npos);
  EXPECT_NE(t.find("示例参数"), std::string::npos);
  for (int i = 1; i <= 120; ++i) EXPECT_EQ(count(t, "药品" + std::to_string(1000 + i)), 1u) << i;
  EXPECT_NE(t.find("统筹基金支付"), std::string::npos);
  EXPECT_NE(t.find("70%"), std::string::npos);
  EXPECT_NE(t.find("7,840.00"), std::string::npos);

  s.example = false;
  EXPECT_EQ(documentText(settlementDocument(s)).find("示例参数"), std::string::npos);
}

TEST(NoticesPdf, CertificateHasPeriodsAndNoCaseNumber) {
  InsuranceCertificate c;
  c.header = {"青海省医疗保障经办机构", "", "", "2026-11-26"};
  c.region_name = "青海省";
  c.person = {"示例人员01", "630099********9013"};
  c.insurance_type = "职工";
  c.status = "参保缴费";
  c.periods = {{"2020-01", "2023-12", "终止", "职工", "示例单位01", 48},
               {"2024-01", "", "参保缴费", "职工", "示例单位02", 35}};
  c.contribution_months = 83;
  c.as_of = "2026-11";
  Pdf pdf(render(certificateDocument(c)), "certificate");
  std::string t = pdf.text();
  EXPECT_NE(t.find("参保凭证"), std::string::npos);
  EXPECT_NE(t.find("示例人员01"), std::string::npos);
  EXPECT_NE(t.find("6年11个月（83个月）"), std::string::npos);
  EXPECT_NE(t.find("2024年1月"), std::string::npos);
  EXPECT_NE(t.find("至今"), std::string::npos);
  EXPECT_EQ(t.find("办件编号"), std::string::npos);
}

}  // namespace
}  // namespace jingban::notices
