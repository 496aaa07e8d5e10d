# Installs the system packages bindmatrix needs, when missing. Sourced by
# ./matrix. On Debian/Ubuntu it uses apt-get (through sudo when not root);
# elsewhere it only says what to install.

# Package names on Debian/Ubuntu.
BM_PACKAGES=(meson ninja-build pkg-config gcc libuv1-dev python3-pytest
  python3-jsonschema python3-matplotlib python3-jinja2)
# The page's browser test (tools/browser-deps.sh): a browser and npm, as
# command:package, installed only where the command is missing (a Node.js
# from elsewhere brings its own npm).
BM_BROWSER_COMMANDS=(chromium:chromium npm:npm)
# The runtimes whose own listeners are rows of the matrix (runtimes/): each
# role is built when its runtime is there. Cold on this machine (Debian 12,
# 2 cores): about 35 s to install golang-go, ruby, nginx and rustc (Java,
# Node and Perl were there), 20 s to build the roles (Go's first build of
# its standard library is most of it).
BM_RUNTIME_PACKAGES=(golang-go nodejs openjdk-17-jdk-headless ruby perl nginx
  rustc)
# The Windows build under Wine: the cross compiler, 64-bit Wine only, what
# building libuv from Debian's source package takes, and Rust's Windows
# standard library (the Go and Node roles need nothing more).
BM_WINE_PACKAGES=(mingw-w64 wine wine64 cmake dpkg-dev libstd-rust-dev-windows)
# The macOS cross build (the 'cross' test, tools/build-macos-deps.sh): libuv from
# Debian's source package again, and npm, which fetches Zig; Debian's npm only
# where the machine has no npm of its own (Node.js from elsewhere brings one).
BM_MACOS_PACKAGES=(cmake dpkg-dev)
command -v npm >/dev/null || BM_MACOS_PACKAGES+=(npm)

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      echo "$pkg"
  done
}

# ensure_packages PKG...: installs those of PKG... that are missing.
ensure_packages() {
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    command -v meson >/dev/null || {
      echo "matrix: not Debian/Ubuntu: install meson, ninja, pkg-config, libuv and pytest (see README.md)" >&2
      exit 1
    }
    return 0
  fi
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "matrix: installing $(echo $missing)" >&2
  # shellcheck disable=SC2086
  "${sudo[@]}" apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $missing >&2 || {
    echo "matrix: could not install: $(echo $missing)" >&2
    exit 1
  }
}

# ensure_commands COMMAND:PACKAGE...: installs the packages of the missing
# commands.
ensure_commands() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] || ensure_packages "${missing[@]}"
}
