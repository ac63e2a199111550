#!/usr/bin/env bash
# Command (b) of the README, and what CI runs (.ci/run): install what is missing, build the
# Release suite (gcc) and an ASan+UBSan suite (clang) with the loader's libFuzzer target, run both
# with ctest. SHARDSIM_FUZZ_SECONDS sets how long the fuzzer runs (default 60). Long tests (label
# "long") and benchmarks are not part of it: run them with `ctest --test-dir build -L long` and
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

echo "== ASan+UBSan build (clang) and tests, with the loader's fuzzer for ${SHARDSIM_FUZZ_SECONDS:-60} s"
# One clang tree for both (scripts/asan-build.sh): the libraries are compiled once with ASan,
# UBSan and libFuzzer's coverage instrumentation. ctest starts the fuzzer (test
# scenario_loader_fuzz, fuzz/run.sh) first and runs the rest of the suite on the other core
# meanwhile; a crash, hang, leak or sanitizer report fails it and prints the reproducer's path.
SHARDSIM_JOBS="$jobs" scripts/asan-build.sh
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j"$jobs" -LE long --output-on-failure --timeout 900
