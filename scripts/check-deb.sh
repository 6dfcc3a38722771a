#!/usr/bin/env bash
# Checks a built Daka .deb: its metadata and contents, then starts the packaged binary under Xvfb
# with a throw-away data folder and waits for the UI's first paint.
#
#   scripts/check-deb.sh target/release/bundle/deb/Daka_0.1.0_amd64.deb
#
# With DAKA_DEB_INSTALL=1 (and root or sudo) it also installs the package with apt-get, starts
# /usr/bin/daka the same way and removes the package again.
set -euo pipefail

deb=${1:?usage: check-deb.sh FILE.deb}
say() { printf '[check-deb] %s\n' "$*"; }
fail() { printf '[check-deb] FAIL: %s\n' "$*" >&2; exit 1; }

info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")
say "$(du -h "$deb" | cut -f1) $(basename "$deb")"
grep -q '^ Package: daka$' <<<"$info" || fail "package name is not daka"
grep -q '^ Depends:.*libwebkit2gtk-4.1-0' <<<"$info" || fail "does not depend on libwebkit2gtk-4.1-0"
grep -q '^ Depends:.*libayatana-appindicator3-1' <<<"$info" || fail "does not depend on libayatana-appindicator3-1 (the tray icon)"
for path in usr/bin/daka usr/libexec/daka/daka-blockd usr/lib/systemd/system/daka-blockd.service usr/share/applications/Daka.desktop usr/share/icons/hicolor/128x128/apps/daka.png usr/share/doc/daka/OFL-NotoSansCJK.txt usr/share/doc/daka/THIRD-PARTY-NOTICES.md; do
  grep -Eq " (\./)?$path$" <<<"$contents" || fail "missing $path"
done
for script in postinst prerm postrm; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\*? *$script" <<<"$info" || fail "no $script maintainer script"
done
say "metadata and contents look right"

# Starts BIN on a virtual display and waits up to 30 s for the first paint in its log.
start_and_wait() {
  local bin=$1 tmp log
  tmp=$(mktemp -d)
  log="$tmp/log"
  DAKA_DATA_DIR="$tmp/data" DAKA_LOG=info HOME="$tmp" DBUS_SESSION_BUS_ADDRESS=disabled: \
    xvfb-run -a "$bin" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    if grep -q "first paint" "$log"; then
      say "$bin started and painted: $(grep -o 'first paint.*' "$log" | head -1)"
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      test -f "$tmp/data/daka.sqlite3" || fail "no database was created"
      rm -rf "$tmp"
      return 0
    fi
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  cat "$log" >&2
  fail "$bin did not paint within 30 s"
}

extract=$(mktemp -d)
dpkg-deb -x "$deb" "$extract"
start_and_wait "$extract/usr/bin/daka"
rm -rf "$extract"

if [ "${DAKA_DEB_INSTALL:-0}" = 1 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  say "installing $deb"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$(realpath "$deb")"
  start_and_wait /usr/bin/daka
  # The website blocker: started by postinst where systemd runs; elsewhere (a container) start
  # it the way the unit does and check that it answers on the system socket.
  if [ -d /run/systemd/system ]; then
    systemctl is-active --quiet daka-blockd || fail "daka-blockd is not running after install"
    say "daka-blockd is active (systemd)"
  else
    say "no systemd here: starting daka-blockd as its unit would"
    "${sudo[@]}" /usr/libexec/daka/daka-blockd serve &
    blockd=$!
    for _ in $(seq 1 50); do /usr/libexec/daka/daka-blockd status >/dev/null 2>&1 && break; sleep 0.1; done
    /usr/libexec/daka/daka-blockd status || fail "daka-blockd does not answer on its socket"
    "${sudo[@]}" kill "$blockd"; wait "$blockd" 2>/dev/null || true
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q daka
  test ! -e /usr/libexec/daka/daka-blockd || fail "daka-blockd left behind after removal"
  say "installed, started and removed"
fi
say "ok"
