// The monthly settlement's fee lines (费用明细): a streaming validator and aggregator. An
// institution's month arrives as CSV or JSON lines, millions of them; each line is checked against
// the month, the agreement and the fee catalogue, and only counters are kept: the totals by class
// and kind, the fund's share, the rejections counted per reason and a bounded sample of them.
// Memory does not grow with the file (one partial line is carried between chunks, at most
// kMaxLineBytes).
//
// Input: CSV with the header `line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,
// amount_fen` (RFC 4180 quoting on one line; no line breaks inside a field), or JSON lines, one
// object a line with the same keys (numbers as JSON numbers or strings). The first non-empty line
// decides: '{' means JSON lines, anything else must be the CSV header.
//
// Decisions (documented in README "Monthly settlement"):
// - quantity is a decimal with at most 3 fractional digits (0.5 盒, 1.25 g), > 0 and ≤ 1,000,000;
//   amount_fen must equal quantity × unit_price_fen rounded half up to the fen.
// - line_no must increase strictly through the file: a repeated or out-of-order number is
//   rejected. That finds every duplicate with one remembered number instead of a set that grows
//   with the file.
// - the fund's share (统筹支付) of the accepted lines: 甲 in full, 乙 less the first-paid share
//   (乙类先行自付, the policy's class_b_first_paid_permille, rounded half up on the month's 乙
//   total), 丙 nothing. The point-of-care deductibles and ratios were applied when each visit was
//   settled and are not in the lines; this is the month's catalogue-class rule only.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "settlement/fee_catalogue.hpp"

namespace jingban::settlement {

inline constexpr size_t kMaxLineBytes = 4096;
inline constexpr int64_t kMaxLines = 100'000'000;             // one upload
inline constexpr int64_t kMaxLineAmountFen = 10'000'000'000;  // 10^8 yuan on one line
inline constexpr size_t kDefaultSampleSize = 100;

enum class Reason : uint8_t {
  kMalformed,
  kLineTooLong,
  kBadLineNo,
  kLineNoOrder,
  kBadIdNo,
  kBadDate,
  kDateOutsideMonth,
  kOutsideAgreement,
  kUnknownCode,
  kKindNotAllowed,
  kClassMismatch,
  kBadQuantity,
  kBadPrice,
  kPriceOverCap,
  kBadAmount,
  kAmountMismatch,
};
inline constexpr int kReasons = 16;
const char* reasonSlug(Reason r);
const char* reasonText(Reason r);  // Chinese, for the institution and the reviewers

struct LineRules {
  std::string month;           // YYYY-MM: every visit_date must lie in it
  std::string agreement_from;  // YYYY-MM-DD, "" = no lower bound
  std::string agreement_to;    // YYYY-MM-DD, "" = open-ended
  bool pharmacy = false;       // 零售药店: 诊疗项目 lines are not theirs to bill
  int class_b_first_paid_permille = 0;
  size_t sample_size = kDefaultSampleSize;
};

struct Bucket {
  int64_t lines = 0, amount_fen = 0;
};

struct Totals {
  int64_t lines = 0, accepted = 0, rejected = 0;
  int64_t amount_fen = 0;  // of the accepted lines
  std::array<Bucket, kClasses> by_class{};
  std::array<Bucket, kKinds> by_kind{};
  int first_paid_permille = 0;
  int64_t class_b_first_paid_fen = 0, fund_fen = 0, self_fen = 0;
  int64_t first_line_no = 0, last_line_no = 0;  // of the accepted lines (0 when none)
  std::array<int64_t, kReasons> rejected_by_reason{};
};

struct Rejection {
  int64_t row = 0;                 // physical line of the body (1 = the first line)
  std::optional<int64_t> line_no;  // the line's own number, when it could be read
  Reason reason = Reason::kMalformed;
};

struct Report {
  Totals totals;
  std::vector<Rejection> sample;  // the first rejections, at most LineRules::sample_size
  // {accepted, rejected, rejected_sample:[{line, row, reason, reason_code}], rejected_by_reason:
  //  {slug: n}, totals:{…}}: the upload's answer.
  nlohmann::json toJson() const;
};
// The totals as JSON (what the case and the register entry carry) and back.
nlohmann::json totalsJson(const Totals& t);

class LineValidator {
 public:
  LineValidator(const FeeCatalogue& catalogue, LineRules rules);
  // The next piece of the body, cut anywhere. Fails (and should not be fed again) only when the
  // whole upload is unusable: no or wrong header, more than kMaxLines lines.
  Result<void> feed(std::string_view chunk);
  // After the last chunk: the report (fails when the body held no header).
  Result<Report> finish();

 private:
  Result<void> line(std::string_view text);
  void csvLine(std::string_view text);
  void jsonLine(std::string_view text);
  // The nine fields, in header order.
  void check(const std::array<std::string_view, 9>& f);
  void reject(Reason r, std::optional<int64_t> line_no = std::nullopt);

  const FeeCatalogue& catalogue_;
  LineRules rules_;
  enum class Format { kUnknown, kCsv, kJson } format_ = Format::kUnknown;
  std::string carry_;      // a line cut between two chunks
  bool skipping_ = false;  // inside a line longer than kMaxLineBytes
  int64_t row_ = 0;
  int64_t last_line_no_ = 0;
  int month_days_ = 0;
  Report report_;
};

}  // namespace jingban::settlement
