#!/usr/bin/env bash
# The whole ctest under the `asan` preset (Debug at -O1, -fsanitize=address,undefined, frame pointers kept; build folder
# build-asan, the default build/ is untouched). Not part of .ci/run: it does not fit the 40-minute CI
# budget (docs/robustness.md, "Sanitizer test run", has the figures).
# Every sanitizer report goes to a file in build-asan/sanitizer-logs (the asan test preset's log_path),
# and any file there fails this script, whatever the tests said: a test that expects a child
# emgws-cli to fail ("exit status not 0") would otherwise pass when the sanitizer aborted that child.
#   tools/run-asan-tests.sh              # everything
#   tools/run-asan-tests.sh -R test_io   # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset asan
cmake --build --preset asan -j"$(nproc)"
logs=build-asan/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
rc=0
ctest --preset asan -j"$(nproc)" "$@" || rc=$?
# a file is a report when it holds a sanitizer error (LeakSanitizer may also write only the
# statistics of the suppressions it used, which is not one)
mapfile -t reports < <(grep -l -E 'ERROR: [A-Za-z]+Sanitizer|runtime error' "$logs"/* 2>/dev/null || true)
if ((${#reports[@]} > 0)); then
  echo "run-asan-tests: ${#reports[@]} sanitizer report(s) in $logs:" >&2
  for f in "${reports[@]}"; do
    echo "--- $f" >&2
    grep -m3 -E 'ERROR|SUMMARY|runtime error' "$f" >&2 || head -n 5 "$f" >&2
  done
  exit 1
fi
exit "$rc"
