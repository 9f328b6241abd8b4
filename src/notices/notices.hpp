// Printable notices as PDF, made on the server: 受理通知书, 一次性告知书, 不予受理决定书,
// 办结通知书, 结算单 and 参保凭证. Pure: input structs in, PDF bytes out (no HTTP, no store); http
// builds the inputs.
//
// Each notice is first a Document (title, blocks of text, fields and tables), then rendered by
// cairo + pango on A4 with a CJK font found through fontconfig by family name (fonts-noto-cjk), the
// case number and a QR code of the progress page on every page, and page numbers when it runs over
// one page. Dates are "YYYY-MM-DD" in the inputs and printed as 2026年11月26日.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace jingban::notices {

// The font families asked of fontconfig (fonts-noto-cjk): a 宋体-like face for the text and a
// 黑体-like one for titles and table heads.
inline constexpr const char* kSerifFamily = "Noto Serif CJK SC";
inline constexpr const char* kSansFamily = "Noto Sans CJK SC";

// What every page carries, and who signs.
struct Header {
  std::string agency;     // the issuing body, e.g. 青海省医疗保障经办机构
  std::string case_no;    // printed on every page; "" for a document of no case (参保凭证)
  std::string qr_url;     // encoded in the QR code on every page; "" for none
  std::string issued_on;  // YYYY-MM-DD: the date in the signature
};

// The applicant as a notice names them (the ID number already masked by the caller).
struct Party {
  std::string name, id_no;
};

struct AcceptanceNotice {
  Header header;
  Party applicant;
  std::string item_name, channel;
  std::string submitted_on, accepted_on;  // YYYY-MM-DD
  std::string due_on;                     // "" when the limit states no date (未载明)
  bool due_provisional = false;           // counted over a year whose holidays are not published
  std::vector<std::pair<std::string, std::string>> materials;  // name, how it was given
};

struct SupplementNotice {
  Header header;
  Party applicant;
  std::string item_name;
  std::string submitted_on, returned_on;  // YYYY-MM-DD
  bool after_acceptance = false;  // returned at a review step: the limit pauses until supplemented
  struct Missing {
    std::string name,
        requirement;  // requirement: 原件/复印件, copies … ("" when the seed says none)
  };
  std::vector<Missing> missing;  // every missing material, once
  std::string remark;            // the clerk's note on the return ("" when none)
};

struct RefusalNotice {
  Header header;
  Party applicant;
  std::string item_name;
  std::string submitted_on, decided_on;  // YYYY-MM-DD
  std::string reason;                    // required by the workflow for 不予受理
};

struct CompletionNotice {
  Header header;
  Party applicant;
  std::string item_name;
  std::string submitted_on, accepted_on, closed_on;        // YYYY-MM-DD (accepted_on may be "")
  std::string due_on;                                      // "" when none
  int64_t paid_fen = 0;                                    // 拨付 amount; 0 when nothing was paid
  std::vector<std::pair<std::string, std::string>> steps;  // step name, YYYY-MM-DD
};

// The 结算单 as the settlement recorded it (policy/settlement.hpp, settlementJson).
struct SettlementSheet {
  Header header;
  Party applicant;
  std::string item_name, case_status;  // case_status: 办理中 / 已办结 …
  std::string policy_text;             // which policy (region, insurance type, year), or ""
  struct Line {
    std::string code, name, fee_class;  // 甲 / 乙 / 丙
    int64_t amount_fen = 0, excluded_fen = 0, first_paid_fen = 0, eligible_fen = 0;
  };
  struct Step {
    std::string name, note;
    int64_t base_fen = 0, amount_fen = 0;
    int rate_permille = -1;  // -1: the step applies no ratio
  };
  std::vector<Line> lines;
  std::vector<Step> steps;
  int64_t total_fen = 0, fund_fen = 0, serious_illness_fen = 0, assistance_fen = 0,
          personal_fen = 0;
  bool example = false;  // computed from example policy figures (示例参数)
};

// 参保凭证 from the person register (no case: header.case_no and qr_url are "").
struct InsuranceCertificate {
  Header header;
  std::string region_name;
  Party person;
  std::string insurance_type, status, employment, unit;  // unit: its name (and credit code)
  struct Period {
    std::string from, to;  // YYYY-MM; to "" = open (至今)
    std::string status, insurance_type, unit;
    int contribution_months = 0;
  };
  std::vector<Period> periods;
  int contribution_months = 0;
  std::string as_of;  // YYYY-MM: the month counted to
};

// A notice before rendering: what is printed, in order.
struct Block {
  enum class Kind {
    kPlain,      // a line without indent (the salutation: 张三：)
    kParagraph,  // body text, first line indented two characters
    kHeading,    // a bold line (一、…)
    kFields,     // label：value lines
    kTable,      // columns with relative widths; the head repeats on every page it spans
    kNote,       // a framed remark (示例参数)
  };
  Kind kind = Kind::kParagraph;
  std::string text;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> columns;
  std::vector<double> widths;  // relative, one per column
  std::vector<std::vector<std::string>> rows;
};

struct Document {
  Header header;
  std::string title;
  std::vector<Block> blocks;
  bool signature = true;  // the agency, （盖章） and the date at the end
};

Document acceptanceDocument(const AcceptanceNotice& n);
Document supplementDocument(const SupplementNotice& n);
Document refusalDocument(const RefusalNotice& n);
Document completionDocument(const CompletionNotice& n);
Document settlementDocument(const SettlementSheet& s);
Document certificateDocument(const InsuranceCertificate& c);

// The document as PDF bytes. Fails (503 font_missing) when fontconfig has no CJK family of the
// names above — rather than printing boxes — and (500) when cairo or qrencode fail.
Result<std::string> renderPdf(const Document& doc);

// Every string the document prints, in order, one a line (for checks before rendering).
std::string documentText(const Document& doc);

// "2026-11-26" → "2026年11月26日" (no leading zeros, as official documents write dates); "" → "";
// anything else unchanged.
std::string chineseDate(const std::string& iso);
// "2026-03" → "2026年3月"; "" → "至今".
std::string chineseMonth(const std::string& ym);
// 123456 fen → "1,234.56" (negative with a minus sign).
std::string yuanText(int64_t fen);

// The legal remedy of a 不予受理决定书 (行政复议 within 60 days, 行政诉讼 within 6 months).
extern const char* const kRemedyText;

}  // namespace jingban::notices
