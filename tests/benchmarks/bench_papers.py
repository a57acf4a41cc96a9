#!/usr/bin/env python
"""Benchmark: what clients receive, on the sample practice.

Times, as whole processes (interpreter start-up and imports included), the median of
``--runs`` runs of:

- ``claimbook receipt --month 2026-10 --eml DIR``: the October batch, 41 receipts (a PDF
  and a workbook each) and 22 email drafts;
- ``claimbook statement --due``: a statement (PDF and workbook) for every client who owes;
- ``claimbook receipt --appointment A001203``: one receipt.

Each run works in a fresh folder on a fresh copy of the sample (not timed). There is no
target: the figures say what a batch costs (mostly fpdf2 drawing and embedding the
DejaVu Sans subset, about 0.1 s a PDF). This is a script, not a pytest test::

    python tests/benchmarks/bench_papers.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "workbooks" / "sample-practice.xlsx"
COMMANDS = {
    "October receipts, --eml": ["receipt", "--month", "2026-10", "--as-of", "2026-11-29",
                                "--eml", "drafts"],
    "statements --due": ["statement", "--due", "--as-of", "2026-11-30"],
    "one receipt": ["receipt", "--appointment", "A001203", "--as-of", "2026-11-29"],
}


def run_once(args: list[str]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copyfile(SAMPLE, Path(folder) / "practice.xlsx")
        env = {**os.environ, "CLAIMBOOK_WORKBOOK": "practice.xlsx"}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "claimbook", *args], cwd=folder, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode:
            sys.exit(f"claimbook {' '.join(args)} failed: {done.stderr.strip()}")
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    for name, args in COMMANDS.items():
        times = [run_once(args) for _ in range(runs)]
        print(f"{name:26} median {statistics.median(times):6.2f} s   "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
