#!/usr/bin/env bash
# Runs the scenario loader's libFuzzer target for a bounded time: seeded with the example
# scenarios and fuzz/seeds/ (malformed ones), with a dictionary of the format's names and enum
# values taken from scenarios/scenario.schema.json. ctest runs it as the test
# scenario_loader_fuzz (label "fuzz"); scripts/fuzz.sh builds the target and runs it by hand.
#   fuzz/run.sh BINARY WORKDIR SECONDS [extra libFuzzer flags...]
# Exit 0: no crash, hang (one input over 10 s), leak, out-of-memory (2 GiB) or sanitizer report.
# Otherwise exit 1, printing the end of the report and the reproducer's path.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "$1")"
work="$(realpath -m "$2")"
seconds="$3"
shift 3
if ((seconds <= 0)); then  # libFuzzer would take 0 as "no limit"
  echo "scenario_loader_fuzz: skipped (SECONDS is $seconds)"
  exit 0
fi
corpus="$work/corpus"
findings="$work/findings"
mkdir -p "$corpus" "$findings"
rm -f "$findings"/*
# Seeds go into the corpus directory, where libFuzzer also keeps the inputs it finds (a later
# run in the same WORKDIR starts from them).
for f in "$src"/scenarios/*.json "$src"/scenarios/bench/*.json "$src"/fuzz/seeds/*; do
  [[ "$(basename "$f")" == scenario.schema.json ]] && continue
  cp "$f" "$corpus/seed-$(basename "$f")"
done
# Field names and enum values, quoted as in JSON, plus values of the format's units.
dict="$work/scenario.dict"
grep -oE '"[A-Za-z_][A-Za-z0-9_]*"' "$src/scenarios/scenario.schema.json" | sort -u |
  sed 's/"/\\"/g; s/^/"/; s/$/"/' >"$dict"
printf '%s\n' '"\"1s\""' '"\"250ms\""' '"\"1KiB\""' '"\"100/s\""' '"\"1MiB/s\""' '"1e300"' '"-1"' \
  '"0"' '"18446744073709551616"' '"9223372036854775807"' '"\"prices/aws-us-east-1.json\""' \
  '"{}"' '"[]"' '"null"' '"true"' >>"$dict"
log="$work/fuzz.log"
echo "scenario_loader_fuzz: ${seconds} s, corpus $corpus, log $log"
# In scenarios/, so the examples' relative data files (prices, CSVs) resolve.
cd "$src/scenarios"
status=0
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1" \
  "$bin" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -dict="$dict" -artifact_prefix="$findings/" -print_final_stats=1 "$@" >"$log" 2>&1 ||
  status=$?
if ((status == 0)); then
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log" || true
  exit 0
fi
tail -n 80 "$log"
echo "scenario_loader_fuzz FAILED (exit $status). Reproducer(s):"
ls -1 "$findings"/* 2>/dev/null || echo "  (none written; see $log)"
echo "Replay one: (cd $src/scenarios && $bin FILE); then add it to tests/cli/malformed_test.cc."
exit 1
