#!/usr/bin/env bash
# A private, 64-bit Wine prefix with a persistent wineserver, for one run of the
# Windows build (meson test, or the harness run by hand).
#
#   tools/wine-session.sh start PREFIX          create PREFIX if new, start its wineserver;
#                                               prints the env lines: eval "$(... start P)"
#   tools/wine-session.sh stop PREFIX           stop that wineserver and every Windows
#                                               process of PREFIX
#   tools/wine-session.sh run PREFIX -- CMD...  start, run CMD with that env, stop (also when
#                                               CMD fails); exits with CMD's status
#
# Why a persistent server: without one, every `wine prog.exe` starts a wineserver and
# the Windows services (winedevice.exe...) again, ~350 ms per process; with one, ~25 ms.
# Why one prefix per concurrent run: Wine keeps its Windows bind table (SO_REUSEADDR /
# SO_EXCLUSIVEADDRUSE bookkeeping) per wineserver, i.e. per prefix.
# The cross file written by tools/build-libuv-mingw.sh DEPSDIR uses DEPSDIR/wineprefix.
set -euo pipefail

die() { echo "wine-session: $*" >&2; exit 1; }
usage() { die "usage: $0 start PREFIX | stop PREFIX | run PREFIX -- CMD [ARGS...]"; }

[ $# -ge 2 ] || usage
cmd=$1 prefix=$2
shift 2
for tool in wine wineserver wineboot; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install wine wine64)"
done
if [ "$cmd" = stop ] && [ ! -d "$prefix" ]; then exit 0; fi   # nothing was started there
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
# -all: no debug channels, and no "wine32 is missing" hint from Debian's wine wrapper
# (64-bit only on purpose). The overrides keep wineboot from offering to install
# Mono and Gecko (dialogs that would block a headless run).
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' WINEARCH=win64

start() {
    local rc=0
    wineserver -p || rc=$?       # -p: stay up until `wineserver -k`
    if [ $rc -eq 2 ]; then
        # 2: a server already runs for this prefix, e.g. the short-lived one that
        # `meson setup`'s sanity check started, which would exit once idle and leave
        # us with none. Replace it (one session per prefix at a time).
        stop
        rc=0
        wineserver -p || rc=$?
    fi
    [ $rc -eq 0 ] || die "wineserver -p failed ($rc) for $prefix"
    local init=""
    [ -f "$prefix/system.reg" ] || init=-i   # new prefix: ~3 s, ~700 MB (Wine copies its DLLs in)
    # On an existing prefix, plain wineboot updates it if Wine changed and starts the
    # services now, so that the first real program does not pay for them.
    wineboot $init >"$prefix/wineboot.log" 2>&1 ||
        { cat "$prefix/wineboot.log" >&2; die "wineboot $init failed for $prefix"; }
    # Node 20 (the node role, runtimes/) refuses to start on Windows before
    # 8.1, and Wine 8.0's prefix says Windows 7: Windows 10 for node.exe
    # alone, so that nothing else changes for the harness.
    wine reg add 'HKCU\Software\Wine\AppDefaults\node.exe' /v Version /d win10 /f \
        >/dev/null 2>&1 || die "could not set node.exe's Windows version in $prefix"
}

stop() {
    wineserver -k 2>/dev/null || true   # exits 1 when no server runs: nothing to stop
    wineserver -w                       # wait until it is gone (registry saved)
}

case $cmd in
start)
    [ $# -eq 0 ] || usage
    start
    printf 'export WINEPREFIX=%q WINEDEBUG=-all WINEDLLOVERRIDES=%q WINEARCH=win64\n' \
        "$prefix" "$WINEDLLOVERRIDES"
    ;;
stop)
    [ $# -eq 0 ] || usage
    stop
    ;;
run)
    if [ "${1:-}" != "--" ] || [ $# -lt 2 ]; then usage; fi
    shift
    trap stop EXIT   # set before start: a half-started session is stopped too
    start
    trap 'exit 130' INT
    trap 'exit 143' TERM
    rc=0
    "$@" || rc=$?
    exit $rc
    ;;
*) usage ;;
esac
