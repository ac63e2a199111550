#!/usr/bin/env bash
# `mpirun -np 2 shardsim sweep` writes the same bytes as a one-process sweep (planner/spread.h):
# two ranks split the (point, replication) runs, rank 0 gathers and writes. Also 3 ranks (more
# ranks than some points' replications) and a rank without any task.
# Usage: mpi_sweep_test.sh SHARDSIM_BINARY SOURCE_DIR MPIEXEC
set -u
bin="$1"
src="$2"
mpiexec="$3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Open MPI refuses to run as root unless told; CI containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail=0
sweep() {  # sweep OUT NP ARGS...: NP=0 runs without mpirun
  local out="$1" np="$2"
  shift 2
  if [[ "$np" == 0 ]]; then
    "$bin" sweep "$@" --threads 1 --out "$tmp/$out" >"$tmp/$out.txt" 2>"$tmp/$out.err"
  else
    "$mpiexec" -np "$np" --oversubscribe "$bin" sweep "$@" --threads 1 --out "$tmp/$out" \
      >"$tmp/$out.txt" 2>"$tmp/$out.err"
  fi
}
same() {  # same NAME A B: sweep.json, sweep.csv and stdout byte-identical
  local ok=1
  for f in sweep.json sweep.csv; do cmp -s "$tmp/$2/$f" "$tmp/$3/$f" || ok=0; done
  cmp -s "$tmp/$2.txt" "$tmp/$3.txt" || ok=0
  if ((ok)); then echo "ok: $1"; else echo "FAIL: $1" >&2; cat "$tmp/$3.err" >&2; fail=1; fi
}
args=("$src/scenarios/write-skew-split.json" --set /stream/shards=2,4,8 --replications 2
      --duration 20s)
sweep one 0 "${args[@]}" || { echo "FAIL: one-process sweep" >&2; exit 1; }
sweep two 2 "${args[@]}" || { echo "FAIL: mpirun -np 2 exit $?" >&2; cat "$tmp/two.err" >&2; exit 1; }
same "mpirun -np 2 = one process" one two
sweep three 3 "${args[@]}" || { echo "FAIL: mpirun -np 3" >&2; cat "$tmp/three.err" >&2; exit 1; }
same "mpirun -np 3 = one process" one three
# A bad point: every rank exits 2, rank 0 alone names it, nothing is written.
if sweep bad 2 "$src/scenarios/write-skew-split.json" --set /stream/shards=2,0; then
  echo "FAIL: a bad point under mpirun exits 0" >&2
  fail=1
elif [[ -e "$tmp/bad" ]] || [[ $(grep -c "/stream/shards" "$tmp/bad.err") != 1 ]]; then
  echo "FAIL: a bad point under mpirun: output written or not named once" >&2
  cat "$tmp/bad.err" >&2
  fail=1
else
  echo "ok: bad point under mpirun"
fi
exit $fail
