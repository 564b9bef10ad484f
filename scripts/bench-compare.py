#!/usr/bin/env python3
"""Compares two lagesbild binaries on the same import, alternating them round by round so both see the same machine:
for a refactoring that must not change speed or memory (build the old commit in a git worktree first).

Usage: scripts/bench-compare.py OLD_BINARY NEW_BINARY [--rows 1000000] [--rounds 5] [--work DIR]

Imports one generated signal file (and, below Excel's row limit, the same rows as an .xlsx workbook) into a fresh
database with each binary, and prints per round and as medians: wall time, rows/s and peak memory (max RSS).
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def adding(binary):
    """`--nya-namn` for a binary with registers (a fresh database's registers are empty), nothing for an older one."""
    help_text = subprocess.run([binary, "import", "--help"], capture_output=True, text=True).stdout
    return ["--nya-namn"] if "--nya-namn" in help_text else []


def run(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{' '.join(map(str, command))} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(str(path) + suffix).unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", default="/tmp/lagesbild-bench-compare")
    args = parser.parse_args()
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    csv = work / f"signaler-{args.rows}.csv"
    if not csv.exists():
        subprocess.run([args.new, "bench", "generate", "--rows", str(args.rows), "--seed", "42", "--output", csv], check=True,
                       stdout=subprocess.DEVNULL)
    sources = [("csv", csv)]
    if args.rows <= 1_048_575:
        workbook = work / f"signaler-{args.rows}.xlsx"
        if not workbook.exists():
            subprocess.run([sys.executable, ROOT / "scripts" / "xlsx-from-csv.py", csv, workbook], check=True)
        sources.append(("xlsx", workbook))
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}; {args.rows:,} rows, {args.rounds} rounds".replace(",", " "))
    for label, source in sources:
        results = {"old": [], "new": []}
        for round_ in range(1, args.rounds + 1):
            for name, binary in (("old", args.old), ("new", args.new)):
                db = work / f"{name}.sqlite"
                fresh(db)
                subprocess.run([binary, "init", "--kommun", "2313", "--db", db], check=True, stdout=subprocess.DEVNULL)
                seconds, memory = run([binary, "import", *adding(binary), "--db", db, source])
                results[name].append((seconds, memory))
                print(f"  {label} round {round_} {name}: {seconds:6.2f} s {args.rows / seconds / 1e6:5.2f} M rows/s {memory:6.1f} MB")
                fresh(db)
        medians = {name: (statistics.median(t for t, _ in runs), max(m for _, m in runs)) for name, runs in results.items()}
        (old_t, old_m), (new_t, new_m) = medians["old"], medians["new"]
        print(f"{label}: old {args.rows / old_t / 1e6:.2f} M rows/s, peak {old_m:.1f} MB; new {args.rows / new_t / 1e6:.2f} M rows/s, "
              f"peak {new_m:.1f} MB; new/old time {new_t / old_t:.3f}")


if __name__ == "__main__":
    main()
