#include "http/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/hash.hpp"

namespace jingban {

namespace {

constexpr size_t kShards = 16;  // independent locks, so that busy endpoints do not queue on one
constexpr int64_t kSweepSeconds = 60;
constexpr std::array<std::string_view, kRateKinds> kKindNames{"signin", "progress", "submit",
                                                              "applicant"};

Error badSpec(const std::string& spec) {
  return Error{ErrorCode::kBadRequest, "bad_rate_limit",
               "限流设置须为 KIND=N/min、KIND_account=N/min、KIND=off 或 off（KIND: signin、"
               "progress、submit、applicant），无法识别：" +
                   spec};
}

}  // namespace

Result<RateLimitConfig> RateLimitConfig::parse(const std::vector<std::string>& specs) {
  RateLimitConfig c;
  for (const auto& spec : specs) {
    if (spec == "off") {
      c.enabled = false;
      continue;
    }
    auto eq = spec.find('=');
    if (eq == std::string::npos) return std::unexpected(badSpec(spec));
    std::string_view name = std::string_view(spec).substr(0, eq);
    std::string_view value = std::string_view(spec).substr(eq + 1);
    bool account = name.ends_with("_account");
    if (account) name.remove_suffix(std::string_view("_account").size());
    auto k = std::find(kKindNames.begin(), kKindNames.end(), name);
    if (k == kKindNames.end()) return std::unexpected(badSpec(spec));
    int n = 0;
    if (value == "off") {
      n = 0;
    } else {
      if (!value.ends_with("/min")) return std::unexpected(badSpec(spec));
      value.remove_suffix(4);
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n <= 0 || n > 1000000)
        return std::unexpected(badSpec(spec));
    }
    auto i = static_cast<size_t>(k - kKindNames.begin());
    (account ? c.per_account : c.per_address)[i] = n;
  }
  return c;
}

struct RateLimiter::Shard {
  struct Bucket {
    double tokens;
    int64_t last;
    int per_minute;
  };
  std::mutex mu;
  std::unordered_map<std::string, Bucket> buckets;
  int64_t last_sweep = 0;

  static double refilled(const Bucket& b, int64_t now) {
    double t = b.tokens + static_cast<double>(now - b.last) * b.per_minute / 60.0;
    return std::min(t, static_cast<double>(b.per_minute));
  }
  // A bucket that has refilled completely is the same as no bucket: dropping it changes nothing.
  void sweepFull(int64_t now) {
    std::erase_if(buckets, [now](const auto& kv) {
      return refilled(kv.second, now) >= kv.second.per_minute;
    });
    last_sweep = now;
  }
};

RateLimiter::RateLimiter(RateLimitConfig config, Clock clock)
    : config_(config), clock_(std::move(clock)), shards_(std::make_unique<Shard[]>(kShards)) {}

RateLimiter::~RateLimiter() = default;

RateLimiter::Shard& RateLimiter::shardFor(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

namespace {
// The bucket's key; long client-supplied strings (a username, an ID number) are hashed so that a
// bucket costs a bounded amount of memory.
std::string bucketKey(RateKind kind, char scope, std::string_view who) {
  std::string key;
  key += static_cast<char>('0' + static_cast<int>(kind));
  key += scope;
  if (who.size() <= 64)
    key += who;
  else
    key += sha256Hex(who);
  return key;
}
}  // namespace

int RateLimiter::take(RateKind kind, char scope, std::string_view who, int per_minute,
                      int64_t now) {
  std::string key = bucketKey(kind, scope, who);
  Shard& s = shardFor(key);
  std::lock_guard lk(s.mu);
  size_t cap = std::max<size_t>(1, config_.max_buckets / kShards);
  if (now - s.last_sweep >= kSweepSeconds) s.sweepFull(now);
  auto it = s.buckets.find(key);
  if (it == s.buckets.end()) {
    if (s.buckets.size() >= cap) {
      s.sweepFull(now);
      // Still full of active buckets (a flood from very many addresses): forget some. They start
      // again with a full bucket, which is the price of a memory bound.
      while (s.buckets.size() >= cap) s.buckets.erase(s.buckets.begin());
    }
    it = s.buckets.emplace(key, Shard::Bucket{static_cast<double>(per_minute), now, per_minute})
             .first;
  }
  auto& b = it->second;
  b.per_minute = per_minute;
  b.tokens = Shard::refilled(b, now);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  double wait = (1.0 - b.tokens) * 60.0 / per_minute;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

void RateLimiter::giveBack(RateKind kind, char scope, std::string_view who) {
  std::string key = bucketKey(kind, scope, who);
  Shard& s = shardFor(key);
  std::lock_guard lk(s.mu);
  auto it = s.buckets.find(key);
  if (it != s.buckets.end())
    it->second.tokens =
        std::min(it->second.tokens + 1.0, static_cast<double>(it->second.per_minute));
}

Result<void> RateLimiter::check(RateKind kind, std::string_view address, std::string_view account) {
  if (!config_.enabled) return {};
  auto i = static_cast<size_t>(kind);
  int64_t now = clock_().unix_seconds;
  int wait = 0;
  bool addressCharged = false;
  if (int n = config_.per_address[i]; n > 0) {
    wait = take(kind, 'a', address, n, now);
    addressCharged = wait == 0;
  }
  if (wait == 0 && !account.empty()) {
    if (int n = config_.per_account[i]; n > 0) {
      wait = take(kind, 'u', account, n, now);
      if (wait > 0 && addressCharged) giveBack(kind, 'a', address);
    }
  }
  if (wait == 0) return {};
  Error e{ErrorCode::kTooMany, "rate_limited",
          "请求过于频繁，请 " + std::to_string(wait) + " 秒后再试"};
  e.retry_after = wait;
  return std::unexpected(e);
}

size_t RateLimiter::buckets() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lk(shards_[i].mu);
    n += shards_[i].buckets.size();
  }
  return n;
}

}  // namespace jingban
