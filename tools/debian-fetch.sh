#!/usr/bin/env bash
# Fetch one package from Debian's archive with a private apt configuration (the
# system's sources, lists and cache stay untouched), into WORKDIR/files.
#
#   tools/debian-fetch.sh WORKDIR source|download SUITE PACKAGE[=VERSION]
#
# source: `apt-get source` (unpacked; needs dpkg-dev); download: `apt-get download`
# (the .deb). SUITE is this release's codename plus a suffix: '' for the release
# itself, '-backports' for its backports. apt's log is WORKDIR/apt.log.
# Exits 77 when the archive cannot be reached here or has no such package, or
# apt-get or dpkg-dev is missing (the caller says "cannot be fetched here"), 1 for
# other errors.
# Env: DEBIAN_MIRROR=<url> (default: from /etc/apt).
set -euo pipefail

die() { echo "debian-fetch: $1" >&2; exit "${2:-1}"; }

[ $# -eq 4 ] || die "usage: $0 WORKDIR source|download SUITE PACKAGE[=VERSION]"
work=$1 mode=$2 suffix=$3 package=$4
case $mode in
    source) line=deb-src; command -v dpkg-source >/dev/null || die "dpkg-source not found (apt-get install dpkg-dev)" 77 ;;
    download) line=deb ;;
    *) die "unknown mode '$mode' (use: source or download)" ;;
esac
command -v apt-get >/dev/null || die "apt-get not found: not Debian" 77
rm -rf "$work/files" # what a failed run left
mkdir -p "$work"/apt/{etc/sources.list.d,etc/apt.conf.d,lists/partial,cache/archives/partial} "$work/files"

mirror=${DEBIAN_MIRROR:-$(
    # deb822 "URIs:" lines and one-line "deb URL suite ..." entries; the main archive, not -security.
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' |
        tr ' ' '\n' | grep -E '^https?://[^ ]*/debian/?$' | head -n1 || true)}
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*; set DEBIAN_MIRROR" 77
# shellcheck source=/dev/null
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""; [ -f "$keyring" ] && signed="[signed-by=$keyring] "
echo "$line ${signed}$mirror $codename$suffix main" >"$work/apt/etc/sources.list"

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
echo "debian-fetch: $mode $package from $mirror $codename$suffix" >&2
apt-get "${apt_opts[@]}" update >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; die "apt-get update failed" 77; }
(cd "$work/files" && apt-get "${apt_opts[@]}" "$mode" "$package") >>"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; die "apt-get $mode $package failed" 77; }
