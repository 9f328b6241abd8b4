// XLSX downloads: every list endpoint's `format=xlsx` and the supervisor dashboard. A sheet is
// typed columns with Chinese headers over the same JSON rows the endpoint answers, written with
// libxlsxwriter, so that a download holds exactly what the JSON shows (masking included).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "http/server.hpp"

namespace jingban::xlsx {

inline constexpr const char* kContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// Rows one download holds at most. The workbook is built in memory on an I/O thread: 10,000 rows
// of a case list take about a tenth of a second and 1–2 MB; past that the clerk should narrow the
// filter (item, status, month …) rather than wait, and is told so (422 `too_many_rows`).
inline constexpr size_t kMaxRows = 10'000;

enum class Kind {
  kText,      // as is; an array is joined with 、, true/false read 是/否
  kInteger,   // a whole number
  kMoneyFen,  // integer fen in the JSON, shown in 元 with two decimals (#,##0.00)
  kDate,      // YYYY-MM-DD in the JSON, an Excel date in the sheet
  kDateTime,  // 2026-03-10T10:00:00+08:00 in the JSON, an Excel date-time (Beijing time)
  kRate,      // a share 0…1 in the JSON, shown as a percentage with two decimals
};

struct Column {
  std::string header;  // Chinese, shown in bold on the first row
  std::string key;     // the field of a JSON row; "a.b" reads a nested field
  Kind kind = Kind::kText;
  // Chinese labels of coded values (status ids …); a value without a label is shown as is.
  std::map<std::string, std::string> labels = {};
};

struct Sheet {
  std::string name;  // at most 31 characters, none of []:*?/\ (Excel's rule)
  std::vector<Column> columns;
  nlohmann::json rows = nlohmann::json::array();  // objects, read through Column::key
  std::optional<nlohmann::json> total = {};       // a last row in bold (合计), same keys
};

// The workbook's bytes (a ZIP of XML parts); a sheet per entry, in order. Fails with
// 503 `xlsx_failed` when the file cannot be written (temporary directory full …) and with 500 for
// a sheet the code itself got wrong (a bad name).
Result<std::string> workbook(const std::vector<Sheet>& sheets);

// The cell a column shows for a row's value (exposed for tests): a string, a number, or null for
// an empty cell.
struct CellValue {
  enum { kEmpty, kString, kNumber, kDate, kDateTime } type = kEmpty;
  std::string text;
  double number = 0;
};
CellValue cellOf(const Column& c, const nlohmann::json& row);

// `format` of a list request: json (absent or "json") or xlsx; anything else is 400 `bad_format`.
Result<bool> wantsXlsx(const HttpRequest& req);

// 422 `too_many_rows`: more than kMaxRows match; `hint` says how to narrow (may be empty).
Error tooManyRows(const std::string& hint);

// The download: content type, and Content-Disposition with the Chinese file name (RFC 5987
// filename*, percent-encoded UTF-8) and `ascii_name` as the fallback for old clients. Both names
// come from the code, never from the request.
HttpResponse download(std::string bytes, const std::string& name, const std::string& ascii_name);

// The shared headers of the lists.
const std::map<std::string, std::string>& caseStatusLabels();
const std::map<std::string, std::string>& deadlineStatusLabels();

}  // namespace jingban::xlsx
