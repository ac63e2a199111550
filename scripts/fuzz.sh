#!/usr/bin/env bash
# Fuzz the scenario loader with libFuzzer + ASan + UBSan for SECONDS (default 60), seeded with the
# example scenarios and fuzz/seeds/. Builds only the fuzz target in the ASan+UBSan tree
# (scripts/asan-build.sh: build-asan/, clang) and runs fuzz/run.sh, which ctest also runs as the
# test scenario_loader_fuzz.
#   scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
# Exit 0 = no crash, hang, leak or sanitizer report; a finding is written to
# build-asan/fuzz/run/findings/ and its path printed.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="${SHARDSIM_ASAN_BUILD:-$src/build-asan}"
"$src/scripts/asan-build.sh" --target scenario_loader_fuzz
exec "$src/fuzz/run.sh" "$build/fuzz/scenario_loader_fuzz" "$build/fuzz/run" "$seconds" "$@"
