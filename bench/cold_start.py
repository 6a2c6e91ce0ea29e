#!/usr/bin/env python3
"""Cold start: time from spawning `agent-team serve` to the first 200 from /readyz.

    python3 bench/cold_start.py [runs]

Two cases, each in a fresh DATA_DIR: `fresh` (first boot: creates the database, runs migrations,
generates the dev secret) and `existing` (the same DATA_DIR started again). Needs a release build.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "target"))
BIN = os.path.join(TARGET, "release", "agent-team")
PORT = 18190


def ready(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def start_once(data_dir):
    env = {"PATH": os.environ["PATH"], "DATA_DIR": data_dir, "PORT": str(PORT), "RUST_LOG": "warn"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not ready(PORT):
            if proc.poll() is not None:
                raise SystemExit("serve exited early")
            if time.perf_counter() - t0 > 10:
                raise SystemExit("not ready after 10 s")
            time.sleep(0.001)
        return (time.perf_counter() - t0) * 1000
    finally:
        proc.terminate()
        proc.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    fresh, existing = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "data")
            fresh.append(start_once(data))
            existing.append(start_once(data))
    for name, xs in (("fresh DATA_DIR", fresh), ("existing DATA_DIR", existing)):
        xs.sort()
        p95 = xs[max(0, int(len(xs) * 0.95) - 1)]
        print(f"{name}: median {statistics.median(xs):.1f} ms, p95 {p95:.1f} ms, max {xs[-1]:.1f} ms ({runs} runs)")


if __name__ == "__main__":
    main()
