"""Big tables are written as sheet XML spliced in after XlsxWriter (io/xlsx/bulkrows.py).
Excel refuses a sheet with two rows of one number ("We found a problem with some
content") where LibreOffice and calamine read on: every workbook claimbook writes has its
rows, and each row's cells, in strictly increasing order, with the bulk path taken for
every table of more than a few rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from claimbook.cli.main import cli
from claimbook.io.xlsx import bulkrows, package, styles
from claimbook.io.xlsx.bulkrows import BulkRows, _splice
from conftest import SAMPLE

_ROW = re.compile(r'<row r="(\d+)"([^>]*)>(.*?)</row>', re.S)
_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"')


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _in_order(path: Path) -> dict[str, dict[int, str]]:
    """Each sheet's row attributes by row number, asserting rows and cells in order."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for part in (n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
            xml = z.read(part).decode("utf-8")
            numbers, attrs = [], {}
            for number, head, body in _ROW.findall(xml):
                numbers.append(int(number))
                attrs[int(number)] = head
                cells = [(int(r), _column(c)) for c, r in _CELL.findall(body)]
                assert all(r == int(number) for r, _ in cells), (part, number)
                columns = [c for _, c in cells]
                assert columns == sorted(set(columns)), (part, number, columns)
            assert numbers == sorted(set(numbers)), (part, "rows repeated or out of order")
            out[part] = attrs
    return out


def _values(path: Path) -> dict[str, list]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.mark.parametrize("command", ["report", "handoff"])
def test_every_sheet_has_its_rows_once_and_in_order(tmp_path, monkeypatch, command):
    args = [command, "-w", str(SAMPLE), "--month", "2026-10", "--out"]
    result = CliRunner().invoke(cli, [*args, str(tmp_path / "plain")])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(styles, "BULK_FROM", 3)  # every table of 4 rows or more in bulk,
    monkeypatch.setattr(bulkrows, "ROWS_AT_ONCE", 2)  # its rows made two at a time,
    monkeypatch.setattr(package, "_CHUNK", 64)  # every part deflated in pieces or chunks
    result = CliRunner().invoke(cli, [*args, str(tmp_path / "bulk")])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "bulk").glob("*.xlsx")
    (plain,) = (tmp_path / "plain").glob("*.xlsx")
    assert _values(written) == _values(plain)
    sheets = _in_order(written)
    if command == "report":  # Follow-up's rows keep the height of their wrapped text
        with zipfile.ZipFile(written) as z:
            names = re.findall(r'<sheet [^>]*name="([^"]*)"', z.read("xl/workbook.xml").decode())
        follow_up = sheets[f"xl/worksheets/sheet{names.index('Follow-up') + 1}.xml"]
        tall = [n for n, head in follow_up.items() if n > 2 and 'ht="30"' in head]
        assert len(tall) > 3


def test_a_row_written_beside_the_bulk_rows_is_refused():
    xml = ('<worksheet><dimension ref="A1:B9"/><sheetData>'
           '<row r="1" spans="1:1"><c r="A1" s="1"/></row>'
           '<row r="2" spans="1:1"><c r="A2" s="1"/></row>'
           '<row r="3" spans="1:1"><c r="A3" s="2"/></row></sheetData></worksheet>')
    bulk = BulkRows("Sheet1", 2, 0, ["text"], [["x", "y"]])
    with pytest.raises(RuntimeError, match="row 3"):
        _splice(xml, bulk)
    spliced = _splice(xml.replace('<row r="3" spans="1:1"><c r="A3" s="2"/></row>',
                                  '<row r="5" spans="1:1"><c r="A5" s="2"/></row>'), bulk)
    assert re.findall(r'<row r="(\d+)"', spliced.joined().decode()) == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("values", [
    ["Visit A1: 97124 x 2", "Paid at visit A1 (Card)", "x", "x"],  # plain: one format each
    ["a & b", "<i>", "plain"], ["A_x0041_", "plain"], [" lead", "plain"], ["trail ", "p"],
    ["two\nlines", "plain"], ["tab\there", "p"], ["caf\u00e9", "p"], ["bell\x07", "p"],
    ["plain", None, "", 12, "12"],
])
def test_bulk_text_cells_read_back_as_the_text_written(values):
    import xml.etree.ElementTree as ET

    xml = bulkrows.rows_xml(BulkRows("Sheet1", 1, 0, ["text"], [values]), ["5"])
    rows = ET.fromstring(f"<sheetData>{xml}</sheetData>").findall("row")
    assert [r.get("r") for r in rows] == [str(n) for n in range(2, 2 + len(values))]
    space = "{http://www.w3.org/XML/1998/namespace}space"
    for row, value in zip(rows, values):
        (cell,) = row.findall("c")
        assert cell.get("s") == "5"
        if value in (None, ""):
            assert cell.get("t") is None and cell.find("is") is None
            continue
        t = cell.find("is/t")
        assert cell.get("t") == "inlineStr"
        text = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), t.text)
        assert text == str(value)  # Excel's _xHHHH_ undone, as Excel reads it
        kept = str(value) != str(value).strip() or "\n" in str(value)
        assert (t.get(space) == "preserve") == kept
