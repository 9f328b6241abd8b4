#include "http/xlsx.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "calendar/date.hpp"

namespace jingban::xlsx {

using nlohmann::json;

namespace {

Error failed() {
  return {ErrorCode::kUnavailable, "xlsx_failed", "生成 XLSX 文件失败，请稍后重试"};
}

// The value at "a.b.c" in `row`, or null.
const json* field(const json& row, const std::string& key) {
  const json* at = &row;
  size_t start = 0;
  for (;;) {
    size_t dot = key.find('.', start);
    std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string::npos) return at;
    start = dot + 1;
  }
}

std::string textOf(const json& v, const Column& c) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    auto it = c.labels.find(s);
    return it == c.labels.end() ? s : it->second;
  }
  if (v.is_boolean()) return v.get<bool>() ? "是" : "否";
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      std::string s = textOf(e, c);
      if (s.empty()) continue;
      out += (out.empty() ? "" : "、") + s;
    }
    return out;
  }
  if (v.is_null()) return "";
  return v.dump();
}

bool digits(std::string_view s) {
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  return !s.empty();
}

// YYYY-MM-DDTHH:MM:SS… (the API's own timestamps, Beijing time): the date and the seconds of day.
std::optional<std::pair<Date, int>> parseDateTime(const std::string& s) {
  if (s.size() < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto d = Date::parse(std::string_view(s).substr(0, 10));
  std::string_view h = std::string_view(s).substr(11, 2), m = std::string_view(s).substr(14, 2),
                   sec = std::string_view(s).substr(17, 2);
  if (!d || !digits(h) || !digits(m) || !digits(sec)) return std::nullopt;
  int hh = std::stoi(std::string(h)), mm = std::stoi(std::string(m)),
      ss = std::stoi(std::string(sec));
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return std::pair{*d, hh * 3600 + mm * 60 + ss};
}

lxw_datetime excelDate(Date d, int seconds) {
  return lxw_datetime{
      d.year(),       static_cast<int>(d.month()), static_cast<int>(d.day()),
      seconds / 3600, (seconds / 60) % 60,         static_cast<double>(seconds % 60)};
}

double columnWidth(const Column& c) {
  switch (c.kind) {
    case Kind::kDate:
      return 12;
    case Kind::kDateTime:
      return 20;
    case Kind::kMoneyFen:
      return 14;
    case Kind::kInteger:
    case Kind::kRate:
      return std::max<double>(10, static_cast<double>(c.header.size()) / 3 * 2 + 2);
    case Kind::kText:
      break;
  }
  return 18;
}

}  // namespace

CellValue cellOf(const Column& c, const json& row) {
  const json* v = field(row, c.key);
  CellValue out;
  if (!v || v->is_null()) return out;
  switch (c.kind) {
    case Kind::kInteger:
    case Kind::kRate:
      if (v->is_number()) {
        out.type = CellValue::kNumber;
        out.number = v->get<double>();
        return out;
      }
      break;
    case Kind::kMoneyFen:
      if (v->is_number_integer()) {
        out.type = CellValue::kNumber;
        // Exact to the fen: every amount is at most 10^12 fen, well inside a double's 2^53.
        out.number = static_cast<double>(v->get<int64_t>()) / 100.0;
        return out;
      }
      break;
    case Kind::kDate:
      if (v->is_string() && Date::parse(v->get<std::string>())) {
        out.type = CellValue::kDate;
        out.text = v->get<std::string>();
        return out;
      }
      break;
    case Kind::kDateTime:
      if (v->is_string() && parseDateTime(v->get<std::string>())) {
        out.type = CellValue::kDateTime;
        out.text = v->get<std::string>();
        return out;
      }
      break;
    case Kind::kText:
      break;
  }
  // Text, or a value of another shape than the column's kind: shown as text rather than lost.
  out.text = textOf(*v, c);
  out.type = out.text.empty() ? CellValue::kEmpty : CellValue::kString;
  return out;
}

Result<std::string> workbook(const std::vector<Sheet>& sheets) {
  // libxlsxwriter 1.1.4 (Debian 12) writes to a file: a private temporary one, read back and
  // removed whatever happens.
  std::string path = (std::filesystem::temp_directory_path() / "jingban-xlsx-XXXXXX").string();
  int fd = mkstemp(path.data());
  if (fd < 0) return std::unexpected(failed());
  close(fd);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return std::unexpected(failed());
  struct Guard {  // closes (and frees) the workbook on every early return
    lxw_workbook* wb;
    bool closed = false;
    ~Guard() {
      if (!closed) workbook_close(wb);
    }
  } guard{wb};
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  auto numberFormat = [&](const char* f, bool b) {
    lxw_format* x = workbook_add_format(wb);
    format_set_num_format(x, f);
    if (b) format_set_bold(x);
    return x;
  };
  lxw_format* fmt[2][5];  // [bold][kind]: integer, money, date, date-time, rate
  for (int b = 0; b < 2; ++b) {
    fmt[b][0] = numberFormat("0", b);
    fmt[b][1] = numberFormat("#,##0.00", b);
    fmt[b][2] = numberFormat("yyyy-mm-dd", b);
    fmt[b][3] = numberFormat("yyyy-mm-dd hh:mm:ss", b);
    fmt[b][4] = numberFormat("0.00%", b);
  }
  for (const auto& s : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
    if (!ws)
      return fail(ErrorCode::kInternal, "xlsx_sheet_name", "生成 XLSX 文件失败（工作表名称无效）");
    for (size_t c = 0; c < s.columns.size(); ++c) {
      auto col = static_cast<lxw_col_t>(c);
      worksheet_write_string(ws, 0, col, s.columns[c].header.c_str(), bold);
      worksheet_set_column(ws, col, col, columnWidth(s.columns[c]), nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    auto writeRow = [&](lxw_row_t r, const json& row, bool b) -> Result<void> {
      for (size_t c = 0; c < s.columns.size(); ++c) {
        const Column& column = s.columns[c];
        auto col = static_cast<lxw_col_t>(c);
        CellValue v = cellOf(column, row);
        lxw_error e = LXW_NO_ERROR;
        switch (v.type) {
          case CellValue::kEmpty:
            if (b) e = worksheet_write_blank(ws, r, col, bold);
            break;
          case CellValue::kString:
            // Always a string cell, never a formula: text starting with = stays text.
            e = worksheet_write_string(ws, r, col, v.text.c_str(), b ? bold : nullptr);
            break;
          case CellValue::kNumber: {
            int k = column.kind == Kind::kMoneyFen ? 1 : column.kind == Kind::kRate ? 4 : 0;
            e = worksheet_write_number(ws, r, col, v.number, fmt[b][k]);
            break;
          }
          case CellValue::kDate: {
            lxw_datetime dt = excelDate(*Date::parse(v.text), 0);
            e = worksheet_write_datetime(ws, r, col, &dt, fmt[b][2]);
            break;
          }
          case CellValue::kDateTime: {
            auto p = parseDateTime(v.text);
            lxw_datetime dt = excelDate(p->first, p->second);
            e = worksheet_write_datetime(ws, r, col, &dt, fmt[b][3]);
            break;
          }
        }
        if (e != LXW_NO_ERROR) return std::unexpected(failed());
      }
      return {};
    };
    lxw_row_t r = 1;
    for (const auto& row : s.rows) {
      if (auto w = writeRow(r++, row, false); !w) return std::unexpected(w.error());
    }
    if (s.total)
      if (auto w = writeRow(r, *s.total, true); !w) return std::unexpected(w.error());
  }
  guard.closed = true;
  if (workbook_close(wb) != LXW_NO_ERROR) return std::unexpected(failed());

  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return std::unexpected(failed());
  return bytes.str();
}

Result<bool> wantsXlsx(const HttpRequest& req) {
  auto it = req.query.find("format");
  if (it == req.query.end() || it->second.empty() || it->second == "json") return false;
  if (it->second == "xlsx") return true;
  return fail(ErrorCode::kBadRequest, "bad_format", "format 须为 json 或 xlsx");
}

Error tooManyRows(const std::string& hint) {
  return {ErrorCode::kUnprocessable, "too_many_rows",
          "符合条件的记录超过 " + std::to_string(kMaxRows) + " 条，无法一次导出，请缩小查询范围" +
              (hint.empty() ? "" : "（" + hint + "）") + "后再导出"};
}

HttpResponse download(std::string bytes, const std::string& name, const std::string& ascii_name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string encoded;  // RFC 5987: attr-char as is, every other byte %XX
  for (unsigned char ch : name + ".xlsx") {
    if (std::isalnum(ch) ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
      encoded += static_cast<char>(ch);
    } else {
      encoded += '%';
      encoded += kHex[ch >> 4];
      encoded += kHex[ch & 15];
    }
  }
  HttpResponse r;
  r.content_type = kContentType;
  r.body = std::move(bytes);
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + ascii_name +
                                                  ".xlsx\"; filename*=UTF-8''" + encoded});
  return r;
}

const std::map<std::string, std::string>& caseStatusLabels() {
  static const std::map<std::string, std::string> m{
      {"submitted", "待受理"}, {"supplement", "待补正"},     {"in_progress", "办理中"},
      {"completed", "已办结"}, {"not_accepted", "不予受理"}, {"rejected", "审核不通过"},
      {"withdrawn", "已撤回"}};
  return m;
}

const std::map<std::string, std::string>& deadlineStatusLabels() {
  static const std::map<std::string, std::string> m{{"not_started", "未起算"},
                                                    {"on_time", "正常"},
                                                    {"due_soon", "即将到期"},
                                                    {"overdue", "已超期"},
                                                    {"unstated", "时限未载明"}};
  return m;
}

}  // namespace jingban::xlsx
