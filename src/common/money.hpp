// Money is an integer number of fen (分), never a float. Every sum is checked: an amount outside
// 1 … 10^12 fen (one billion yuan) is refused where it enters, and a sum that would overflow is an
// error, not undefined behaviour.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace jingban {

class Money {
 public:
  static constexpr int64_t kMaxFen = 1'000'000'000'000;  // 10^12 fen = 10^10 yuan

  constexpr Money() = default;
  // An amount to pay or book: 1 … max_fen (default 10^12). `field` names it in the message.
  static Result<Money> amount(int64_t fen, const char* field = "amount_fen",
                              int64_t max_fen = kMaxFen);
  // A balance or total that may be zero (0 … max_fen).
  static Result<Money> total(int64_t fen, const char* field = "amount_fen",
                             int64_t max_fen = kMaxFen);

  constexpr int64_t fen() const { return fen_; }
  Result<Money> plus(Money o) const;
  Result<Money> minus(Money o) const;  // never below zero
  auto operator<=>(const Money&) const = default;
  std::string yuan() const;  // "1234.56"

 private:
  constexpr explicit Money(int64_t f) : fen_(f) {}
  int64_t fen_ = 0;
};

}  // namespace jingban
