#!/usr/bin/env bash
# meson test's browser test of the page: writes the page from the committed
# results, then tests/browser/page.test.mjs checks it in chromium. Exit 77
# (skipped, with the reason) where chromium, node or playwright-core is not
# installed: tools/browser-deps.sh BUILD_DIR installs them.
#
#   tests/browser/run.sh PYTHON BUILD_DIR [SCREENSHOT_DIR]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 PYTHON BUILD_DIR [SCREENSHOT_DIR]" >&2; exit 2; }
python=$1 build=$(cd "$2" && pwd) screenshots=${3:-}

skip() { echo "browser test skipped: $* (tools/browser-deps.sh $build installs it)"; exit 77; }
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || skip "chromium is not installed"
command -v node >/dev/null || skip "node is not installed"
modules=$build/browser-test/node_modules
[ -f "$modules/playwright-core/package.json" ] || skip "playwright-core is not installed in $build/browser-test"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" "$repo/report.py" --html "$work/index.html"
BM_PLAYWRIGHT_DIR=$modules node --test-reporter=spec "$repo/tests/browser/page.test.mjs" \
  "$work/index.html" "$chromium" $screenshots
