#!/usr/bin/env bash
# Fuzz the scenario loader with libFuzzer + ASan + UBSan for N seconds (default 60), seeded with
# scenarios/*.json. Builds in build-fuzz/ (clang from Debian: apt-get install clang).
#   scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
# Exit 0 = no crash, hang or sanitizer report; a finding is written to build-fuzz/findings/.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="${SHARDSIM_FUZZ_BUILD:-$src/build-fuzz}"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DSHARDSIM_FUZZ=ON -DSHARDSIM_BUILD_TESTS=OFF -DSHARDSIM_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target scenario_loader_fuzz -j"${SHARDSIM_FUZZ_JOBS:-2}"
corpus="$build/corpus"
mkdir -p "$corpus" "$build/findings"
for f in "$src"/scenarios/*.json; do
  [[ "$(basename "$f")" == scenario.schema.json ]] && continue
  cp "$f" "$corpus/"
done
# A dictionary of the format's field names and enum values, quoted as in JSON.
grep -oE '"[A-Za-z_][A-Za-z0-9_]*"' "$src/scenarios/scenario.schema.json" | sort -u |
  sed 's/"/\\"/g; s/^/"/; s/$/"/' >"$build/scenario.dict"
printf '%s\n' '"\"1s\""' '"\"1KiB\""' '"\"100/s\""' '"\"1MiB/s\""' '"1e300"' '"-1"' \
  '"18446744073709551616"' >>"$build/scenario.dict"
# Run in scenarios/ so the examples' relative data files (prices, CSVs) resolve.
cd "$src/scenarios"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/fuzz/scenario_loader_fuzz" "$corpus" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -dict="$build/scenario.dict" \
  -artifact_prefix="$build/findings/" "$@"
