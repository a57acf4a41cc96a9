#!/usr/bin/env python
"""Benchmark: the package inspection (io/xlsx/inspect.py) against the bare read.

Each run is a whole process: ``inspect_workbook`` alone, the python-calamine bare read of
every sheet, and ``claimbook check``, in turn, round after round; each figure is the
median over the rounds (wall, CPU = user + system, peak RSS). The inspection streams every
contract sheet through zlib (or ISA-L, when ``isal`` is installed) a chunk at a time, so
its peak RSS should stay a few tens of MB at any size.

A script, not a test (timings are not assertions)::

    claimbook sample --out /tmp/s100k.xlsx --lines 100000
    python tests/benchmarks/bench_inspect.py /tmp/s100k.xlsx --runs 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

INSPECT = "import sys; from claimbook.io.xlsx.inspect import inspect_workbook; " \
          "inspect_workbook(sys.argv[1])"
BARE = ("import sys; from python_calamine import CalamineWorkbook; "
        "wb = CalamineWorkbook.from_path(sys.argv[1]); "
        "[wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]")
CHECK = "from claimbook.cli.main import main; main()"


def _run(code: str, *args: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cases = {"inspect": (INSPECT, args.workbook), "bare read": (BARE, args.workbook),
             "check": (CHECK, "check", "-w", args.workbook)}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    peaks: dict[str, float] = {}
    for _ in range(args.runs):
        for name, (code, *rest) in cases.items():
            figures[name].append(_run(code, *rest))
    for name, (code, *rest) in cases.items():  # peak RSS: each alone, in a fresh parent
        done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", code, *rest],
                              capture_output=True, text=True, check=False)
        peaks[name] = int(done.stderr.strip().splitlines()[-1]) / 1024
    bare = statistics.median(w for w, _ in figures["bare read"])
    print(f"{os.path.basename(args.workbook)}: medians of {args.runs} runs "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name, runs in figures.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"  {name:10s} wall {wall:6.2f} s ({wall / bare:4.2f}x bare)  cpu {cpu:6.2f} s  "
              f"peak RSS {peaks[name]:7.0f} MB")


if __name__ == "__main__":
    main()
