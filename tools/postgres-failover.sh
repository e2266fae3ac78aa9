#!/usr/bin/env bash
# Losing the database machine: an Assay ledger on a PostgreSQL primary with a synchronous standby,
# a submission load through two `assay serve` processes, kill -9 of the primary's postmaster in the
# middle of the load, promotion of the standby, the servers reconnecting to it. Then:
#   - every entry acknowledged (201, or 200 for an envelope already there) before or after the kill
#     is on the promoted standby at the seq it was acknowledged with, with the same leaf hash;
#   - the promoted ledger's seqs run 0…n−1 and `assay verify` passes (nothing stored is trusted);
#   - the load went on after the promotion (entries acknowledged by the promoted server).
#
# Usage (as root on Debian; CI runs it through Tests/AssayPostgresTests/FailoverScriptTests.swift):
#   tools/postgres-failover.sh [--bin ASSAY] [-n ENTRIES] [-d DIR] [--keep]
#     --bin PATH  the assay binary (default: .build/debug/assay, built when missing; env ASSAY_BIN)
#     -n N        envelopes submitted in all (default 600; the kill comes after a third of them)
#     -d DIR      work directory (default: a new mktemp directory under /tmp)
#     --keep      keep DIR after a success too (it is always kept after a failure)
# The two clusters run as the postgres user: the primary on 127.0.0.1:$P1 and the standby on
# 127.0.0.1:$P2 (defaults 55601/55602; env ASSAY_FAILOVER_PORTS="P1 P2"), with `trust` on loopback
# only (a throwaway cluster). The primary has synchronous_standby_names = 'assay_standby' and
# synchronous_commit = on, so a commit returns only after the standby has flushed it; the standby
# is made by pg_basebackup and is promoted with `pg_ctl promote`. The servers' ledger URL names
# both hosts (postgres://assay@/assay?host=127.0.0.1,127.0.0.1&port=P1,P2): a writable open takes
# the first one that is a primary, so after the promotion their next write reaches the standby.
# The last line on standard output is one summary line; exit 0 when every check passed, 1 when
# one failed (the reason on standard error), 2 on a usage or setup error.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ASSAY_BIN:-}"
entries=600
work=""
keep=0
read -r P1 P2 <<< "${ASSAY_FAILOVER_PORTS:-55601 55602}"
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        -n) entries="$2"; shift 2 ;;
        -d) work="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "postgres-failover.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$entries" in ''|*[!0-9]*) echo "postgres-failover.sh: -n takes a whole number" >&2; exit 2 ;; esac
[ "$entries" -ge 30 ] || { echo "postgres-failover.sh: -n must be at least 30" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "postgres-failover.sh: run as root (the clusters run as the postgres user)" >&2; exit 2; }
if [ -z "$bin" ]; then
    bin="$root/.build/debug/assay"
    [ -x "$bin" ] || (cd "$root" && swift build --product assay >&2)
fi
[ -x "$bin" ] || { echo "postgres-failover.sh: $bin is not an executable" >&2; exit 2; }
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
    echo "postgres-failover.sh: installing postgresql from Debian's packages" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
work="${work:-$(mktemp -d /tmp/assay-failover.XXXXXX)}"
mkdir -p "$work"
chmod 755 "$work"
chown postgres:postgres "$work"
log() { echo "postgres-failover.sh: $*" >&2; }
as_pg() { su postgres -s /bin/bash -c "$*"; }
servers=()
cleanup() {
    local rc=$?
    for p in "${servers[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    for c in primary standby; do
        [ -f "$work/$c/postmaster.pid" ] && as_pg "'$PGBIN/pg_ctl' -D '$work/$c' stop -m immediate" >/dev/null 2>&1 || true
    done
    if [ "$rc" = 0 ] && [ "$keep" = 0 ]; then rm -rf "$work"; else log "work directory kept: $work"; fi
}
trap cleanup EXIT
fail() { log "FAILED: $*"; exit 1; }

# 1. The primary: replication on, a synchronous standby named assay_standby required for commits.
log "primary cluster on 127.0.0.1:$P1 in $work/primary"
as_pg "'$PGBIN/initdb' -D '$work/primary' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8" >/dev/null
cat >> "$work/primary/postgresql.conf" <<CONF
# tools/postgres-failover.sh
listen_addresses = '127.0.0.1'
port = $P1
unix_socket_directories = '$work'
fsync = on
synchronous_commit = on
wal_level = replica
max_wal_senders = 4
synchronous_standby_names = 'assay_standby'
max_connections = 100
CONF
echo "host replication postgres 127.0.0.1/32 trust" >> "$work/primary/pg_hba.conf"
as_pg "'$PGBIN/pg_ctl' -D '$work/primary' -l '$work/primary.log' -w -t 60 start" >/dev/null \
    || { cat "$work/primary.log" >&2; exit 2; }
psql_at() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U "$2" -d "$3" "${@:4}"; }

# 2. The standby: a base backup of the primary, streaming from it as assay_standby. Once promoted it
#    runs alone, so it requires no synchronous standby of its own.
log "synchronous standby on 127.0.0.1:$P2 in $work/standby"
as_pg "'$PGBIN/pg_basebackup' -h 127.0.0.1 -p $P1 -U postgres -D '$work/standby' -R -X stream" >/dev/null
cat >> "$work/standby/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=127.0.0.1 port=$P1 user=postgres application_name=assay_standby'
port = $P2
synchronous_standby_names = ''
CONF
as_pg "'$PGBIN/pg_ctl' -D '$work/standby' -l '$work/standby.log' -w -t 60 start" >/dev/null \
    || { cat "$work/standby.log" >&2; exit 2; }
for _ in $(seq 1 100); do
    state="$(psql_at "$P1" postgres postgres -tAc "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'assay_standby'")"
    [ "$state" = sync ] && break
    sleep 0.2
done
[ "$state" = sync ] || { log "the standby did not become synchronous (state '$state')"; exit 2; }

# 3. The ledger's database and roles (on the primary; they reach the standby by replication).
psql_at "$P1" postgres postgres -c "CREATE ROLE assay_owner LOGIN" -c "CREATE ROLE assay LOGIN" \
    -c "CREATE DATABASE assay OWNER assay_owner" >/dev/null
psql_at "$P1" assay_owner assay -v assay_role=assay -f "$root/Schemas/postgres/setup.sql" >/dev/null
url="postgres://assay@/assay?host=127.0.0.1,127.0.0.1&port=$P1,$P2"
"$bin" key generate --name failover.example/operator --out "$work/operator.key" >/dev/null
"$bin" key generate --name supplier.example/signing --out "$work/supplier.key" >/dev/null
"$bin" init --ledger "$url" --operator-key "$work/operator.key" --origin failover.example/ledger >/dev/null
"$bin" register --ledger "$url" --operator-key "$work/operator.key" --party-id urn:example:party:sup \
    --legal-name Sup --role supplier --public-key "$work/supplier.key.pub" >/dev/null

# 4. Envelopes, each distinct, signed offline before the load.
log "signing $entries envelopes"
mkdir -p "$work/env"
for i in $(seq 1 "$entries"); do
    printf '{"type":"GenericEvent","subject":"urn:example:item:failover-%d","action":"inspected","eventTime":"2026-12-02T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}' "$i" \
        > "$work/statement.json"
    "$bin" sign --key "$work/supplier.key" "$work/statement.json" > "$work/env/$i.json"
done

# 5. Two servers on the ledger.
for s in 0 1; do
    "$bin" serve --ledger "$url" --key "$work/operator.key" --listen 127.0.0.1:0 --shutdown-timeout 20 > "$work/serve-$s.out" 2> "$work/serve-$s.err" &
    servers+=($!)
done
for s in 0 1; do
    for _ in $(seq 1 200); do grep -q '^listening on ' "$work/serve-$s.out" 2>/dev/null && break; sleep 0.1; done
    grep -q '^listening on ' "$work/serve-$s.out" || { cat "$work/serve-$s.err" >&2; fail "server $s did not start"; }
done
base0="$(sed -n 's/^listening on //p' "$work/serve-0.out" | head -1)"
base1="$(sed -n 's/^listening on //p' "$work/serve-1.out" | head -1)"

# 6. The load (8 client threads, both servers), with kill -9 of the primary's postmaster after a
#    third of the envelopes are acknowledged, and promotion of the standby right after. A client
#    whose request fails (connection reset, 5xx while the database is away) submits the same
#    envelope again until it is acknowledged: 201 when it is new, 200 when it is already there.
primary_pid="$(head -1 "$work/primary/postmaster.pid")"
cat > "$work/failover.py" <<'PY'
import base64, http.client, json, os, subprocess, sys, threading, time, urllib.parse
work, entries, bases, primary_pid, pgbin = sys.argv[1], int(sys.argv[2]), sys.argv[3:5], int(sys.argv[5]), sys.argv[6]
lock = threading.Lock()
acked = {}            # envelope number -> (seq, leaf hex, status, phase)
state = {"phase": "before", "next": 1, "killed_at": None, "promoted_at": None, "errors": 0}
deadline = time.time() + 300

def take():
    with lock:
        n = state["next"]
        if n > entries: return None
        state["next"] += 1
        return n

failures = []         # why a client thread stopped early (a thread's SystemExit is otherwise silent)

def client(t):
    try:
        run_client(t)
    except BaseException as e:
        with lock: failures.append(f"client {t}: {e}")

def run_client(t):
    # Each client starts on one server and moves to the other when a request fails or times
    # out, as a load balancer in front of several servers would.
    server = t % 2
    u = urllib.parse.urlsplit(bases[server])
    conn = None
    while True:
        n = take()
        if n is None: return
        body = open(os.path.join(work, "env", f"{n}.json"), "rb").read()
        while True:
            if time.time() > deadline:
                raise SystemExit(f"envelope {n} not acknowledged within the deadline")
            with lock: phase = state["phase"]
            try:
                if conn is None: conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                conn.request("POST", "/v1/entries", body, {"Content-Type": "application/json"})
                r = conn.getresponse(); data = r.read()
            except Exception:
                conn = None; time.sleep(0.05)
                server = 1 - server; u = urllib.parse.urlsplit(bases[server])
                with lock: state["errors"] += 1
                continue
            if r.status in (200, 201):
                o = json.loads(data)
                with lock: acked[n] = (o["seq"], base64.b64decode(o["leafHash"]).hex(), r.status, phase)
                break
            if r.status >= 500 or r.status == 429:
                with lock: state["errors"] += 1
                time.sleep(0.05); continue
            raise SystemExit(f"envelope {n}: HTTP {r.status} {data[:300]!r}")

threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in range(8)]
for th in threads: th.start()
while True:
    with lock: k = len(acked)
    if k >= entries // 3: break
    if not any(th.is_alive() for th in threads): break
    time.sleep(0.01)
with lock: before_kill = dict(acked)
os.kill(primary_pid, 9)
with lock: state["phase"] = "during"; state["killed_at"] = len(acked)
subprocess.run(["su", "postgres", "-s", "/bin/bash", "-c", f"'{pgbin}/pg_ctl' -D '{work}/standby' promote -w -t 60"],
               check=True, stdout=subprocess.DEVNULL)
with lock: state["phase"] = "after"; state["promoted_at"] = len(acked)
for th in threads: th.join()
if len(acked) != entries:
    raise SystemExit(f"only {len(acked)} of {entries} envelopes acknowledged" + "".join("\n  " + f for f in failures))
json.dump({"acked": {str(k): v for k, v in acked.items()}, "beforeKill": len(before_kill),
           "killedAt": state["killed_at"], "promotedAt": state["promoted_at"], "errors": state["errors"],
           "after": sum(1 for v in acked.values() if v[3] == "after")}, open(os.path.join(work, "acked.json"), "w"))
PY
log "load: $entries envelopes through two servers; kill -9 of the primary (pid $primary_pid) after a third"
if ! python3 "$work/failover.py" "$work" "$entries" "$base0" "$base1" "$primary_pid" "$PGBIN"; then
    # Where each server was stuck: every thread's stack (gdb, when installed), kept in the work
    # directory and its first lines printed.
    for i in "${!servers[@]}"; do
        p=${servers[$i]}
        kill -0 "$p" 2>/dev/null || { log "server $i (pid $p) is not running"; continue; }
        if command -v gdb >/dev/null; then
            gdb -p "$p" -batch -ex 'thread apply all bt 12' > "$work/serve-$i.stacks" 2>&1 || true
            log "server $i (pid $p) stacks in $work/serve-$i.stacks; the threads in Assay code:"
            grep -E '^Thread|Assay' "$work/serve-$i.stacks" | grep -B1 'Assay' | head -40 >&2 || true
        fi
    done
    fail "the load did not complete"
fi
kill -0 "$primary_pid" 2>/dev/null && fail "the primary's postmaster survived kill -9"

# 7. The servers stop; the promoted standby is checked on its own.
# (Each server cuts its own shutdown off after 20 s, exit 3 with a critical line: --shutdown-timeout;
# one still running after 30 s is killed and named: what is
# checked here is the database, not the shutdown, which the server tests cover.)
for p in "${servers[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${servers[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && { log "server pid $p still running 30 s after SIGTERM: killed"; kill -9 "$p" 2>/dev/null || true; }
    wait "$p" 2>/dev/null || true
done
servers=()
promoted="postgres://assay@127.0.0.1:$P2/assay"
[ "$(psql_at "$P2" postgres postgres -tAc "SELECT pg_is_in_recovery()")" = f ] || fail "the standby is still in recovery"
"$bin" verify --ledger "$promoted" > "$work/verify.out" 2>&1 || { cat "$work/verify.out" >&2; fail "assay verify of the promoted ledger failed"; }
"$bin" log --ledger "$promoted" --json > "$work/log.json" || fail "assay log of the promoted ledger failed"
python3 - "$work" <<'PY' || fail "acknowledged entries are missing from the promoted ledger (above)"
import json, sys
work = sys.argv[1]
a = json.load(open(f"{work}/acked.json"))
rows = [json.loads(l) for l in open(f"{work}/log.json") if l.strip()]
leaf = {r["seq"]: r["leafHash"] for r in rows}
seqs = [r["seq"] for r in rows]
if seqs != list(range(len(seqs))): sys.exit(f"the promoted ledger's seqs are not 0…{len(seqs) - 1}")
bad = [(n, v) for n, v in a["acked"].items() if leaf.get(v[0]) != v[1]]
if bad: sys.exit(f"{len(bad)} acknowledged entries missing or different, e.g. envelope {bad[0][0]} at seq {bad[0][1][0]}")
seen = {}
for n, v in a["acked"].items():
    if v[0] in seen: sys.exit(f"seq {v[0]} acknowledged for envelopes {seen[v[0]]} and {n} (a fork)")
    seen[v[0]] = n
if a["after"] == 0: sys.exit("nothing was acknowledged after the promotion")
print(f"{len(a['acked'])} {a['beforeKill']} {a['after']} {a['errors']} {len(rows)}", file=open(f"{work}/summary", "w"))
PY
read -r total before after errors size < "$work/summary"
echo "failover OK: $total entries acknowledged ($before before the kill of the primary, $after after the standby's promotion, $errors failed attempts retried); the promoted standby holds all of them at their seqs, $size entries, assay verify OK"
