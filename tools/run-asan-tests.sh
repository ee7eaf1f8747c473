#!/usr/bin/env bash
# The whole ctest under the `asan` preset (Debug at -O1, -fsanitize=address,undefined, frame pointers kept; build folder
# build-asan, the default build/ is untouched). Any AddressSanitizer or UBSan report fails the test
# that made it (the asan test preset sets halt_on_error/abort_on_error). Not part of .ci/run: it
# does not fit the 40-minute CI budget (docs/robustness.md, "Sanitizer test run", has the figures).
#   tools/run-asan-tests.sh              # everything
#   tools/run-asan-tests.sh -R test_io   # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset asan
cmake --build --preset asan -j"$(nproc)"
ctest --preset asan -j"$(nproc)" "$@"
