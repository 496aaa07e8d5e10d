#!/usr/bin/env bash
# Build a static libuv for x86_64-w64-mingw32 from Debian's libuv source package and
# write the Meson cross file that finds it.
#
#   tools/build-libuv-mingw.sh DEPSDIR
#
# Produces DEPSDIR/libuv-mingw/{include,lib/libuv.a,lib/pkgconfig/libuv.pc} (skipped
# when already there) and DEPSDIR/mingw-w64-x86_64.ini (from cross/*.ini.in), then:
#   meson setup build-win --cross-file DEPSDIR/mingw-w64-x86_64.ini
# Keep DEPSDIR apart from the Meson build dir: `meson setup --wipe` empties the
# whole build dir.
# Env: LIBUV_VERSION, DEBIAN_MIRROR (see tools/fetch-libuv-source.sh).
set -euo pipefail

die() { echo "build-libuv-mingw: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 DEPSDIR"
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
deps=$(cd "$1" && pwd)
case $deps in *[\'\|\&\\]*) die "DEPSDIR path must not contain ' | & or \\: $deps" ;; esac
out=$deps/libuv-mingw

for tool in x86_64-w64-mingw32-gcc cmake pkg-config; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install mingw-w64 cmake dpkg-dev pkg-config)"
done

if [ -d "$out" ]; then
    echo "build-libuv-mingw: cached: $out"
else
    work=$deps/libuv-mingw-source
    rm -rf "$work"
    src=$("$repo/tools/fetch-libuv-source.sh" "$work")
    "$repo/tools/build-libuv-static.sh" "$src" "$out" x86_64-w64-mingw32 \
        -DCMAKE_TOOLCHAIN_FILE="$repo/cross/mingw-w64-x86_64.cmake"
    rm -rf "$work"
fi

sed -e "s|@LIBUV_PKGCONFIG@|$out/lib/pkgconfig|g" -e "s|@WINEPREFIX@|$deps/wineprefix|g" \
    "$repo/cross/mingw-w64-x86_64.ini.in" | "$repo/tools/write-if-changed.sh" "$deps/mingw-w64-x86_64.ini"
