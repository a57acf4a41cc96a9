#!/usr/bin/env python
"""Benchmark: every command against the bare read of the same workbook (issue 8).

Whole processes (interpreter start-up and imports included), run in turn, round after
round, so that a busy moment of the machine falls on every command alike; each figure
is the median over the rounds. Two baselines: the bare read (python-calamine reads every
sheet into Python values, nothing more) and the floor (fastexcel reads every sheet into
Arrow, nothing more). For each command: median wall time, its ratio to the bare read,
median CPU time (user + system, steadier than wall on a shared machine) and peak RSS.
The 12-month history (aging at 12 month ends and days to pay) is timed in-process on a
book already read, as a fraction of the bare read.

A script, not a test (timings are not assertions)::

    python tests/benchmarks/bench_data.py --lines 10000 --runs 5
    python tests/benchmarks/bench_data.py --lines 100000
    python tests/benchmarks/bench_data.py --workbook /tmp/bench/s1m.xlsx --runs 3 --only report

Workbooks are made once with ``claimbook sample --out FILE --lines N`` under ``--cache``
(default /tmp/claimbook-bench). ``pay`` and ``checkout`` write into a fresh copy each run
(the copy is not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BARE = r"""
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
sheets = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
print(sum(len(rows) for rows in sheets.values()))
"""
FLOOR = r"""
import sys
import fastexcel
reader = fastexcel.read_excel(sys.argv[1])
tables = {name: reader.load_sheet(name, header_row=None, dtypes="string").to_arrow()
          for name in reader.sheet_names}
print(sum(t.num_rows for t in tables.values()))
"""
HISTORY = r"""
import sys, time
from claimbook.io.xlsx.reader import load_book
from claimbook.compute.frames import frames_of
from claimbook.compute.ar_history import aging_history, days_to_pay
from claimbook.rules.months import Month
book = load_book(sys.argv[1])
frames = frames_of(book)
start = time.perf_counter()
aging_history(frames, Month.parse(sys.argv[2])); days_to_pay(frames, Month.parse(sys.argv[2]))
print(time.perf_counter() - start)
"""
TARGETS = {"report": 1.2, "balances --all": 1.2, "check": 1.2, "handoff": 1.5, "pay": 1.3,
           "checkout": 1.3}


@dataclass
class Timed:
    name: str
    argv: list[str]
    copy_to: Path | None = None  # a fresh copy of the workbook here before each run
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    failed: str = ""


def run(item: Timed, source: Path) -> None:
    if item.copy_to is not None:
        shutil.copyfile(source, item.copy_to)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(item.argv, cwd=REPO, stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own CPU time and peak RSS
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            out.seek(0)
            item.failed = out.read().decode(errors="replace")[-500:]
    item.walls.append(wall)
    item.cpus.append(usage.ru_utime + usage.ru_stime)
    item.rss_kb.append(usage.ru_maxrss)


def claimbook() -> list[str]:
    return [sys.executable, "-c", "from claimbook.cli.main import main; main()"]


def workbook_for(lines: int, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"sample-{lines}.xlsx"
    if not path.exists():
        print(f"making {path} ...", file=sys.stderr, flush=True)
        subprocess.run(claimbook() + ["sample", "--out", str(path), "--lines", str(lines),
                                      "--force"], check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)
    return path


def commands(book: Path, month: str, work: Path) -> list[Timed]:
    cb = claimbook()
    as_of = f"{month}-28"
    copy = work / "copy.xlsx"
    return [
        Timed("bare read (calamine)", [sys.executable, "-c", BARE, str(book)]),
        Timed("floor (fastexcel to Arrow)", [sys.executable, "-c", FLOOR, str(book)]),
        Timed("report", cb + ["report", "-w", str(book), "--month", month,
                              "--out", str(work / "report")]),
        Timed("balances --all", cb + ["balances", "-w", str(book), "--all", "--as-of",
                                      as_of, "--format", "json"]),
        Timed("check", cb + ["check", "-w", str(book)]),
        Timed("handoff", cb + ["handoff", "-w", str(book), "--month", month,
                               "--out", str(work / "handoff")]),
        Timed("pay", cb + ["pay", "-w", str(copy), "--date", as_of, "--client",
                           "--reference", "BENCH", "--apply", "A000001=1.00", "--yes"],
              copy_to=copy),
        Timed("checkout", cb + ["checkout", "-w", str(copy), "--date", as_of, "--client",
                                "C0001", "--staff", "S01", "--service", "97124",
                                "--minutes", "38", "--paid", "25", "--method", "card"],
              copy_to=copy),
        Timed("remind", cb + ["remind", "-w", str(copy), "--date", as_of], copy_to=copy),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--workbook", type=Path)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", action="append", help="Time only these commands.")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/claimbook-bench"))
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    book = args.workbook or workbook_for(args.lines, args.cache)
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        items = commands(book, args.month, Path(tmp))
        if args.only:
            items = items[:2] + [i for i in items[2:] if i.name in args.only]
        for round_ in range(args.runs):
            for item in items:
                run(item, book)
            print(f"round {round_ + 1}: " + ", ".join(
                f"{i.name.split(' (')[0]} {i.walls[-1]:.2f}" for i in items), flush=True)
        history = subprocess.run([sys.executable, "-c", HISTORY, str(book), args.month],
                                 cwd=REPO, capture_output=True, text=True)
    bare = statistics.median(items[0].walls)
    rows = []
    print(f"\n{book} ({book.stat().st_size / 1e6:.1f} MB), medians of {args.runs} rounds")
    print(f"{'':28} {'wall s':>7} {'x bare':>7} {'target':>7} {'cpu s':>7} {'peak MB':>8}")
    for item in items:
        wall = statistics.median(item.walls)
        cpu = statistics.median(item.cpus) if item.cpus else float("nan")
        peak = max(item.rss_kb) / 1024 if item.rss_kb else float("nan")
        target = TARGETS.get(item.name)
        rows.append({"name": item.name, "wall": wall, "ratio": wall / bare, "cpu": cpu,
                     "peak_mb": peak, "target": target, "failed": item.failed})
        mark = "" if target is None else f"{target:.1f}"
        print(f"{item.name:28} {wall:7.2f} {wall / bare:7.2f} {mark:>7} {cpu:7.2f} "
              f"{peak:8.0f}" + ("  FAILED" if item.failed else ""))
        if item.failed:
            print("   " + item.failed.strip().replace("\n", "\n   "))
    if history.returncode == 0:
        seconds = float(history.stdout.strip())
        print(f"{'12-month history (in-process)':28} {seconds:7.2f} {seconds / bare:7.2f} "
              f"{'0.1':>7}")
        rows.append({"name": "history", "wall": seconds, "ratio": seconds / bare})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 2 if any(i.failed for i in items) else 0


if __name__ == "__main__":
    sys.exit(main())
