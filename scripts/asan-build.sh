#!/usr/bin/env bash
# Configures and builds the ASan+UBSan tree (build-asan/, or $SHARDSIM_ASAN_BUILD) with clang:
# every library and the CLI with -fsanitize=address,undefined, the loader and spec libraries also
# with libFuzzer's coverage instrumentation, the test suite and the loader's fuzzer
# (fuzz/scenario_loader_fuzz). scripts/test.sh and scripts/fuzz.sh share it, so the sanitizer
# suite and the fuzzer cost one build of the libraries, not two.
#   scripts/asan-build.sh [cmake --build options, e.g. --target scenario_loader_fuzz]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHARDSIM_ASAN_BUILD:-$src/build-asan}"
if ! command -v clang++ >/dev/null; then
  echo "scripts/asan-build.sh: clang++ is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
# -O1 with line tables only: readable sanitizer reports from a lighter build than
# RelWithDebInfo (-O2 -g) on two cores. Without MPI: Open MPI's own allocations would trip the
# leak checker, and the MPI sweep test runs in the Release suite. Like the Release build, it
# compiles the libraries as unity translation units and the test sources at -O0 with a shared
# precompiled header (cmake/ShardsimHelpers.cmake).
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DSHARDSIM_SANITIZE=ON -DSHARDSIM_FUZZ=ON -DSHARDSIM_MPI=OFF -DSHARDSIM_BUILD_BENCH=OFF \
  -DSHARDSIM_WERROR=ON -DSHARDSIM_UNITY_BUILD=ON \
  -DSHARDSIM_FUZZ_SECONDS="${SHARDSIM_FUZZ_SECONDS:-60}" >/dev/null
cmake --build "$build" -j"${SHARDSIM_JOBS:-$(nproc)}" "$@"
