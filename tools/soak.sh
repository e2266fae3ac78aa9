#!/usr/bin/env bash
# Crash soak for Assay: start `assay append` (single entries and batches of 200–2000), SIGKILL it at a
# random moment, and check the ledger after every kill:
#   - `assay verify` exits 0;
#   - every acknowledged entry (a complete `append --json` line printed before the kill) is in
#     `assay log --json` at its seq with the leaf hash it was acknowledged with;
#   - the ledger still extends what it listed before (nothing rewritten), seqs run 0…n−1;
#   - the entry count is unchanged or grew by exactly the whole batch (nothing half-written);
#   - a following append works, at the next seq.
# It is the long version of Tests/AssayReliabilityTests/CrashSafetyTests.swift, for running by hand
# (not in CI).
#
# Usage: tools/soak.sh [-k KILLS] [-j WORKERS] [-s SEED] [-d WORKDIR] [--bin ASSAY] [--keep]
#   -k KILLS    kills in total (default 2000; env SOAK_KILLS)
#   -j WORKERS  ledgers killed in parallel (default: number of cores; env SOAK_WORKERS)
#   -s SEED     seed of the random choices (default 20261120; env SOAK_SEED). Each worker reseeds
#               bash's RANDOM from it, so sizes and delays replay; where in the process a signal
#               lands still depends on the machine.
#   -d WORKDIR  where ledgers go (default: a new mktemp directory)
#   --bin PATH  use this assay instead of building the release binary (env ASSAY_BIN)
#   --keep      keep WORKDIR even when everything passed (it is always kept on a failure)
# Exit status: 0 when every check passed, 1 on the first failed check (its details on stderr), 2 on
# usage errors.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
kills="${SOAK_KILLS:-2000}"
workers="${SOAK_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
seed="${SOAK_SEED:-20261120}"
work=""
bin="${ASSAY_BIN:-}"
keep=0
rotate_at=2500

while [ $# -gt 0 ]; do
    case "$1" in
        -k) kills="$2"; shift 2 ;;
        -j) workers="$2"; shift 2 ;;
        -s) seed="$2"; shift 2 ;;
        -d) work="$2"; shift 2 ;;
        --bin) bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$kills$workers$seed" in *[!0-9]*) echo "soak.sh: -k, -j and -s take whole numbers" >&2; exit 2 ;; esac
[ "$workers" -ge 1 ] || workers=1

if [ -z "$bin" ]; then
    echo "building the release assay (swift build -c release --scratch-path .build-rel) …" >&2
    (cd "$root" && swift build -c release --scratch-path "$root/.build-rel" --product assay >&2)
    bin="$root/.build-rel/release/assay"
fi
[ -x "$bin" ] || { echo "soak.sh: $bin is not an executable" >&2; exit 2; }
work="${work:-$(mktemp -d "${TMPDIR:-/tmp}/assay-soak.XXXXXX")}"
mkdir -p "$work"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Keys, a pool of 64 envelopes signed once (offline), and files to cut batches from.
"$bin" key generate --name soak.example/operator --out "$work/operator.key" >/dev/null
"$bin" key generate --name supplier.example/signing --out "$work/supplier.key" >/dev/null
: > "$work/pool.jsonl"
for i in $(seq 0 63); do
    printf '{"type":"GenericEvent","subject":"urn:example:item:soak-%d","action":"inspected","eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}' "$i" \
        > "$work/statement.json"
    "$bin" sign --key "$work/supplier.key" "$work/statement.json" > "$work/envelope-$i.json"
    cat "$work/envelope-$i.json" >> "$work/pool.jsonl"
done
for _ in $(seq 1 64); do cat "$work/pool.jsonl"; done > "$work/many.jsonl" # 4096 lines

new_ledger() { # path
    "$bin" init --ledger "$1" --operator-key "$work/operator.key" --origin soak.example/ledger >/dev/null
    "$bin" register --ledger "$1" --operator-key "$work/operator.key" --party-id urn:example:party:sup \
        --legal-name Sup --role supplier --public-key "$work/supplier.key.pub" >/dev/null
}
# "seq leafHash" from append --json / log --json lines.
pairs() { sed -n 's/^{"seq":\([0-9]*\),.*"leafHash":"\([0-9a-f]*\)"}$/\1 \2/p' "$@"; }

# Typical durations (ms) of appending 1 and 2000 entries, here and now.
calibrate=$work/calibration.assay
new_ledger "$calibrate"
t0=$(now_ms); for i in 1 2 3; do "$bin" append --ledger "$calibrate" "$work/envelope-$i.json" >/dev/null; done
single_ms=$(( ($(now_ms) - t0) / 3 )); [ "$single_ms" -ge 1 ] || single_ms=1
head -n 2000 "$work/many.jsonl" > "$work/calibration.jsonl"
t0=$(now_ms); for i in 1 2; do "$bin" append --ledger "$calibrate" --batch "$work/calibration.jsonl" >/dev/null; done
batch_ms=$(( ($(now_ms) - t0) / 2 ))
rm -f "$calibrate" "$calibrate-wal" "$calibrate-shm"

worker() { # index quota
    local w=$1 quota=$2 dir="$work/worker-$1"
    mkdir -p "$dir"
    RANDOM=$(( seed + w * 7919 ))
    local kills=0 singles=0 batches=0 first=0 after_commit=0 short_acks=0 acked=0 verified=0 ledgers=0 iter=0
    local ledger="" before after n single offset delay_us pid rc what
    fail() {
        {
            echo "FAILED: worker $w, seed $seed, iteration $iter, ledger $ledger: $*"
            echo "--- command: $bin ${args[*]}"; echo "--- exit: $rc"
            echo "--- stdout (complete lines: $(wc -l < "$dir/out"))"; tail -c 2000 "$dir/out"
            echo "--- stderr"; cat "$dir/err"
            [ -f "$dir/verify.out" ] && { echo "--- last verify"; cat "$dir/verify.out"; }
            echo "--- work directory kept: $work"
        } >&2
        echo "failed" > "$dir/status"
        exit 1
    }
    check() { # what: verify, log, prefix, acknowledged
        "$bin" verify --ledger "$ledger" > "$dir/verify.out" 2>&1 || fail "$1: assay verify failed"
        verified=$((verified + 1))
        "$bin" log --ledger "$ledger" --json > "$dir/log.json" || fail "$1: assay log failed"
        pairs "$dir/log.json" > "$dir/log.now"
        awk 'NR - 1 != $1 { print "seq " $1 " listed at position " NR - 1; exit 1 }' "$dir/log.now" > "$dir/gap" \
            || fail "$1: assay log is not 0…n−1: $(cat "$dir/gap")"
        local listed; listed=$(wc -l < "$dir/log.now")
        grep -q "^OK: $listed entries" "$dir/verify.out" || fail "$1: verify and log disagree ($(head -1 "$dir/verify.out"); log lists $listed)"
        head -n "$(wc -l < "$dir/log.prev")" "$dir/log.now" | cmp -s - "$dir/log.prev" \
            || fail "$1: the ledger no longer extends what it listed before"
        awk 'NR == FNR { h[$1] = $2; next } !($1 in h) || h[$1] != $2 { print; exit 1 }' "$dir/log.now" "$dir/acked" > "$dir/lost" \
            || fail "$1: acknowledged entry missing or changed: $(cat "$dir/lost")"
        cp "$dir/log.now" "$dir/log.prev"
    }
    rotate() {
        [ -n "$ledger" ] && rm -f "$ledger" "$ledger-wal" "$ledger-shm"
        ledgers=$((ledgers + 1)); ledger="$dir/ledger-$ledgers.assay"
        new_ledger "$ledger"
        : > "$dir/acked"; : > "$dir/log.prev"
        check "a new ledger"
    }
    rotate
    while [ "$kills" -lt "$quota" ]; do
        iter=$((iter + 1))
        [ "$(wc -l < "$dir/log.prev")" -gt "$rotate_at" ] && rotate
        before=$(wc -l < "$dir/log.prev")
        offset=$(( RANDOM % 64 ))
        if [ $(( RANDOM % 100 )) -lt 35 ]; then
            single=1; n=1; args=(append --ledger "$ledger" --json "$work/envelope-$offset.json")
        else
            single=0; n=$(( 200 + RANDOM % 1801 ))
            sed -n "$((offset + 1)),$((offset + n))p" "$work/many.jsonl" > "$dir/batch.jsonl"
            args=(append --ledger "$ledger" --json --batch "$dir/batch.jsonl")
        fi
        # A random moment within the typical duration of this append.
        delay_us=$(( (RANDOM * 32768 + RANDOM) % ((single_ms + (batch_ms - single_ms) * (n - 1) / 1999) * 1000 + 1) ))
        what="$([ $single = 1 ] && echo "single-entry append" || echo "batch of $n"), kill after $((delay_us / 1000)) ms"
        # Emptied here, not by the child's redirection: a kill can land in the forked shell before
        # it opens the files, and the last command's output must not pass for acknowledgements.
        : > "$dir/out"; : > "$dir/err"
        "$bin" "${args[@]}" > "$dir/out" 2> "$dir/err" &
        pid=$!
        sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
        kill -KILL "$pid" 2>/dev/null || true
        rc=0; wait "$pid" 2>/dev/null || rc=$? # (2>/dev/null: no "Killed" job notice)
        # Only complete lines count: a process killed while printing may leave half a line.
        head -n "$(wc -l < "$dir/out")" "$dir/out" | pairs > "$dir/acks"
        if [ "$rc" = 137 ]; then
            kills=$((kills + 1)); [ $single = 1 ] && singles=$((singles + 1)) || batches=$((batches + 1))
            [ -s "$dir/err" ] && fail "$what: the killed append wrote to stderr"
        else
            first=$((first + 1))
            [ "$rc" = 0 ] || fail "$what: the append was not killed and did not succeed"
            [ "$(wc -l < "$dir/acks")" = "$n" ] || fail "$what: it finished but acknowledged $(wc -l < "$dir/acks") of $n"
        fi
        check "$what"
        after=$(wc -l < "$dir/log.now")
        [ "$after" = "$before" ] || [ "$after" = $((before + n)) ] \
            || fail "$what: the ledger went from $before to $after entries; a batch of $n adds all or nothing"
        if [ -s "$dir/acks" ]; then
            [ "$after" = $((before + n)) ] || fail "$what: entries were acknowledged but the batch is not there"
            awk -v b="$before" '$1 != b + NR - 1 { exit 1 }' "$dir/acks" || fail "$what: acknowledged seqs do not start at $before"
            acked=$((acked + $(wc -l < "$dir/acks")))
            cat "$dir/acks" >> "$dir/acked"
            awk 'NR == FNR { h[$1] = $2; next } !($1 in h) || h[$1] != $2 { exit 1 }' "$dir/log.now" "$dir/acks" \
                || fail "$what: an acknowledged entry is not in the log as acknowledged"
        fi
        if [ "$rc" = 137 ] && [ "$after" = $((before + n)) ]; then
            after_commit=$((after_commit + 1))
            [ "$(wc -l < "$dir/acks")" -lt "$n" ] && short_acks=$((short_acks + 1))
        fi
        # A following append works, at the next seq.
        args=(append --ledger "$ledger" --json "$work/envelope-$(( (offset + 1) % 64 )).json")
        rc=0; "$bin" "${args[@]}" > "$dir/out" 2> "$dir/err" || rc=$?
        [ "$rc" = 0 ] || fail "$what: the next append failed"
        pairs "$dir/out" > "$dir/acks"
        [ "$(cut -d' ' -f1 "$dir/acks")" = "$after" ] || fail "$what: the next append did not land at seq $after"
        cat "$dir/acks" >> "$dir/acked"; cat "$dir/acks" >> "$dir/log.prev"
        acked=$((acked + 1))
    done
    check "the last append"
    echo "$kills $singles $batches $first $after_commit $short_acks $acked $verified $ledgers" > "$dir/status"
}

start=$(now_ms)
quota=$(( (kills + workers - 1) / workers ))
echo "soak: $kills kills over $workers ledgers in parallel, seed $seed, typical append ${single_ms} ms (1 entry) / ${batch_ms} ms (2000), work $work" >&2
pids=()
for w in $(seq 0 $((workers - 1))); do worker "$w" "$quota" & pids+=($!); done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
seconds=$(( ($(now_ms) - start) / 1000 ))

total=(0 0 0 0 0 0 0 0 0)
for w in $(seq 0 $((workers - 1))); do
    read -r -a t < "$work/worker-$w/status" || t=()
    [ "${#t[@]}" = 9 ] || { status=1; continue; }
    for i in $(seq 0 8); do total[$i]=$(( total[i] + t[i] )); done
done
echo "soak: seed $seed, $workers ledgers in parallel, ${seconds} s: ${total[0]} kills (${total[1]} single-entry, ${total[2]} batches of 200–2000; ${total[4]} after the commit, ${total[5]} of them before all acknowledgements were printed), ${total[3]} appends finished before the kill, ${total[6]} acknowledged entries checked, ${total[7]} verifications passed, ${total[8]} ledgers: $([ $status = 0 ] && echo PASSED || echo FAILED)"
if [ $status = 0 ] && [ $keep = 0 ]; then rm -rf "$work"; fi
exit $status
