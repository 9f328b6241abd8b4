// jingban_settlement_bench: the settlement arithmetic (policy/settlement.hpp) on realistic claims —
// 5 to 30 fee lines of mixed classes (甲 / 乙 / 丙, some with a 自费 part), every hospital level,
// year-to-date figures from none to past the caps, a quarter of the claimants assistance
// recipients — with the example parameters of policy/qinghai.yaml. The target is 200,000 claims/s
// on one core (issue 6 §6); items/s is the figure. BM_SettleAndJson adds the JSON the 初审 event
// stores. Run: build/jingban_settlement_bench [--benchmark_min_time=2]
#include <benchmark/benchmark.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "policy/policy.hpp"
#include "policy/settlement.hpp"

namespace {

using namespace jingban;

struct Workload {
  std::shared_ptr<const PolicySet> policies;
  const InsurancePolicy* policy = nullptr;
  std::vector<ClaimInput> claims;
  std::vector<YearToDate> ytd;
};

const Workload& workload() {
  static const Workload w = [] {
    Workload w;
    auto set = PolicySet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy");
    if (!set) throw std::runtime_error(set.error().message);
    w.policies = *set;
    w.policy = w.policies->find("qinghai", "城乡居民", 2026);
    if (!w.policy) throw std::runtime_error("no qinghai 城乡居民 2026 policy");
    std::mt19937_64 rng(6);
    auto pick = [&](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    for (int i = 0; i < 4096; ++i) {
      ClaimInput c;
      c.hospital_level = static_cast<int>(pick(1, 3));
      c.admission = "2026-03-02";
      int lines = static_cast<int>(pick(5, 30));
      for (int l = 0; l < lines; ++l) {
        int64_t r = pick(0, 99);
        FeeClass cls = r < 50 ? FeeClass::kA : r < 85 ? FeeClass::kB : FeeClass::kC;
        int64_t amount = pick(100, pick(0, 9) == 0 ? 5000000 : 200000);
        int64_t self = cls != FeeClass::kC && pick(0, 9) == 0 ? pick(0, amount) : 0;
        c.lines.push_back(
            FeeLine{"X" + std::to_string(pick(100000, 999999)), "项目", cls, amount, self});
      }
      if (pick(0, 3) == 0) c.identities = {pick(0, 1) ? "低保" : "特困"};
      w.claims.push_back(std::move(c));
      YearToDate y;
      if (pick(0, 1)) {
        y.fund_fen = pick(0, 16000000);
        y.deductible_fen = pick(0, 80000);
        y.serious_illness_fen = pick(0, 1000000);
        y.assistance_fen = pick(0, 100000);
        y.claims = static_cast<int>(pick(1, 10));
      }
      w.ytd.push_back(y);
    }
    return w;
  }();
  return w;
}

void BM_Settle(benchmark::State& state) {
  const Workload& w = workload();
  size_t i = 0;
  for (auto _ : state) {
    auto s = settle(*w.policy, w.claims[i], w.ytd[i]);
    benchmark::DoNotOptimize(s);
    if (++i == w.claims.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Settle);

void BM_SettleAndJson(benchmark::State& state) {
  const Workload& w = workload();
  size_t i = 0;
  for (auto _ : state) {
    auto s = settle(*w.policy, w.claims[i], w.ytd[i]);
    auto j = settlementJson(*s);
    benchmark::DoNotOptimize(j);
    if (++i == w.claims.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SettleAndJson);

}  // namespace

BENCHMARK_MAIN();
