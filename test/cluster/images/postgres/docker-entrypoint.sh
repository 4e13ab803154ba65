#!/bin/sh
# The postgres image's entrypoint, as the official image does it (shortened): at the first start
# of a pod, initdb into $PGDATA as the postgres user, with the superuser's password from
# POSTGRES_PASSWORD, password (scram) auth over TCP and trust on the local socket; create
# POSTGRES_DB; then run the server in the foreground as the container's main process.
set -eu
if [ "${1:-}" = postgres ]; then
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    pwfile=/tmp/.pgpass-init
    printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$pwfile"
    initdb --username=postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" > /tmp/initdb.log
    rm -f "$pwfile"
    echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
    if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
      postgres --single -D "$PGDATA" postgres <<SQL > /dev/null
CREATE DATABASE "$POSTGRES_DB";
SQL
    fi
    echo "initialised $PGDATA"
  fi
  shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
