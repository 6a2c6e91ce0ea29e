#!/usr/bin/env python3
"""Start-up with 1,000 waiting runs: time from spawning `agent-team serve` to the first /readyz 200
when the database already holds N runs waiting for a person, and a check that every one of them is
still intact (waiting, same question, same deadline) afterwards.

    python3 bench/waiting_runs.py [N]
"""
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "target"))
BIN = os.path.join(TARGET, "release", "agent-team")
PORT = 18197


def ready():
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=0.2) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as d:
        env = {"PATH": os.environ["PATH"], "DATA_DIR": os.path.join(d, "data"), "PORT": str(PORT), "RUST_LOG": "warn"}
        subprocess.run([BIN, "migrate"], env=env, check=True, capture_output=True)
        db = sqlite3.connect(os.path.join(d, "data", "agent-team.db"))
        now = int(time.time() * 1000)
        deadline = now + 24 * 3600 * 1000
        rows = []
        for i in range(n):
            rows.append((uuid.uuid4().bytes, uuid.uuid4().bytes, "process_order", '{"customer":"Toko %d"}' % i, "waiting",
                         '{"kind":"confirm_lines","lines":[{"line":%d}]}' % i, deadline, now, now))
        db.executemany(
            "INSERT INTO runs (id, owner_id, task, input, status, question, expires_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        t0 = time.perf_counter()
        proc = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not ready():
                if time.perf_counter() - t0 > 10:
                    raise SystemExit("not ready after 10 s")
                time.sleep(0.001)
            elapsed = (time.perf_counter() - t0) * 1000
            time.sleep(1.0)  # let the workers and the sweeper run a few rounds over the data
        finally:
            proc.terminate()
            proc.wait()
        intact = db.execute(
            "SELECT COUNT(*) FROM runs WHERE status = 'waiting' AND question IS NOT NULL AND expires_at = ?", (deadline,)
        ).fetchone()[0]
        print(f"machine: {os.cpu_count()} cores; {n} waiting runs in the database")
        print(f"start to first /readyz 200: {elapsed:.1f} ms (goal <= 2000 ms); intact afterwards: {intact}/{n}")


if __name__ == "__main__":
    main()
