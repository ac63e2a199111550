#!/usr/bin/env bash
# Layering check: each folder includes only the layers below it (README "Architecture"). The CMake
# link graph catches calls across layers; this catches header-only uses the link graph cannot see.
# Usage: layering_test.sh SOURCE_DIR
set -u
cd "$1" || exit 2
fail=0
# folder -> allowed include prefixes (besides its own folder)
check() {
  local dir="$1"
  shift
  local allowed=("$dir" "$@")
  while IFS= read -r line; do
    local file="${line%%:*}" inc="${line#*\"}"
    inc="${inc%%\"*}"
    local ok=0
    for a in "${allowed[@]}"; do [[ "$inc" == "$a"* ]] && ok=1 && break; done
    if ((ok == 0)); then
      echo "layering: $file includes $inc ($dir may include only: ${allowed[*]})" >&2
      fail=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' '^#include "' "$dir" 2>/dev/null |
           grep -v "^$dir/loader" || true)
}
check sim/ sim/
check models/spec/loader/ models/spec/ sim/
check models/spec/ sim/
check models/result/ sim/
check models/keys/ models/spec/ sim/
check models/traffic/ models/spec/ sim/
check models/stream/ models/keys/ models/result/ models/spec/ sim/
check models/producers/ models/stream/ models/keys/ models/traffic/ models/result/ models/spec/ sim/
check models/consumers/ models/stream/ models/keys/ models/traffic/ models/result/ models/spec/ sim/
check models/run/ models/ sim/
check analysis/ models/ sim/
check planner/ analysis/ models/ sim/
# reports see the result types and the unit formatting only: never the simulator.
check reports/ models/result/run_result.h models/result/result_fields.h models/result/histogram.h \
  models/result/format.h models/result/cost.h models/result/size_result.h models/result/sweep_result.h models/spec/units.h \
  models/spec/diagnostic.h \
  sim/check.h sim/time.h
exit $fail
