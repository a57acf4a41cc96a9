"""Every write: refused while the workbook is open, stopped if it changed on disk, backed
up first, and atomic: a process killed at any point leaves the original intact."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest

from claimbook.compute import desk
from claimbook.io.xlsx.desk_reader import Selection, read_desk
from claimbook.io.xlsx.safe import (
    WorkbookChanged,
    backups_of,
    keep_backup,
    prune_backups,
    take_snapshot,
)
from claimbook.io.xlsx.surgery import write_changes
from owner_books import owner_book, parts_of, run, run_process

PAY = ("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT300",
       "--apply", "A0001=10.00")


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


@pytest.mark.parametrize("lock", ["~$owner.xlsx", ".~lock.owner.xlsx#"])
def test_a_lock_file_stops_the_write_with_a_clear_message(book, lock):
    (book.parent / lock).write_text("")
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == (f"Error: {book} is open in Excel or LibreOffice ({lock} exists); "
                             "close it and run the command again\n")
    assert _digest(book) == before
    assert not (book.parent / "backups").exists()


@pytest.mark.parametrize("point", ["mid-backup", "backup-before-rename", "after-backup",
                                   "mid-temp", "after-temp", "after-check"])
def test_a_process_killed_mid_write_leaves_the_original_intact(book, point):
    before = _digest(book)
    done = run_process(*PAY, "-w", str(book), env={"CLAIMBOOK_CRASH_AT": point})
    assert done.returncode == 70, done.stderr
    assert _digest(book) == before
    leftovers = [f for f in os.listdir(book.parent) if f.startswith(".claimbook-")]
    assert len(leftovers) <= 1  # a killed process may leave its temporary file, never more
    for backup in backups_of(str(book)):  # every backup under a backup's name is whole
        assert open(backup, "rb").read() == open(book, "rb").read()
    assert len(backups_of(str(book))) == (0 if point in ("mid-backup", "backup-before-rename")
                                          else 1)
    check = run_process("check", "-w", str(book))
    assert check.returncode == 0, check.stdout + check.stderr


def test_killed_just_after_the_replace_the_workbook_is_the_new_one(book):
    done = run_process(*PAY, "-w", str(book), env={"CLAIMBOOK_CRASH_AT": "after-replace"})
    assert done.returncode == 70
    assert b"EFT300" in parts_of(book)["xl/worksheets/sheet8.xml"]
    assert run_process("check", "-w", str(book)).returncode == 0


def test_a_workbook_changed_on_disk_since_it_was_read_is_not_overwritten(book):
    snapshot = take_snapshot(str(book))
    data, layouts = read_desk(snapshot.data, str(book), Selection(visits=frozenset({"A0001"})))
    req = desk.PaymentRequest(date(2026, 11, 20), "AET", "EFT9",
                              (desk.Allocation("A0001", 1000, label="--apply A0001=10"),))
    posting = desk.plan_payment(data, layouts["Payments"].keys(), req)
    book.write_bytes(book.read_bytes() + b"")  # saved again from Excel: a new mtime
    os.utime(book, ns=(snapshot.mtime_ns + 10**9, snapshot.mtime_ns + 10**9))
    with pytest.raises(WorkbookChanged, match="changed on disk"):
        write_changes(snapshot, layouts, posting.changes, 3)
    assert b"EFT9" not in parts_of(book)["xl/worksheets/sheet8.xml"]


def test_same_size_and_time_but_other_bytes_is_a_change_too(book):
    snapshot = take_snapshot(str(book))
    data = bytearray(book.read_bytes())
    data[-30] ^= 1  # the zip comment area; same size
    book.write_bytes(bytes(data))
    os.utime(book, ns=(snapshot.mtime_ns, snapshot.mtime_ns))
    from claimbook.io.xlsx.safe import refuse_if_changed

    with pytest.raises(WorkbookChanged):
        refuse_if_changed(snapshot)


def test_each_write_keeps_a_backup_pruned_to_the_setting(book):
    original = book.read_bytes()
    for n in range(5):
        result = run("pay", "-w", str(book), "--date", "2026-11-20", "--payer", "AET",
                     "--reference", f"EFT{n}", "--apply", "A0001=1.00")
        assert result.exit_code == 0, result.output
    backups = backups_of(str(book))
    assert len(backups) == 3  # "Backups to Keep" is 3 in this workbook
    assert all(os.path.basename(b).startswith("owner.") for b in backups)
    assert (book.parent / "backups").is_dir()
    assert original not in [open(b, "rb").read() for b in backups]  # the 3 newest only


def test_backups_are_named_by_time_and_pruned_oldest_first(book):
    from datetime import datetime

    snapshot = take_snapshot(str(book))
    made = [keep_backup(snapshot, 10, datetime(2026, 11, d, 9, 0, 0)) for d in (1, 2, 3)]
    assert [os.path.basename(p) for p in made] == [
        "owner.2026-11-01_090000.xlsx", "owner.2026-11-02_090000.xlsx",
        "owner.2026-11-03_090000.xlsx"]
    prune_backups(str(book), 2)
    assert backups_of(str(book)) == made[1:]
    assert keep_backup(snapshot, 0) is None
