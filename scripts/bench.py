#!/usr/bin/env python3
"""lagesbild's performance benchmark: import against the sqlite3 shell, workbook against CSV, and indicators/report speed.

Usage: scripts/bench.py [--rows 1000000 5000000] [--rounds 3] [--work DIR]

Builds the release binary, generates national-scale signal files with `lagesbild bench generate`, then
for each size imports the same file with lagesbild (full validation, natural-key upsert, history) and with
the sqlite3 shell (`.mode csv`, `.separator ;`, `.import --skip 1`) into a table of the same columns,
alternating the two for several rounds. Prints wall time, rows/s and peak memory (max RSS, from the
kernel's rusage of the child) per round, the medians and the ratio lagesbild / sqlite3. On the largest
database it then times `indicators --format json` and `report` for one municipality, and `indicators --all`
for every municipality, as whole processes. Timings are medians of repeated runs.
"""
import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build" / "release" / "lagesbild"
SHELL_SCHEMA = ("CREATE TABLE signal (kommun TEXT, ar INTEGER, manad INTEGER, kategori TEXT, miljo TEXT, omrade TEXT, "
                "kalla TEXT, antal INTEGER, orosanmalningar INTEGER, polisanmalningar INTEGER);")


def peak_and_time(command, stdin=None):
    """Runs a command under /usr/bin/time-like accounting: returns (seconds, max RSS MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin is not None:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    err = process.stderr.read().decode()
    if status != 0:
        sys.exit(f"{' '.join(map(str, command))} failed ({status}): {err}")
    return elapsed, usage.ru_maxrss / 1024


PYTHON_IMPORT = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[2])
connection.execute(sys.argv[3])
with open(sys.argv[1], newline="", encoding="utf-8") as file:
    rows = csv.reader(file, delimiter=";")
    next(rows)
    with connection:
        connection.executemany("INSERT INTO signal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
"""


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(str(path) + suffix).unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", default="/tmp/lagesbild-bench")
    args = parser.parse_args()
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}; sqlite3 shell {sqlite_version}")

    largest_db = None
    for rows in args.rows:
        csv = work / f"signaler-{rows}.csv"
        if not csv.exists():
            subprocess.run([BINARY, "bench", "generate", "--rows", str(rows), "--seed", "42", "--output", csv], check=True,
                           stdout=subprocess.DEVNULL)
        size = csv.stat().st_size / 1e6
        print(f"\n{rows:,} rows ({size:.0f} MB)".replace(",", " "))
        ours, theirs = [], []
        for round_ in range(1, args.rounds + 1):
            db = work / f"lagesbild-{rows}.sqlite"
            fresh(db)
            subprocess.run([BINARY, "init", "--kommun", "2313", "--db", db], check=True, stdout=subprocess.DEVNULL)
            seconds, memory = peak_and_time([BINARY, "import", "--nya-namn", "--db", db, csv])
            ours.append((seconds, memory))
            print(f"  round {round_} lagesbild: {seconds:6.2f} s {rows / seconds / 1e6:5.2f} M rows/s {memory:6.1f} MB")
            shell_db = work / f"sqlite3-{rows}.sqlite"
            fresh(shell_db)
            script = f"{SHELL_SCHEMA}\n.mode csv\n.separator ;\n.import --skip 1 {csv} signal\n"
            seconds, memory = peak_and_time(["sqlite3", shell_db], stdin=script)
            theirs.append((seconds, memory))
            print(f"  round {round_} sqlite3:   {seconds:6.2f} s {rows / seconds / 1e6:5.2f} M rows/s {memory:6.1f} MB")
            fresh(shell_db)
        # The same rows as an Excel workbook, at sheet sizes Excel allows (1 048 576 rows at most), alternating
        # with the CSV import of the same file so both see the same machine.
        if rows <= 1_048_575:
            workbook = work / f"signaler-{rows}.xlsx"
            if not workbook.exists():
                subprocess.run([sys.executable, ROOT / "scripts" / "xlsx-from-csv.py", csv, workbook], check=True)
            sheet_times, csv_times = [], []
            for round_ in range(1, args.rounds + 1):
                for label, source, times in (("xlsx", workbook, sheet_times), ("csv ", csv, csv_times)):
                    db = work / f"lagesbild-{label.strip()}-{rows}.sqlite"
                    fresh(db)
                    subprocess.run([BINARY, "init", "--kommun", "2313", "--db", db], check=True, stdout=subprocess.DEVNULL)
                    seconds, memory = peak_and_time([BINARY, "import", "--nya-namn", "--db", db, source])
                    times.append((seconds, memory))
                    print(f"  round {round_} lagesbild {label}: {seconds:6.2f} s {rows / seconds / 1e6:5.2f} M rows/s {memory:6.1f} MB")
                    fresh(db)
            sheet_time = statistics.median(t for t, _ in sheet_times)
            csv_time = statistics.median(t for t, _ in csv_times)
            print(f"  median workbook {rows / sheet_time / 1e6:.2f} M rows/s, peak {max(m for _, m in sheet_times):.1f} MB "
                  f"({workbook.stat().st_size / 1e6:.0f} MB .xlsx); csv {rows / csv_time / 1e6:.2f} M rows/s; "
                  f"ratio workbook / csv = {csv_time / sheet_time:.2f}")
        python_db = work / f"python-{rows}.sqlite"
        fresh(python_db)
        seconds, memory = peak_and_time([sys.executable, "-c", PYTHON_IMPORT, csv, python_db, SHELL_SCHEMA])
        print(f"  Python csv + executemany (no validation, once): {seconds:6.2f} s {rows / seconds / 1e6:5.2f} M rows/s {memory:6.1f} MB")
        fresh(python_db)
        ours_time = statistics.median(t for t, _ in ours)
        theirs_time = statistics.median(t for t, _ in theirs)
        print(f"  median lagesbild {rows / ours_time / 1e6:.2f} M rows/s, peak {max(m for _, m in ours):.1f} MB; "
              f"sqlite3 {rows / theirs_time / 1e6:.2f} M rows/s, peak {max(m for _, m in theirs):.1f} MB; "
              f"ratio lagesbild / sqlite3 = {theirs_time / ours_time:.2f}")
        largest_db = work / f"lagesbild-{rows}.sqlite"

    print(f"\nqueries on {largest_db.name}")
    for label, command in [
        ("indicators --format json, one municipality", [BINARY, "indicators", "--db", largest_db, "--year", "2025", "--kommun", "2313", "--format", "json"]),
        ("report, one municipality", [BINARY, "report", "--db", largest_db, "--year", "2025", "--kommun", "2313", "--date", "2026-03-15", "--output", work / "report.html"]),
        ("indicators --all (every municipality), json", [BINARY, "indicators", "--db", largest_db, "--year", "2025", "--all", "--format", "json"]),
    ]:
        runs = [peak_and_time(command) for _ in range(5)]
        print(f"  {label}: median {statistics.median(t for t, _ in runs) * 1000:.0f} ms, peak {max(m for _, m in runs):.1f} MB")


if __name__ == "__main__":
    main()
