#!/usr/bin/env python
"""Benchmark: ``claimbook era`` posting an 835 against just reading the workbook.

Issue 12's performance targets:

- a 1,000-claim 835 posted into a 100,000-line practice workbook takes at most 1.5x the
  time of a script that only reads every sheet of the same file into Python values with
  python-calamine;
- a 10-claim 835 posted into a 10,000-line workbook takes under 1 second.

Both run as whole processes (interpreter start-up and imports included); the figure is
the median of alternating runs. Each ``era`` run posts into a fresh copy of the workbook
(the copy is not timed), so every run does the same work: read the 835, read the
workbook, match, plan, back up, write, read back, replace.

This is a script, not a pytest test (timings are not assertions)::

    python tests/benchmarks/bench_era.py                      # both targets
    python tests/benchmarks/bench_era.py --lines 100000 --claims 1000 --runs 5

The workbooks are made once with ``claimbook sample --out FILE --lines N`` and cached in
``bench-out/`` (``--regen`` remakes them). The 835 pays the workbook's last insured visits
(CO-45 off each charge, the rest paid), made with claimbook's own reader (not timed).
Exit status: 0 when every command succeeded, 2 when one failed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from benchkit import BARE_READ as BASELINE  # noqa: E402
from benchkit import CLAIMBOOK, ensure_workbook  # noqa: E402,F401


def make_835(workbook: Path, claims: int, out: Path) -> Path:
    """An 835 paying the workbook's last ``claims`` insured visits, from their payer."""
    from claimbook.compute.balances import visits_of
    from claimbook.io.xlsx.reader import load_book
    from claimbook.rules.money import fmt

    book = load_book(workbook)
    visits = [v for v in visits_of(book).values() if v.first.policy_id and sum(v.charges)]
    payer = book.payer_of(visits[-1].first.policy_id)
    mine = [v for v in visits if book.payer_of(v.first.policy_id) is payer][-claims:]
    body, total = [], 0
    for n, visit in enumerate(mine, 1):
        charge = sum(visit.charges)
        adjustment = charge // 5
        paid = charge - adjustment
        total += paid
        client = book.clients[visit.first.client_id]
        policy = book.policies[visit.first.policy_id]
        day = f"{visit.date_of_service:%Y%m%d}"
        body += [f"LX*{n}", f"CLP*{visit.appointment_id}*1*{fmt(charge)}*{fmt(paid)}**12*"
                 f"BENCH{n:06d}*11*1", f"CAS*CO*45*{fmt(adjustment)}",
                 f"NM1*QC*1*{client.last_name.upper()}*{client.first_name.upper()}****MI*"
                 f"{policy.member_id or ''}", f"DTM*232*{day}"]
        for line, line_charge in zip(visit.lines, visit.charges):
            body += [f"SVC*HC:{line.service_code}*{fmt(line_charge)}*{fmt(line_charge)}",
                     f"DTM*472*{day}"]
    head = ["ST*835*0001", f"BPR*I*{fmt(total)}*C*ACH*CCP*01*1*DA*2*1**01*3*DA*4*20261203",
            "TRN*1*BENCH835*1000000000", f"N1*PR*{payer.name.upper()}*XV*"
            f"{payer.electronic_payer_id or 'X'}"]
    segments = head + body + [f"SE*{len(head) + len(body) + 1}*0001"]
    out.write_text("~\n".join(segments) + "~\n")
    return out


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall-clock seconds, CPU seconds (user + system: what contention for the cores
    does not inflate) and the finished process."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, _cpu() - cpu, done


def measure(source: Path, era: Path, runs: int) -> tuple[list, list, bool]:
    """(wall, cpu) seconds of each run of the bare read and of ``claimbook era``, and
    whether one failed."""
    base, posted, failed = [], [], False
    with tempfile.TemporaryDirectory(prefix="bench-era-") as work:
        target = Path(work) / "practice.xlsx"
        for run in range(runs):
            seconds, cpu, done = timed([sys.executable, "-c", BASELINE, str(source)])
            base.append((seconds, cpu))
            failed |= done.returncode != 0
            shutil.copyfile(source, target)
            seconds, cpu, done = timed(CLAIMBOOK + ["era", str(era), "-w", str(target),
                                                    "--date", "2026-12-04"])
            posted.append((seconds, cpu))
            if done.returncode != 0:
                failed = True
                print(done.stdout[-2000:] + done.stderr[-2000:], file=sys.stderr)
            print(f"  run {run + 1}: baseline {base[-1][0]:.2f} s (cpu {base[-1][1]:.2f}), "
                  f"era {seconds:.2f} s (cpu {cpu:.2f})", flush=True)
    return base, posted, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, help="Only this workbook size.")
    parser.add_argument("--claims", type=int, help="Claims in the 835 (with --lines).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=REPO / "bench-out")
    parser.add_argument("--regen", action="store_true")
    args = parser.parse_args()
    cases = [(args.lines, args.claims or 1000)] if args.lines else [(100_000, 1000),
                                                                    (10_000, 10)]
    failed = False
    for lines, claims in cases:
        source = ensure_workbook(lines, args.seed, args.cache, args.regen)
        era = make_835(source, claims, args.cache / f"era-{lines}-{claims}.835")
        print(f"{source.name} ({source.stat().st_size / 1e6:.1f} MB), {claims}-claim 835")
        base, posted, bad = measure(source, era, args.runs)
        failed |= bad
        wall = [statistics.median(t[0] for t in runs) for runs in (base, posted)]
        cpu = [statistics.median(t[1] for t in runs) for runs in (base, posted)]
        print(f"  baseline (calamine read of every sheet): median {wall[0]:.2f} s, "
              f"cpu {cpu[0]:.2f} s")
        print(f"  claimbook era ({claims} claims): median {wall[1]:.2f} s, cpu {cpu[1]:.2f} s")
        if claims >= 1000:
            ratio = wall[1] / wall[0]
            verdict = "meets" if ratio <= 1.5 else "MISSES"
            print(f"  ratio {ratio:.2f}x (cpu {cpu[1] / cpu[0]:.2f}x): {verdict} the 1.5x target")
        else:
            verdict = "meets" if wall[1] < 1.0 else "MISSES"
            print(f"  {wall[1]:.2f} s (cpu {cpu[1]:.2f} s): {verdict} the 1 s target")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
