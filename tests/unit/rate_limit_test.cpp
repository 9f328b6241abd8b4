// Token buckets per address and per account, on a clock the test moves.
#include "http/rate_limit.hpp"

#include <thread>

#include "test_support.hpp"

namespace jingban {
namespace {

class RateLimitTest : public ::testing::Test {
 protected:
  Clock clock() {
    return [this] { return Instant{now_.load()}; };
  }
  std::atomic<int64_t> now_{1'773'100'000};
};

TEST(RateLimitConfig, ParsesSpecs) {
  auto d = RateLimitConfig::parse({});
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->enabled);
  EXPECT_EQ(d->per_address[static_cast<size_t>(RateKind::kSignin)], 10);
  EXPECT_EQ(d->per_account[static_cast<size_t>(RateKind::kSignin)], 5);
  EXPECT_EQ(d->per_address[static_cast<size_t>(RateKind::kProgress)], 60);
  EXPECT_EQ(d->per_address[static_cast<size_t>(RateKind::kSubmit)], 20);
  EXPECT_EQ(d->per_address[static_cast<size_t>(RateKind::kApplicant)], 30);

  auto c = RateLimitConfig::parse({"signin=3/min", "progress_account=7/min", "submit=off"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->per_address[static_cast<size_t>(RateKind::kSignin)], 3);
  EXPECT_EQ(c->per_account[static_cast<size_t>(RateKind::kProgress)], 7);
  EXPECT_EQ(c->per_address[static_cast<size_t>(RateKind::kSubmit)], 0);

  auto off = RateLimitConfig::parse({"off"});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->enabled);

  for (const char* bad : {"signin", "signin=3", "signin=3/s", "signin=-1/min", "signin=0/min",
                          "login=3/min", "signin=3x/min", "signin_user=3/min", ""})
    EXPECT_FALSE(RateLimitConfig::parse({bad})) << bad;
}

TEST_F(RateLimitTest, BurstThenSteadyRateWithRetryAfter) {
  auto cfg = *RateLimitConfig::parse({"progress=6/min"});
  RateLimiter rl(cfg, clock());
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(rl.check(RateKind::kProgress, "10.0.0.1")) << i;
  auto r = rl.check(RateKind::kProgress, "10.0.0.1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooMany);
  EXPECT_EQ(r.error().slug, "rate_limited");
  EXPECT_EQ(r.error().retry_after, 10);  // 6 a minute: one token every 10 s
  EXPECT_EQ(r.error().message, "请求过于频繁，请 10 秒后再试");
  // Another address has its own bucket.
  EXPECT_TRUE(rl.check(RateKind::kProgress, "10.0.0.2"));
  now_ += 9;
  EXPECT_FALSE(rl.check(RateKind::kProgress, "10.0.0.1"));
  now_ += 1;
  EXPECT_TRUE(rl.check(RateKind::kProgress, "10.0.0.1"));
  EXPECT_FALSE(rl.check(RateKind::kProgress, "10.0.0.1"));
}

TEST_F(RateLimitTest, SignInIsLimitedPerAccountAcrossAddresses) {
  RateLimiter rl(RateLimitConfig{}, clock());
  // 5 a minute per account, whatever the address.
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(rl.check(RateKind::kSignin, "10.0.0." + std::to_string(i), "alice"));
  auto r = rl.check(RateKind::kSignin, "10.0.0.9", "alice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().retry_after, 12);
  // The refused attempt did not cost 10.0.0.9 its own token: ten more for other accounts.
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(rl.check(RateKind::kSignin, "10.0.0.9", "user" + std::to_string(i))) << i;
  EXPECT_FALSE(rl.check(RateKind::kSignin, "10.0.0.9", "someone_else"));
}

TEST_F(RateLimitTest, KindsAreIndependentAndOffMeansNoLimit) {
  RateLimiter rl(*RateLimitConfig::parse({"submit=1/min", "applicant=off"}), clock());
  EXPECT_TRUE(rl.check(RateKind::kSubmit, "a"));
  EXPECT_FALSE(rl.check(RateKind::kSubmit, "a"));
  EXPECT_TRUE(rl.check(RateKind::kProgress, "a"));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.check(RateKind::kApplicant, "a"));
  RateLimiter none(*RateLimitConfig::parse({"off"}), clock());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(none.check(RateKind::kSignin, "a", "alice"));
}

TEST_F(RateLimitTest, MemoryIsBounded) {
  RateLimitConfig cfg;
  cfg.max_buckets = 160;
  RateLimiter rl(cfg, clock());
  for (int i = 0; i < 1000; ++i) rl.check(RateKind::kProgress, "addr" + std::to_string(i));
  EXPECT_LE(rl.buckets(), 160u);
}

TEST_F(RateLimitTest, IdleBucketsAreEvicted) {
  RateLimiter rl(RateLimitConfig{}, clock());
  for (int i = 0; i < 1000; ++i) rl.check(RateKind::kProgress, "addr" + std::to_string(i));
  EXPECT_EQ(rl.buckets(), 1000u);
  // A minute later every one of them is full again, the same as no bucket: they are dropped as
  // soon as their part of the table is used again.
  now_ += 61;
  for (int i = 0; i < 400; ++i) rl.check(RateKind::kProgress, "fresh" + std::to_string(i));
  EXPECT_EQ(rl.buckets(), 400u);
}

TEST_F(RateLimitTest, ConcurrentChecksNeverGrantMoreThanTheBucket) {
  RateLimiter rl(*RateLimitConfig::parse({"progress=50/min"}), clock());
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (rl.check(RateKind::kProgress, "10.0.0.1")) ++granted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 50);
}

}  // namespace
}  // namespace jingban
