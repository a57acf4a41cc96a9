"""The handoff workbook of the hand-made March practice, read back cell by cell."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.styles import DATE_FORMAT, MONEY_FORMAT
from test_journal_handmade import EXPECTED_DEPOSITS, EXPECTED_JOURNAL, march_rows

SHEETS = ["Summary", "Journal", "Deposits", "Revenue by Code", "Revenue by Therapist",
          "Insurance by Payer", "AR Roll-forward"]
JOURNAL_HEADER = ["Journal No", "Date", "Account", "Debit", "Credit", "Name", "Description",
                  "Event", "Appointment ID", "Payment ID", "Client ID", "Payer ID", "Method",
                  "Reference"]
# Appointment ID, Payment ID, Client ID, Payer ID, Method, Reference of each entry
ENTRY_DETAILS = {
    "V-A1": ("A1", None, "C1", "AET"), "V-A2": ("A2", None, "C2", None),
    "V-A3": ("A3", None, "C2", None), "V-A5": ("A5", None, "C1", None),
    "P-PMT1": ("A1", "PMT1", "C1", "AET"), "P-PMT2": ("A3", "PMT2", "C2", None),
    "P-PMT3": ("A3", "PMT3", "C2", None), "P-PMT4": ("A3", "PMT4", "C2", None),
    "P-PMT5": ("A4", "PMT5", "C2", None),
}
REFERENCES = {"P-PMT1": "EFT100", "P-PMT3": "=DUP", "P-PMT4": "Refund", "P-PMT5": "Package"}
METHODS = {"Paid at visit": None, "Insurance payment": "Check or EFT",
           "Client payment": "Not recorded", "Refund": "Not recorded"}


@pytest.fixture(scope="module")
def march_workbook(tmp_path_factory):
    from conftest import write_book

    folder = tmp_path_factory.mktemp("march")
    rows = march_rows()
    book = write_book(folder / "practice.xlsx", rows.pop("settings"), **rows)
    result = CliRunner().invoke(cli, ["handoff", "-w", str(book), "--month", "2026-03",
                                      "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    path = folder / "out" / "2026-03-bookkeeper.xlsx"
    assert result.output == f"{path}\n"
    return openpyxl.load_workbook(path)


def _rows(ws, first: int, last: int, cols: int) -> list[list]:
    return [[ws.cell(r, c).value for c in range(1, cols + 1)] for r in range(first, last + 1)]


def _money(cents: int) -> float | None:
    return cents / 100 if cents else None


def _expected_journal_row(number, day, account, debit, credit, name, description, event):
    appointment, payment, client, payer = ENTRY_DETAILS[number]
    method = METHODS.get(event)
    if event == "Paid at visit":
        method = description.split("(")[1].rstrip(")")
    return [number, datetime(2026, 3, day), account, _money(debit), _money(credit),
            name or None, description, event, appointment, payment, client, payer, method,
            REFERENCES.get(number)]


def test_sheets_in_order(march_workbook):
    assert march_workbook.sheetnames == SHEETS


def test_journal_cell_by_cell(march_workbook):
    ws = march_workbook["Journal"]
    assert _rows(ws, 1, 1, 14) == [JOURNAL_HEADER]
    expected = [_expected_journal_row(*line) for line in EXPECTED_JOURNAL]
    assert _rows(ws, 2, 31, 14) == expected
    for r in range(2, 32):
        assert ws.cell(r, 2).number_format == DATE_FORMAT
        assert ws.cell(r, 4).number_format == MONEY_FORMAT
        assert ws.cell(r, 5).number_format == MONEY_FORMAT
    assert _rows(ws, 32, 32, 5) == [["Total", None, None, "=SUBTOTAL(109,D2:D31)",
                                      "=SUBTOTAL(109,E2:E31)"]]
    assert ws.cell(32, 4).number_format == MONEY_FORMAT
    assert ws.max_row == 32
    table = ws.tables["JournalLines"]
    assert table.ref == "A1:N32" and table.totalsRowCount == 1
    assert table.tableStyleInfo.showRowStripes
    assert table.autoFilter is not None
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"


def test_reference_that_looks_like_a_formula_is_text(march_workbook):
    cell = march_workbook["Journal"]["N20"]
    assert (cell.value, cell.data_type) == ("=DUP", "s")


def test_deposits_cell_by_cell(march_workbook):
    ws = march_workbook["Deposits"]
    assert _rows(ws, 1, 1, 9) == [["Date", "From", "Method", "Reference", "Payer ID", "Payer",
                                   "Items", "Amount", "On statement"]]
    expected = [[datetime(2026, 3, day), source, method, ref, payer_id, payer or None, items,
                 amount / 100, None]
                for day, source, method, ref, payer_id, payer, items, amount in EXPECTED_DEPOSITS]
    assert _rows(ws, 2, 8, 9) == expected
    assert ws.cell(2, 8).number_format == MONEY_FORMAT
    assert ws.cell(2, 1).number_format == DATE_FORMAT
    assert _rows(ws, 9, 9, 8) == [["Total", None, None, None, None, None,
                                   "=SUBTOTAL(109,G2:G8)", "=SUBTOTAL(109,H2:H8)"]]
    assert ws.tables["BankDeposits"].ref == "A1:I9"


def test_summary_figures(march_workbook):
    ws = march_workbook["Summary"]
    assert ws["A1"].value == "Test Massage"
    assert ws["A2"].value == "Bookkeeper's handoff, Mar 2026 (2026-03-01 to 2026-03-31)"
    assert _rows(ws, 5, 7, 2) == [["Total debits", 1070], ["Total credits", 1070],
                                  ["Difference (balanced when 0.00)", "=ROUND(B5-B6,2)"]]
    assert ws["A8"].value == "9 entries, 30 lines (sheet Journal)"
    assert _rows(ws, 10, 14, 2) == [
        ["Net change, Accounts Receivable - Insurance", 0],
        ["Net change, Accounts Receivable - Clients", -90],
        ["Net change of A/R in the journal", "=B10+B11"],
        ["Net change of A/R in the roll-forward", -90],
        ["Difference (ties when 0.00)", "=ROUND(B12-B13,2)"]]
    assert _rows(ws, 17, 22, 2) == [
        ["Insurance payments", 70], ["Clients, at the visit", 190], ["Clients, later", 270],
        ["Refunds", -90], ["Total received", "=SUM(B17:B20)"],
        ["Deposits to tick against the bank (sheet Deposits)", 350]]
    for r in (5, 6, 10, 17, 22):
        assert ws.cell(r, 2).number_format == MONEY_FORMAT
    assert _rows(ws, 25, 33, 4) == [
        ["Account", "Debits", "Credits", "Net Debit"],
        ["Massage Income", 0, 390, -390],
        ["Accounts Receivable - Insurance", 120, 120, 0],
        ["Accounts Receivable - Clients", 380, 470, -90],
        ["Contractual Adjustments", 30, 0, 30],
        ["Discounts", 10, 0, 10],
        ["Undeposited Funds", 440, 90, 350],
        ["Gift Card Liability", 90, 0, 90],
        ["Total", "=SUBTOTAL(109,B26:B32)", "=SUBTOTAL(109,C26:C32)",
         "=SUBTOTAL(109,D26:D32)"]]
    assert ws["A36"].value == "Setting" and ws["B37"].value == "Massage Income"
    assert ws.page_setup.orientation == "landscape"


def test_roll_forward_cell_by_cell(march_workbook):
    ws = march_workbook["AR Roll-forward"]
    assert _rows(ws, 4, 12, 2) == [
        ["A/R at the start of the month", 60], ["+ Charges", 390], ["- Discounts", 10],
        ["- Client payments", 370], ["- Insurance payments", 70], ["- Adjustments", 30],
        ["A/R at the end of the month", "=B4+B5-B6-B7-B8-B9"],
        ["Sum of open balances at the end of the month", -30],
        ["Difference (ties when 0.00)", "=ROUND(B10-B11,2)"]]
    assert all(ws.cell(r, 2).number_format == MONEY_FORMAT for r in range(4, 13))
    assert _rows(ws, 15, 18, 5) == [
        ["Account", "Opening", "Debits", "Credits", "Closing"],
        ["Accounts Receivable - Insurance", 60, 120, 120, 60],
        ["Accounts Receivable - Clients", 0, 380, 470, -90],
        ["Total", "=SUBTOTAL(109,B16:B17)", "=SUBTOTAL(109,C16:C17)",
         "=SUBTOTAL(109,D16:D17)", "=SUBTOTAL(109,E16:E17)"]]


def test_revenue_and_payer_sheets(march_workbook):
    assert _rows(march_workbook["Revenue by Code"], 1, 4, 8) == [
        ["Service Code", "Description", "Visits", "Lines", "Units", "Charges", "Discounts",
         "Net"],
        ["MASSAGE60", "60 min", 3, 3, 3, 270, 10, 260],
        ["97124", "Massage", 1, 1, 4, 120, 0, 120],
        ["Total", None, "=SUBTOTAL(109,C2:C3)", "=SUBTOTAL(109,D2:D3)",
         "=SUBTOTAL(109,E2:E3)", "=SUBTOTAL(109,F2:F3)", "=SUBTOTAL(109,G2:G3)",
         "=SUBTOTAL(109,H2:H3)"]]
    assert _rows(march_workbook["Revenue by Therapist"], 2, 2, 8) == [
        ["S1", "Tess Therapist", 4, 4, 7, 390, 10, 380]]
    ws = march_workbook["Insurance by Payer"]
    assert _rows(ws, 1, 2, 8) == [
        ["Payer ID", "Payer", "Type", "Checks or EFTs", "Visits Paid", "Paid", "Adjustments",
         "Patient Responsibility"],
        ["AET", "Aetna", "Commercial", 1, 1, 70, 30, 20]]
    assert ws.cell(2, 6).number_format == MONEY_FORMAT


def test_every_data_sheet_is_a_print_ready_table(march_workbook):
    for name in SHEETS[1:6]:
        ws = march_workbook[name]
        assert len(ws.tables) == 1, name
        assert ws.freeze_panes == "A2", name
        assert ws.print_title_rows == "$1:$1", name
        assert ws.page_setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
