#!/usr/bin/env python3
"""Load benchmark of the workspace on loopback: wrk with 50 connections for 30 s on the overview (logged in) and on a
published report, while uploads of 100 000 signal rows are previewed and saved again and again; then the time of a
1 000 000-row upload's preview and save against the command line's `import --dry-run` and `import`.

Usage: scripts/bench-web.py [--binary .build/release/lagesbild] [--duration 30] [--connections 50]
Needs: wrk (apt-get install wrk), curl. Prints throughput, p50/p99 latency, errors and the server's peak memory.
"""
import argparse
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
PASSWORD = "ett-långt-lösenord"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def curl(*arguments):
    return subprocess.run(["curl", "-s", *arguments], capture_output=True, text=True, check=True).stdout


def peak_rss(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url, cookie, duration, connections):
    output = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "-H", f"Cookie: {cookie}", url],
                            capture_output=True, text=True, check=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    def ms(match):
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return requests, ms(p50), ms(p99), int(errors.group(1)) if errors else 0, socket_errors.group(1) if socket_errors else "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "lagesbild"))
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    binary = args.binary
    work = pathlib.Path(tempfile.mkdtemp(prefix="lagesbild-bench-web-"))
    db = work / "demo" / "lagesbild.sqlite"
    env = dict(os.environ, LAGESBILD_DB=str(db))
    subprocess.run([binary, "demo", "--dir", work / "demo", "--date", "2026-03-15"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "user", "add", "samordnare", "--role", "samordnare"], input=PASSWORD + "\n", text=True, check=True, env=env,
                   stdout=subprocess.DEVNULL)
    for rows in (100_000, 1_000_000):
        subprocess.run([binary, "bench", "generate", "--rows", str(rows), "--output", work / f"signaler-{rows}.csv"], check=True,
                       stdout=subprocess.DEVNULL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--max-upload", "200MB"], env=env,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/halsa")
                break
            except OSError:
                time.sleep(0.1)
        jar = work / "jar"
        curl("-c", jar, "--data-urlencode", "anvandare=samordnare", "--data-urlencode", f"losenord={PASSWORD}", base + "/inloggning")
        cookie = "lagesbild_sid=" + [line.split("\t")[-1] for line in jar.read_text().splitlines() if "lagesbild_sid" in line][0]
        page = curl("-b", jar, base + "/uppgifter")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        published = curl("-b", jar, "-o", "/dev/null", "-w", "%{redirect_url}", "--data", f"csrf={csrf}&ar=2025", base + "/rapporter")
        report_path = "/" + published.split("/", 3)[3]
        print(f"machine: {os.cpu_count()} cores; server {binary}; {args.connections} connections, {args.duration} s each, on loopback")

        stop = threading.Event()
        uploads = {"done": 0}

        def upload_loop():
            # A 100 000-row file previewed and saved, again and again (after the first, its rows are unchanged).
            while not stop.is_set():
                answer = curl("-b", jar, "-F", f"csrf={csrf}", "-F", f"fil=@{work / 'signaler-100000.csv'}", base + "/uppgifter/fil")
                match = re.search(r'name="uppladdning" value="([0-9a-f]+)"', answer)
                if match:
                    curl("-b", jar, "--data", f"csrf={csrf}&uppladdning={match.group(1)}", base + "/uppgifter/spara")
                uploads["done"] += 1

        for label, path in (("översikten /", "/"), ("publicerad rapport", report_path)):
            stop.clear()
            thread = threading.Thread(target=upload_loop)
            thread.start()
            requests, p50, p99, errors, socket_errors = wrk(base + path, cookie, args.duration, args.connections)
            stop.set()
            thread.join()
            print(f"{label}: {requests:.0f} förfrågningar/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, fel {errors} (socket: {socket_errors}); "
                  f"{uploads['done']} uppladdningar om 100 000 rader under tiden")
        print(f"serverns högsta minne (VmHWM) hittills: {peak_rss(server.pid):.1f} MB")

        # One million rows: preview and save through the server, against the command line on a copy of the database in
        # the same state (the uploads above saved rows whose keys the big file repeats, so both compare, not just insert).
        big = work / "signaler-1000000.csv"
        copy = work / "cli.sqlite"
        subprocess.run([binary, "backup", "--db", db, copy], check=True, stdout=subprocess.DEVNULL)
        start = time.perf_counter()
        answer = curl("-b", jar, "-F", f"csrf={csrf}", "-F", f"fil=@{big}", base + "/uppgifter/fil")
        preview = time.perf_counter() - start
        upload_id = re.search(r'name="uppladdning" value="([0-9a-f]+)"', answer).group(1)
        start = time.perf_counter()
        curl("-b", jar, "--data", f"csrf={csrf}&uppladdning={upload_id}", base + "/uppgifter/spara")
        save = time.perf_counter() - start
        server_peak = peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    def timed(command):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        return time.perf_counter() - start, usage.ru_maxrss / 1024
    dry, dry_memory = timed([binary, "import", "--db", copy, "--dry-run", big])
    real, real_memory = timed([binary, "import", "--db", copy, big])
    print(f"1 000 000 rader: förhandsgranskning {preview:.2f} s (CLI import --dry-run {dry:.2f} s, {dry_memory:.1f} MB), "
          f"spara {save:.2f} s (CLI import {real:.2f} s, {real_memory:.1f} MB; kvot {save / real:.2f}); serverns högsta minne {server_peak:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
