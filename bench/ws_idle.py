#!/usr/bin/env python3
"""Memory for N idle authenticated WebSockets: the server's resident memory (VmRSS) after start-up,
then with N sockets open and idle (each authenticated with an API key in the Authorization header,
upgraded, and left alone), and the difference per socket.

    python3 bench/ws_idle.py [N]        # default 10000; uses $CARGO_TARGET_DIR/release/agent-team

The per-principal socket cap and the rate limit are raised for the run, since one key opens them all.
"""
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "target"))
BIN = os.path.join(TARGET, "release", "agent-team")
PORT = 18199


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("no VmRSS")


def ready():
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=0.2) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


async def open_socket(key, sem, held):
    async with sem:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write((
            "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {key}\r\n\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise SystemExit("upgrade refused: " + head.decode(errors="replace").splitlines()[0])
        held.append(writer)


async def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    with tempfile.TemporaryDirectory() as d:
        env = {"PATH": os.environ["PATH"], "DATA_DIR": os.path.join(d, "data"), "PORT": str(PORT), "RUST_LOG": "warn",
               "WS_CONNECTIONS_PER_PRINCIPAL": str(n), "RATE_LIMIT_PER_MINUTE": "10000000",
               "MAX_CONNECTIONS": str(n + 100)}
        subprocess.run([BIN, "migrate"], env=env, check=True, capture_output=True)
        made = subprocess.run([BIN, "admin", "create-key", "--name", "bench", "--role", "staff"], env=env, check=True,
                              capture_output=True, text=True)
        key = made.stdout.strip().splitlines()[-1]
        proc = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        held = []
        try:
            while not ready():
                time.sleep(0.01)
            time.sleep(1.0)
            before = rss_kib(proc.pid)
            t0 = time.perf_counter()
            sem = asyncio.Semaphore(256)
            await asyncio.gather(*(open_socket(key, sem, held) for _ in range(n)))
            opened = time.perf_counter() - t0
            await asyncio.sleep(3.0)  # idle: no frames either way (the first ping is due after 20 s)
            after = rss_kib(proc.pid)
        finally:
            for w in held:
                w.close()
            proc.terminate()
            proc.wait()
    print(f"sockets={len(held)} opened_in={opened:.1f}s rss_before={before / 1024:.1f}MiB "
          f"rss_with_sockets={after / 1024:.1f}MiB delta={(after - before) / 1024:.1f}MiB "
          f"per_socket={(after - before) * 1024 / max(len(held), 1):.0f}B")


if __name__ == "__main__":
    asyncio.run(main())
