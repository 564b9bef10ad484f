#!/usr/bin/env python3
"""Load benchmark of the workspace on loopback: wrk with 50 connections for 30 s on the overview (logged in) and on a
published report, while uploads of 100 000 signal rows are previewed and saved again and again; then the time of a
1 000 000-row upload's preview and save against the command line's `import --dry-run` and `import`, in alternating
rounds (the machine's noise is larger than the difference), with the time the same upload takes to cross loopback into
a process that only reads it (the transfer).

Usage: scripts/bench-web.py [--binary .build/release/lagesbild] [--duration 30] [--connections 50] [--rounds 5]
Needs: wrk (apt-get install wrk), curl. Prints throughput, p50/p99 latency, errors and the server's peak memory.
"""
import argparse
import os
import pathlib
import re
import socket
import statistics
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
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    binary = args.binary
    work = pathlib.Path(tempfile.mkdtemp(prefix="lagesbild-bench-web-"))
    db = work / "demo" / "lagesbild.sqlite"
    env = dict(os.environ, LAGESBILD_DB=str(db))
    subprocess.run([binary, "demo", "--dir", work / "demo", "--date", "2026-03-15"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "user", "add", "samordnare", "--role", "samordnare"], input=PASSWORD + "\n", text=True, check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run([binary, "bench", "generate", "--rows", "100000", "--output", work / "signaler-100000.csv"], check=True,
                   stdout=subprocess.DEVNULL)
    # One million rows per round, each round with other figures for the same keys (another seed): every round's file
    # is new to the database (no "already imported"), and both the server and the command line compare and replace.
    big_files = [work / f"signaler-1000000-{round}.csv" for round in range(args.rounds)]
    for round, path in enumerate(big_files):
        subprocess.run([binary, "bench", "generate", "--rows", "1000000", "--seed", str(100 + round), "--output", path], check=True,
                       stdout=subprocess.DEVNULL)
    def start_server():
        """A server on the demo database, and a samordnare logged in to it: (process, base URL, cookie jar, cookie, token)."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--max-upload", "200MB"], env=env,
                                  stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/halsa")
                break
            except OSError:
                time.sleep(0.1)
        jar = work / f"jar-{port}"
        curl("-c", jar, "--data-urlencode", "anvandare=samordnare", "--data-urlencode", f"losenord={PASSWORD}", base + "/inloggning")
        cookie = "lagesbild_sid=" + [line.split("\t")[-1] for line in jar.read_text().splitlines() if "lagesbild_sid" in line][0]
        page = curl("-b", jar, base + "/uppgifter")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        return server, base, jar, cookie, csrf

    server, base, jar, cookie, csrf = start_server()
    try:
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

        load_peak = peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # One million rows, in rounds: the server previews and saves a file; the command line dry-runs and imports the
    # same file on a copy of the server's database taken just before (`lagesbild backup`), so both start from the
    # same state. Server and command line alternate, so that the machine's slow and fast moments fall on both. The
    # server is started afresh, so that its peak memory is that of the uploads (and of the server itself), not what
    # 50 connections left behind.
    server, base, jar, cookie, csrf = start_server()
    try:
        rounds = []
        for round, big in enumerate(big_files):
            copy = work / f"cli-{round}.sqlite"
            subprocess.run([binary, "backup", "--db", db, copy], check=True, stdout=subprocess.DEVNULL)
            transfer = sink_transfer(big, csrf)
            start = time.perf_counter()
            answer = curl("-b", jar, "-F", f"csrf={csrf}", "-F", f"fil=@{big}", base + "/uppgifter/fil")
            preview = time.perf_counter() - start
            upload_id = re.search(r'name="uppladdning" value="([0-9a-f]+)"', answer).group(1)
            dry, dry_memory = timed([binary, "import", "--db", copy, "--dry-run", big])
            start = time.perf_counter()
            curl("-b", jar, "--data", f"csrf={csrf}&uppladdning={upload_id}", base + "/uppgifter/spara")
            save = time.perf_counter() - start
            real, real_memory = timed([binary, "import", "--db", copy, big])
            copy.unlink()
            rounds.append(dict(transfer=transfer, preview=preview, dry=dry, save=save, real=real, memory=max(dry_memory, real_memory)))
            print(f"1 000 000 rader, omgång {round + 1}: överföring {transfer:.2f} s; förhandsgranskning {preview:.2f} s, "
                  f"CLI import --dry-run {dry:.2f} s; spara {save:.2f} s, CLI import {real:.2f} s")
        server_peak = peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    def median(key):
        return statistics.median(entry[key] for entry in rounds)
    over = statistics.median(entry["preview"] - entry["dry"] - entry["transfer"] for entry in rounds)
    ratio = statistics.median(entry["save"] / entry["real"] for entry in rounds)
    print(f"1 000 000 rader, medianer av {len(rounds)}: förhandsgranskning {median('preview'):.2f} s mot CLI import --dry-run "
          f"{median('dry'):.2f} s + överföring {median('transfer'):.2f} s (förhandsgranskning − dry-run − överföring: {over:+.2f} s); "
          f"spara {median('save'):.2f} s mot CLI import {median('real'):.2f} s (kvot {ratio:.2f}); "
          f"CLI högst {max(entry['memory'] for entry in rounds):.1f} MB")
    print(f"serverns högsta minne (VmHWM): {load_peak:.1f} MB under lasten; {server_peak:.1f} MB för en nystartad server under miljonfilerna")


def timed(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{command} misslyckades")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def sink_transfer(path, csrf):
    """The same multipart upload, sent by curl the same way, into a loopback socket that only reads it to the end:
    the transfer alone, without anything the workspace does with the bytes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve():
        connection, _ = listener.accept()
        with connection:
            head = b""
            while b"\r\n\r\n" not in head:
                head += connection.recv(65536)
            header, rest = head.split(b"\r\n\r\n", 1)
            length = int(re.search(rb"(?i)content-length: (\d+)", header).group(1))
            received = len(rest)
            if re.search(rb"(?i)expect: 100-continue", header):
                connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            while received < length:
                chunk = connection.recv(1 << 20)
                if not chunk:
                    break
                received += len(chunk)
            connection.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=serve)
    thread.start()
    start = time.perf_counter()
    curl("-F", f"csrf={csrf}", "-F", f"fil=@{path}", f"http://127.0.0.1:{port}/uppgifter/fil")
    elapsed = time.perf_counter() - start
    thread.join()
    listener.close()
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
