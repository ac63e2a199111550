#!/usr/bin/env bash
# End-to-end tests of `run --report`, `report` and `compare`: the files they write, usage errors,
# `report DIR` reproducing the run's report byte for byte, and result directories kept intact.
# Usage: report_cli_test.sh SHARDSIM_BINARY SOURCE_DIR
set -u
bin="$1"
src="$2"
# shellcheck source=../support/cli_lib.sh
source "$src/tests/support/cli_lib.sh"

skew="$src/scenarios/write-skew-split.json"
car="$src/scenarios/car-telemetry.json"

# Usage errors.
check "--report needs --out" run 2 run "$skew" --duration 20s --report
check "--report message" grep -q -- "--report needs --out DIR" "$tmp/err"
check "report needs a directory" run 2 report
check "compare needs two directories" run 2 compare "$tmp"
check "help lists report and compare" run 0 --help
check "help: report" grep -q "report DIR" "$tmp/out"
check "help: compare" grep -q "compare A B" "$tmp/out"

# run --out writes summary.txt (the printed summary); --report adds the report.
check "run with summary" run 0 run "$skew" --duration 30s --out "$tmp/plain"
check "summary.txt is the printed summary" cmp -s "$tmp/out" "$tmp/plain/summary.txt"
check "no report without --report" test ! -e "$tmp/plain/report.md"
check "run --report" run 0 run "$car" --duration 60s --out "$tmp/car" --report -q
for f in result.json summary.txt report.md report.html report/utilisation.svg \
  report/latency-cdf.svg report/iterator-age.svg; do
  check "run --report wrote $f" test -s "$tmp/car/$f"
done
check "manifest lists the report" grep -q "^report/utilisation.svg$" "$tmp/car/.shardsim-manifest"
check "report.md links its charts" grep -q "](report/utilisation.svg)" "$tmp/car/report.md"
check "report.html has no script" bash -c "! grep -q '<script' '$tmp/car/report.html'"

# report DIR renders the same bytes from result.json and the series, without simulating.
cp -r "$tmp/car" "$tmp/again"
rm -rf "$tmp/again/report" "$tmp/again/report.md" "$tmp/again/report.html"
check "report DIR" run 0 report "$tmp/again"
check "report says what it wrote" grep -q "report.html" "$tmp/out"
check "report DIR reproduces run --report byte for byte" diff -r "$tmp/car" "$tmp/again"
check "report DIR in place" run 0 report "$tmp/car"
check "in place changes nothing" diff -r "$tmp/car" "$tmp/again"
check "result.json kept" test -s "$tmp/car/result.json"

# Bad result directories: exit 2 naming the file.
mkdir -p "$tmp/empty"
check "report of a directory without result.json" run 2 report "$tmp/empty"
check "names result.json" grep -q "result.json" "$tmp/err"
cp -r "$tmp/car" "$tmp/broken"
printf 'time_s,records_in,bytes_in,throttled_records\n0,x,1,2\n' \
  >"$tmp/broken/series/shardId-000000000000.csv"
check "report with a corrupt series file" run 2 report "$tmp/broken"
check "names the series file and line" \
  grep -q "series/shardId-000000000000.csv: line 2: column 2 (records_in)" "$tmp/err"
check "corrupt input leaves the old report" cmp -s "$tmp/car/report.md" "$tmp/broken/report.md"

# compare: text on stdout, or files with --out.
check "run B" run 0 run "$car" --duration 60s --seed 9 --out "$tmp/car9" -q
check "compare text" run 0 compare "$tmp/car" "$tmp/car9"
check "compare headline table" grep -q "^  p99 latency, db-writer " "$tmp/out"
check "compare findings" grep -q "^Findings (" "$tmp/out"
check "compare cost" grep -q "^Cost per month" "$tmp/out"
check "compare --out" run 0 compare "$tmp/car" "$tmp/car9" --out "$tmp/cmp"
check "compare.md" test -s "$tmp/cmp/compare.md"
check "compare.html" test -s "$tmp/cmp/compare.html"
check "compare charts" test -s "$tmp/cmp/compare/latency-db-writer.svg"
# --out into a result directory keeps the run's files.
check "compare into a result directory" run 0 compare "$tmp/car" "$tmp/car9" --out "$tmp/car9"
check "its result.json stays" test -s "$tmp/car9/result.json"
check "its series stay" test -s "$tmp/car9/series/consumer-db-writer.csv"
check "its summary stays" test -s "$tmp/car9/summary.txt"
check "compare of a bad directory" run 2 compare "$tmp/car" "$tmp/empty"

# A later run without --report removes the report it no longer writes.
check "rerun without --report" run 0 run "$car" --duration 60s --out "$tmp/car" -q
check "old report removed" test ! -e "$tmp/car/report.md"
check "old charts removed" test ! -e "$tmp/car/report"

echo "report_cli_test: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
