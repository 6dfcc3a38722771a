#!/bin/sh
# Proves real name resolution is blocked and restored, without touching the machine.
#
# Run by tests/namespace.rs as `unshare -r -m -n sh namespace.sh BIN`: root of a fresh user
# namespace, with a private mount namespace (whatever is mounted here vanishes with the
# process) and an empty network namespace (no network at all).
#
# Layout: the daemon runs with `--root $ROOT`, so it only ever writes below a temp dir, and
# $ROOT/etc is bind-mounted over /etc, so `getent` reads the very hosts file the daemon
# writes. The directory is bound, not the file: the daemon replaces the file by a rename, and a
# bind mount of the old file would keep showing the old inode (and a rename onto a mount
# point fails with EBUSY).
set -eu

BIN=$1
WORK=$(mktemp -d)
ROOT=$WORK/root
SOCK=$WORK/s.sock
PID=
cleanup() {
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    # The mounts die with the namespace anyway; unmount so the temp dir can be removed now.
    umount "$WORK/root2/etc/hosts" 2>/dev/null || true
    umount /etc 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    echo "--- daemon log"; cat "$WORK/daemon.log" 2>/dev/null || true
    echo "--- /etc/hosts"; cat /etc/hosts || true
    exit 1
}

mkdir -p "$ROOT/etc"
cp /etc/hosts "$ROOT/etc/hosts"
cp /etc/hosts "$WORK/hosts.orig"
# Resolve from the hosts file only: no DNS, no systemd-resolved outside the namespace.
printf 'hosts: files\npasswd: files\ngroup: files\n' > "$ROOT/etc/nsswitch.conf"
# What the dynamic loader and the resolver read, so programs still start once /etc is replaced.
for f in ld.so.cache ld.so.conf host.conf gai.conf; do
    if [ -e "/etc/$f" ]; then cp -L "/etc/$f" "$ROOT/etc/"; fi
done
if [ -d /etc/ld.so.conf.d ]; then cp -rL /etc/ld.so.conf.d "$ROOT/etc/"; fi

mount --bind "$ROOT/etc" /etc
cmp -s "$WORK/hosts.orig" /etc/hosts || fail "the bind mount does not show the copy"

if getent hosts bilibili.com | grep -Eq '^(0\.0\.0\.0|::)[[:space:]]'; then
    fail "bilibili.com is blocked before the block started"
fi

"$BIN" serve --root "$ROOT" --socket "$SOCK" --no-dns-flush 2>"$WORK/daemon.log" &
PID=$!
i=0
until "$BIN" status --socket "$SOCK" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || fail "the daemon did not come up"
    sleep 0.05
done
echo "daemon up"

"$BIN" client start --socket "$SOCK" --site bilibili.com --secs 4 --strict >/dev/null \
    || fail "start failed"
echo "block started"

out=$(getent hosts bilibili.com || true)
echo "getent hosts bilibili.com -> $out"
echo "$out" | grep -Eq '^(0\.0\.0\.0|::)[[:space:]]+bilibili\.com' || fail "bilibili.com is not blocked"
# Both address families, through getaddrinfo (what browsers use). (ahostsv4 would say nothing
# here: AI_ADDRCONFIG drops IPv4 answers in a namespace without IPv4 addresses.)
out=$(getent ahosts www.bilibili.com || true)
echo "$out" | grep -Eq '^0\.0\.0\.0[[:space:]]' || fail "www.bilibili.com is not blocked over IPv4: $out"
echo "$out" | grep -Eq '^::[[:space:]]' || fail "www.bilibili.com is not blocked over IPv6: $out"
cmp -s "$WORK/hosts.orig" /etc/hosts && fail "the hosts file did not change"

set +e
"$BIN" client stop --socket "$SOCK" 2>"$WORK/stop.err"
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "stop was not refused (exit $rc)"
grep -q 'refused (strict)' "$WORK/stop.err" || fail "stop refused for another reason: $(cat "$WORK/stop.err")"
echo "stop refused: $(cat "$WORK/stop.err")"

i=0
while "$BIN" status --socket "$SOCK" | grep -q '"active": true'; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || fail "the block did not end"
    sleep 0.05
done
echo "block ended"

cmp "$WORK/hosts.orig" /etc/hosts || fail "the hosts file is not byte-identical to the original"
if getent hosts bilibili.com | grep -Eq '^(0\.0\.0\.0|::)[[:space:]]'; then
    fail "bilibili.com is still blocked after the block ended"
fi
for p in etc/chromium/policies/managed/daka.json etc/opt/chrome/policies/managed/daka.json \
    etc/firefox/policies/policies.json; do
    [ ! -e "$ROOT/$p" ] || fail "$p left behind"
done

# Second part: a hosts file that is itself a bind mount, as in containers (Docker mounts
# /etc/hosts). It cannot be renamed over (EBUSY); the daemon must write it in place.
kill "$PID"; wait "$PID" 2>/dev/null || true
PID=
ROOT2=$WORK/root2
mkdir -p "$ROOT2/etc"
: > "$ROOT2/etc/hosts"
printf '127.0.0.1 localhost\n' > "$WORK/mounted-hosts"
cp "$WORK/mounted-hosts" "$WORK/mounted-hosts.orig"
mount --bind "$WORK/mounted-hosts" "$ROOT2/etc/hosts"
"$BIN" serve --root "$ROOT2" --socket "$SOCK" --no-dns-flush 2>>"$WORK/daemon.log" &
PID=$!
i=0
until "$BIN" status --socket "$SOCK" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || fail "the second daemon did not come up"
    sleep 0.05
done
"$BIN" client start --socket "$SOCK" --site zhihu.com --secs 2 >"$WORK/start2.json" \
    || fail "start on a bind-mounted hosts file failed"
grep -q '"hosts": "active"' "$WORK/start2.json" || fail "hosts layer not active: $(cat "$WORK/start2.json")"
grep -q '^0\.0\.0\.0 zhihu\.com$' "$WORK/mounted-hosts" || fail "the mounted hosts file was not written"
i=0
while "$BIN" status --socket "$SOCK" | grep -q '"active": true'; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || fail "the second block did not end"
    sleep 0.05
done
cmp "$WORK/mounted-hosts.orig" "$WORK/mounted-hosts" || fail "the mounted hosts file was not restored"
ls -A "$ROOT2/etc" | grep -q 'daka-tmp' && fail "temp files left next to the mounted hosts file"
echo "bind-mounted hosts file: written in place and restored"

echo "PASS"
