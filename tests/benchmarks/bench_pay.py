#!/usr/bin/env python
"""Benchmark: ``claimbook pay`` of one visit against just reading the workbook.

Issue 3's performance target: recording one insurance payment into a practice
workbook of N Appointments rows takes at most 2x the time of a script that only reads
every sheet of the same file into Python values with python-calamine. Both run as whole
processes (interpreter start-up and imports included); the figure is the median of
alternating runs. Each ``pay`` run writes into a fresh copy of the workbook (the copy is
not timed), so every run does the same work: read, plan, back up, write, read back,
replace.

This is a script, not a pytest test (timings are not assertions)::

    python tests/benchmarks/bench_pay.py --lines 100000
    python tests/benchmarks/bench_pay.py --lines 10000 --runs 7
    python tests/benchmarks/bench_pay.py --workbook /tmp/x.xlsx

The workbook is made once with ``claimbook sample --out FILE --lines N`` and cached in
``bench-out/`` (``--regen`` remakes it). Exit status: 0 when every command succeeded
(the ratio is printed either way), 2 when one failed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET_RATIO = 2.0

from benchkit import BARE_READ as BASELINE  # noqa: E402
from benchkit import CLAIMBOOK, ensure_workbook  # noqa: E402,F401


def open_visit(workbook: Path) -> tuple[str, str, str]:
    """The last insured visit on the sheet (likely still open): ID, payer, date."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(workbook))
    lines = wb.get_sheet_by_name("Appointments").to_python()
    head = [str(h).strip().lower() for h in lines[0]]
    visit_col, policy_col = head.index("appointment id"), head.index("policy id")
    row = next(r for r in reversed(lines[1:]) if r[policy_col])
    policies = wb.get_sheet_by_name("Policies").to_python()
    p_head = [str(h).strip().lower() for h in policies[0]]
    payer = next(p[p_head.index("payer id")] for p in policies[1:]
                 if p[p_head.index("policy id")] == row[policy_col])
    return str(row[visit_col]), str(payer), "2026-11-29"


def timed(argv: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workbook", type=Path, help="Use this workbook instead of a sample.")
    parser.add_argument("--cache", type=Path, default=REPO / "bench-out")
    parser.add_argument("--regen", action="store_true")
    args = parser.parse_args()
    source = args.workbook or ensure_workbook(args.lines, args.seed, args.cache, args.regen)
    visit, payer, day = open_visit(source)
    base_times, pay_times, failed = [], [], False
    with tempfile.TemporaryDirectory(prefix="bench-pay-") as work:
        target = Path(work) / "practice.xlsx"
        for run in range(args.runs):
            seconds, done = timed([sys.executable, "-c", BASELINE, str(source)])
            base_times.append(seconds)
            failed |= done.returncode != 0
            shutil.copyfile(source, target)
            seconds, done = timed(CLAIMBOOK + [
                "pay", "-w", str(target), "--date", day, "--payer", payer,
                "--reference", f"BENCH{run}", "--apply", f"{visit}=1.00", "--yes"])
            pay_times.append(seconds)
            if done.returncode != 0:
                failed = True
                print(done.stdout + done.stderr, file=sys.stderr)
            print(f"run {run + 1}: baseline {base_times[-1]:.2f} s, pay {seconds:.2f} s",
                  flush=True)
    base, pay = statistics.median(base_times), statistics.median(pay_times)
    ratio = pay / base
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"\n{source.name} ({source.stat().st_size / 1e6:.1f} MB), pay {payer} -> {visit}")
    print(f"baseline (calamine read of every sheet): median {base:.2f} s")
    print(f"claimbook pay (one visit):              median {pay:.2f} s")
    print(f"ratio {ratio:.2f}x: {verdict} the {TARGET_RATIO:.0f}x target")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
