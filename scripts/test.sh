#!/usr/bin/env bash
# Command (b) of the README, and what CI runs (.ci/run): install what is missing, build the
# Release suite and an ASan+UBSan suite, run both with ctest. Long tests (label "long") and
# benchmarks are not part of it: run them with `ctest --test-dir build -L long` and
# `build/bench/shardsim_bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-chromium  # Chromium renders report.html in a test
jobs="$(nproc)"

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARDSIM_WERROR=ON \
  -DSHARDSIM_UNITY_BUILD=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build -j"$jobs" -LE long --output-on-failure --timeout 600

echo "== ASan+UBSan build and tests"
# -O1 with line tables only: readable sanitizer reports from a lighter build than
# RelWithDebInfo (-O2 -g) on two cores. Without MPI: Open MPI's own allocations would trip the
# leak checker, and the MPI sweep test runs in the Release suite. Both builds compile the libraries
# as unity translation units and the test sources at -O0 with a shared precompiled header
# (cmake/ShardsimHelpers.cmake): together under the 15-minute CI budget on two cores.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DSHARDSIM_SANITIZE=ON -DSHARDSIM_MPI=OFF \
  -DSHARDSIM_BUILD_BENCH=OFF -DSHARDSIM_WERROR=ON -DSHARDSIM_UNITY_BUILD=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j"$jobs" -LE long --output-on-failure --timeout 900

# The loader's fuzzer builds every library again with libFuzzer + ASan + UBSan: several minutes
# on two cores, which would take the suite past its 15-minute budget, so it runs on request:
# SHARDSIM_FUZZ_SECONDS=60 scripts/test.sh (or scripts/fuzz.sh 60 alone).
if [[ "${SHARDSIM_FUZZ_SECONDS:-0}" -gt 0 ]]; then
  echo "== Fuzz the scenario loader (libFuzzer + ASan + UBSan, ${SHARDSIM_FUZZ_SECONDS} s)"
  if command -v clang++ >/dev/null; then
    scripts/fuzz.sh "${SHARDSIM_FUZZ_SECONDS}"
  else
    echo "SKIPPED: clang++ is not installed (apt-get install clang)"
  fi
fi
