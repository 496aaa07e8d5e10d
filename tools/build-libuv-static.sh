#!/usr/bin/env bash
# Build libuv's static library from its source for a cross target and install it
# into OUT: include/, lib/libuv.a and lib/pkgconfig/libuv.pc (for Meson's
# pkg-config lookup through a cross file's pkg_config_libdir).
#
#   tools/build-libuv-static.sh SRC OUT TARGET [CMAKE_ARG...]
#
# The CMake arguments say what to build for (a toolchain file, or the system and
# compiler); TARGET only names it in libuv.pc. OUT appears only when complete (a
# half-built result never looks cached); its build tree is OUT.work, removed after.
set -euo pipefail

die() { echo "build-libuv-static: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: $0 SRC OUT TARGET [CMAKE_ARG...]"
src=$1 out=$2 target=$3
shift 3
command -v cmake >/dev/null || die "cmake not found (apt-get install cmake)"
work=$out.work
rm -rf "$work" "$out"
mkdir -p "$work/install/lib/pkgconfig"

# Only the static library (target uv_a): the shared one and the tests are not needed.
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S "$src" -B "$work/build" "${gen[@]}" "$@" \
    -DCMAKE_BUILD_TYPE=Release -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF \
    >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; die "cmake configure for $target failed"; }
cmake --build "$work/build" --target uv_a -j "$(nproc)" >>"$work/cmake.log" 2>&1 ||
    { tail -n 40 "$work/cmake.log" >&2; die "cmake build for $target failed"; }

# Installed by hand (cmake --install would want the shared library too). The system
# libraries are the ones libuv's own CMakeLists lists (uv_libraries, written into its
# libuv-static.pc), so a newer libuv that needs more still links.
cp -r "$src/include" "$work/install/include"
cp "$work/build/libuv_a.a" "$work/install/lib/libuv.a"
syslibs=$(sed -n 's/^Libs:.*-luv_a[[:space:]]*//p' "$work/build/libuv-static.pc")
version=$(sed -n 's/^Version:[[:space:]]*//p' "$work/build/libuv-static.pc")
if [ -z "$syslibs" ] || [ -z "$version" ]; then die "could not read Libs/Version from libuv-static.pc"; fi
cat >"$work/install/lib/pkgconfig/libuv.pc" <<PC
# libuv $version for $target, static, built by tools/build-libuv-static.sh
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libuv
Version: $version
Description: multi-platform support library with a focus on asynchronous I/O (static, $target)
Libs: -L\${libdir} -luv $syslibs
Cflags: -I\${includedir}
PC
mv "$work/install" "$out"
rm -rf "$work"
echo "build-libuv-static: built libuv $version for $target: $out" >&2
