#!/usr/bin/env python
"""Benchmark: ``claimbook claim`` of a month's visits against just reading the workbook.

Issue 13's performance target: the claims of a month of a 100,000-line workbook (about
800 visits), CMS-1500 PDFs and 837P files, take at most 2.0x the time of a script that
only reads every sheet of the same file with python-calamine, plus 20 ms per form. Both
run as whole processes (start-up and imports included); the figure is the median of
alternating runs. Each ``claim`` run works on a fresh copy of the workbook (the copy is
not timed) and writes the forms, the 837P files, the Billed Dates and the Claims Log.

The sample generator bills every visit but the last few days', so the benchmark
workbook is the sample with the Billed Date of ``--visits`` insured visits of
``--month`` (not yet answered by their insurer) cleared, through claimbook's own writer
(made once, cached)::

    python tests/benchmarks/bench_claims.py
    python tests/benchmarks/bench_claims.py --lines 10000 --visits 100 --runs 3
    python tests/benchmarks/bench_claims.py --form full

Exit status: 0 when every command succeeded (the verdict is printed either way), 2 when
one failed.
"""

from __future__ import annotations

import argparse
import calendar
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
from bench_pay import BASELINE, CLAIMBOOK, ensure_workbook, timed  # noqa: E402

TARGET_RATIO, PER_FORM = 2.0, 0.020


def unbill(source: Path, target: Path, month: str, visits: int) -> int:
    """Copy ``source`` to ``target`` with the Billed Date of ``visits`` insured visits of
    ``month`` cleared (written by claimbook's surgery, as a command would)."""
    from claimbook.compute.balances import visits_of
    from claimbook.io.xlsx.desk_reader import Selection, read_desk
    from claimbook.io.xlsx.safe import take_snapshot
    from claimbook.io.xlsx.surgery import write_changes
    from claimbook.rules.changes import CellChange, Changes

    shutil.copyfile(source, target)
    snapshot = take_snapshot(str(target))
    book, layouts = read_desk(snapshot.data, str(target), Selection())
    chosen = [v for v in visits_of(book).values()
              if v.first.policy_id and v.date_of_service
              and v.date_of_service.strftime("%Y-%m") == month
              and not any(p.source == "Insurance" for p in v.payments)][:visits]
    changes = Changes(cells=[CellChange("Appointments", ln.src.row, field, None)
                             for v in chosen for ln in v.lines
                             for field in ("billed_date", "claim_status")])
    write_changes(snapshot, layouts, changes, 0)
    return len(chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--month", default="2026-11",
                        help="The month whose visits are claimed (default the sample's last, "
                             "whose visits the insurers have not answered yet).")
    parser.add_argument("--visits", type=int, default=800)
    parser.add_argument("--form", choices=("red", "full"), default="red")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=REPO / "bench-out")
    parser.add_argument("--regen", action="store_true")
    args = parser.parse_args()
    sample = ensure_workbook(args.lines, args.seed, args.cache, args.regen)
    source = args.cache / f"{sample.stem}-unbilled-{args.month}-{args.visits}.xlsx"
    if args.regen or not source.exists():
        print(f"clearing the Billed Date of {args.visits} visits of {args.month} ...",
              file=sys.stderr, flush=True)
        unbill(sample, source, args.month, args.visits)
    year, month = map(int, args.month.split("-"))
    first = f"{args.month}-01"
    last = f"{args.month}-{calendar.monthrange(year, month)[1]:02d}"
    base_times, claim_times, forms, failed = [], [], 0, False
    with tempfile.TemporaryDirectory(prefix="bench-claims-") as work:
        target = Path(work) / "practice.xlsx"
        for run in range(args.runs):
            seconds, done = timed([sys.executable, "-c", BASELINE, str(source)])
            base_times.append(seconds)
            failed |= done.returncode != 0
            shutil.copyfile(source, target)
            out = Path(work) / f"claims{run}"
            seconds, done = timed(CLAIMBOOK + [
                "claim", "-w", str(target), "--unbilled", "--from", first, "--to", last,
                "--date", "2026-11-30", "--837", "--form", args.form, "--out", str(out)])
            claim_times.append(seconds)
            if done.returncode != 0:
                failed = True
                print(done.stdout + done.stderr, file=sys.stderr)
            forms = sum(int(n) for n in re.findall(r"on (\d+) forms?", done.stdout))
            print(f"run {run + 1}: baseline {base_times[-1]:.2f} s, claim {seconds:.2f} s "
                  f"({forms} forms)", flush=True)
    base, claim = statistics.median(base_times), statistics.median(claim_times)
    allowed = TARGET_RATIO * base + PER_FORM * forms
    verdict = "meets" if claim <= allowed else "MISSES"
    print(f"\n{source.name} ({source.stat().st_size / 1e6:.1f} MB), {forms} forms "
          f"({args.form}) and one 837P per payer")
    print(f"baseline (calamine read of every sheet): median {base:.2f} s")
    print(f"claimbook claim:                         median {claim:.2f} s "
          f"({claim / base:.2f}x the read)")
    print(f"target {TARGET_RATIO:.1f} x {base:.2f} s + {PER_FORM * 1000:.0f} ms x {forms} forms = "
          f"{allowed:.2f} s: {verdict} it")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
