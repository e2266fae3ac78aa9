#!/usr/bin/env bash
# Renders an Assay HTML report (assay report --html) to a PNG with headless Chromium, to check
# that the page renders in a real browser and to look at it.
#
# Usage:
#   tools/render-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
#   REPORT.html   the report written by: assay report --bundle B --log-key K --html REPORT.html
#   OUT.png       where to write the screenshot (default: REPORT.png beside the report)
#   WIDTHxHEIGHT  the browser window (default: 1200x1600)
#
# Example:
#   assay report --bundle thermostat.assay-bundle --log-key operator.pub --at 2030-01-15 --html report.html
#   tools/render-report.sh report.html report.png
#
# Needs chromium (or chromium-browser / google-chrome). When none is on PATH it is installed with
# apt-get (as root, or with sudo when available); set RENDER_NO_INSTALL=1 to refuse installing.
# The page is loaded from a file:// URL with networking left to Chromium's defaults; the report is
# self-contained, so nothing is fetched. Exits 0 and prints the PNG's path when the PNG is written.
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then usage; [ $# -ge 1 ] && exit 0; exit 2; fi
html="$1"
[ -f "$html" ] || { echo "render-report: $html does not exist" >&2; exit 2; }
png="${2:-${html%.*}.png}"
size="${3:-1200x1600}"
case "$size" in
  [0-9]*x[0-9]*) width="${size%x*}"; height="${size#*x}" ;;
  *) echo "render-report: window size must be WIDTHxHEIGHT, got $size" >&2; exit 2 ;;
esac

find_browser() {
  for b in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}

if ! browser="$(find_browser)"; then
  if [ "${RENDER_NO_INSTALL:-0}" = "1" ]; then
    echo "render-report: no chromium on PATH (and RENDER_NO_INSTALL=1)" >&2; exit 3
  fi
  if [ "$(id -u)" = "0" ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "render-report: no chromium on PATH, and not root to install it (apt-get install chromium)" >&2; exit 3
  fi
  echo "render-report: installing chromium with apt-get (this can take a while)…" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  browser="$(find_browser)" || { echo "render-report: chromium is still not on PATH after installing" >&2; exit 3; }
fi

abs_html="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
mkdir -p "$(dirname "$png")"
abs_png="$(cd "$(dirname "$png")" && pwd)/$(basename "$png")"
rm -f "$abs_png"
profile="$(mktemp -d "${TMPDIR:-/tmp}/render-report-profile.XXXXXX")"
trap 'rm -rf "$profile"' EXIT

# --no-sandbox: Chromium's sandbox cannot start as root or in most containers.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check \
  --user-data-dir="$profile" --window-size="$width,$height" --screenshot="$abs_png" "file://$abs_html" \
  >"$profile/chromium.log" 2>&1 || {
    echo "render-report: $browser failed:" >&2; tail -n 20 "$profile/chromium.log" >&2; exit 1; }

if [ ! -s "$abs_png" ]; then
  echo "render-report: $browser wrote no screenshot:" >&2; tail -n 20 "$profile/chromium.log" >&2; exit 1
fi
echo "$abs_png"
