#include "common/money.hpp"

#include <cstdio>

namespace jingban {

namespace {
Error outOfRange(const char* field, int64_t lo, int64_t max) {
  return Error{ErrorCode::kUnprocessable, "amount_out_of_range",
               std::string("金额 ") + field + " 须为 " + std::to_string(lo) + " 至 " +
                   std::to_string(max) + " 之间的整数（单位：分）"};
}
}  // namespace

Result<Money> Money::amount(int64_t fen, const char* field, int64_t max_fen) {
  if (fen < 1 || fen > max_fen) return std::unexpected(outOfRange(field, 1, max_fen));
  return Money(fen);
}

Result<Money> Money::total(int64_t fen, const char* field, int64_t max_fen) {
  if (fen < 0 || fen > max_fen) return std::unexpected(outOfRange(field, 0, max_fen));
  return Money(fen);
}

Result<Money> Money::plus(Money o) const {
  int64_t sum = 0;
  if (__builtin_add_overflow(fen_, o.fen_, &sum) || sum > kMaxFen * 1000)
    return fail(ErrorCode::kUnprocessable, "amount_overflow", "金额合计超出允许范围");
  return Money(sum);
}

Result<Money> Money::minus(Money o) const {
  if (o.fen_ > fen_)
    return fail(ErrorCode::kUnprocessable, "amount_negative", "金额不足，不能扣减");
  return Money(fen_ - o.fen_);
}

std::string Money::yuan() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(fen_ / 100),
                static_cast<long long>(fen_ % 100));
  return buf;
}

}  // namespace jingban
