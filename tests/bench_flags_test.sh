#!/usr/bin/env bash
# shardsim_bench keeps Google Benchmark's own flags: --benchmark_format=json prints JSON only (the
# custom main used to replace the display reporter and print the console table anyway), csv prints
# CSV, and the console format still gets the kernel-vs-plain ratio table.
# Usage: bench_flags_test.sh SHARDSIM_BENCH
set -u
bin="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect NAME CONDITION...
  local name="$1"
  shift
  if ! "$@"; then
    echo "FAIL: $name" >&2
    fail=1
  fi
}
args=(--benchmark_filter='BM_(KernelHold|PlainPriorityQueueHold)/1000$' --benchmark_min_time=0.01)
"$bin" "${args[@]}" --benchmark_format=json >"$tmp/json" 2>/dev/null || fail=1
expect json_starts_with_brace test "$(head -c 1 "$tmp/json")" = "{"
expect json_lists_benchmarks grep -q '"benchmarks"' "$tmp/json"
expect json_has_no_table bash -c "! grep -qE '^-{10}|Kernel hold model' '$tmp/json'"
expect json_ends_with_brace test "$(tail -c 2 "$tmp/json" | head -c 1)" = "}"
"$bin" "${args[@]}" --benchmark_format=csv >"$tmp/csv" 2>/dev/null || fail=1
expect csv_header grep -q '^name,iterations,' "$tmp/csv"
expect csv_has_no_table bash -c "! grep -q 'Kernel hold model' '$tmp/csv'"
"$bin" "${args[@]}" >"$tmp/console" 2>/dev/null || fail=1
expect console_table grep -q '^BM_KernelHold/1000 ' "$tmp/console"
expect console_ratio grep -q 'Kernel hold model vs' "$tmp/console"
exit $fail
