#!/usr/bin/env python
"""Benchmark: ``claimbook import`` of a booking software's sales export into a big workbook.

A practice's sample workbook of N Appointments rows (made and cached as bench_pay.py
does) takes an export (MassageBook Income by Payment Type) of K insurance products for
its open insured visits and K checkouts of new visits; the import is timed as a whole
process against a script that only reads every sheet with python-calamine, then the
same export is imported again (it must add nothing). Median of alternating runs. There
is no target in the issue; the figure is for the record::

    python tests/benchmarks/bench_import.py --lines 100000 --rows 2000
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pay import BASELINE, CLAIMBOOK, REPO, ensure_workbook, timed  # noqa: E402


def write_export(workbook: Path, rows: int, out: Path) -> None:
    """K insurance products for insured visits and K checkouts of new visits."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(workbook))

    def table(name: str) -> list[dict]:
        data = wb.get_sheet_by_name(name).to_python()
        head = [str(h) for h in data[0]]
        return [dict(zip(head, r)) for r in data[1:]]

    clients = {c["Client ID"]: f"{c['First Name']} {c['Last Name']}" for c in table("Clients")}
    insured = {}
    for ln in table("Appointments"):
        if ln["Policy ID"] and ln["Appointment ID"] not in insured:
            insured[ln["Appointment ID"]] = (clients[ln["Client ID"]], ln["Date of Service"])
    picked = list(insured.values())[-rows:]
    with out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Date", "Client", "Service", "Discount", "Tips", "Tax", "Sub-Totals",
                    "Total", "Payment Method"])
        for name, day in picked:
            title = f"Insurance Billing - {name} - {day.month}/{day.day}/{day.year}"
            w.writerow(["11/29/2026", "Insurance Payment(s)", title, "0", "0", "0", "1.00",
                        "1.00", "Check"])
        for i, name in enumerate(list(clients.values())[:rows]):
            w.writerow([f"11/{1 + i % 27:02d}/2026", name, "MASSAGE60", "0", "0", "0", "95",
                        "95", "Cash"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=REPO / "bench-out")
    args = parser.parse_args()
    source = ensure_workbook(args.lines, args.seed, args.cache, False)
    base_times, first_times, again_times, failed = [], [], [], False
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        export = Path(work) / "income.csv"
        write_export(source, args.rows, export)
        target = Path(work) / "practice.xlsx"
        command = CLAIMBOOK + ["import", str(export), "-w", str(target), "--date",
                               "2026-11-30", "--staff", "S01"]
        for run in range(args.runs):
            seconds, done = timed([sys.executable, "-c", BASELINE, str(source)])
            base_times.append(seconds)
            shutil.copyfile(source, target)
            first, done = timed(command)
            failed |= done.returncode != 0
            again, done2 = timed(command)
            failed |= done2.returncode != 0 or "Nothing new to write" not in done2.stdout
            if failed:
                print(done.stdout + done.stderr + done2.stdout + done2.stderr, file=sys.stderr)
                break
            first_times.append(first)
            again_times.append(again)
            print(f"run {run + 1}: baseline {seconds:.2f} s, import {first:.2f} s, "
                  f"again {again:.2f} s", flush=True)
            if run == 0:
                print("\n".join(done.stdout.splitlines()[:6]))
    if failed:
        return 2
    base = statistics.median(base_times)
    print(f"\n{source.name}, {2 * args.rows} export rows")
    print(f"baseline (calamine read of every sheet): median {base:.2f} s")
    print(f"claimbook import:                       median {statistics.median(first_times):.2f} s")
    print(f"the same import again (adds nothing):   median {statistics.median(again_times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
