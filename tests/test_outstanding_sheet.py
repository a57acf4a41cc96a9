"""The Outstanding sheet `remind` keeps in the owner's workbook: read back cell by cell,
with its print settings (repeated header, print area, one page wide at 8 points or more)."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from itertools import groupby

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.compute.reminders import outstanding
from claimbook.io.xlsx.outstanding_sheet import COLUMNS, PRINTED
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment

AS_OF = "2026-10-31"


@pytest.fixture(scope="module")
def reminded(tmp_path_factory):
    from conftest import SAMPLE

    path = tmp_path_factory.mktemp("remind") / "practice.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    expected = outstanding(load_book(path), date(2026, 10, 31))
    result = CliRunner().invoke(cli, ["remind", "-w", str(path), "--date", AS_OF])
    assert result.exit_code == 0, result.output
    return path, expected


def _sheet(path):
    return openpyxl.load_workbook(path)["Outstanding"]


def test_visits_by_payer_each_closed_by_its_subtotal(reminded):
    path, expected = reminded
    ws = _sheet(path)
    assert ws["A2"].value.startswith("As of 10/31/2026: 80 visits, $9,800.00 expected")
    assert [c.value for c in ws[4]] == [c.header for c in COLUMNS]
    row = 5
    for payer, group in groupby(expected, key=lambda i: i.payer_name):
        visits = list(group)
        for item in visits:
            assert (ws.cell(row, 1).value, ws.cell(row, 3).value, ws.cell(row, 9).value) == (
                payer, item.appointment_id, item.insurance_due / 100)
            row += 1
        assert ws.cell(row, 1).value == f"{payer} total"
        assert ws.cell(row, 4).value == (f"{len(visits)} visits" if len(visits) > 1
                                         else "1 visit")
        assert ws.cell(row, 9).value == pytest.approx(sum(i.insurance_due for i in visits)
                                                      / 100)
        assert ws.cell(row, 1).font.b and ws.cell(row, 9).border.top.style == "thin"
        row += 1
    assert ws.cell(row, 1).value == "All payers" and ws.cell(row, 9).value == 9800.0
    assert ws.max_row == row


def test_headers_read_as_headers_over_their_numbers(reminded):
    ws = _sheet(reminded[0])
    for j, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(4, j)
        assert cell.font.b and cell.font.color.rgb == "FFFFFFFF", col.header
        assert cell.fill.fgColor.rgb == "FF1F3864" and cell.alignment.wrap_text
        right = col.kind in ("money", "int")
        assert (cell.alignment.horizontal == "right") == right, col.header
    assert ws.row_dimensions[4].height == 30  # "Appointment ID" wraps to two lines
    assert ws.freeze_panes == "A5"
    assert ws["B5"].number_format == "mm/dd/yyyy" and ws["I5"].number_format.startswith("#,##0.00")
    assert ws["L5"].alignment.indent == 1  # "Aging" right of the ages


def test_prints_one_page_wide_with_the_header_on_every_page(reminded):
    path, _ = reminded
    ws = _sheet(path)
    assert ws.print_title_rows == "$4:$4"
    assert ws.print_area == f"'Outstanding'!$A$1:$O${ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert (ws.page_margins.left, ws.page_margins.right) == (0.3, 0.3)
    pixels = sum(round(ws.column_dimensions[col].width * 7) for col in "ABCDEFGHIJKLMNO")
    assert PRINTED == 15 and 11 * min(1.0, 10.4 * 96 / pixels) >= 8.0
    assert ws.oddHeader.right.text == "As of 10/31/2026"


def test_rewriting_keeps_one_set_of_print_names(reminded, tmp_path):
    path, _ = reminded
    again = tmp_path / "again.xlsx"
    again.write_bytes(path.read_bytes())
    result = CliRunner().invoke(cli, ["remind", "-w", str(again), "--date", "2026-11-30"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(again) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert workbook.count("'Outstanding'!$4:$4") == workbook.count("'Outstanding'!$A$1") == 1
    names = re.findall(r'<definedName name="([^"]+)" localSheetId="(\d+)">', workbook)
    assert len(names) == len(set(names))
    before = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    assert names == re.findall(r'<definedName name="([^"]+)" localSheetId="(\d+)">', before)
    assert len([n for n in names if n[0] == "_xlnm.Print_Titles"]) > 5  # the owner's kept
    assert _sheet(again)["A2"].value.startswith("As of 11/30/2026")


def test_the_date_style_is_the_practices(book_path, tmp_path):
    path = book_path({"date_style": "YYYY-MM-DD"},
                     Appointments=[line("A1", date(2026, 9, 1), units=2,
                                        billed_date=date(2026, 9, 2))],
                     Payments=[payment("PMT1", date(2026, 9, 20), "A1", 1000)])
    result = CliRunner().invoke(cli, ["remind", "-w", str(path), "--date", AS_OF])
    assert result.exit_code == 0, result.output
    ws = _sheet(path)
    assert ws["A2"].value.startswith("As of 2026-10-31: 1 visit, $50.00")
    assert ws["B5"].number_format == "yyyy-mm-dd"
