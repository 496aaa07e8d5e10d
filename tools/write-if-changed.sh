#!/usr/bin/env bash
# Write standard input to FILE only when that changes FILE, so that a regenerated
# but unchanged Meson cross file does not make Meson reconfigure.
#
#   ... | tools/write-if-changed.sh FILE
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: ... | $0 FILE" >&2; exit 1; }
tmp=$1.tmp
cat >"$tmp"
if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
