#!/usr/bin/env bash
# Runs every libFuzzer target (tests/io/CMakeLists.txt: fuzz_edf, fuzz_wfdb_header,
# fuzz_wfdb_signal, fuzz_wfdb_annotations) for FUZZ_SECONDS (default 60) each under
# AddressSanitizer + UndefinedBehaviorSanitizer, starting from the seed corpus kept in
# tests/io/fuzz/corpus/<target>/. Needs clang and libclang-rt-14-dev (the libFuzzer runtime).
# New corpus entries go to a scratch folder (the repository's seeds are not changed); a crash
# leaves its input as build-fuzz/crash-* and makes the script exit non-zero.
#   tools/run-fuzzers.sh            # all targets, 60 s each
#   FUZZ_SECONDS=10 tools/run-fuzzers.sh fuzz_edf
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
build="${FUZZ_BUILD_DIR:-build-fuzz}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_edf fuzz_wfdb_header fuzz_wfdb_signal fuzz_wfdb_annotations)

command -v clang++ >/dev/null || { echo "run-fuzzers: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_CXX_FLAGS="-fno-omit-frame-pointer" >/dev/null
grep -q "EMGWS_HAVE_LIBFUZZER:INTERNAL=1" "$build/CMakeCache.txt" ||
  { echo "run-fuzzers: clang cannot link -fsanitize=fuzzer here (install libclang-rt-14-dev)" >&2; exit 2; }
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

status=0
for t in "${targets[@]}"; do
  seeds="tests/io/fuzz/corpus/${t#fuzz_}"
  scratch="$build/corpus/$t"
  mkdir -p "$scratch"
  echo "== $t: ${seconds} s from $(ls "$seeds" | wc -l) seeds"
  # -rss_limit_mb: a reader that allocates beyond it is a finding too (memory bombs)
  if ! (cd "$build" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        "./tests/io/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        "corpus/$t" "../$seeds" 2>&1 | tail -n 25); then
    status=1   # pipefail: the fuzzer's own status
  fi
done
ls "$build"/crash-* "$build"/leak-* "$build"/timeout-* "$build"/oom-* 2>/dev/null && status=1
exit $status
