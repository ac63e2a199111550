# Shared by the CLI test scripts (source it after setting `bin` and `src`): a temporary directory
# removed at exit, pass/fail counters, `check NAME CONDITION...` and `run EXPECTED_RC ARGS...`.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() {  # check NAME CONDITION...
  local name="$1"
  shift
  if "$@"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name" >&2
  fi
}

run() {  # run EXPECTED_RC ARGS... ; stdout -> $tmp/out, stderr -> $tmp/err
  local expected="$1"
  shift
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -ne $expected ]]; then
    echo "  '$*' exited $rc, expected $expected; stderr:" >&2
    sed 's/^/    /' "$tmp/err" >&2
    return 1
  fi
}
