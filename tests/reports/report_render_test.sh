#!/usr/bin/env bash
# Renders report.html and compare.html in headless Chromium (scripts/render-report.sh) and checks
# that the screenshots are not blank (png_check). Skips (exit 77) only when Chromium is absent:
# install it with scripts/install-deps.sh --with-chromium.
# Usage: report_render_test.sh SHARDSIM_BINARY PNG_CHECK SOURCE_DIR
set -euo pipefail
bin="$1"
png_check="$2"
src="$3"
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 &&
  ! command -v google-chrome >/dev/null 2>&1; then
  echo "SKIPPED: chromium is not installed; install it with scripts/install-deps.sh --with-chromium"
  exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
car="$src/scenarios/car-telemetry.json"
"$bin" run "$car" --duration 60s --out "$tmp/a" --report -q
"$bin" run "$car" --duration 60s --seed 9 --out "$tmp/b" -q
"$bin" compare "$tmp/a" "$tmp/b" --out "$tmp/c" >/dev/null
for html in "$tmp/a/report.html" "$tmp/c/compare.html"; do
  png="${html%.html}.png"
  "$src/scripts/render-report.sh" "$html" "$png" 1280 2400
  "$png_check" "$png" 1280 2400
done
