#!/usr/bin/env bash
# Authenticated GET /api/v1/me under load vs a bare axum hello-world, same machine, same run.
#   bench/http.sh [duration-seconds] [connections]
# Needs: wrk (Debian package), a release build (cargo build --release -p agent-team && cargo build --release -p server --example hello).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
CONNS="${2:-32}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET/release/agent-team"
HELLO="$TARGET/release/examples/hello"
[ -x "$BIN" ] && [ -x "$HELLO" ] || { echo "build first: cargo build --release -p agent-team && cargo build --release -p server --example hello" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DATA_DIR="$WORK/data" RATE_LIMIT_PER_MINUTE=10000000 RUST_LOG="${RUST_LOG:-warn}" MAX_CONCURRENT_REQUESTS=4096
KEY=$("$BIN" admin create-key --name bench --role staff 2>/dev/null | tail -n 1)
PORT=18180 "$BIN" serve >"$WORK/serve.log" 2>&1 &
"$HELLO" 127.0.0.1:18181 >/dev/null 2>&1 &
for url in http://127.0.0.1:18180/healthz http://127.0.0.1:18181/; do
  for _ in $(seq 100); do curl -fs "$url" >/dev/null 2>&1 && break; sleep 0.05; done
done
curl -fs -H "authorization: Bearer $KEY" http://127.0.0.1:18180/api/v1/me >/dev/null

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; wrk -t1 -c$CONNS -d${DURATION}s; RUST_LOG=$RUST_LOG"
run() {
  local name=$1; shift
  wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$@" >"$WORK/$name.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$name.txt")
  p99=$(awk '$1=="99%"{print $2}' "$WORK/$name.txt")
  echo "$name: $rps req/s, p99 $p99"
  echo "$rps" >"$WORK/$name.rps"
}
run hello http://127.0.0.1:18181/
run me -H "Authorization: Bearer $KEY" http://127.0.0.1:18180/api/v1/me
python3 -c "import sys; a=float(open('$WORK/me.rps').read()); b=float(open('$WORK/hello.rps').read()); print(f'ratio: {a/b*100:.1f}% of the bare hello-world')"
grep -c ' 200 ' "$WORK/me.txt" >/dev/null || true
if grep -q "Non-2xx" "$WORK/me.txt"; then echo "WARNING: non-2xx responses:"; grep "Non-2xx" "$WORK/me.txt"; fi
