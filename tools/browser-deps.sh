#!/usr/bin/env bash
# Installs what the page's browser test needs: Debian's chromium and npm
# (through tools/deps.sh's ensure_commands), then playwright-core from the
# npm registry into a project-local folder, BUILD_DIR/browser-test.
#
#   tools/browser-deps.sh BUILD_DIR
#
# Playwright's own browser download is skipped: the test drives Debian's
# chromium. Idempotent; exits non-zero with one line when something cannot
# be installed (the test then skips with that reason).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
# shellcheck source=tools/deps.sh
. "$repo/tools/deps.sh"
ensure_commands "${BM_BROWSER_COMMANDS[@]}"

prefix=$1/browser-test
version=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$repo/tests/browser/package.json")
installed=$prefix/node_modules/playwright-core/package.json
if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then
  exit 0
fi
mkdir -p "$prefix"
cp "$repo/tests/browser/package.json" "$prefix/package.json"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$prefix" --no-audit --no-fund \
  --loglevel=error >"$prefix/npm.log" 2>&1 || {
  echo "browser-deps: npm install playwright-core@$version failed (see $prefix/npm.log)" >&2
  exit 1
}
