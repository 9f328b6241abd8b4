#include "settlement/fee_lines.hpp"

#include "common/text.hpp"
#include "validate/identity.hpp"

namespace jingban::settlement {

namespace {

constexpr std::string_view kHeader =
    "line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen";
constexpr const char* kFields[9] = {"line_no", "id_no",    "visit_date",     "code",      "name",
                                    "class",   "quantity", "unit_price_fen", "amount_fen"};

struct ReasonInfo {
  const char* slug;
  const char* text;
};
constexpr ReasonInfo kReasonInfo[kReasons] = {
    {"malformed", "格式错误（列数、编码或引号不对）"},
    {"line_too_long", "行过长（超过 4096 字节）"},
    {"bad_line_no", "行号须为正整数"},
    {"line_no_order", "行号须严格递增（重复或乱序的行号）"},
    {"bad_id_no", "公民身份号码无效（位数、出生日期或校验位不对）"},
    {"bad_date", "就诊日期须为 YYYY-MM-DD 格式的有效日期"},
    {"date_outside_month", "就诊日期不在结算月份内"},
    {"outside_agreement", "就诊日期不在定点协议有效期内"},
    {"unknown_code", "编码不在医保目录内"},
    {"kind_not_allowed", "零售药店不能结算诊疗项目"},
    {"class_mismatch", "甲乙丙类别与医保目录不一致"},
    {"bad_quantity", "数量须为大于 0、至多 3 位小数且不超过 1000000 的数"},
    {"bad_price", "单价须为 1 至 10000000000 分的整数"},
    {"price_over_cap", "单价超过医保目录限价"},
    {"bad_amount", "金额须为 0 至 10000000000 分的整数"},
    {"amount_mismatch", "金额不等于数量 × 单价（四舍五入到分）"},
};

// Plain ASCII digits in [lo, hi]; false for anything else (sign, spaces, empty, overflow).
bool digits(std::string_view s, int64_t lo, int64_t hi, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  if (v < lo || v > hi) return false;
  out = v;
  return true;
}

// A decimal with at most 3 fractional digits, as thousandths: "2" → 2000, "0.5" → 500.
bool quantity(std::string_view s, int64_t& milli) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot), frac;
  if (dot != std::string_view::npos) {
    frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 3) return false;
  }
  int64_t w = 0, f = 0;
  if (!digits(whole, 0, 1'000'000, w)) return false;
  if (!frac.empty() && !digits(frac, 0, 999, f)) return false;
  for (size_t i = frac.size(); i < 3; ++i) f *= 10;
  milli = w * 1000 + f;
  return milli > 0 && milli <= 1'000'000'000;
}

int daysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

// RFC 4180 fields of one line: quoted fields may hold commas and doubled quotes. `scratch` holds
// the unquoted text of quoted fields (reserved up front so that views into it stay valid).
bool splitCsv(std::string_view line, std::array<std::string_view, 9>& out, std::string& scratch) {
  scratch.clear();
  scratch.reserve(line.size());
  size_t n = 0, i = 0;
  for (;;) {
    if (n == 9) return false;
    if (i < line.size() && line[i] == '"') {
      size_t start = scratch.size();
      ++i;
      for (;;) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            scratch.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        scratch.push_back(line[i++]);
      }
      out[n++] = std::string_view(scratch).substr(start);
      if (i == line.size()) break;
      if (line[i] != ',') return false;
      ++i;
    } else {
      size_t comma = line.find(',', i);
      std::string_view f =
          line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
      if (f.find('"') != std::string_view::npos) return false;
      out[n++] = f;
      if (comma == std::string_view::npos) break;
      i = comma + 1;
    }
  }
  return n == 9;
}

}  // namespace

const char* reasonSlug(Reason r) { return kReasonInfo[static_cast<int>(r)].slug; }
const char* reasonText(Reason r) { return kReasonInfo[static_cast<int>(r)].text; }

LineValidator::LineValidator(const FeeCatalogue& catalogue, LineRules rules)
    : catalogue_(catalogue), rules_(std::move(rules)) {
  int y = 0, m = 0;
  if (rules_.month.size() == 7 && rules_.month[4] == '-') {
    int64_t yy = 0, mm = 0;
    if (digits(std::string_view(rules_.month).substr(0, 4), 1900, 9999, yy) &&
        digits(std::string_view(rules_.month).substr(5, 2), 1, 12, mm)) {
      y = static_cast<int>(yy);
      m = static_cast<int>(mm);
    }
  }
  // A malformed month (the caller checks it first) makes every date fall outside it.
  month_days_ = m ? daysInMonth(y, m) : 0;
  report_.totals.first_paid_permille = rules_.class_b_first_paid_permille;
}

void LineValidator::reject(Reason r, std::optional<int64_t> line_no) {
  Totals& t = report_.totals;
  ++t.rejected;
  ++t.rejected_by_reason[static_cast<int>(r)];
  if (report_.sample.size() < rules_.sample_size) report_.sample.push_back({row_, line_no, r});
}

Result<void> LineValidator::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      if (skipping_) return {};
      if (carry_.size() + chunk.size() > kMaxLineBytes) {
        // Too long: counted once its end arrives; nothing more of it is kept.
        skipping_ = true;
        carry_.clear();
        return {};
      }
      carry_.append(chunk);
      return {};
    }
    std::string_view piece = chunk.substr(0, nl);
    chunk.remove_prefix(nl + 1);
    if (skipping_) {
      skipping_ = false;
      ++row_;
      if (format_ == Format::kUnknown)
        return fail(ErrorCode::kUnprocessable, "bad_header",
                    "第一行须为表头 " + std::string(kHeader) + "，或 JSON 对象");
      ++report_.totals.lines;
      reject(Reason::kLineTooLong);
      continue;
    }
    Result<void> r;
    if (!carry_.empty()) {
      if (carry_.size() + piece.size() > kMaxLineBytes) {
        carry_.clear();
        ++row_;
        if (format_ == Format::kUnknown)
          return fail(ErrorCode::kUnprocessable, "bad_header",
                      "第一行须为表头 " + std::string(kHeader) + "，或 JSON 对象");
        ++report_.totals.lines;
        reject(Reason::kLineTooLong);
        continue;
      }
      carry_.append(piece);
      r = line(carry_);
      carry_.clear();
    } else {
      if (piece.size() > kMaxLineBytes) {
        ++row_;
        if (format_ == Format::kUnknown)
          return fail(ErrorCode::kUnprocessable, "bad_header",
                      "第一行须为表头 " + std::string(kHeader) + "，或 JSON 对象");
        ++report_.totals.lines;
        reject(Reason::kLineTooLong);
        continue;
      }
      r = line(piece);
    }
    if (!r) return r;
  }
  return {};
}

Result<Report> LineValidator::finish() {
  if (skipping_) {
    skipping_ = false;
    ++row_;
    if (format_ != Format::kUnknown) {
      ++report_.totals.lines;
      reject(Reason::kLineTooLong);
    }
  } else if (!carry_.empty()) {
    std::string last = std::move(carry_);
    carry_.clear();
    if (auto r = line(last); !r) return std::unexpected(r.error());
  }
  if (format_ == Format::kUnknown)
    return fail(ErrorCode::kUnprocessable, "empty_upload",
                "没有费用明细：须以表头 " + std::string(kHeader) + " 开始，或为 JSON 行");
  Totals& t = report_.totals;
  const int64_t b = t.by_class[static_cast<int>(FeeClass::kB)].amount_fen;
  // Rounded half up on the month's 乙 total (not per line): one rounding, explainable.
  t.class_b_first_paid_fen = (b * rules_.class_b_first_paid_permille + 500) / 1000;
  t.fund_fen = t.by_class[static_cast<int>(FeeClass::kA)].amount_fen + b - t.class_b_first_paid_fen;
  t.self_fen = t.class_b_first_paid_fen + t.by_class[static_cast<int>(FeeClass::kC)].amount_fen;
  return report_;
}

Result<void> LineValidator::line(std::string_view text) {
  ++row_;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (format_ == Format::kUnknown) {
    if (row_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 BOM
    if (text.empty()) return {};
    if (text.front() == '{') {
      format_ = Format::kJson;  // this line is the first data line
    } else {
      if (text != kHeader)
        return fail(ErrorCode::kUnprocessable, "bad_header",
                    "第一行须为表头 " + std::string(kHeader) + "，或 JSON 对象");
      format_ = Format::kCsv;
      return {};
    }
  }
  if (text.empty()) return {};
  if (report_.totals.lines >= kMaxLines)
    return fail(ErrorCode::kUnprocessable, "too_many_lines",
                "一次上传的费用明细不能超过 " + std::to_string(kMaxLines) + " 行");
  ++report_.totals.lines;
  if (format_ == Format::kCsv)
    csvLine(text);
  else
    jsonLine(text);
  return {};
}

void LineValidator::csvLine(std::string_view text) {
  std::array<std::string_view, 9> f;
  thread_local std::string scratch;
  if (!validUtf8(text) || !splitCsv(text, f, scratch)) return reject(Reason::kMalformed);
  check(f);
}

void LineValidator::jsonLine(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.size() != 9) return reject(Reason::kMalformed);
  std::array<std::string, 9> held;
  std::array<std::string_view, 9> f;
  for (int i = 0; i < 9; ++i) {
    auto it = j.find(kFields[i]);
    if (it == j.end()) return reject(Reason::kMalformed);
    if (it->is_string())
      held[i] = it->get<std::string>();
    else if (it->is_number_unsigned() || it->is_number_integer() || it->is_number_float())
      held[i] = it->dump();
    else
      return reject(Reason::kMalformed);
    f[i] = held[i];
  }
  check(f);
}

void LineValidator::check(const std::array<std::string_view, 9>& f) {
  int64_t line_no = 0;
  if (!digits(f[0], 1, 999'999'999'999, line_no)) return reject(Reason::kBadLineNo);
  if (line_no <= last_line_no_) return reject(Reason::kLineNoOrder, line_no);
  last_line_no_ = line_no;

  // ID number: GB 11643 (lower-case x accepted as X).
  std::string_view id = f[1];
  if (id.size() != 18) return reject(Reason::kBadIdNo, line_no);
  if (id.back() == 'x') {
    char buf[18];
    std::copy(id.begin(), id.end(), buf);
    buf[17] = 'X';
    if (!validCitizenId(std::string_view(buf, 18))) return reject(Reason::kBadIdNo, line_no);
  } else if (!validCitizenId(id)) {
    return reject(Reason::kBadIdNo, line_no);
  }

  std::string_view date = f[2];
  int64_t dd = 0, mm = 0, yy = 0;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' ||
      !digits(date.substr(0, 4), 1900, 9999, yy) || !digits(date.substr(5, 2), 1, 12, mm) ||
      !digits(date.substr(8, 2), 1, daysInMonth(static_cast<int>(yy), static_cast<int>(mm)), dd))
    return reject(Reason::kBadDate, line_no);
  if (date.substr(0, 7) != rules_.month || month_days_ == 0)
    return reject(Reason::kDateOutsideMonth, line_no);
  if ((!rules_.agreement_from.empty() && date < rules_.agreement_from) ||
      (!rules_.agreement_to.empty() && date > rules_.agreement_to))
    return reject(Reason::kOutsideAgreement, line_no);

  const CatalogueEntry* e = catalogue_.find(f[3]);
  if (!e) return reject(Reason::kUnknownCode, line_no);
  if (rules_.pharmacy && e->kind == CodeKind::kService)
    return reject(Reason::kKindNotAllowed, line_no);
  FeeClass cls;
  if (!parseClass(f[5], cls) || cls != e->cls) return reject(Reason::kClassMismatch, line_no);
  if (f[4].empty() || utf8Length(f[4]) > 100) return reject(Reason::kMalformed, line_no);

  int64_t qty = 0, price = 0, amount = 0;
  if (!quantity(f[6], qty)) return reject(Reason::kBadQuantity, line_no);
  if (!digits(f[7], 1, kMaxPriceCapFen, price)) return reject(Reason::kBadPrice, line_no);
  if (price > e->price_cap_fen) return reject(Reason::kPriceOverCap, line_no);
  if (!digits(f[8], 0, kMaxLineAmountFen, amount)) return reject(Reason::kBadAmount, line_no);
  // quantity × unit price, rounded half up to the fen (128 bits: 10^9 × 10^10 overflows 64).
  __int128 expected = (static_cast<__int128>(qty) * price + 500) / 1000;
  if (expected != amount) return reject(Reason::kAmountMismatch, line_no);

  Totals& t = report_.totals;
  ++t.accepted;
  t.amount_fen += amount;  // ≤ 10^8 lines × 10^10 fen: no overflow
  auto& c = t.by_class[static_cast<int>(e->cls)];
  ++c.lines;
  c.amount_fen += amount;
  auto& k = t.by_kind[static_cast<int>(e->kind)];
  ++k.lines;
  k.amount_fen += amount;
  if (t.first_line_no == 0) t.first_line_no = line_no;
  t.last_line_no = line_no;
}

nlohmann::json totalsJson(const Totals& t) {
  nlohmann::json by_class = nlohmann::json::object(), by_kind = nlohmann::json::object(),
                 reasons = nlohmann::json::object();
  for (int i = 0; i < kClasses; ++i)
    by_class[className(static_cast<FeeClass>(i))] = {{"lines", t.by_class[i].lines},
                                                     {"amount_fen", t.by_class[i].amount_fen}};
  for (int i = 0; i < kKinds; ++i)
    by_kind[kindName(static_cast<CodeKind>(i))] = {{"lines", t.by_kind[i].lines},
                                                   {"amount_fen", t.by_kind[i].amount_fen}};
  for (int i = 0; i < kReasons; ++i)
    if (t.rejected_by_reason[i])
      reasons[reasonSlug(static_cast<Reason>(i))] = t.rejected_by_reason[i];
  return {{"lines", t.lines},
          {"accepted", t.accepted},
          {"rejected", t.rejected},
          {"amount_fen", t.amount_fen},
          {"by_class", std::move(by_class)},
          {"by_kind", std::move(by_kind)},
          {"class_b_first_paid_permille", t.first_paid_permille},
          {"class_b_first_paid_fen", t.class_b_first_paid_fen},
          {"fund_fen", t.fund_fen},
          {"self_fen", t.self_fen},
          {"first_line_no", t.first_line_no},
          {"last_line_no", t.last_line_no},
          {"rejected_by_reason", std::move(reasons)}};
}

nlohmann::json Report::toJson() const {
  nlohmann::json sample = nlohmann::json::array();
  for (const auto& r : this->sample)
    sample.push_back({{"line", r.line_no ? nlohmann::json(*r.line_no) : nlohmann::json(nullptr)},
                      {"row", r.row},
                      {"reason", reasonText(r.reason)},
                      {"reason_code", reasonSlug(r.reason)}});
  return {{"accepted", totals.accepted},
          {"rejected", totals.rejected},
          {"rejected_sample", std::move(sample)},
          {"totals", totalsJson(totals)}};
}

}  // namespace jingban::settlement
