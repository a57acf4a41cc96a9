#!/usr/bin/env python
"""Benchmark: ``claimbook report`` against just reading the workbook with python-calamine.

Issue 2's performance target: on a practice workbook with N Appointments rows,
``claimbook report`` must take at most 2x the time of a script that only reads every
sheet of the same file into Python values with python-calamine. Both run as whole
processes (interpreter start-up and imports included); the figure is the median of
alternating runs. ``claimbook balances --format json`` and ``claimbook check`` are
timed the same way as extra rows. Peak memory is each child's max RSS (``os.wait4``).

This is a script, not a pytest test (timings are not assertions). Standard library
only; run it with the project's virtualenv so that ``claimbook`` and python-calamine
are importable::

    python tests/benchmarks/bench_report.py --lines 100000
    python tests/benchmarks/bench_report.py --lines 10000 --runs 7 --json bench-out/10k.json
    python tests/benchmarks/bench_report.py --lines 1048575 --runs 3 --no-extra

The workbook is made once with ``claimbook sample --out FILE --lines N`` and cached in
``bench-out/`` (``--cache DIR``; ``--regen`` remakes it). Report outputs go to a
temporary folder that is removed, unless ``--keep DIR`` keeps them there.
Exit status: 0 when every command succeeded, 2 when one failed (the ratio is printed
either way; missing the 2x target is reported, not an error).
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGET_RATIO = 2.0

# The baseline: python-calamine reads every sheet into Python values, nothing more.
# The values are kept until the process ends, as claimbook keeps its records.
BASELINE = r"""
import json, sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
sheets = {}
for name in wb.sheet_names:
    sheets[name] = wb.get_sheet_by_name(name).to_python()
print(json.dumps({name: len(rows) for name, rows in sheets.items()}))
"""

# Sources whose change makes a cached sample workbook stale.
SAMPLE_SOURCES = ("scripts/claimbook/sample.py", "scripts/claimbook/xlsx/template.py",
                  "scripts/claimbook/xlsx/styles.py", "scripts/claimbook/schema.py")


@dataclass
class RunResult:
    seconds: float
    max_rss_kb: int | None
    returncode: int


@dataclass
class Command:
    name: str
    argv: list[str]
    out_dir: Path | None = None  # made empty before each run (report output)
    runs: list[RunResult] = field(default_factory=list)
    first_stdout: str = ""
    failure: str = ""

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_rss_kb(self) -> int | None:
        values = [r.max_rss_kb for r in self.runs if r.max_rss_kb is not None]
        return max(values) if values else None


def claimbook_argv() -> list[str]:
    """The ``claimbook`` console script of this interpreter's environment."""
    bindir = Path(sys.executable).parent
    for name in ("claimbook", "claimbook.exe"):
        if (bindir / name).exists():
            return [str(bindir / name)]
    found = shutil.which("claimbook")
    return [found] if found else [sys.executable, "-m", "claimbook.cli.main"]


def _rss_kb(ru_maxrss: int) -> int:
    # Linux reports kilobytes, macOS bytes.
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss


def run_timed(argv: list[str], stdout_path: Path, stderr_path: Path,
              timeout: float | None = None) -> RunResult:
    """Run one process to the end; its wall time and its own peak RSS."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=REPO)
        if hasattr(os, "wait4"):
            deadline = None if timeout is None else start + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.01)
            elapsed = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            return RunResult(elapsed, _rss_kb(usage.ru_maxrss), proc.returncode)
        proc.wait(timeout)  # pragma: no cover - Windows: no per-child rusage
        return RunResult(time.perf_counter() - start, None, proc.returncode)


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for rel in SAMPLE_SOURCES:
        path = REPO / rel
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_workbook(lines: int, seed: int, cache: Path, regen: bool) -> tuple[Path, dict]:
    """The cached sample workbook of ``lines`` rows, made when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"practice-{lines}-seed{seed}.xlsx"
    meta_path = path.with_suffix(".json")
    digest = _sources_digest()
    if path.exists() and not regen:
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        if meta.get("sources") not in (None, digest):
            print(f"note: {path.name} was made by other sample/template sources; "
                  "use --regen to remake it", file=sys.stderr)
        meta["cached"] = True
        return path, meta
    print(f"generating {path} ({lines:,} lines) ...", file=sys.stderr, flush=True)
    tmp = path.with_name(path.stem + ".partial.xlsx")
    if tmp.exists():
        tmp.unlink()
    argv = claimbook_argv() + ["sample", "--out", str(tmp), "--lines", str(lines),
                               "--seed", str(seed), "--force"]
    log_out, log_err = path.with_suffix(".gen.out"), path.with_suffix(".gen.err")
    result = run_timed(argv, log_out, log_err)
    if result.returncode != 0 or not tmp.exists():
        sys.exit(f"generation failed (exit {result.returncode}); see {log_err}\n"
                 + log_err.read_text(errors="replace")[-2000:])
    os.replace(tmp, path)
    meta = {"lines": lines, "seed": seed, "seconds": round(result.seconds, 3),
            "max_rss_kb": result.max_rss_kb, "bytes": path.stat().st_size,
            "sources": digest, "summary": log_out.read_text(errors="replace").strip()}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"generated in {result.seconds:.1f} s, peak RSS "
          f"{_mb(result.max_rss_kb)} MB", file=sys.stderr, flush=True)
    meta["cached"] = False
    return path, meta


def _mb(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:,.0f}"


def month_end(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year:04d}-{mon:02d}-{calendar.monthrange(year, mon)[1]:02d}"


def build_commands(workbook: Path, month: str, work: Path, extra: bool) -> list[Command]:
    cb = claimbook_argv()
    commands = [
        Command("baseline (calamine read)", [sys.executable, "-c", BASELINE, str(workbook)]),
        Command("claimbook report", cb + ["report", "-w", str(workbook), "--month", month,
                                          "--out", str(work / "report")],
                out_dir=work / "report"),
    ]
    if extra:
        # --as-of pins the balances to the report's date, so results do not drift with today
        commands.append(Command("claimbook balances json",
                                cb + ["balances", "-w", str(workbook), "--format", "json",
                                      "--as-of", month_end(month)]))
        commands.append(Command("claimbook check", cb + ["check", "-w", str(workbook)]))
        commands.append(Command("claimbook handoff csv", cb + [
            "handoff", "-w", str(workbook), "--month", month, "--out", str(work / "handoff"),
            "--csv"], out_dir=work / "handoff"))
    return commands


def run_rounds(commands: list[Command], runs: int, warmup: int, work: Path,
               timeout: float | None, verbose: bool) -> None:
    """Warm-up rounds, then ``runs`` rounds that alternate the commands, the order
    reversed every other round so that drift (page cache, thermals, neighbours)
    falls on every command alike."""
    total = warmup + runs
    for round_no in range(total):
        timed = round_no >= warmup
        order = commands if round_no % 2 == 0 else list(reversed(commands))
        for cmd in order:
            if cmd.failure:
                continue
            if cmd.out_dir is not None:
                shutil.rmtree(cmd.out_dir, ignore_errors=True)
                cmd.out_dir.mkdir(parents=True)
            slug = cmd.name.split()[1] if cmd.name.startswith("claimbook") else "baseline"
            out = work / f"{slug}-{round_no}.out"
            err = work / f"{slug}-{round_no}.err"
            result = run_timed(cmd.argv, out, err, timeout)
            if result.returncode != 0:
                cmd.failure = (f"exit {result.returncode}: "
                               + err.read_text(errors="replace").strip()[-1500:])
                print(f"  {cmd.name}: FAILED ({cmd.failure})", file=sys.stderr, flush=True)
                continue
            if not cmd.first_stdout:
                cmd.first_stdout = out.read_text(errors="replace")[:2000]
            if timed:
                cmd.runs.append(result)
            if verbose:
                tag = "run" if timed else "warm-up"
                print(f"  {tag} {round_no - warmup + 1 if timed else round_no + 1}: "
                      f"{cmd.name:<26} {result.seconds:8.2f} s  "
                      f"{_mb(result.max_rss_kb):>7} MB", file=sys.stderr, flush=True)
            # keep the work folder small: a balances JSON at 1M lines is hundreds of MB
            if round_no > 0:
                out.unlink(missing_ok=True)


def table(commands: list[Command]) -> str:
    base = commands[0]
    head = (f"{'command':<26} {'median s':>9} {'min s':>8} {'max s':>8} "
            f"{'x baseline':>10} {'peak RSS MB':>12} {'runs':>5}")
    lines = [head, "-" * len(head)]
    for cmd in commands:
        if not cmd.runs:
            lines.append(f"{cmd.name:<26} {'FAILED' if cmd.failure else 'no runs':>9}")
            continue
        ratio = cmd.median / base.median if base.runs else float("nan")
        lines.append(f"{cmd.name:<26} {cmd.median:9.2f} {min(cmd.times):8.2f} "
                     f"{max(cmd.times):8.2f} {ratio:10.2f} {_mb(cmd.peak_rss_kb):>12} "
                     f"{len(cmd.runs):>5}")
    return "\n".join(lines)


def _versions() -> dict:
    out = {"python": platform.python_version(), "platform": platform.platform(),
           "cpus": os.cpu_count()}
    try:
        from importlib.metadata import version
        for dist in ("python-calamine", "xlsxwriter", "claimbook", "click"):
            try:
                out[dist] = version(dist)
            except Exception:
                out[dist] = None
    except ImportError:  # pragma: no cover
        pass
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000,
                        help="Appointments rows in the workbook (default 100000; "
                             "Excel's limit is 1048575)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed rounds first, to warm the page cache (default 1)")
    parser.add_argument("--month", default="2026-10", help="the report's month (default 2026-10)")
    parser.add_argument("--seed", type=int, default=2026, help="sample seed (default 2026)")
    parser.add_argument("--cache", type=Path, default=REPO / "bench-out",
                        help="folder of cached workbooks (default bench-out/)")
    parser.add_argument("--regen", action="store_true", help="remake the cached workbook")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the report outputs and logs in DIR (default: a temp dir)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--no-extra", dest="extra", action="store_false",
                        help="time only the baseline and the report, not balances and check")
    parser.add_argument("--timeout", type=float, default=None,
                        help="kill a run after this many seconds (counts as a failure)")
    parser.add_argument("--generate-only", action="store_true",
                        help="make (or find) the cached workbook, time nothing")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-run lines")
    args = parser.parse_args(argv)
    if not 1 <= args.lines <= 1_048_575:
        parser.error("--lines must be between 1 and 1048575")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    workbook, meta = ensure_workbook(args.lines, args.seed, args.cache, args.regen)
    if args.generate_only:
        print(json.dumps({"workbook": str(workbook), **meta}, indent=2))
        return 0
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="claimbook-bench-")
        work = Path(cleanup.name)
    try:
        commands = build_commands(workbook, args.month, work, args.extra)
        print(f"workbook {workbook} ({workbook.stat().st_size / 2**20:,.1f} MiB), "
              f"{args.runs} runs + {args.warmup} warm-up, alternating", file=sys.stderr,
              flush=True)
        run_rounds(commands, args.runs, args.warmup, work, args.timeout, not args.quiet)
    finally:
        if cleanup is not None:
            cleanup.cleanup()

    base, report = commands[0], commands[1]
    print()
    print(f"claimbook benchmark: {args.lines:,} Appointments lines, month {args.month}, "
          f"median of {args.runs} alternating runs")
    if base.first_stdout:
        try:
            rows = json.loads(base.first_stdout)
            print("sheets (rows incl. header): "
                  + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
        except ValueError:
            pass
    if meta.get("seconds") is not None:
        print(f"generation ('claimbook sample'): {meta['seconds']:.1f} s, "
              f"peak RSS {_mb(meta.get('max_rss_kb'))} MB"
              + (" (cached)" if meta.get("cached") else ""))
    print()
    print(table(commands))
    ratio = None
    if base.runs and report.runs:
        ratio = report.median / base.median
        verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
        print(f"\nreport / baseline = {ratio:.2f}x  ({verdict} the {TARGET_RATIO:g}x target)")
    failed = [c for c in commands if c.failure]
    for cmd in failed:
        print(f"\n{cmd.name} failed: {cmd.failure}")

    if args.json:
        result = {
            "lines": args.lines, "month": args.month, "seed": args.seed, "runs": args.runs,
            "warmup": args.warmup, "workbook": str(workbook),
            "workbook_bytes": workbook.stat().st_size, "generation": meta,
            "target_ratio": TARGET_RATIO, "report_ratio": ratio,
            "commands": [{
                "name": c.name, "argv": c.argv, "median_s": c.median if c.runs else None,
                "times_s": c.times, "ratio": (c.median / base.median
                                              if c.runs and base.runs else None),
                "max_rss_kb": [r.max_rss_kb for r in c.runs],
                "peak_rss_kb": c.peak_rss_kb, "failure": c.failure or None,
            } for c in commands],
            "environment": _versions(),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
