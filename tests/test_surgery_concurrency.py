"""Two desk commands at once: 50 pairs of `pay`, each pair started together on the same
workbook. Every command that exits 0 has its row in the final file; every other one said
in one line why it wrote nothing. (Before claimbook held a lock from its last check to
the replace, some pairs both exited 0 and one payment was lost.)

The commands run as forked processes (the interpreter and claimbook already loaded), so
the 100 of them take seconds, not minutes."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

import pytest
from python_calamine import CalamineWorkbook

import claimbook.cli.desk  # noqa: F401 - loaded once, before the children fork
import claimbook.io.xlsx.surgery  # noqa: F401
from claimbook.cli.main import cli
from owner_books import owner_book

PAIRS = 50
REFUSALS = ("changed on disk while claimbook was working",
            "another claimbook command has been writing it")


def _pay(path: str, reference: str, amount: str, barrier, out: str) -> None:
    """One `pay`, in a forked child: wait for its twin, run, exit with its code."""
    sys.stdout = sys.stderr = open(out, "w")  # noqa: SIM115 - the child's whole life
    barrier.wait()
    code = 0
    try:
        cli.main(["pay", "-w", path, "--date", "2026-11-20", "--payer", "AET", "--reference",
                  reference, "--apply", f"A0001={amount}", "--yes"], prog_name="claimbook",
                 standalone_mode=False)
    except Exception as exc:  # a ClickException: its one line, as main() prints it
        print(f"Error: {exc}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _references(path) -> list[str]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Payments").to_python()
    return [str(r[4]) for r in rows[1:] if r and r[0]]


@pytest.mark.skipif(sys.platform == "win32", reason="forked processes")
def test_fifty_pairs_of_pay_at_once_lose_nothing(tmp_path):
    book = owner_book(tmp_path / "owner.xlsx", keep=2)
    context = multiprocessing.get_context("fork")
    outcomes = []
    for pair in range(PAIRS):
        barrier = context.Barrier(2)
        twins = []
        for twin in "ab":
            reference = f"R{pair:02d}{twin}"
            out = str(tmp_path / f"{reference}.out")
            process = context.Process(target=_pay, args=(str(book), reference, "0.01",
                                                          barrier, out))
            process.start()
            twins.append((reference, process, out))
        for reference, process, out in twins:
            process.join(60)
            outcomes.append((reference, process.exitcode, open(out).read()))
    found = _references(book)
    done = [ref for ref, code, _ in outcomes if code == 0]
    refused = [(ref, said) for ref, code, said in outcomes if code != 0]
    assert [ref for ref in done if ref not in found] == []  # nothing that exited 0 is lost
    assert sorted(found[2:]) == sorted(done)  # and nothing refused was written
    for ref, said in refused:
        assert said.count("\n") == 1 and any(r in said for r in REFUSALS), (ref, said)
    assert len(done) >= PAIRS  # at least one of each pair gets through


def _slow_pay(path: str, reference: str, marker: str, out: str) -> None:
    """A `pay` whose final rename of the workbook is slow (a slow disk): it says when it
    has got that far, then waits a second before replacing."""
    real = os.replace

    def slow(src, dst, *args, **kwargs):
        if os.path.basename(str(dst)) == os.path.basename(path):
            open(marker, "w").close()
            time.sleep(1.0)
        return real(src, dst, *args, **kwargs)

    os.replace = slow
    _pay(path, reference, "0.02", _NoBarrier(), out)


class _NoBarrier:
    def wait(self) -> None:
        return None


def test_a_command_that_checks_while_another_replaces_never_wins_over_it(tmp_path):
    book = owner_book(tmp_path / "owner.xlsx", keep=2)
    context = multiprocessing.get_context("fork")
    marker = tmp_path / "replacing"
    first = context.Process(target=_slow_pay, args=(str(book), "SLOW", str(marker),
                                                    str(tmp_path / "slow.out")))
    first.start()
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    second = context.Process(target=_pay, args=(str(book), "FAST", "0.03", _NoBarrier(),
                                                str(tmp_path / "fast.out")))
    second.start()
    second.join(60)
    first.join(60)
    found = _references(book)
    outcomes = {"SLOW": first.exitcode, "FAST": second.exitcode}
    assert outcomes["SLOW"] == 0 and "SLOW" in found
    said = (tmp_path / "fast.out").read_text()
    if outcomes["FAST"] == 0:  # it waited for the lock, then found the workbook changed
        assert "FAST" in found, said
    else:
        assert "FAST" not in found and said.count("\n") == 1
        assert any(r in said for r in REFUSALS), said


def test_a_write_held_up_too_long_by_another_gives_up_in_one_line(tmp_path, monkeypatch):
    from claimbook.io.xlsx import safe
    from owner_books import run

    book = owner_book(tmp_path / "owner.xlsx")
    monkeypatch.setattr(safe, "LOCK_WAIT", 0.3)
    before = book.read_bytes()
    with safe.writing_lock(str(book)):  # another claimbook command is writing
        result = run("pay", "-w", str(book), "--date", "2026-11-20", "--payer", "AET",
                     "--reference", "LATE", "--apply", "A0001=1.00")
    assert result.exit_code == 1
    assert result.output == (f"Error: {book}: another claimbook command has been writing it "
                             "for 0.3 seconds; nothing was written; run the command again "
                             "when it is done\n")
    assert book.read_bytes() == before
