#!/usr/bin/env bash
# Starts a PostgreSQL cluster for Assay's PostgreSQL tests (and for trying Assay on PostgreSQL),
# on this machine only: a Unix socket in $ASSAY_PG_DIR/socket and 127.0.0.1:$ASSAY_PG_PORT.
#
# Run as root on Debian (CI, or a developer machine):
#   eval "$(bash tools/ci/postgres.sh)"      # installs, starts, sets ASSAY_TEST_POSTGRES_URL
#
# What it does, each step skipped when already done (so it can be run again):
#   1. apt-get install -y postgresql (when no server binaries are installed);
#   2. initdb a cluster owned by the postgres user in $ASSAY_PG_DIR/data (default /tmp/assay-pg),
#      authentication `trust` for the socket and 127.0.0.1 only (a test cluster: use scram-sha-256
#      and passwords anywhere else), fsync and synchronous_commit on;
#   3. starts it with pg_ctl as the postgres user, listening on the socket and 127.0.0.1;
#   4. as the superuser, creates the roles assay_owner (owns the schema) and assay (Assay connects
#      as it) and the database assay owned by assay_owner;
#   5. as assay_owner, runs Schemas/postgres/setup.sql in it (writer role: assay);
#   6. prints, on standard output and nothing else:
#        export ASSAY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres   (superuser: the tests' own)
#        export ASSAY_POSTGRES_LEDGER_URL=postgres://assay@127.0.0.1:PORT/assay       (a ledger, for trying Assay)
# Progress goes to standard error. Stop the cluster with:
#   su postgres -c "pg_ctl -D /tmp/assay-pg/data stop -m fast"
set -euo pipefail

DIR="${ASSAY_PG_DIR:-/tmp/assay-pg}"
PORT="${ASSAY_PG_PORT:-55432}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SETUP="$HERE/Schemas/postgres/setup.sql"
log() { echo "postgres.sh: $*" >&2; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/pg_ctl" ]; then
    log "installing postgresql from Debian's packages"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN="$(bindir)"
[ -x "$BIN/pg_ctl" ] || { log "no pg_ctl under /usr/lib/postgresql/*/bin after installing postgresql"; exit 1; }
command -v psql >/dev/null || { log "psql is not installed"; exit 1; }

as_pg() { su postgres -s /bin/bash -c "$*"; }

mkdir -p "$DIR/socket"
chown postgres:postgres "$DIR" "$DIR/socket"
if [ ! -f "$DIR/data/PG_VERSION" ]; then
    log "initdb in $DIR/data"
    as_pg "'$BIN/initdb' -D '$DIR/data' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8" >&2
    cat >> "$DIR/data/postgresql.conf" <<CONF
# tools/ci/postgres.sh
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR/socket'
fsync = on
synchronous_commit = on
max_connections = 200
CONF
fi

if as_pg "'$BIN/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1; then
    log "cluster in $DIR/data already running"
else
    log "starting the cluster (socket $DIR/socket, 127.0.0.1:$PORT)"
    as_pg "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/server.log' -w -t 60 start" >&2 || { cat "$DIR/server.log" >&2; exit 1; }
fi

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$DIR/socket" -p "$PORT")
sql() { "${PSQL[@]}" -U postgres -d postgres -tAc "$1"; }
[ "$(sql "SELECT 1 FROM pg_roles WHERE rolname = 'assay_owner'")" = 1 ] || sql "CREATE ROLE assay_owner LOGIN"
[ "$(sql "SELECT 1 FROM pg_roles WHERE rolname = 'assay'")" = 1 ] || sql "CREATE ROLE assay LOGIN"
if [ "$(sql "SELECT 1 FROM pg_database WHERE datname = 'assay'")" != 1 ]; then
    sql "CREATE DATABASE assay OWNER assay_owner" >&2
    log "running $SETUP as assay_owner"
    "${PSQL[@]}" -U assay_owner -d assay -v assay_role=assay -f "$SETUP" >&2
fi

echo "export ASSAY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
echo "export ASSAY_POSTGRES_LEDGER_URL=postgres://assay@127.0.0.1:$PORT/assay"
