#!/usr/bin/env bash
# End-to-end tests of the shardsim binary: exit codes, error messages with JSON pointers, no
# partial output on failure, result files on success, route output.
# Usage: cli_test.sh SHARDSIM_BINARY SOURCE_DIR
set -u
bin="$1"
src="$2"
# shellcheck source=../support/cli_lib.sh
source "$src/tests/support/cli_lib.sh"

# Help, version, usage errors.
check "--help exits 0" run 0 --help
check "--help lists commands" grep -q "validate" "$tmp/out"
check "--version" run 0 --version
check "version text" grep -q "^shardsim " "$tmp/out"
check "no command is a usage error" run 2
check "unknown command" run 2 frobnicate
check "run --help" run 0 run --help
check "validate --help" run 0 validate --help
check "route --help" run 0 route --help
check "unknown option" run 2 run "$src/scenarios/write-skew-split.json" --bogus
check "unknown option suggests" run 2 run "$src/scenarios/write-skew-split.json" --seeed 3
check "did you mean --seed" grep -qF "unrecognised option '--seeed'; did you mean '--seed'?" "$tmp/err"
check "unknown command suggests" run 2 rnu
check "did you mean run" grep -qF 'unknown command "rnu"; did you mean "run"?' "$tmp/err"
check "run --help again" run 0 run --help
check "run --help lists --quiet" grep -q -- "--quiet" "$tmp/out"
check "run --help hides the positional" bash -c "! grep -q -- '--file' '$tmp/out'"
check "compare --help hides the positional" run 0 compare --help
check "compare --help has no --dirs" bash -c "! grep -q -- '--dirs' '$tmp/out'"

# validate: every example is valid.
for f in "$src"/scenarios/*.json; do
  [[ "$(basename "$f")" == scenario.schema.json ]] && continue
  check "validate $(basename "$f")" run 0 validate "$f"
done

# validate: bad inputs give pointer-precise messages and exit 2.
cat >"$tmp/bad.json" <<'JSON'
{
  "name": "bad",
  "producers": [{"name": "p", "rate": "fast", "instanses": 3}],
  "stream": {"shards": 0}
}
JSON
check "bad scenario exits 2" run 2 validate "$tmp/bad.json"
check "bad rate names its pointer" grep -q "bad.json: /producers/0/rate: " "$tmp/err"
check "unknown field suggests" grep -q 'did you mean "instances"' "$tmp/err"
check "out of range shards" grep -q "bad.json: /stream/shards: " "$tmp/err"
printf '{"name": "x",\n  "producers": [\n' >"$tmp/trunc.json"
check "malformed JSON exits 2" run 2 validate "$tmp/trunc.json"
check "malformed JSON has line:col" grep -Eq "trunc.json:[0-9]+:[0-9]+: " "$tmp/err"
check "missing file exits 2" run 2 validate "$tmp/nope.json"

# validate and run agree on key formats: "{i}" in two places, or none with one key, run.
cat >"$tmp/keys2.json" <<'JSON'
{"name": "k", "duration": "5s", "stream": {"shards": 2},
 "producers": [{"name": "p", "rate": "10/s", "record_size": "100B",
                "keys": {"count": 5, "format": "t{i}/d{i}"}},
               {"name": "q", "rate": "10/s", "record_size": "100B",
                "keys": {"count": 1, "format": "tenant-a"}}]}
JSON
check "validate two placeholders" run 0 validate "$tmp/keys2.json"
check "run two placeholders" run 0 run "$tmp/keys2.json" -q --out "$tmp/keys2"
check "top key of a two-placeholder format" grep -qE '"key": "t[0-4]/d[0-4]"' "$tmp/keys2/result.json"

# Data-file problems name the field that names the file; sizes beyond 10MiB are refused.
printf 'size,weight\n100,1\n20000000,1\n' >"$tmp/sizes.csv"
cat >"$tmp/empirical.json" <<'JSON'
{"name": "e", "duration": "5s", "stream": {"shards": 1},
 "producers": [{"name": "p", "rate": "10/s", "record_size": {"dist": "empirical", "file": "sizes.csv"}}]}
JSON
check "oversized CSV size refused" run 2 validate "$tmp/empirical.json"
check "CSV problem at the file's pointer" grep -qF 'empirical.json: /producers/0/record_size/file: ' "$tmp/err"
check "CSV size problem names line and limit" grep -qF 'sizes.csv:3: column "size" must be at most 10MiB (10485760 bytes, the largest record Kinesis accepts), got 20000000' "$tmp/err"
check "run refuses it alike" run 2 run "$tmp/empirical.json" -q

# run: bad input leaves no output directory.
check "run bad scenario exits 2" run 2 run "$tmp/bad.json" --out "$tmp/out-bad"
check "no partial output" test ! -e "$tmp/out-bad"
check "bad --duration" run 2 run "$src/scenarios/write-skew-split.json" --duration 5parsecs --out "$tmp/o2"
check "no output after bad duration" test ! -e "$tmp/o2"
check "bad --duration names the pointer" grep -q "write-skew-split.json: /duration: expected a duration" "$tmp/err"
check "--duration out of range" run 2 run "$src/scenarios/write-skew-split.json" --duration 400d --out "$tmp/o2"
check "out of range names the pointer" grep -qF 'write-skew-split.json: /duration: must be between 1s and 8760h, got "400d"' "$tmp/err"
check "--duration shorter than the warm-up" run 2 run "$src/scenarios/car-telemetry.json" --duration 30s --out "$tmp/o2"
check "warm-up names its pointer" grep -qF 'car-telemetry.json: /warmup: warmup 30s must be shorter than the duration 30s' "$tmp/err"
check "no output after an invalid override" test ! -e "$tmp/o2"

# Data files: values beyond the format's ranges are refused at the field that names the file, by
# validate and run alike (exit 2), never truncated or aborted on (sizes past 32 bits, 1e300).
printf 'records\n1e300\n5\n' >"$tmp/huge-count.csv"
printf 'records,bytes\n5,1e300\n5,500\n' >"$tmp/huge-bytes.csv"
printf 'size,weight\n4294967396,1\n' >"$tmp/huge-size.csv"
for csv in huge-count huge-bytes; do
  cat >"$tmp/$csv.json" <<JSON
{"name": "t", "duration": "10s", "stream": {"shards": 1},
 "producers": [{"name": "p", "arrival": {"process": "trace", "file": "$csv.csv"}, "record_size": "100B"}]}
JSON
done
cat >"$tmp/huge-size.json" <<'JSON'
{"name": "t", "duration": "10s", "stream": {"shards": 1},
 "producers": [{"name": "p", "rate": "10/s", "record_size": {"dist": "empirical", "file": "huge-size.csv"}}]}
JSON
for cmd in validate run; do
  check "$cmd: trace count 1e300 exits 2" run 2 $cmd "$tmp/huge-count.json"
  check "$cmd: trace count names field and rule" grep -qF 'huge-count.json: /producers/0/arrival/file: '"$tmp"'/huge-count.csv:2: column "records" must be at most 100000000 per row' "$tmp/err"
  check "$cmd: trace bytes 1e300 exits 2" run 2 $cmd "$tmp/huge-bytes.json"
  check "$cmd: trace bytes names field and rule" grep -qF 'huge-bytes.json: /producers/0/arrival/file: '"$tmp"'/huge-bytes.csv:2: column "bytes" over column "records" gives a mean record size' "$tmp/err"
  check "$cmd: 4 GiB + 100 B size exits 2" run 2 $cmd "$tmp/huge-size.json"
  check "$cmd: size names field and rule" grep -qF 'huge-size.json: /producers/0/record_size/file: '"$tmp"'/huge-size.csv:2: column "size" must be at most 10MiB' "$tmp/err"
done


# run: on-demand mode runs, with the open shards by minute among its series.
cat >"$tmp/ondemand.json" <<'JSON'
{
  "name": "ondemand",
  "duration": "2min",
  "producers": [{"name": "p", "rate": "10/s", "record_size": {"dist": "fixed", "size": "100B"}}],
  "stream": {"mode": "on_demand"}
}
JSON
check "on-demand runs" run 0 run "$tmp/ondemand.json" --out "$tmp/o3od"
check "on-demand open-shard series" grep -q "^0,4,4" "$tmp/o3od/series/stream-open-shards.csv"

# run: success writes result.json and per-shard CSV series, and prints a summary.
check "run ok" run 0 run "$src/scenarios/write-skew-split.json" --duration 20s --seed 5 --out "$tmp/o4"
check "summary printed" grep -q "Conservation: ok" "$tmp/out"
check "result.json written" test -s "$tmp/o4/result.json"
check "result has contract keys" grep -q '"throttled_by_records_limit"' "$tmp/o4/result.json"
check "csv series written" test -s "$tmp/o4/series/shardId-000000000000.csv"
check "csv header" grep -q "^time_s,records_in,bytes_in,throttled_records$" "$tmp/o4/series/shardId-000000000000.csv"
check "run again" run 0 run "$src/scenarios/write-skew-split.json" --duration 20s --seed 5 --out "$tmp/o5" -q
check "same seed, same bytes" cmp -s "$tmp/o4/result.json" "$tmp/o5/result.json"
# --out DIR again: files of the previous run it no longer writes go; the user's files stay.
echo "mine" >"$tmp/o4/notes.txt"
echo "mine" >"$tmp/o4/series/mine.csv"
check "rerun into o4" run 0 run "$src/scenarios/read-fanout-efo.json" --duration 30s --out "$tmp/o4" -q
check "old run's series removed" test ! -e "$tmp/o4/series/shardId-000000000007.csv"
check "user's files kept" test -e "$tmp/o4/notes.txt" -a -e "$tmp/o4/series/mine.csv"
check "manifest lists the run" grep -q "^result.json$" "$tmp/o4/.shardsim-manifest"

# run: the managed consumers end to end (stream -> Lambda and Firehose; Direct PUT Firehose).
check "run car-telemetry" run 0 run "$src/scenarios/car-telemetry.json" --duration 40s --out "$tmp/o6" -q
check "lambda section" grep -q '"gb_seconds"' "$tmp/o6/result.json"
check "firehose section" grep -q '"s3_put_requests"' "$tmp/o6/result.json"
check "lambda series" grep -q "^time_s,.*,concurrency,invocations,errors,throttles" "$tmp/o6/series/consumer-db-writer.csv"
check "firehose series" grep -q "objects_written,bytes_delivered,buffered_bytes" "$tmp/o6/series/consumer-s3-archive.csv"
check "run poison record" run 0 run "$src/scenarios/lambda-poison-record.json" --duration 90s --out "$tmp/o7"
check "poison stall finding" grep -q "lambda_shard_stalled" "$tmp/out"
check "run direct put" run 0 run "$src/scenarios/firehose-direct-put-small-objects.json" --duration 3min --out "$tmp/o8"
check "small objects finding" grep -q "firehose_small_objects" "$tmp/out"
check "direct put source" grep -q '"source": "direct_put"' "$tmp/o8/result.json"
# The Direct PUT example has no "stream" section, and the result says there is none.
check "direct put without a stream" bash -c "! grep -q '\"stream\"' '$src/scenarios/firehose-direct-put-small-objects.json'"
check "no stream mode" grep -q '"stream_mode": "NONE"' "$tmp/o8/result.json"
check "no shards" grep -q '"open_shards": 0' "$tmp/o8/result.json"
check "summary says no stream" grep -q "no stream (Direct PUT only)" "$tmp/out"

# A long run shows its progress on a terminal's stderr, and nothing when stderr is not one.
check "run without a terminal" run 0 run "$src/scenarios/clickstream.json" --duration 3min -q
check "no progress into a file" test ! -s "$tmp/err"
if command -v script >/dev/null; then
  script -qec "'$bin' run '$src/scenarios/clickstream.json' --duration 10min -q" /dev/null \
    >"$tmp/tty" 2>&1
  check "progress on a terminal" grep -q "simulated .* of 10min 00s (.*events, .* records" "$tmp/tty"
fi

# run --set / --shards / --prices: validated like the file; cost and provenance in the result.
check "--set shards" run 0 run "$src/scenarios/write-skew-split.json" --duration 20s --set /stream/shards=12 --out "$tmp/s1" -q
check "--set took effect" grep -q '"open_shards": 12' "$tmp/s1/result.json"
check "--shards shorthand" run 0 run "$src/scenarios/write-skew-split.json" --duration 20s --shards 9 --out "$tmp/s2" -q
check "--shards took effect" grep -q '"open_shards": 9' "$tmp/s2/result.json"
check "result is priced" grep -q '"total_per_month_usd"' "$tmp/s2/result.json"
check "provenance sha256" grep -Eq '"scenario_sha256": "[0-9a-f]{64}"' "$tmp/s2/result.json"
check "provenance without --out" grep -q '"command_line": "shardsim run .*--shards 9"' "$tmp/s2/result.json"
check "summary shows cost" grep -q "^Cost: [$]" "$tmp/s2/summary.txt"
check "bad --set value" run 2 run "$src/scenarios/write-skew-split.json" --set /stream/shards=abc --out "$tmp/s3"
check "bad --set names the pointer" grep -qF 'write-skew-split.json: /stream/shards: expected an integer, got "abc"' "$tmp/err"
check "no output after bad --set" test ! -e "$tmp/s3"
check "misspelt --set pointer" run 2 run "$src/scenarios/write-skew-split.json" --set /stream/shardz=3
check "did you mean shards" grep -qF 'did you mean "shards"' "$tmp/err"
check "--set without =" run 2 run "$src/scenarios/write-skew-split.json" --set nopointer
check "missing price file" run 2 run "$src/scenarios/write-skew-split.json" --prices "$tmp/none.json"
check "price file named" grep -q "none.json" "$tmp/err"
check "--prices file" run 0 run "$src/scenarios/write-skew-split.json" --duration 20s --prices "$src/scenarios/prices/aws-us-east-1.json" --out "$tmp/s4" -q
check "price file recorded" grep -q '"price_file": ".*aws-us-east-1.json"' "$tmp/s4/result.json"

# size and sweep.
check "size" run 0 size "$src/scenarios/write-skew-split.json" --duration 1min -r 2 --out "$tmp/z1"
check "size recommends" grep -q "^Recommendation: [0-9]* shards" "$tmp/out"
check "size.json contract" grep -q '"recommended_shards": [0-9]' "$tmp/z1/size.json"
check "size.json formula" grep -q '"aws_formula_shards": [0-9]' "$tmp/z1/size.json"
check "size.json evaluated" grep -q '"cost_per_month_usd"' "$tmp/z1/size.json"
check "size writes the recommended result" test -s "$tmp/z1/result.json"
check "size same bytes for any threads" run 0 size "$src/scenarios/write-skew-split.json" --duration 1min -r 2 -j 1 --out "$tmp/z2"
check "size.json identical" cmp -s "$tmp/z1/size.json" "$tmp/z2/size.json"
check "size without --report writes no report" test ! -e "$tmp/z1/report.html"
check "size --report" run 0 size "$src/scenarios/write-skew-split.json" --duration 1min -r 2 --out "$tmp/z3" --report
for f in report.html report.md report/size-cost.svg size.json result.json; do
  check "size --report wrote $f" test -s "$tmp/z3/$f"
done
check "size report has the size review" grep -q "Size review: write-skew-split" "$tmp/z3/report.html"
check "size report marks the recommendation" grep -q "recommended: [0-9]* shards" "$tmp/z3/report/size-cost.svg"
check "size report is self-contained" bash -c "! grep -q 'https://\|src=' '$tmp/z3/report.html'"
check "size --report needs --out" run 2 size "$src/scenarios/write-skew-split.json" --report
check "size --report message" grep -q -- "--report needs --out DIR" "$tmp/err"
check "size bad --min" run 2 size "$src/scenarios/write-skew-split.json" --min 0
check "size --max below --min" run 2 size "$src/scenarios/write-skew-split.json" --min 8 --max 4
check "sweep" run 0 sweep "$src/scenarios/write-skew-split.json" --duration 20s --set /stream/shards=4..8+2 --out "$tmp/w1"
check "sweep.csv header" grep -q "^/stream/shards,replications,objectives_met,cost_per_month_usd" "$tmp/w1/sweep.csv"
check "sweep.csv rows" test "$(wc -l <"$tmp/w1/sweep.csv")" -eq 4
check "sweep.json" grep -q '"points"' "$tmp/w1/sweep.json"
check "sweep bad point" run 2 sweep "$src/scenarios/write-skew-split.json" --set /stream/shards=4,0 --out "$tmp/w2"
check "sweep names the point" grep -qF '(at /stream/shards=0)' "$tmp/err"
check "sweep writes nothing on bad input" test ! -e "$tmp/w2"
check "sweep needs an axis" run 2 sweep "$src/scenarios/write-skew-split.json" --out "$tmp/w3"

check "report DIR refuses a size directory" run 2 report "$tmp/z1"
check "says it holds a size result" grep -q "holds a size result" "$tmp/err"

# route.
printf 'device-1\nabc\n' >"$tmp/keys.txt"
check "route keys" run 0 route --shards 3 --keys "$tmp/keys.txt"
check "route two lines" test "$(wc -l <"$tmp/out")" -eq 2
# MD5("abc") = 900150983cd24fb0d6963f7d28e17f72 = 191415658344158766168031473277922803570.
check "route abc hash" grep -qF '{"partition_key": "abc", "hash_key": "191415658344158766168031473277922803570", "shard_id": "shardId-000000000001"}' "$tmp/out"
printf '{"partition_key": "a\\tb", "explicit_hash_key": "0"}\n' >"$tmp/keys.jsonl"
check "route jsonl" run 0 route --shards 4 --jsonl "$tmp/keys.jsonl"
check "route ehk" grep -qF '"hash_key": "0", "shard_id": "shardId-000000000000"' "$tmp/out"
printf '\n' >"$tmp/empty-key.txt"
check "route bad key exits 2" run 2 route --shards 4 --keys "$tmp/empty-key.txt"
check "route names the line" grep -q "line 1" "$tmp/err"
check "route needs one input" run 2 route --shards 4

# shards and route --ops: the shard table after resharding operations, and routing on it.
check "shards --help" run 0 shards --help
check "shards without ops" run 0 shards --shards 2
check "shards table of two" test "$(grep -c '"shard_id"' "$tmp/out")" -eq 2
check "shards json" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out"
cat >"$tmp/ops.json" <<'OPS'
[{"op": "split", "shard": "shardId-000000000000", "new_starting_hash_key": "even"},
 {"op": "merge", "shard": "shardId-000000000003", "adjacent": "shardId-000000000001"}]
OPS
check "shards after ops" run 0 shards --shards 2 --ops "$tmp/ops.json"
# 2^127 - 1 is the end of shard 0; "even" = floor((0 + 2^127 - 1) / 2) = 2^126 - 1.
check "split lower child" grep -qF '{"shard_id": "shardId-000000000002", "parent_shard_id": "shardId-000000000000", "adjacent_parent_shard_id": null, "starting_hash_key": "0", "ending_hash_key": "85070591730234615865843651857942052862", "open": true}' "$tmp/out"
check "split upper child closed by the merge" grep -qF '{"shard_id": "shardId-000000000003", "parent_shard_id": "shardId-000000000000", "adjacent_parent_shard_id": null, "starting_hash_key": "85070591730234615865843651857942052863", "ending_hash_key": "170141183460469231731687303715884105727", "open": false}' "$tmp/out"
check "merge child" grep -qF '{"shard_id": "shardId-000000000004", "parent_shard_id": "shardId-000000000003", "adjacent_parent_shard_id": "shardId-000000000001", "starting_hash_key": "85070591730234615865843651857942052863", "ending_hash_key": "340282366920938463463374607431768211455", "open": true}' "$tmp/out"
check "shards after ops json" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [s["open"] for s in d["shards"]] == [False, False, True, False, True]' "$tmp/out"
printf 'a\nb\n' >"$tmp/ab.txt"
check "route after ops" run 0 route --shards 2 --ops "$tmp/ops.json" --keys "$tmp/ab.txt"
# MD5("a") = 16955237001963240173058271559858726497 < 2^126 - 1: the lower split child;
# MD5("b") = 195289424170611159128911017612795795343: the merge child.
check "route a to the split child" grep -qF '"partition_key": "a", "hash_key": "16955237001963240173058271559858726497", "shard_id": "shardId-000000000002"' "$tmp/out"
check "route b to the merge child" grep -qF '"partition_key": "b", "hash_key": "195289424170611159128911017612795795343", "shard_id": "shardId-000000000004"' "$tmp/out"
printf '[{"op": "update_shard_count", "target": 4}]' >"$tmp/usc.json"
check "update_shard_count doubles" run 0 shards --shards 2 --ops "$tmp/usc.json"
check "four open after doubling" test "$(grep -c '"open": true' "$tmp/out")" -eq 4
check "two splits, no merge" test "$(grep -c '"shard_id"' "$tmp/out")" -eq 6
printf '[{"op": "split", "shard": "shardId-000000000000", "new_starting_hash_key": "even"},\n{"op": "split", "shard": "shardId-000000000000", "new_starting_hash_key": "7"}]' >"$tmp/closed.json"
check "split of a closed shard exits 2" run 2 shards --shards 2 --ops "$tmp/closed.json"
check "closed shard error names the operation" grep -qF "/1: operation 1 (split) refused: InvalidArgumentException: Shard shardId-000000000000 has already been merged or split, and thus is not eligible for merging or splitting." "$tmp/err"
check "no partial table" test ! -s "$tmp/out"
printf '[{"op": "merge", "shard": "shardId-000000000000", "adjacent": "shardId-000000000002"}]' >"$tmp/nonadj.json"
check "non-adjacent merge exits 2" run 2 shards --shards 3 --ops "$tmp/nonadj.json"
check "non-adjacent merge error" grep -qF "/0: operation 0 (merge) refused: InvalidArgumentException: Shards shardId-000000000000 and shardId-000000000002 are not an adjacent pair of shards eligible for merging" "$tmp/err"
printf '[{"op": "split", "shard": "shardId-000000000001", "new_starting_hash_key": "1"}]' >"$tmp/outside.json"
check "key outside the shard exits 2" run 2 route --shards 2 --ops "$tmp/outside.json" --keys "$tmp/ab.txt"
check "key outside the shard error" grep -qF "/0: operation 0 (split) refused: InvalidArgumentException: NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000001 is not both greater than one plus the shard's StartingHashKey 170141183460469231731687303715884105728 and less than the shard's EndingHashKey 340282366920938463463374607431768211455." "$tmp/err"
check "route prints nothing on refusal" test ! -s "$tmp/out"
printf '[{"op": "update_shard_count", "target": 5}]' >"$tmp/triple.json"
check "update_shard_count over double exits 2" run 2 shards --shards 2 --ops "$tmp/triple.json"
check "over double error" grep -qF "LimitExceededException: UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2, Target shard count: 5" "$tmp/err"
printf '[{"op": "split", "shard": 0, "at": "1min"}]' >"$tmp/badops.json"
check "malformed operation exits 2" run 2 shards --shards 2 --ops "$tmp/badops.json"
check "malformed operation pointer" grep -qF '/0/at: an operations file has no times: remove it' "$tmp/err"
check "shard id format" grep -qF '/0/shard: expected a string, got 0' "$tmp/err"
check "missing ops file exits 2" run 2 shards --shards 2 --ops "$tmp/none.json"
check "run with a split" run 0 run "$src/scenarios/reshard-hot-shard.json" --out "$tmp/o9"
check "split completed" grep -qF '"status": "completed"' "$tmp/o9/result.json"
check "resharded finding" grep -q "resharded: SplitShard shardId-000000000007" "$tmp/out"
check "children's series" test -f "$tmp/o9/series/shardId-000000000009.csv"
printf '[{"op": "update_stream_mode", "mode": "on_demand"}]' >"$tmp/modeops.json"
check "mode switch in an ops file exits 2" run 2 shards --shards 2 --ops "$tmp/modeops.json"
check "mode switch in an ops file error" grep -qF '/0/op: an operations file changes the shard table: update_stream_mode belongs on a run' "$tmp/err"
check "run with mode switches" run 0 run "$src/scenarios/mode-switch-launch.json" --duration 90min --out "$tmp/o10" --report
check "mode switch completed" grep -qF '"mode": "provisioned"' "$tmp/o10/result.json"
check "mode periods" grep -qF '"mode_periods"' "$tmp/o10/result.json"
check "summary names the switch" grep -qF "Capacity mode: on-demand until 61min, then provisioned (switched at 61min)" "$tmp/out"
check "cost has both modes" grep -q "kds_on_demand_stream_hour.*kds_shard_hour\|kds_shard_hour.*kds_on_demand_stream_hour" <(tr -d '\n' <"$tmp/out")
check "report names the switch" grep -qF "Capacity mode:" "$tmp/o10/report.md"
printf '{"name": "x", "duration": "1h", "producers": [{"name": "p", "rate": "1/s"}], "stream": {"mode": "provisioned", "shards": 1, "operations": [{"at": "2h", "op": "update_stream_mode", "mode": "on_demand"}]}}' >"$tmp/lateswitch.json"
check "switch after the run exits 2" run 2 validate "$tmp/lateswitch.json"
check "switch after the run names its pointer" grep -qF "/stream/operations/0/at" "$tmp/err"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
