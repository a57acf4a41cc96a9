#!/usr/bin/env python
"""Trials of issue 9, run the same way against any version of claimbook's code.

Not a pytest test: it kills processes, fills disks and races commands, and prints the
figures (what held, what did not). Run it as root (it mounts small tmpfs disks)::

    python tests/benchmarks/trials_harden.py                 # this checkout's code
    python tests/benchmarks/trials_harden.py --code /tmp/before/scripts   # another's
    python tests/benchmarks/trials_harden.py --only pairs,kills --kills 40

Trials:
- kills: ``pay`` killed (SIGKILL) at random moments of its write on a sample workbook
  with N lines; counts originals that are neither the old nor a whole new workbook, and
  backups under a backup's name that are not whole.
- disk: ``pay`` on a tmpfs filled to leave K bytes, for a range of K; counts outcomes
  that are not (one clear line and the original intact) or (exit 0 and the row there).
- pairs: two ``pay`` processes started together, 60 times; counts payments lost while
  both exited 0.
- handoff: ``handoff --password`` killed at random moments; counts plain (unencrypted)
  workbook copies left on disk (TMPDIR points into the trial's folder).
- errors: the error situations of the issue, each classed as one clear line or not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "workbooks" / "sample-practice.xlsx"
sys.path.insert(0, str(REPO / "tests"))


def claimbook(code: str | None) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    return [sys.executable, "-c", "from claimbook.cli.main import main; main()"], env


def run(code, *args, env_extra=None, timeout=300, cwd=None) -> subprocess.CompletedProcess:
    cmd, env = claimbook(code)
    env.update(env_extra or {})
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL, cwd=cwd or REPO)


def one_clear_line(done: subprocess.CompletedProcess) -> bool:
    text = (done.stderr or "") + (done.stdout or "" if done.returncode else "")
    return (done.returncode == 1 and done.stderr.count("\n") == 1
            and done.stderr.startswith("Error: ") and "Traceback" not in text)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def whole(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def pay_args(book: Path, ref: str, visit: str = "A000856") -> list[str]:
    return ["pay", "-w", str(book), "--date", "2026-11-20", "--client", "--reference", ref,
            "--apply", f"{visit}=0.01", "--yes"]


# -- kills -----------------------------------------------------------------------------------
def _desk_command(name: str, book: Path, k: int) -> list[str]:
    if name == "pay":
        return pay_args(book, f"K{k}")
    if name == "checkout":
        return ["checkout", "-w", str(book), "--date", "2026-11-20", "--client", "C0001",
                "--staff", "S01", "--service", "MASSAGE60", "--paid", "95", "--method", "Card"]
    return ["remind", "-w", str(book), "--date", "2026-11-20"]


def trial_kills(code, work: Path, n: int, lines: int) -> str:
    big = work / "big.xlsx"
    if not big.exists():
        run(code, "sample", "--out", str(big), "--lines", str(lines), "--force")
    took = {}
    probe = work / "probe"
    probe.mkdir(exist_ok=True)
    for name in ("pay", "checkout", "remind"):
        shutil.copy(big, probe / "w.xlsx")
        start = time.perf_counter()
        run(code, *_desk_command(name, probe / "w.xlsx", 0))
        took[name] = time.perf_counter() - start
    bad_original = bad_backup = landed = 0
    cmd, env = claimbook(code)
    rng = random.Random(9)
    for k in range(n):
        name = ("pay", "checkout", "remind")[k % 3]
        where = work / f"kill{k}"
        where.mkdir()
        book = where / "w.xlsx"
        shutil.copy(big, book)
        before = digest(book)
        proc = subprocess.Popen(cmd + _desk_command(name, book, k), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.45, 1.0) * took[name])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        changed = digest(book) != before
        landed += changed
        if changed and not whole(book):
            bad_original += 1
        backups = list((where / "backups").glob("w.*.xlsx")) if (where / "backups").exists() \
            else []
        bad_backup += sum(1 for b in backups if not whole(b) or digest(b) != before)
        shutil.rmtree(where)
    runs = ", ".join(f"{k} {v:.1f} s" for k, v in took.items())
    return (f"kills: {n} kill -9 of pay/checkout/remind on {lines:,} lines ({runs}): "
            f"{bad_original} "
            f"corrupt originals, {bad_backup} backups under a good name not whole "
            f"({landed} had replaced the workbook before the kill)")


# -- a full disk -----------------------------------------------------------------------------
def mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def trial_disk(code, work: Path) -> str:
    size = SAMPLE.stat().st_size
    leaves = [0, 4096] + [int(size * f) for f in (0.5, 1, 1.5, 2, 2.5, 3, 4)]
    good = bad_backups = 0
    notes = []
    for leave in leaves:
        disk = work / f"disk{leave}"
        if not mount_tmpfs(disk, "2m"):
            return "disk: cannot mount a tmpfs here"
        try:
            book = disk / "w.xlsx"
            shutil.copy(SAMPLE, book)
            before = digest(book)
            st = os.statvfs(disk)
            with open(disk / "filler", "wb") as fh:
                fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
            done = run(code, *pay_args(book, "FULL"))
            if done.returncode == 0:
                ok = whole(book) and b"FULL" in b"".join(
                    zipfile.ZipFile(book).read(n) for n in zipfile.ZipFile(book).namelist())
            else:
                ok = one_clear_line(done) and digest(book) == before
            backups = list((disk / "backups").glob("w.*.xlsx")) if (disk / "backups").is_dir() \
                else []
            cut = sum(1 for b in backups if digest(b) != before)
            bad_backups += cut
            ok = ok and not cut
            good += ok
            notes.append(f"{leave // 1024}K:{'ok' if ok else 'BAD'}")
        finally:
            umount(disk)
    return (f"disk: {good} of {len(leaves)} free-space sizes ended in one clear line with the "
            f"original intact, or a whole write, and no cut-short backup ({' '.join(notes)}; "
            f"workbook {size // 1024}K; {bad_backups} cut-short backups under a good name)")


# -- two at once -----------------------------------------------------------------------------
def trial_pairs(code, work: Path, pairs: int, jitter: float) -> str:
    """Two `pay` at once; with ``jitter`` the second starts up to that many seconds
    after the first, so that its last check may fall while the first is writing."""
    from python_calamine import CalamineWorkbook

    book = work / "pairs.xlsx"
    shutil.copy(SAMPLE, book)
    cmd, env = claimbook(code)
    done_ok, lost_pairs, messages = [], 0, set()
    rng = random.Random(60)
    for p in range(pairs):
        procs = []
        for t in "ab":
            if t == "b" and jitter:
                time.sleep(rng.uniform(0, jitter))
            procs.append((f"P{p:02d}{t}", subprocess.Popen(
                cmd + pay_args(book, f"P{p:02d}{t}", "A000856" if t == "a" else "A000926"),
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        results = [(ref, proc.wait(), proc.stderr.read()) for ref, proc in procs]
        rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Payments").to_python()
        refs = {str(r[4]) for r in rows}
        ok = [ref for ref, code_, _ in results if code_ == 0]
        done_ok += ok
        lost_pairs += any(ref not in refs for ref in ok)
        messages |= {err.strip()[:60] for _, code_, err in results if code_ != 0}
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Payments").to_python()
    refs = {str(r[4]) for r in rows}
    lost = [ref for ref in done_ok if ref not in refs]
    return (f"pairs (jitter {jitter:g} s): {pairs} pairs of pay at once: {len(lost)} payments "
            f"lost after exit 0 "
            f"({lost_pairs} pairs); {2 * pairs - len(done_ok)} refused; refusals said: "
            f"{sorted(messages)[:3]}")


# -- encrypted handoff -------------------------------------------------------------------
def trial_handoff(code, work: Path, n: int) -> str:
    cmd, env = claimbook(code)
    tmp = work / "tmpdir"
    tmp.mkdir(exist_ok=True)
    env = {**env, "TMPDIR": str(tmp), "CLAIMBOOK_HANDOFF_PASSWORD": "pw"}
    start = time.perf_counter()
    subprocess.run(cmd + ["handoff", "-w", str(SAMPLE), "--month", "2026-10", "--out",
                          str(work / "h0"), "--names"], env=env, capture_output=True)
    took = time.perf_counter() - start
    left = plain_runs = 0
    rng = random.Random(12)
    for k in range(n):
        out = work / f"h{k + 1}"
        proc = subprocess.Popen(cmd + ["handoff", "-w", str(SAMPLE), "--month", "2026-10",
                                       "--out", str(out), "--names"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.0) * took)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = [p for d in (out, tmp) if d.exists() for p in d.iterdir()
                 if p.is_file() and p.read_bytes()[:2] in (b"PK", b"<?")]
        left += len(found)
        plain_runs += bool(found)
        for p in tmp.iterdir():
            p.unlink()
    return (f"handoff: {n} kill -9 of an encrypted handoff: {plain_runs} left plain copies "
            f"on disk ({left} files)")


# -- error situations --------------------------------------------------------------------
def trial_errors(code, work: Path) -> str:
    import situations

    rows = situations.run_all(lambda *a, **k: run(code, *a, **k), work, one_clear_line)
    good = sum(ok for _, ok, _ in rows)
    lines = [f"  {'ok ' if ok else 'NO '} {name}: {said}" for name, ok, said in rows]
    return f"errors: {good} of {len(rows)} gave one clear line\n" + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", help="a scripts/ folder to run instead of this checkout's")
    parser.add_argument("--only", default="kills,disk,pairs,handoff,errors")
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--handoffs", type=int, default=11)
    parser.add_argument("--jitter", type=float, default=0.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="trials-"))
    only = args.only.split(",")
    try:
        for name, trial in (("errors", lambda: trial_errors(args.code, work)),
                            ("pairs", lambda: trial_pairs(args.code, work, args.pairs,
                                                          args.jitter)),
                            ("disk", lambda: trial_disk(args.code, work)),
                            ("handoff", lambda: trial_handoff(args.code, work, args.handoffs)),
                            ("kills", lambda: trial_kills(args.code, work, args.kills,
                                                          args.lines))):
            if name in only:
                print(trial(), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
