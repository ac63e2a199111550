#!/usr/bin/env bash
# Renders a report (report.html or compare.html; any self-contained HTML file) to a PNG with
# headless Chromium, for looking at it or checking it in a test.
# Usage: scripts/render-report.sh HTML PNG [WIDTH [HEIGHT]]    (default 1280 x 2400)
# Exit 0 rendered, 1 Chromium failed or timed out (60 s), 77 Chromium is not installed (the
# ctest skip code); install it with scripts/install-deps.sh --with-chromium.
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 HTML PNG [WIDTH [HEIGHT]]" >&2
  exit 2
fi
html=$1 png=$2 width=${3:-1280} height=${4:-2400}
chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chromium=$c; break; fi
done
if [[ -z "$chromium" ]]; then
  echo "render-report: chromium is not installed (scripts/install-deps.sh --with-chromium)" >&2
  exit 77
fi
[[ -f "$html" ]] || { echo "render-report: no such file: $html" >&2; exit 2; }
html_abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
png_abs=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")
profile=$(mktemp -d "${TMPDIR:-/tmp}/shardsim-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
rm -f "$png_abs"
# A fresh profile, no network services, no GPU; the report needs none of them.
if ! timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --screenshot="$png_abs" \
  --window-size="$width,$height" "file://$html_abs" >"$profile/log" 2>&1; then
  echo "render-report: chromium failed or timed out; its output:" >&2
  tail -n 20 "$profile/log" >&2
  exit 1
fi
[[ -s "$png_abs" ]] || { echo "render-report: chromium wrote no $png" >&2; tail -n 20 "$profile/log" >&2; exit 1; }
