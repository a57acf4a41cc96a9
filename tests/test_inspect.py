"""Files no reader should open as they are, each refused or reported in one line, by
`check` and by a desk command alike: a stray far cell, a zip bomb, .ods, .xls, a
password, text; formulas never calculated, a table's Total Row, two sheets of one name."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys
import zipfile

import msoffcrypto.format.ooxml
import openpyxl
import pytest
import xlwt

from harden_files import PAY, PAYMENTS_PART, edit_parts, with_cell
from owner_books import owner_book, run

CHECK_IN_A_PROCESS = [sys.executable, "-c", "from claimbook.cli.main import main; main()"]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _both(book, *, code: int = 1) -> tuple[str, str]:
    """``check`` and ``pay`` on the same workbook: what each printed on stderr/stdout."""
    checked = run("check", "-w", str(book))
    before = _digest(book)
    paid = run(*PAY, "-w", str(book))
    assert checked.exit_code == code and paid.exit_code == 1
    assert _digest(book) == before
    assert "Traceback" not in checked.output + paid.output
    return checked.output, paid.output


# -- a far cell ------------------------------------------------------------------------
def test_a_value_in_the_last_cell_of_the_sheet_is_named_not_read(book):
    with_cell(book, PAYMENTS_PART, 1048576, "XFD1048576", "stray")
    done = subprocess.run(CHECK_IN_A_PROCESS + ["check", "-w", str(book)], capture_output=True,
                          text=True, timeout=120)
    message = ("Error: Payments!XFD1048576: something far outside the table (the sheet would "
               "be read as 1,048,576 rows x 16,384 columns); clear that cell (select it, press "
               "Delete, then delete the empty rows and columns up to it) and save\n")
    assert (done.returncode, done.stderr) == (1, message)
    assert run(*PAY, "-w", str(book)).output == message


def test_a_value_a_little_outside_the_table_is_read_as_usual(book):
    from claimbook.io.xlsx.inspect import inspect_workbook

    with_cell(book, PAYMENTS_PART, 40, "AB40", "a note of the owner's")
    assert inspect_workbook(str(book)).problems == []


# -- a zip bomb -------------------------------------------------------------------------
def test_a_part_that_inflates_a_thousandfold_is_refused(book):
    bomb = b"<worksheet>" + b" " * (64 << 20) + b"</worksheet>"
    edit_parts(book, {}, extra={"xl/media/bomb.xml": bomb})
    assert book.stat().st_size < 1 << 20
    message = (f"Error: {book}: its part xl/media/bomb.xml would inflate to 67,108,887 bytes "
               "from ")
    checked, paid = _both(book)
    assert checked.startswith(message) and paid.startswith(message)
    assert checked.endswith("; not read (a damaged file, or a zip bomb)\n")


def _declare_size(path, part: str, size: int) -> None:
    """Change a part's uncompressed size in the central directory (what readers trust)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        pos = z.start_dir
    while data[pos:pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[pos + 28:pos + 34])
        if data[pos + 46:pos + 46 + name_len] == part.encode():
            data[pos + 24:pos + 28] = struct.pack("<I", size)
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def test_a_part_that_inflates_past_its_declared_size_is_refused(book):
    _declare_size(book, PAYMENTS_PART, 100)
    checked, paid = _both(book)
    message = (f"Error: {book}: its part {PAYMENTS_PART} does not inflate to the 100 bytes it "
               "declares; use a backup copy\n")
    assert checked == message and paid == message


# -- other kinds of file ---------------------------------------------------------------
def _ods(path) -> None:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
               '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:'
               'names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:'
               'opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table '
               'table:name="Practice"><table:table-row><table:table-cell office:value-type='
               '"string"><text:p>Setting</text:p></table:table-cell></table:table-row>'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)


def _xls(path) -> None:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Practice")
    ws.write(0, 0, "Setting")
    ws.write(0, 1, "Value")
    wb.save(str(path))


def _encrypted(path, source) -> None:
    out = io.BytesIO()
    with open(source, "rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("pw", out)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("kind, message", [
    ("ods", "{path} is an OpenDocument spreadsheet (.ods); open it in Excel or LibreOffice "
            "and save it as an Excel Workbook (.xlsx)"),
    ("xls", "{path} is an old Excel 97-2003 file (.xls); open it in Excel and save it as an "
            "Excel Workbook (.xlsx)"),
    ("password", "{path} is protected by a password; remove it in Excel (File > Info > "
                 "Protect Workbook) and save it"),
    ("csv", "{path}: not an Excel workbook claimbook can read (a text or CSV file); open it "
            "in Excel and save it as an Excel Workbook (.xlsx)"),
])
def test_other_kinds_of_file_are_named_with_what_to_do(tmp_path, book, kind, message):
    path = tmp_path / "practice.xlsx"
    if kind == "ods":
        _ods(path)
    elif kind == "xls":
        _xls(path)
    elif kind == "password":
        _encrypted(path, book)
    else:
        path.write_text("Setting,Value\nPractice Name,Cedar\n", encoding="utf-8")
    expected = "Error: " + message.format(path=path) + "\n"
    checked, paid = _both(path)
    assert checked == expected and paid == expected


# -- problems listed by check, stopping a desk command ----------------------------------
def _openpyxl_formula(path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["Payments"]["M2"] = "=G2-H2+1"  # openpyxl saves no value for it
    wb.save(path)


def test_a_formula_never_calculated_is_named_by_check_and_stops_pay(book):
    _openpyxl_formula(book)
    checked, paid = _both(book)
    message = ("Payments!M2: a formula with no saved value (the file was saved by a program "
               "that does not calculate); open the workbook in Excel, save it, and run the "
               "command again")
    assert message in checked.splitlines()
    assert paid.startswith("Error: " + message)


def test_a_formula_with_its_value_is_fine(book):
    from claimbook.io.xlsx.inspect import inspect_workbook

    assert inspect_workbook(str(book)).problems == []  # the Net column: =G2-H2, cached


def test_a_table_with_a_total_row_is_named_by_check_as_pay_names_it(book):
    edit_parts(book, {"xl/tables/table7.xml": lambda x: x.replace(
        b'totalsRowShown="0"', b'totalsRowCount="1"')})
    checked, paid = _both(book)
    message = ("Payments: its table has a Total Row, so new rows cannot go under it; turn the "
               "Total Row off (Table Design) and run the command again")
    assert message in checked.splitlines()
    assert paid == f"Error: {message}\n"


def test_two_sheets_named_alike_are_both_named(book):
    edit_parts(book, {"xl/workbook.xml": lambda x: x.replace(b'name="Summary"',
                                                             b'name="Payments "')})
    checked, paid = _both(book)
    message = ('Payments: two sheets are named "Payments" and "Payments "; claimbook cannot '
               "tell which to read; rename or delete one")
    assert message in checked.splitlines()
    assert paid.startswith("Error: " + message)


def test_the_date_system_is_read(book):
    from claimbook.io.xlsx.inspect import inspect_workbook
    from harden_files import with_date1904

    assert inspect_workbook(str(book)).date1904 is False
    assert inspect_workbook(str(with_date1904(book))).date1904 is True
