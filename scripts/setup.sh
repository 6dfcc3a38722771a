#!/usr/bin/env bash
# Installs what Daka needs to build, run and test, skipping what is already there.
#
#   scripts/setup.sh run     system libraries to build and run the app, npm packages
#   scripts/setup.sh test    ... plus Xvfb and WebKitWebDriver for the real-window tests,
#                            PostgreSQL and Chromium for the group server's, and schemathesis
#   scripts/setup.sh bench   the same as test (the benchmarks run the app under Xvfb)
#
# Debian 12 / Ubuntu 22.04+. Uses sudo for apt-get when not run as root. Needs Rust (cargo),
# Node.js >= 20.19 with npm, and git, which it checks but does not install.
set -euo pipefail

purpose=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '\033[1;36m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }

# --- tools that must already exist -----------------------------------------------------------
command -v cargo >/dev/null || die "Rust is not installed: see https://rustup.rs"
command -v node >/dev/null || die "Node.js is not installed (version 20.19 or newer is needed)"
command -v npm >/dev/null || die "npm is not installed"
node_version=$(node -p 'process.versions.node')
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $node_version is too old: Vite needs 20.19 or newer"

# --- Debian packages -------------------------------------------------------------------------
# What Tauri needs on Linux (tauri.app prerequisites), plus Chinese fonts so 中文 renders.
run_pkgs=(build-essential pkg-config curl wget file libssl-dev libwebkit2gtk-4.1-dev
  libjavascriptcoregtk-4.1-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev
  libxdo-dev fonts-noto-cjk)
# The real-window tests: a virtual display, WebKitGTK's WebDriver, and ImageMagick's `import`
# for screenshots of failing tests. dbus-x11 brings dbus-run-session (the reminder test runs a
# private session bus); dbus-daemon and gdbus (libglib2.0-bin) let the tray test read the tray
# icon and its menu over a private bus the way a desktop panel does; xclip reads a copied share
# card back from the clipboard. postgresql: the group server's conformance and concurrency tests
# start their own cluster (initdb/pg_ctl, loopback, temp dir); the distribution's service is
# never used. chromium: the group server's web page is tested in a real browser;
# fonts-noto-color-emoji: the 接龙 text's ✅ and ⏰ render in its screenshots as in WeChat.
test_pkgs=(xvfb xauth webkit2gtk-driver dbus-x11 dbus-daemon libglib2.0-bin at-spi2-core imagemagick xclip
  postgresql chromium fonts-noto-color-emoji)

pkgs=("${run_pkgs[@]}")
case "$purpose" in
  run) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" chromium) ;;  # chromium: the share-card side-by-side
  *) die "unknown purpose '$purpose' (run, test or bench)" ;;
esac

if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else
      command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
      sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    say "Debian packages: all ${#pkgs[@]} present"
  fi
else
  say "not a Debian-based system: install the equivalents of ${pkgs[*]} yourself"
fi

# --- npm packages ----------------------------------------------------------------------------
stamp="$root/ui/node_modules/.daka-lock"
lock_hash=$(sha256sum "$root/ui/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  say "npm packages: up to date"
else
  say "installing npm packages (npm ci)"
  (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" >"$stamp"
fi

# --- Rust crates -----------------------------------------------------------------------------
say "fetching Rust crates (cargo fetch)"
(cd "$root" && cargo fetch --locked --quiet)

# --- schemathesis (PyPI): fuzzes the group server against its OpenAPI document ---------------
if [ "$purpose" != run ]; then
  venv=${DAKA_SCHEMATHESIS_VENV:-$HOME/.cache/daka-schemathesis}
  want=4.32.5
  if [ -x "$venv/bin/schemathesis" ] && "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$want"; then
    say "schemathesis $want: present"
  else
    command -v python3 >/dev/null || die "python3 is needed for schemathesis"
    say "installing schemathesis $want into $venv"
    python3 -m venv "$venv" || die "python3 -m venv failed: install python3-venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$want"
  fi
fi
