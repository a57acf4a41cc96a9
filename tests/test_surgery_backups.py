"""Backups: written under a temporary name and renamed once complete and read back, so a
kill never leaves a cut-short backup under a good name; pruning never deletes a good
backup to keep a bad one; kept by number and by age (one a day for a week, one a month)."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime

import pytest

from claimbook.io.xlsx.safe import backups_of, keep_backup, prune_backups, take_snapshot
from harden_files import PAY
from owner_books import owner_book, run, run_process


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _is_zip(path: str) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    except zipfile.BadZipFile:
        return False


@pytest.mark.parametrize("point", ["mid-backup", "backup-before-rename"])
def test_killed_while_backing_up_no_backup_is_cut_short_and_the_next_run_is_clean(book, point):
    before = _digest(book)
    first = run("pay", "-w", str(book), "--date", "2026-11-20", "--payer", "AET",
                "--reference", "EFT1", "--apply", "A0001=1.00")
    assert first.exit_code == 0
    good = backups_of(str(book))
    done = run_process(*PAY, "-w", str(book), env={"CLAIMBOOK_CRASH_AT": point})
    assert done.returncode == 70, done.stderr
    assert _digest(book) != before  # the first payment is in
    assert backups_of(str(book)) == good  # nothing new under a backup's name
    assert all(_is_zip(b) for b in backups_of(str(book)))
    again = run(*PAY, "-w", str(book))
    assert again.exit_code == 0, again.output
    assert len(backups_of(str(book))) == 2
    assert all(_is_zip(b) for b in backups_of(str(book)))
    assert not [f for f in os.listdir(book.parent / "backups") if f.endswith(".tmp")]


def test_a_cut_short_backup_is_never_kept_in_place_of_a_good_one(book):
    snapshot = take_snapshot(str(book))
    good = [keep_backup(snapshot, 10, datetime(2026, 11, 30, 9, m, 0)) for m in (1, 2, 3)]
    cut = book.parent / "backups" / "owner.2026-11-30_095900.xlsx"  # an older version's
    cut.write_bytes(book.read_bytes()[:1000])
    gone = prune_backups(str(book), 3, date(2026, 11, 30))
    assert gone == [str(cut)]
    assert backups_of(str(book)) == good


def test_backups_are_kept_by_number_and_by_age(book):
    snapshot = take_snapshot(str(book))
    taken = {}
    for stamp in ["2026-08-10 09:00", "2026-08-20 09:00", "2026-09-05 09:00",
                  "2026-09-25 17:00", "2026-11-20 09:00", "2026-11-24 09:00",
                  "2026-11-24 18:00", "2026-11-29 10:00", "2026-11-30 08:00",
                  "2026-11-30 08:30", "2026-11-30 09:00", "2026-11-30 09:30"]:
        when = datetime.strptime(stamp, "%Y-%m-%d %H:%M")
        taken[stamp] = keep_backup(snapshot, 100, when)
    prune_backups(str(book), 3, date(2026, 11, 30))
    kept = {s for s, p in taken.items() if os.path.exists(p)}
    assert kept == {
        "2026-11-30 08:30", "2026-11-30 09:00", "2026-11-30 09:30",  # the newest 3
        "2026-11-24 18:00", "2026-11-29 10:00",  # the last of each day of the week before
        "2026-08-20 09:00", "2026-09-25 17:00",  # the last of each month before
    }


def test_a_file_named_backups_stops_the_write_in_one_line(book):
    (book.parent / "backups").write_text("my notes")
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == (f"Error: {book.parent / 'backups'} is a file, not a folder: "
                             "claimbook keeps the workbook's backups there; rename that file "
                             "and run the command again\n")
    assert _digest(book) == before
