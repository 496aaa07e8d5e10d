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
# Env: LIBUV_VERSION=<debian version> (default: that of the installed libuv1-dev,
# else the archive's newest); DEBIAN_MIRROR=<url> (default: from /etc/apt).
set -euo pipefail

die() { echo "build-libuv-mingw: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 DEPSDIR"
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
deps=$(cd "$1" && pwd)
case $deps in *[\'\|\&\\]*) die "DEPSDIR path must not contain ' | & or \\: $deps" ;; esac
out=$deps/libuv-mingw

for tool in x86_64-w64-mingw32-gcc cmake apt-get dpkg-source pkg-config; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install mingw-w64 cmake dpkg-dev pkg-config)"
done

write_cross_file() {
    # Rewritten only when it changes, so an unchanged file does not make Meson reconfigure.
    local tmp=$deps/mingw-w64-x86_64.ini.tmp
    sed -e "s|@LIBUV_PKGCONFIG@|$out/lib/pkgconfig|g" -e "s|@WINEPREFIX@|$deps/wineprefix|g" \
        "$repo/cross/mingw-w64-x86_64.ini.in" >"$tmp"
    if cmp -s "$tmp" "$deps/mingw-w64-x86_64.ini"; then rm -f "$tmp"; else mv "$tmp" "$deps/mingw-w64-x86_64.ini"; fi
}

if [ -f "$out/lib/libuv.a" ] && [ -f "$out/lib/pkgconfig/libuv.pc" ] && [ -f "$out/include/uv.h" ]; then
    write_cross_file
    echo "build-libuv-mingw: cached: $out"
    exit 0
fi

work=$deps/libuv-mingw-work
rm -rf "$work" "$out.tmp" "$out"
mkdir -p "$work"/apt/{etc/sources.list.d,etc/apt.conf.d,lists/partial,cache/archives/partial} "$work/src"

# --- 1. fetch the source with a private apt configuration (system sources untouched)
mirror=${DEBIAN_MIRROR:-$(
    # deb822 "URIs:" lines and one-line "deb URL suite ..." entries; the main archive, not -security.
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' |
        tr ' ' '\n' | grep -E '^https?://[^ ]*/debian/?$' | head -n1 || true)}
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*; set DEBIAN_MIRROR"
# shellcheck source=/dev/null
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""; [ -f "$keyring" ] && signed="[signed-by=$keyring] "
echo "deb-src ${signed}$mirror $codename main" >"$work/apt/etc/sources.list"

apt_opts=(
    -o "Dir::Etc::SourceList=$work/apt/etc/sources.list"
    -o "Dir::Etc::SourceParts=$work/apt/etc/sources.list.d"
    -o "Dir::Etc::Parts=$work/apt/etc/apt.conf.d"
    -o "Dir::State::Lists=$work/apt/lists"
    -o "Dir::Cache=$work/apt/cache"
    # the private dirs are root-owned 0755: apt's _apt sandbox user could not write them
    -o "APT::Sandbox::User=root"
    # this machine's mirror may be a dated snapshot whose Release has expired
    -o "Acquire::Check-Valid-Until=false"
    -q
)
version=${LIBUV_VERSION:-$(dpkg-query -W -f='${Version}' libuv1-dev 2>/dev/null || true)}
echo "build-libuv-mingw: fetching libuv1 ${version:-(newest)} source from $mirror $codename"
apt-get "${apt_opts[@]}" update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; die "apt-get update failed"; }
(cd "$work/src" && apt-get "${apt_opts[@]}" source "libuv1${version:+=$version}") >>"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; die "apt-get source libuv1${version:+=$version} failed"; }
src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'libuv*' | head -n1)
[ -f "$src/CMakeLists.txt" ] || die "no CMakeLists.txt in the libuv source ($work/src)"

# --- 2. build only the static library (target uv_a; the DLL and tests are not needed)
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S "$src" -B "$work/build" "${gen[@]}" \
    -DCMAKE_TOOLCHAIN_FILE="$repo/cross/mingw-w64-x86_64.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF \
    >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; die "cmake configure failed"; }
cmake --build "$work/build" --target uv_a -j "$(nproc)" >>"$work/cmake.log" 2>&1 ||
    { tail -n 40 "$work/cmake.log" >&2; die "cmake build failed"; }

# --- 3. install by hand (cmake --install would want the DLL too) and write libuv.pc
mkdir -p "$out.tmp/lib/pkgconfig"
cp -r "$src/include" "$out.tmp/include"
cp "$work/build/libuv_a.a" "$out.tmp/lib/libuv.a"
# The Windows system libraries are the ones libuv's own CMakeLists lists (uv_libraries,
# written into its libuv-static.pc), so a newer libuv that needs more (dbghelp, ole32,
# shell32 from 1.45 on) still links.
syslibs=$(sed -n 's/^Libs:.*-luv_a[[:space:]]*//p' "$work/build/libuv-static.pc")
uvversion=$(sed -n 's/^Version:[[:space:]]*//p' "$work/build/libuv-static.pc")
if [ -z "$syslibs" ] || [ -z "$uvversion" ]; then die "could not read Libs/Version from libuv-static.pc"; fi
cat >"$out.tmp/lib/pkgconfig/libuv.pc" <<EOF
# libuv $uvversion for x86_64-w64-mingw32, static, built by tools/build-libuv-mingw.sh
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libuv
Version: $uvversion
Description: multi-platform support library with a focus on asynchronous I/O (static, mingw-w64)
Libs: -L\${libdir} -luv $syslibs
Cflags: -I\${includedir}
EOF
mv "$out.tmp" "$out"   # last step: a half-built result never looks cached
rm -rf "$work"
write_cross_file
echo "build-libuv-mingw: built libuv $uvversion: $out"
