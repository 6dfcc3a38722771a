#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for benchmarks and trying the server:
#   url=$(scripts/pg-cluster.sh start /tmp/daka-pg)   # prints postgres://daka@127.0.0.1:PORT/daka
#   scripts/pg-cluster.sh stop /tmp/daka-pg
# Runs initdb/pg_ctl as the `postgres` user when started as root (PostgreSQL refuses root).
# The distribution's own PostgreSQL service is never touched.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a directory for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: run scripts/setup.sh test" >&2; exit 1; }
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres:postgres "$dir"
      # A `mktemp -d` parent is 0700 root: postgres must at least pass through it.
      as test -x "$(dirname "$dir")" || chmod a+x "$(dirname "$dir")"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as "$bin/initdb" -D "$dir/data" -A trust -U daka --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1
    as "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=256MB" start >/dev/null
    as "$bin/createdb" -h 127.0.0.1 -p "$port" -U daka daka
    echo "postgres://daka@127.0.0.1:$port/daka"
    ;;
  stop)
    as "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
