#!/bin/sh
# Runs the .deb maintainer scripts the way dpkg would, inside `unshare -r -m` (see
# maintainer_scripts.rs): a tmpfs over /run holds /run/systemd/system (so the scripts believe
# systemd is running), a stand-in `systemctl` first on PATH records its arguments, and a tmpfs
# over /usr/libexec holds a stand-in daka-blockd that records `cleanup --force`. Nothing on the
# machine is touched. Prints PASS at the end.
set -eu
packaging=$1
log=$(mktemp)
stubs=$(mktemp -d)

mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/system
mount -t tmpfs tmpfs /usr/libexec
mkdir -p /usr/libexec/daka

printf '#!/bin/sh\necho "systemctl $*" >> %s\n' "$log" > "$stubs/systemctl"
printf '#!/bin/sh\necho "daka-blockd $*" >> %s\n' "$log" > /usr/libexec/daka/daka-blockd
chmod +x "$stubs/systemctl" /usr/libexec/daka/daka-blockd
export PATH="$stubs:$PATH"

expect() {
  if [ "$(cat "$log")" != "$1" ]; then
    echo "FAIL after $2: expected"; echo "$1"; echo "got"; cat "$log"; exit 1
  fi
  : > "$log"
}

sh "$packaging/postinst" configure
expect "systemctl daemon-reload
systemctl enable daka-blockd.service
systemctl restart daka-blockd.service" "postinst configure"

# An upgrade removes nothing (the new postinst restarts the daemon).
sh "$packaging/prerm" upgrade 0.1.1
expect "" "prerm upgrade"

touch /run/daka-blockd.sock
sh "$packaging/prerm" remove
expect "systemctl stop daka-blockd.service
systemctl disable daka-blockd.service
daka-blockd cleanup --force" "prerm remove"
[ ! -e /run/daka-blockd.sock ] || { echo "FAIL: prerm left the socket"; exit 1; }

sh "$packaging/postrm" remove
expect "systemctl daemon-reload" "postrm remove"

# Without systemd (a container): nothing is started and nothing fails.
rmdir /run/systemd/system
sh "$packaging/postinst" configure
expect "" "postinst without systemd"

echo PASS
