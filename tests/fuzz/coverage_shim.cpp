// Coverage for libFuzzer from a GCC build. Debian's clang-14 cannot compile this C++23 code base
// (libstdc++ 12's std::expected needs C++20 concepts clang-14 lacks), and GCC emits only
// -fsanitize-coverage=trace-pc, which libFuzzer 14 no longer accepts (its own definition is
// weakened with objcopy at build time). This one hashes each caller PC into 8-bit counters in
// the section libFuzzer reads as extra coverage counters. trace-cmp hooks go to libFuzzer as is.
#include <cstdint>

namespace {
constexpr uintptr_t kCounters = 1 << 18;
}

__attribute__((section("__libfuzzer_extra_counters"))) uint8_t jingban_fuzz_counters[kCounters];

extern "C" __attribute__((no_sanitize("address", "undefined"))) void __sanitizer_cov_trace_pc() {
  auto pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  jingban_fuzz_counters[(pc ^ (pc >> 18)) & (kCounters - 1)]++;
}

// GCC's trace-cmp also reports floating-point comparisons, which libFuzzer has no hook for.
extern "C" void __sanitizer_cov_trace_cmpf(float, float) {}
extern "C" void __sanitizer_cov_trace_cmpd(double, double) {}
