#!/usr/bin/env python3
"""A 1 GiB upload through the real server to the local object store.

    python3 bench/upload.py [size_mib]

Reports the server's peak RSS (VmHWM) and the throughput seen by the client (curl), for a PNG
(the sniffer decides from the header) and for CSV text (every byte UTF-8-validated), each hashed
with SHA-256 and fsynced. Needs a release build and curl. The file is generated, never committed.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "target"))
BIN = os.path.join(TARGET, "release", "agent-team")
PORT = 18195


def wait_ready():
    for _ in range(500):
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=0.2) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(16).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.01)
    raise SystemExit("server not ready")


def make_file(path, size, kind):
    chunk = (b"aqua 600ml,2,dus,toko maju jaya,\xe9\x9b\xaa\xe7\xa2\xa7 330\n" * 20000)
    with open(path, "wb") as f:
        if kind == "png":
            f.write(b"\x89PNG\r\n\x1a\n")
        written = f.tell()
        while written < size:
            part = chunk[: size - written]
            f.write(part)
            written += len(part)


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    return int(m.group(1)) / 1024


def main():
    size = int(sys.argv[1] if len(sys.argv) > 1 else 1024) * 1024 * 1024
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
        env = {
            "PATH": os.environ["PATH"], "DATA_DIR": os.path.join(d, "data"), "PORT": str(PORT),
            "RUST_LOG": "warn", "UPLOAD_MAX_BYTES": str(size + 1024), "UPLOAD_QUOTA_BYTES": str(size * 4),
        }
        key = subprocess.run([BIN, "admin", "create-key", "--name", "bench", "--role", "staff"], env=env,
                             capture_output=True, check=True, text=True).stdout.strip().splitlines()[-1]
        server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready()
            print(f"machine: {os.cpu_count()} cores; upload of {size // (1024 * 1024)} MiB to the local store")
            print(f"server RSS before: {peak_rss_mib(server.pid):.1f} MiB")
            for kind in ("png", "csv"):
                src = os.path.join(d, f"big.{kind}")
                make_file(src, size, kind)
                t0 = time.perf_counter()
                out = subprocess.run(
                    ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Authorization: Bearer {key}",
                     "-F", f"file=@{src}", f"http://127.0.0.1:{PORT}/api/v1/uploads"],
                    capture_output=True, text=True, check=True).stdout
                elapsed = time.perf_counter() - t0
                assert out == "201", f"upload answered {out}"
                print(f"{kind}: {size / elapsed / 1e6:.0f} MB/s ({elapsed:.2f} s), server peak RSS so far {peak_rss_mib(server.pid):.1f} MiB")
                # Reference, same run, same disk: a plain copy of the file with fsync (no HTTP,
                # no hashing, no sniffing): the ceiling the server could approach.
                dst = os.path.join(d, "copy.bin")
                t0 = time.perf_counter()
                with open(src, "rb") as fin, open(dst, "wb") as fout:
                    while block := fin.read(1 << 20):
                        fout.write(block)
                    fout.flush()
                    os.fsync(fout.fileno())
                copy = time.perf_counter() - t0
                print(f"  reference copy+fsync on the same disk: {size / copy / 1e6:.0f} MB/s")
                os.remove(dst)
                os.remove(src)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
