#!/usr/bin/env bash
# Several instances on PostgreSQL and Redis, same machine, same run:
#  1. authenticated GET /api/v1/me and POST /api/v1/sessions with wrk on
#     - one instance on the embedded SQLite default (reference),
#     - one instance on PostgreSQL without Redis (reference: the cost of Redis),
#     - one instance on PostgreSQL + Redis (shared rate limiter on, limit raised so it never refuses),
#     - two instances on PostgreSQL + Redis, one wrk per instance at the same time, summed;
#     with the CPU each component spent per request (server, PostgreSQL backends, Redis);
#  2. queued Work runs (task `agent`, offline assistant) drained by one and by two `agent-team serve`
#     processes competing on one database, checking that no run was claimed or executed twice.
#   bench/scale_out.sh [duration-seconds] [connections] [runs]
# Needs: wrk, psql, redis-cli, a release build (cargo build --release -p agent-team), a PostgreSQL
# server (PG_URL, default postgres://postgres@127.0.0.1:5432/postgres: every case creates and drops
# a database of its own) and a Redis database the bench may flush (BENCH_REDIS_URL, default
# redis://127.0.0.1:6379/15).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNS="${2:-32}"
RUNS="${3:-2000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET/release/agent-team"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p agent-team" >&2; exit 1; }
for tool in wrk psql redis-cli; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done

WORK=$(mktemp -d)
DBS=()
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  for db in "${DBS[@]}"; do psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  redis-cli -u "$BENCH_REDIS_URL" flushdb >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# The access log off (as in bench/http.sh); the limiter runs but never refuses; REDIS_FAIL_MODE=closed
# so a Redis failure shows up as 503s instead of a silent fall-back to per-instance limits.
export RUST_LOG="${RUST_LOG:-warn}" RATE_LIMIT_PER_MINUTE=10000000 MAX_CONCURRENT_REQUESTS=4096 REDIS_FAIL_MODE=closed
# Both instances of a case must verify the same keys and tokens.
AUTH_SECRET=$(head -c 48 /dev/urandom | base64 -w0)
export AUTH_SECRET
unset DATABASE_URL REDIS_URL

new_db() { # sets url and db to a fresh database
  db="bench_scale_$$_${#DBS[@]}"
  psql -q "$PG_URL" -c "CREATE DATABASE $db" >/dev/null
  DBS+=("$db")
  url="${PG_URL%/*}/$db"
}
start() { # start NAME PORT [VAR=value...]: one `agent-team serve`, waits for /readyz
  local name=$1 port=$2; shift 2
  env PORT="$port" "$@" "$BIN" serve >"$WORK/$name.log" 2>&1 &
  echo $! >"$WORK/$name.pid"
  for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "$name did not become ready:" >&2; cat "$WORK/$name.log" >&2; exit 1
}
stop_all() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; }

# CPU accounting (clock ticks of user + system time) around each load.
HZ=$(getconf CLK_TCK)
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
# PostgreSQL: the backends serving this database, and the cluster's WAL writer, background writer
# and checkpointer (shared with any other database on the server).
pg_backends() { [ "$1" = none ] && return; pgrep -f "^postgres: .* $1 " || true; pgrep -f "^postgres: .*: (walwriter|background writer|checkpointer)" || true; }
snapshot() { # snapshot DB PID...: server ticks, PostgreSQL backend ticks (this database), Redis ticks, machine busy/total
  local db=$1; shift
  echo "$(ticks "$@") $(ticks $(pg_backends "$db")) $(ticks $(pgrep -x redis-server || true)) $(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)"
}

printf 'machine: %s cores, %s GiB; load average before: %s; wrk -t1 -d%ss, %s connections per case in total; RUST_LOG=%s\n' \
  "$(nproc)" "$(free -g | awk '/Mem:/{print $2}')" "$(cut -d' ' -f1-3 /proc/loadavg)" "$DURATION" "$CONNS" "$RUST_LOG"
cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"mode":"chat"}'
wrk.headers["Content-Type"] = "application/json"
LUA
printf '| case | route | req/s | p99 | server CPU µs/req | PostgreSQL CPU µs/req | Redis CPU µs/req | machine busy | errors |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'

# load CASE ROUTE DB PORT...: one wrk per port at once (connections split evenly), summed.
load() {
  local case=$1 route=$2 db=$3; shift 3
  local ports=("$@") n=$# pids=() wrks=() i args path
  for p in "${ports[@]}"; do pids+=("$(cat "$WORK/$case-$p.pid")"); done
  if [ "$route" = me ]; then args=(-H "Authorization: Bearer $KEY"); path=/api/v1/me
  else args=(-H "Authorization: Bearer $KEY" -s "$WORK/post.lua"); path=/api/v1/sessions; fi
  local before after
  before=$(snapshot "$db" "${pids[@]}")
  for i in "${!ports[@]}"; do
    wrk -t1 -c$((CONNS / n)) -d"${DURATION}s" --latency "${args[@]}" "http://127.0.0.1:${ports[$i]}$path" >"$WORK/$case-$route-$i.txt" &
    wrks+=($!)
  done
  wait "${wrks[@]}"
  after=$(snapshot "$db" "${pids[@]}")
  python3 - "$case" "$route" "$HZ" "$before" "$after" "$WORK/$case-$route-"*.txt <<'PY'
import re, sys
case, route, hz, before, after, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:]
b, a = [int(x) for x in before.split()], [int(x) for x in after.split()]
reqs = rps = 0.0; p99 = []; errors = 0
unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}
for f in files:
    t = open(f).read()
    reqs += int(re.search(r"(\d+) requests in", t).group(1))
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", t)
    p99.append(float(m.group(1)) * unit[m.group(2)])
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    errors += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
    errors += sum(int(x) for x in m.groups()) if m else 0
per = lambda i: (a[i] - b[i]) / hz * 1e6 / reqs
busy = (a[3] - b[3]) / max(1, a[4] - b[4]) * 100
p = " + ".join(f"{x:.2f}" for x in p99)
print(f"| {case} | {route} | {rps:,.0f} | {p} ms | {per(0):.0f} | {per(1):.0f} | {per(2):.0f} | {busy:.0f} % | {errors} |")
PY
}
key_for() { # key_for DATA_DIR [VAR=value...]: a staff API key
  env DATA_DIR="$1" "${@:2}" "$BIN" admin create-key --name bench --role staff 2>/dev/null | tail -n 1
}

# 1a. SQLite, one instance (reference).
KEY=$(key_for "$WORK/sqlite")
start sqlite-18280 18280 DATA_DIR="$WORK/sqlite"
load sqlite me none 18280; load sqlite sessions none 18280; stop_all

# 1b. PostgreSQL without Redis, one instance.
new_db
env DATABASE_URL="$url" DATA_DIR="$WORK/pg" "$BIN" migrate >/dev/null 2>&1
KEY=$(key_for "$WORK/pg" DATABASE_URL="$url")
start pg-18281 18281 DATA_DIR="$WORK/pg" DATABASE_URL="$url"
load pg me "$db" 18281; load pg sessions "$db" 18281; stop_all

# 1c. PostgreSQL + Redis, one instance.
redis-cli -u "$BENCH_REDIS_URL" flushdb >/dev/null
new_db
env DATABASE_URL="$url" DATA_DIR="$WORK/pgr1" "$BIN" migrate >/dev/null 2>&1
KEY=$(key_for "$WORK/pgr1" DATABASE_URL="$url")
start pg+redis-18282 18282 DATA_DIR="$WORK/pgr1" DATABASE_URL="$url" REDIS_URL="$BENCH_REDIS_URL"
load pg+redis me "$db" 18282; load pg+redis sessions "$db" 18282
[ "$(redis-cli -u "$BENCH_REDIS_URL" dbsize)" -gt 0 ] || { echo "the shared limiter wrote nothing to Redis" >&2; exit 1; }
stop_all

# 1d. PostgreSQL + Redis, two instances, one wrk each.
redis-cli -u "$BENCH_REDIS_URL" flushdb >/dev/null
new_db
env DATABASE_URL="$url" DATA_DIR="$WORK/pgr2" "$BIN" migrate >/dev/null 2>&1
KEY=$(key_for "$WORK/pgr2" DATABASE_URL="$url")
for port in 18283 18284; do
  start "2×pg+redis-$port" $port DATA_DIR="$WORK/pgr2" DATABASE_URL="$url" REDIS_URL="$BENCH_REDIS_URL"
done
load "2×pg+redis" me "$db" 18283 18284; load "2×pg+redis" sessions "$db" 18283 18284; stop_all

# 2. Work runs drained by competing processes. Runs are inserted straight into the database
# before the servers start; the span is the database's own timestamps, from the first `running`
# event to the last `done` event, so start-up and polling are not in it.
echo
echo "$RUNS queued Work runs (task agent, prompt \"hello\", offline assistant), PostgreSQL + Redis:"
drain() {
  local instances=$1 url db owner port seen="" out
  new_db
  env DATABASE_URL="$url" DATA_DIR="$WORK/runs$instances" "$BIN" migrate >/dev/null 2>&1
  env DATABASE_URL="$url" DATA_DIR="$WORK/runs$instances" "$BIN" admin create-key --name runs --role staff >/dev/null 2>&1
  owner=$(psql -qtA "$url" -c "SELECT id FROM api_keys WHERE name = 'runs'")
  psql -q "$url" -c "INSERT INTO runs (id, owner_id, task, input, status, created_at, updated_at)
    SELECT gen_random_uuid(), '$owner', 'agent', '{\"prompt\": \"hello\"}', 'queued',
           now() + i * interval '1 microsecond', now() FROM generate_series(1, $RUNS) i" >/dev/null
  redis-cli -u "$BENCH_REDIS_URL" flushdb >/dev/null
  for port in $(seq 18290 $((18289 + instances))); do
    env PORT="$port" DATA_DIR="$WORK/runs$instances" DATABASE_URL="$url" REDIS_URL="$BENCH_REDIS_URL" \
      "$BIN" serve >"$WORK/runs$instances-$port.log" 2>&1 &
  done
  for _ in $(seq 1200); do
    out=$(psql -qtA -F' ' "$url" -c "SELECT count(*) FILTER (WHERE status NOT IN ('queued', 'running')),
      coalesce(string_agg(DISTINCT split_part(lease_owner, '-', 1), ','), '') FROM runs")
    [ -n "${out#* }" ] && seen="$seen,${out#* }"
    [ "${out%% *}" -ge "$RUNS" ] && break
    sleep 0.2
  done
  stop_all
  psql -qtA -F' ' "$url" -c "
    SELECT (SELECT count(*) FROM runs WHERE status = 'succeeded'),
           (SELECT max(attempts) FROM runs),
           (SELECT count(*) FROM run_events WHERE kind = 'running'),
           (SELECT count(DISTINCT run_id) FROM run_events WHERE kind = 'running'),
           (SELECT count(*) FROM run_events WHERE kind = 'done'),
           (SELECT extract(epoch FROM max(created_at) FILTER (WHERE kind = 'done')
                                    - min(created_at) FILTER (WHERE kind = 'running')) FROM run_events)" \
  | while read -r ok attempts running distinct done span; do
      local holders
      holders=$(echo "$seen" | tr ',' '\n' | sort -u | grep -c . || true)
      python3 -c "
ok, attempts, running, distinct, done, span, n = $ok, $attempts, $running, $distinct, $done, $span, $RUNS
exclusive = ok == n and attempts == 1 and running == n and distinct == n and done == n
print(f'| {$instances} instance(s) | {n / span:,.0f} runs/s | {span:.2f} s | {ok}/{n} succeeded, max attempts {attempts}, '
      f'{running} running / {done} done events | {$holders} | {\"yes\" if exclusive else \"NO\"} |')"
    done
}
printf '| processes | drained | span | runs | processes seen holding leases | each run claimed and executed once |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
drain 1
drain 2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
