// The strict CSV reader of the batch imports (residents, personal-account credits): RFC 4180
// records with row-level problems kept apart from file-level errors. Internal to effects/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace jingban::csv {

inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

// One record of the file as read: its fields, or the reason it cannot be read.
struct Record {
  std::vector<std::string> fields;
  std::string problem;  // a row-level problem (a stray quote, a field over the cap)
  bool blank = false;   // an empty line: skipped
};

// RFC 4180 with the usual tolerance: LF or CRLF (or a lone CR) ends a record, a quoted field may
// hold commas, line breaks and doubled quotes. Strict on the rest: a quote inside an unquoted
// field, or text after a closing quote, makes the row unreadable (its problem); an unclosed quote
// or bytes that are not UTF-8 make the whole file unreadable (an error).
class CsvReader {
 public:
  CsvReader(std::string_view text, size_t max_field_bytes)
      : s_(text), max_field_(max_field_bytes) {}
  bool atEnd() const { return pos_ >= s_.size(); }

  // `row` names the record in a file-level error.
  Result<void> next(Record& r, int64_t row) {
    r.fields.clear();
    r.problem.clear();
    r.blank = false;
    const size_t start = pos_, n = s_.size();
    enum { kFieldStart, kUnquoted, kQuoted, kAfterQuote } st = kFieldStart;
    std::string field;
    bool quoted_any = false, too_long = false;
    auto put = [&](char c) {
      if (field.size() < max_field_)
        field += c;
      else
        too_long = true;
    };
    auto endField = [&] {
      r.fields.push_back(std::move(field));
      field.clear();
    };
    auto setProblem = [&](const char* why) {
      if (r.problem.empty()) r.problem = why;
    };
    bool done = false;
    while (pos_ < n && !done) {
      char c = s_[pos_];
      switch (st) {
        case kFieldStart:
          if (c == '"') {
            st = kQuoted;
            quoted_any = true;
            ++pos_;
            break;
          }
          st = kUnquoted;
          [[fallthrough]];
        case kUnquoted:
          if (c == ',') {
            endField();
            st = kFieldStart;
          } else if (c == '\n' || c == '\r') {
            done = true;
            break;
          } else {
            if (c == '"') setProblem("未加引号的字段中含有引号（\"）");
            put(c);
          }
          ++pos_;
          break;
        case kQuoted:
          if (c == '"') {
            if (pos_ + 1 < n && s_[pos_ + 1] == '"') {
              put('"');
              pos_ += 2;
            } else {
              st = kAfterQuote;
              ++pos_;
            }
          } else {
            put(c);
            ++pos_;
          }
          break;
        case kAfterQuote:
          if (c == ',') {
            endField();
            st = kFieldStart;
          } else if (c == '\n' || c == '\r') {
            done = true;
            break;
          } else {
            setProblem("引号后有多余字符");
          }
          ++pos_;
          break;
      }
    }
    if (st == kQuoted)
      return fail(ErrorCode::kUnprocessable, "invalid_csv",
                  "第 " + std::to_string(row) + " 行起引号未闭合，无法读取文件其余部分");
    const size_t end = pos_;
    if (pos_ < n && s_[pos_] == '\r') ++pos_;
    if (pos_ < n && s_[pos_] == '\n' && (pos_ == end || s_[pos_ - 1] == '\r')) ++pos_;
    if (!validUtf8(s_.substr(start, end - start)))
      return fail(
          ErrorCode::kUnprocessable, "not_utf8",
          "第 " + std::to_string(row) +
              " 行不是有效的 UTF-8 编码：文件须为 UTF-8（Excel 请另存为“CSV UTF-8（逗号分隔）”）");
    endField();
    r.blank = r.fields.size() == 1 && r.fields[0].empty() && !quoted_any;
    if (too_long) setProblem("字段过长");
    return {};
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  size_t max_field_;
};

}  // namespace jingban::csv
