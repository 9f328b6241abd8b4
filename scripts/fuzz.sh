#!/usr/bin/env bash
# Fuzzes the HTTP edge + router + API in process for MINUTES minutes under ASan+UBSan, starting from
# the checked-in corpus (tests/fuzz/corpus/). See docs/SECURITY.md "Fuzzing".
#   scripts/fuzz.sh 10            build build-fuzz-san/jingban_fuzz, fuzz 10 minutes
# Environment: FUZZ_OUT (work directory, default build-fuzz-san/fuzz-run-DATE), FUZZ_MAX_LEN
# (bytes, default 131072), FUZZ_ARGS (more libFuzzer flags). New crashes land in FUZZ_OUT/crashes/
# (replay one with build-fuzz-san/jingban_fuzz FILE); the grown corpus in FUZZ_OUT/corpus/. Exit
# status: 0 no crash, 1 crashes found, 2 usage or build error.
set -euo pipefail

minutes=${1:-}
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [ "$minutes" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh MINUTES" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz-san
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

if [ ! -e /usr/lib/llvm-14/lib/libFuzzer.a ] && [ "$(id -u)" = 0 ]; then
  apt-get install -y libfuzzer-14-dev >/dev/null || exit 2
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJINGBAN_BENCH=OFF \
  -DJINGBAN_LIBFUZZER=ON -DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" >/dev/null \
  || exit 2
ninja -C "$build" jingban_fuzz || exit 2

out=${FUZZ_OUT:-$build/fuzz-run-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/corpus" "$out/crashes"
cp "$root"/tests/fuzz/corpus/* "$out/corpus/"
seeds=$(ls "$out/corpus" | wc -l)
echo "fuzzing for $minutes min; corpus $out/corpus ($seeds seeds); crashes go to $out/crashes/"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
# Coverage is a GCC trace-pc shim, so -use_value_profile adds the comparison feedback as features.
# shellcheck disable=SC2086
"$build/jingban_fuzz" "$out/corpus" -max_total_time=$((minutes * 60)) -timeout=60 \
  -rss_limit_mb=8192 -max_len="${FUZZ_MAX_LEN:-131072}" -use_value_profile=1 \
  -dict="$root/tests/fuzz/http.dict" -artifact_prefix="$out/crashes/" -print_final_stats=1 \
  ${FUZZ_ARGS:-} 2>&1 | tee "$out/fuzz.log" || status=$?

crashes=$(find "$out/crashes" -type f | wc -l)
echo "corpus: $seeds seeds → $(ls "$out/corpus" | wc -l) inputs; crashes: $crashes in $out/crashes/"
echo "log: $out/fuzz.log"
if [ "$crashes" -gt 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
