"""The safety nets themselves, tested by injecting the faults they are there for: the
write raises, the new file holds the wrong bytes, the workbook changes or is opened just
before the replace. Each time the original survives byte for byte, no temporary file is
left, and the message is the right one. Also both branches of the date writer: dates kept
as text stay text, and a date under a cell without a date format gets one."""

from __future__ import annotations

import errno
import hashlib
import os
import re
from datetime import date, timedelta

import openpyxl
import pytest

from claimbook.io.xlsx import package as package_module
from claimbook.io.xlsx import safe, sheetxml, surgery
from harden_files import PAY, PAYMENTS_PART, edit_parts
from owner_books import owner_book, parts_of, run


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(folder) -> list[str]:
    return [f for f in os.listdir(folder) if f.startswith(".claimbook-")]


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _refused(book, message: str) -> None:
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert _digest(book) == before
    assert _leftovers(book.parent) == []
    assert b"EFT300" not in parts_of(book)[PAYMENTS_PART]


def test_the_write_raising_leaves_the_original_and_no_temporary_file(book, monkeypatch):
    def full(real, stat, tmp):
        raise OSError(errno.ENOSPC, "No space left on device", tmp)

    monkeypatch.setattr(safe, "keep_attributes", full)
    folder = book.parent
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {folder}/.claimbook-owner.xlsx-")
    assert result.output.endswith(f".tmp: the disk is full (writing {book}); nothing was "
                                  "written\n")
    assert _digest(book) == before and _leftovers(folder) == []


def test_a_changed_part_that_does_not_inflate_to_its_bytes_is_caught(book, monkeypatch):
    real = package_module.deflate

    def wrong(content) -> bytes:  # the stored stream is not the content's
        whole = b"".join(content) if isinstance(content, package_module.Pieces) else content
        return real(whole.replace(b"EFT300", b"EFT301"))

    monkeypatch.setattr(package_module, "deflate", wrong)
    _refused(book, f"the new workbook: its part {PAYMENTS_PART} is damaged (bad CRC); "
                   "nothing was written")


def test_a_cell_written_wrong_is_caught_by_reading_it_back(book, monkeypatch):
    real = sheetxml.cell_xml

    def wrong(ref, value, style):  # 10.00 written as 1.00
        if value.kind == "n" and value.text == "10.00":
            value = sheetxml.Value("n", "1.00", value.style)
        return real(ref, value, style)

    monkeypatch.setattr(sheetxml, "cell_xml", wrong)
    _refused(book, 'Payments!G4 reads back as "1.0", not 10.00; nothing was written')


def test_a_date_written_without_a_date_format_is_caught(book, monkeypatch):
    real = surgery._date_value

    def unformatted(day, model, styles):
        value = real(day, model, styles)
        return sheetxml.Value(value.kind, value.text, b"0") if value.kind == "n" else value

    monkeypatch.setattr(surgery, "_date_value", unformatted)
    _refused(book, 'Payments!B4 reads back as "46346.0", not 2026-11-20; nothing was written')


def test_a_workbook_saved_while_claimbook_writes_is_not_replaced(book, monkeypatch):
    real = surgery._read_back

    def saved_meanwhile(tmp, *args):
        real(tmp, *args)
        with open(book, "ab") as fh:  # Excel saves the workbook just now
            fh.write(b"\0")

    monkeypatch.setattr(surgery, "_read_back", saved_meanwhile)
    before = _digest(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == (f"Error: {book} changed on disk while claimbook was working "
                             "(saved from Excel, or another claimbook command?); nothing was "
                             "written; run the command again\n")
    assert _digest(book) != before and book.read_bytes()[:-1] == _original(book)
    assert _leftovers(book.parent) == []


def _original(book) -> bytes:
    from claimbook.io.xlsx.safe import backups_of

    return open(backups_of(str(book))[-1], "rb").read()


def test_a_workbook_opened_while_claimbook_writes_is_not_replaced(book, monkeypatch):
    real = surgery._read_back

    def opened_meanwhile(tmp, *args):
        real(tmp, *args)
        (book.parent / "~$owner.xlsx").write_text("")

    monkeypatch.setattr(surgery, "_read_back", opened_meanwhile)
    _refused(book, f"{book} is open in Excel or LibreOffice (~$owner.xlsx exists); close it "
                   "and run the command again")


def test_a_temporary_file_left_by_a_killed_run_is_cleared_by_the_next(book):
    stale = book.parent / ".claimbook-owner.xlsx-abc123.tmp"
    stale.write_bytes(b"half a workbook")
    other = book.parent / ".claimbook-other.xlsx-abc123.tmp"  # another workbook's: kept
    other.write_bytes(b"x")
    assert run(*PAY, "-w", str(book)).exit_code == 0
    assert not stale.exists() and other.exists()


# -- the two branches of the date writer ----------------------------------------------------
def _as_text_dates(xml: bytes) -> bytes:
    """Payments' Date Received typed as text, as some owners keep them."""
    def text(found: re.Match) -> bytes:
        day = date(1899, 12, 30) + timedelta(days=int(found.group(2)))
        return b'<c r="B%s" t="inlineStr"><is><t>%s</t></is></c>' % (
            found.group(1), day.isoformat().encode())

    return re.sub(rb'<c r="B([23])" s="3"><v>(\d+)</v></c>', text, xml)


def test_dates_kept_as_text_get_a_text_date(book):
    edit_parts(book, {PAYMENTS_PART: _as_text_dates})
    assert b"<t>2026-10-20</t>" in parts_of(book)[PAYMENTS_PART]
    assert run(*PAY, "-w", str(book)).exit_code == 0
    cell = openpyxl.load_workbook(book)["Payments"]["B4"]
    assert (cell.data_type, cell.value) == ("s", "2026-11-20")


def test_a_date_under_a_cell_without_a_date_format_gets_one(book):
    edit_parts(book, {PAYMENTS_PART: lambda x: x.replace(b'<c r="B3" s="3">', b'<c r="B3">')})
    assert run(*PAY, "-w", str(book)).exit_code == 0
    cell = openpyxl.load_workbook(book)["Payments"]["B4"]
    assert cell.is_date and cell.value.date() == date(2026, 11, 20)


def test_a_part_in_pieces_is_compared_piece_by_piece_as_it_inflates(monkeypatch):
    """A sheet with a row appended is pieces (views of the owner's rows around the new
    one), read back against what inflates without ever being joined: a byte wrong in any
    piece, a piece missing or one too many, is caught."""
    import io
    import zipfile

    Pieces = package_module.Pieces
    content = b"".join(b"<row r=\"%d\"><c><v>%d</v></c></row>" % (n, n) for n in range(5000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", content)
    monkeypatch.setattr(package_module, "_PIECE", 1000)  # inflated a kilobyte at a time
    stored = package_module.Package(buffer.getvalue())
    view = memoryview(content)
    right = Pieces([content[:10], b"", view[10:70001], view[70001:]])
    assert stored.inflates_to("xl/worksheets/sheet1.xml", right)
    wrong_last = Pieces([content[:10], view[10:-3], b"X" + content[-2:]])
    missing = Pieces([content[:10], view[10:-1]])
    extra = Pieces([content, b"<row/>"])
    for wrong in (wrong_last, missing, extra):
        assert not stored.inflates_to("xl/worksheets/sheet1.xml", wrong)
    packed = package_module.deflate(right)  # every piece deflated into one stream
    assert zlib_inflate(packed) == content


def zlib_inflate(raw: bytes) -> bytes:
    import zlib

    return zlib.decompress(raw, -15)
