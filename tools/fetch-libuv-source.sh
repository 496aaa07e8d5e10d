#!/usr/bin/env bash
# Fetch Debian's libuv1 source package into WORKDIR and print its unpacked dir:
# the source of every cross-built libuv (tools/build-libuv-mingw.sh,
# tools/build-macos-deps.sh).
#
#   tools/fetch-libuv-source.sh WORKDIR
#
# Exits as tools/debian-fetch.sh does (77: cannot be fetched here).
# Env: LIBUV_VERSION=<debian version> (default: that of the installed libuv1-dev,
# else the archive's newest).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 WORKDIR" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
version=${LIBUV_VERSION:-$(dpkg-query -W -f='${Version}' libuv1-dev 2>/dev/null || true)}
"$here/debian-fetch.sh" "$1" source '' "libuv1${version:+=$version}"
src=$(find "$1/files" -mindepth 1 -maxdepth 1 -type d -name 'libuv*' | head -n1)
[ -f "$src/CMakeLists.txt" ] || { echo "fetch-libuv-source: no CMakeLists.txt in $1/files" >&2; exit 1; }
echo "$src"
