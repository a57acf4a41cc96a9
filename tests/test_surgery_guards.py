"""What the writer refuses, and what it keeps: the 1904 date system, links, read-only
and hard-linked workbooks, owner/group/mode/extended attributes, Excel's last row,
merged cells, over-long and non-UTF-8 text, dates outside the years the reader takes."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from claimbook.io.xlsx.desk_reader import Selection, read_desk
from claimbook.io.xlsx.safe import backups_of, take_snapshot
from claimbook.io.xlsx.surgery import write_changes
from claimbook.rules.problems import ClaimbookError
from claimbook.usecases import desk
from harden_files import (
    PAY,
    PAYMENTS_PART,
    edit_parts,
    with_date1904,
    with_merge,
)
from owner_books import owner_book, parts_of, run


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _payment_cells(path, reference: str) -> list:
    ws = openpyxl.load_workbook(path)["Payments"]
    return next([c.value for c in row] for row in ws.iter_rows() if row[4].value == reference)


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


# -- the 1904 date system ------------------------------------------------------------------
def test_a_1904_workbook_gets_its_dates_in_its_own_system(book):
    with_date1904(book)
    result = run("pay", "-w", str(book), "--date", "2026-11-27", "--payer", "AET",
                 "--reference", "EFT1904", "--apply", "A0001=10.00")
    assert result.exit_code == 0, result.output
    received = _payment_cells(book, "EFT1904")[1]
    assert received.date() == date(2026, 11, 27)  # not 2030-11-28


# -- links --------------------------------------------------------------------------------
def test_a_symlinked_workbook_is_written_through_the_link(tmp_path):
    real = owner_book((tmp_path / "real").mkdir() or tmp_path / "real" / "owner.xlsx")
    (tmp_path / "desk").mkdir()
    link = tmp_path / "desk" / "practice.xlsx"
    link.symlink_to(real)
    result = run(*PAY, "-w", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert b"EFT300" in parts_of(real)[PAYMENTS_PART]
    assert len(backups_of(str(real))) == 1
    assert not (tmp_path / "desk" / "backups").exists()


def test_a_hard_linked_workbook_is_refused(book):
    other = book.parent / "copy.xlsx"
    os.link(book, other)
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {book} has 2 names (hard links); claimbook replaces the file when it "
        "writes, which would leave the other names on the old copy; keep one name (a "
        "symbolic link is fine) and run the command again\n")
    assert _digest(book) == before and os.stat(book).st_nlink == 2


# -- owner, group, mode, attributes ------------------------------------------------------
def test_a_read_only_workbook_is_refused(book):
    book.chmod(0o444)
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == (f"Error: {book} is read-only (mode 444); claimbook writes "
                             "nothing into it; make it writable and run the command again\n")
    assert _digest(book) == before
    assert stat.S_IMODE(os.stat(book).st_mode) == 0o444


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_group_mode_and_extended_attributes_are_kept(book):
    os.chown(book, 65534, 65534)
    book.chmod(0o640)
    try:
        os.setxattr(book, "user.practice", b"cedar")
        has_xattr = True
    except OSError:
        has_xattr = False
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 0, result.output
    after = os.stat(book)
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (65534, 65534, 0o640)
    if has_xattr:
        assert os.getxattr(book, "user.practice") == b"cedar"
    backup = backups_of(str(book))[0]
    made = os.stat(backup)
    assert (made.st_uid, made.st_gid, stat.S_IMODE(made.st_mode)) == (65534, 65534, 0o640)
    assert stat.S_IMODE(os.stat(book.parent / "backups").st_mode) == 0o700


def test_backups_get_the_workbooks_mode_and_a_private_folder(book):
    book.chmod(0o600)
    (book.parent / "backups").mkdir(mode=0o755)
    os.chmod(book.parent / "backups", 0o755)  # made so by an older version
    assert run(*PAY, "-w", str(book)).exit_code == 0
    backup = backups_of(str(book))[0]
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(book.parent / "backups").st_mode) == 0o700


# -- what no cell may get ----------------------------------------------------------------
@pytest.mark.parametrize("day", ["1850-01-01", "1899-12-31", "2150-06-01"])
def test_dates_outside_the_years_read_back_are_refused(book, day):
    before = _digest(book)
    # --yes: past the question a date far from today asks (issue 14), to the writer's guard
    result = run("pay", "-w", str(book), "--date", day, "--payer", "AET", "--reference",
                 "R", "--apply", "A0001=1.00", "--yes")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: Payments!B4: the date {day} is outside the years "
                             "claimbook writes (1950 to 2099); nothing was written; check "
                             "the date\n")
    assert _digest(book) == before


def test_text_over_32767_characters_is_refused(book):
    before = _digest(book)
    result = run("checkout", "-w", str(book), "--date", "2026-11-20", "--client", "C1",
                 "--staff", "S1", "--service", "97124", "--minutes", "30", "--note", "x" * 40000)
    assert result.exit_code == 1
    assert result.output == ("Error: Appointments!O5: 40,000 characters of text; an Excel "
                             "cell holds at most 32,767; nothing was written\n")
    assert _digest(book) == before


def test_text_that_is_not_utf8_is_refused_in_one_line(book):
    before = _digest(book)
    note = b"caf\xe9 au lait".decode("utf-8", "surrogateescape")  # what Click gets
    result = run("checkout", "-w", str(book), "--date", "2026-11-20", "--client", "C1",
                 "--staff", "S1", "--service", "97124", "--minutes", "30", "--note", note)
    assert result.exit_code == 1
    assert result.output == ('Error: Appointments!O5: "caf\ufffd au lait" has bytes that are '
                             "not UTF-8 text; nothing was written; type it again\n")
    assert _digest(book) == before


# -- where new rows go ----------------------------------------------------------------------
def test_new_rows_under_merged_cells_are_refused(book):
    with_merge(book, PAYMENTS_PART, "A4:C5")
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == ("Error: Payments!A4:C5: merged cells where the new rows go (row "
                             "4); they would hide what claimbook writes; unmerge them (Home > "
                             "Merge & Center) and run the command again\n")
    assert _digest(book) == before


def test_merged_cells_beside_the_new_rows_are_fine(book):
    with_merge(book, PAYMENTS_PART, "Z4:AA5")
    assert run(*PAY, "-w", str(book)).exit_code == 0
    assert _payment_cells(book, "EFT300")[5] == "A0001"


def test_a_row_past_excels_last_is_refused(book):
    snapshot = take_snapshot(str(book))
    data, layouts = read_desk(snapshot.data, str(book), Selection(visits=frozenset({"A0001"})))
    req = desk.PaymentRequest(date(2026, 11, 20), "AET", "EFT9",
                              (desk.Allocation("A0001", 1000, label="--apply A0001=10"),))
    posting = desk.plan_payment(data, layouts["Payments"].keys(), req)
    last = (b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>PMT9999</t></is></c>'
            b"</row>")
    edit_parts(book, {PAYMENTS_PART: lambda x: x.replace(b"</sheetData>",
                                                         last + b"</sheetData>")})
    full = take_snapshot(str(book))
    with pytest.raises(ClaimbookError) as caught:
        write_changes(replace(snapshot, **{k: getattr(full, k) for k in
                                           ("data", "size", "mtime_ns", "digest")}),
                      layouts, posting.changes, 3)
    assert str(caught.value) == (
        "Payments: the new rows would go past row 1,048,576, the last row Excel has; start a "
        "new workbook for the new year (keep this one as the archive); nothing was written")
    assert b"EFT9" not in parts_of(book)[PAYMENTS_PART]



def test_a_read_only_workbook_is_still_read(book):
    book.chmod(0o444)
    assert run("today", "-w", str(book), "--date", "2026-10-05").exit_code == 0
    assert run("check", "-w", str(book)).exit_code == 0
