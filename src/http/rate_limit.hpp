// Rate limits for the endpoints anyone can call: token buckets per client address and per account
// (the username signing in, the case or ID number acted on), refilled continuously, answered 429
// with Retry-After. Thread-safe, bounded memory, time from an injected Clock.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "calendar/date.hpp"
#include "common/error.hpp"

namespace jingban {

enum class RateKind {
  kSignin,     // POST /api/v1/session
  kProgress,   // GET /api/v1/progress
  kSubmit,     // anonymous POST /api/v1/cases
  kApplicant,  // the applicant's own actions (supplement, withdraw, rate)
};
inline constexpr size_t kRateKinds = 4;

// Requests per minute; 0 = no limit. A bucket holds one minute's worth, so a client may burst
// that many and then goes at the steady rate.
struct RateLimitConfig {
  bool enabled = true;
  std::array<int, kRateKinds> per_address{10, 60, 20, 30};
  std::array<int, kRateKinds> per_account{5, 60, 20, 30};
  size_t max_buckets = 100000;  // across all kinds; idle buckets go first

  // Specs, as given to `serve --rate-limit` (repeatable): "KIND=N/min" sets the per-address limit
  // of KIND (signin | progress | submit | applicant), "KIND_account=N/min" its per-account limit,
  // "KIND=off" / "KIND_account=off" removes one, "off" turns every limit off. Empty: defaults.
  static Result<RateLimitConfig> parse(const std::vector<std::string>& specs);
};

class RateLimiter {
 public:
  RateLimiter(RateLimitConfig config, Clock clock);
  ~RateLimiter();
  // Takes one token from the address's bucket and, when `account` is given, from the account's;
  // 429 `rate_limited` with retry_after when either is empty (then neither is charged).
  Result<void> check(RateKind kind, std::string_view address, std::string_view account = {});
  size_t buckets() const;  // for tests and metrics

 private:
  struct Shard;
  // Takes a token from one bucket; otherwise the seconds until one is there.
  int take(RateKind kind, char scope, std::string_view who, int per_minute, int64_t now);
  void giveBack(RateKind kind, char scope, std::string_view who);
  Shard& shardFor(const std::string& key) const;

  RateLimitConfig config_;
  Clock clock_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace jingban
