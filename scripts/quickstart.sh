#!/usr/bin/env bash
# Command (a) of the README: install what is missing, build in Release, run the default scenario.
# Usage: scripts/quickstart.sh [SCENARIO] -- output goes to out/<scenario name>/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target shardsim
scenario="${1:-scenarios/car-telemetry.json}"
name="$(basename "$scenario" .json)"
./build/cli/shardsim run "$scenario" --out "out/$name"
