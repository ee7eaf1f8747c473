#!/usr/bin/env bash
# Runs every libFuzzer target (tests/io/CMakeLists.txt: fuzz_edf (EDF/EDF+/BDF/BDF+),
# fuzz_wfdb_header, fuzz_wfdb_signal, fuzz_wfdb_annotations, fuzz_raw_signal (headerless ASCII and
# binary files), fuzz_brainvision (BrainVision header, data and its EDF+ conversion), fuzz_decomposition_csv (expert decomposition import)) for FUZZ_SECONDS (default 60)
# each under AddressSanitizer + UndefinedBehaviorSanitizer, starting from the seed corpus kept in
# tests/io/fuzz/corpus/<target>/. Needs clang and libclang-rt-14-dev (the libFuzzer runtime).
# The whole tree is compiled with the sanitizers and coverage (not only the fuzz entry files), in
# its own build folder (FUZZ_BUILD_DIR, default build-fuzz): the gcc build in build/ is untouched.
# New corpus entries go to a scratch folder (the repository's seeds are not changed). A finding
# (crash, sanitizer report, leak, a > 10 s input, one allocation > 128 MB from an input of at most
# 4 kB: issue 12's bound is 100 MB + 3 x the input) leaves its input as $FUZZ_BUILD_DIR/crash-*
# (leak-*, timeout-*, oom-*) and makes the script exit non-zero. Reproduce one with
#   build-fuzz/tests/io/fuzz_edf build-fuzz/crash-<hash>
# and, once the reader is fixed, add it to tests/io/fuzz/corpus/<target>/ as a regression seed.
#   tools/run-fuzzers.sh            # all targets, 60 s each, FUZZ_JOBS (default nproc) at a time
#   FUZZ_SECONDS=10 tools/run-fuzzers.sh fuzz_edf
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
build="${FUZZ_BUILD_DIR:-build-fuzz}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] &&
  targets=(fuzz_edf fuzz_wfdb_header fuzz_wfdb_signal fuzz_wfdb_annotations fuzz_raw_signal fuzz_brainvision fuzz_decomposition_csv)

command -v clang++ >/dev/null || { echo "run-fuzzers: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DEMGWS_BUILD_GUI=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
grep -q "EMGWS_HAVE_LIBFUZZER:INTERNAL=1" "$build/CMakeCache.txt" ||
  { echo "run-fuzzers: clang cannot link -fsanitize=fuzzer here (install libclang-rt-14-dev)" >&2; exit 2; }
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

rm -f "$build"/crash-* "$build"/leak-* "$build"/timeout-* "$build"/oom-*
# One fuzzer per core at a time (each libFuzzer run is single-threaded): on 2 cores the 6 targets
# take 3 x FUZZ_SECONDS instead of 6 x. Each target keeps its own log and exit status file.
fuzz_one() {
  local t="$1" seeds="tests/io/fuzz/corpus/${1#fuzz_}" scratch="$build/corpus/$1"
  mkdir -p "$scratch"
  echo "== $t: ${seconds} s from $(ls "$seeds" | wc -l) seeds"
  if (cd "$build" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        "./tests/io/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=128 -timeout=10 \
        -print_final_stats=1 "corpus/$t" "../$seeds" > "fuzz-$t.log" 2>&1); then
    echo 0 > "$build/fuzz-$t.rc"
  else
    echo 1 > "$build/fuzz-$t.rc"
  fi
}
parallel="${FUZZ_JOBS:-$(nproc)}"
running=0
for t in "${targets[@]}"; do
  rm -f "$build/fuzz-$t.rc"
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true
status=0
for t in "${targets[@]}"; do
  if [ "$(cat "$build/fuzz-$t.rc" 2>/dev/null || echo 1)" != 0 ]; then
    status=1
    echo "run-fuzzers: $t found a problem (full log: $build/fuzz-$t.log):" >&2
    grep -E -A 30 "ERROR: |runtime error|SUMMARY|deadly signal|out-of-memory|malloc\(" "$build/fuzz-$t.log" | head -n 60 >&2 || tail -n 40 "$build/fuzz-$t.log" >&2
  else
    echo "== $t:"; grep -E "^Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$build/fuzz-$t.log" || true
  fi
done
if ls "$build"/crash-* "$build"/leak-* "$build"/timeout-* "$build"/oom-* 2>/dev/null; then status=1; fi
[ $status -eq 0 ] && echo "run-fuzzers: no findings in ${#targets[@]} targets x ${seconds} s"
exit $status
