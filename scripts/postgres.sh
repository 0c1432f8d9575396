#!/usr/bin/env bash
# Start (or stop) a local PostgreSQL for development and tests, as the unprivileged
# `postgres` user (PostgreSQL refuses to run as root). Listens on 127.0.0.1:$PGPORT.
# Prints the DATABASE_URL to use on its last line.
#   scripts/postgres.sh start | stop | url
set -euo pipefail
PGPORT=${SARABAN_PG_PORT:-54329}
PGDIR=${SARABAN_PG_DIR:-/var/tmp/saraban-pg}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
URL="postgres://saraban:saraban@127.0.0.1:${PGPORT}/saraban"
[ -n "$PGBIN" ] || { echo "ไม่พบ PostgreSQL: รัน scripts/install.sh ก่อน" >&2; exit 1; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

case "${1:-start}" in
  start)
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
      mkdir -p "$PGDIR"
      chown postgres:postgres "$PGDIR" 2>/dev/null || true
      as_postgres "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    mkdir -p "$PGDIR/run" && chown postgres:postgres "$PGDIR/run" 2>/dev/null || true
    if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
      as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDIR/run -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
        || { echo "PostgreSQL เริ่มไม่สำเร็จ:" >&2; tail -n 20 "$PGDIR/postgres.log" >&2; exit 1; }
    fi
    as_postgres "$PGBIN/psql" -h "$PGDIR/run" -p "$PGPORT" -U postgres -tAc \
      "SELECT 1 FROM pg_roles WHERE rolname='saraban'" | grep -q 1 \
      || as_postgres "$PGBIN/psql" -h "$PGDIR/run" -p "$PGPORT" -U postgres -qc \
        "CREATE ROLE saraban LOGIN SUPERUSER PASSWORD 'saraban'"
    as_postgres "$PGBIN/psql" -h "$PGDIR/run" -p "$PGPORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='saraban'" | grep -q 1 \
      || as_postgres "$PGBIN/createdb" -h "$PGDIR/run" -p "$PGPORT" -U postgres -O saraban saraban
    echo "$URL"
    ;;
  stop)
    as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  url)
    echo "$URL"
    ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
