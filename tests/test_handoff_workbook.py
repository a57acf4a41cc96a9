"""The handoff workbook of the hand-made March practice, read back cell by cell."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.styles import DIFFERENCE_FORMAT, DRCR_FORMAT, MONEY_FORMAT, NAVY
from march import EXPECTED_DEPOSITS, EXPECTED_JOURNAL, march_rows

SHEETS = ["Summary", "Journal", "Deposits", "Revenue by Code", "Revenue by Therapist",
          "Insurance by Payer", "AR Roll-forward"]
JOURNAL_HEADER = ["Journal No", "Date", "Account", "Debit", "Credit", "Name", "Description",
                  "Event", "Appointment ID", "Payment ID", "Client ID", "Payer ID", "Method",
                  "Reference"]
US_DATE = "mm/dd/yyyy"
# Appointment ID, Payment ID, Client ID, Payer ID of each entry
ENTRY_DETAILS = {
    "V-A1": ("A1", None, "C1", "AET"), "V-A2": ("A2", None, "C2", None),
    "V-A3": ("A3", None, "C2", None), "V-A5": ("A5", None, "C1", None),
    "V-A6": ("A6", None, "C1", "AET"), "V-A7": ("A7", None, "C2", "SF"),
    "V-A7-T": ("A7", None, "C2", "SF"),
    "P-PMT1": ("A1", "PMT1", "C1", "AET"), "P-PMT2": ("A3", "PMT2", "C2", None),
    "P-PMT3": ("A3", "PMT3", "C2", None), "P-PMT4": ("A3", "PMT4", "C2", None),
    "P-PMT5": ("A4", "PMT5", "C2", None), "P-PMT6": ("A6", "PMT6", "C1", "AET"),
    "P-PMT6-T": ("A6", "PMT6", "C1", "AET"), "P-PMT8": ("A7", "PMT8", "C2", "SF"),
    "P-PMT9": ("A7", "PMT9", "C2", "SF"), "R-EFT100": (None, None, None, "AET"),
}
REFERENCES = {"P-PMT1": "EFT100", "P-PMT3": "=DUP", "P-PMT4": "Refund", "P-PMT5": "Package",
              "P-PMT6": "EFT200", "P-PMT6-T": "EFT200", "P-PMT8": "Deposit",
              "P-PMT9": "CHK7", "R-EFT100": "EFT100"}
METHODS = {"P-PMT1": "EFT", "P-PMT2": "(method not recorded)",
           "P-PMT3": "(method not recorded)", "P-PMT4": "(method not recorded)",
           "P-PMT5": "(method not recorded)", "P-PMT6": "(method not recorded)",
           "P-PMT8": "Check", "P-PMT9": "Check", "R-EFT100": "EFT"}


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


def _rows(ws, first: int, last: int, cols: int, col: int = 1) -> list[list]:
    return [[ws.cell(r, c).value for c in range(col, col + cols)]
            for r in range(first, last + 1)]


def _money(cents: int) -> float | None:
    return cents / 100 if cents else None


def _expected_journal_row(number, day, account, debit, credit, name, description, event):
    appointment, payment, client, payer = ENTRY_DETAILS[number]
    method = METHODS.get(number) if event not in ("A/R transfer", "Adjustment",
                                                  "Patient responsibility") else None
    if event == "Paid at visit":
        method = description.split("(")[1].rstrip(")")
    if event == "Charge" or event == "Discount" or (event == "A/R transfer"
                                                    and number.startswith("V-")):
        method = None
    return [number, datetime(2026, 3, day), account, _money(debit), _money(credit),
            name or None, description, event, appointment, payment, client, payer, method,
            REFERENCES.get(number)]


def test_sheets_in_order(march_workbook):
    assert march_workbook.sheetnames == SHEETS


def test_journal_cell_by_cell(march_workbook):
    ws = march_workbook["Journal"]
    n = len(EXPECTED_JOURNAL)
    assert _rows(ws, 1, 1, 14) == [JOURNAL_HEADER]
    expected = [_expected_journal_row(*line) for line in EXPECTED_JOURNAL]
    assert _rows(ws, 2, n + 1, 14) == expected
    for r in range(2, n + 2):
        assert ws.cell(r, 2).number_format == US_DATE  # the Practice's date style
        assert ws.cell(r, 4).number_format == MONEY_FORMAT
        assert ws.cell(r, 5).number_format == MONEY_FORMAT
    assert _rows(ws, n + 2, n + 2, 5) == [["Total", None, None,
                                           f"=SUBTOTAL(109,D2:D{n + 1})",
                                           f"=SUBTOTAL(109,E2:E{n + 1})"]]
    assert ws.cell(n + 2, 4).number_format == MONEY_FORMAT and ws.cell(n + 2, 4).font.b
    assert ws.max_row == n + 2
    table = ws.tables["JournalLines"]
    assert table.ref == f"A1:N{n + 2}" and table.totalsRowCount == 1
    assert table.tableStyleInfo.showRowStripes
    assert table.autoFilter is not None
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_area == f"'Journal'!$A$1:$H${n + 2}"  # the IDs are for filtering


def test_header_cells_carry_their_own_style(march_workbook):
    ws = march_workbook["Journal"]
    for c in range(1, 15):
        cell = ws.cell(1, c)
        assert cell.font.b and cell.font.color.rgb == "FFFFFFFF", cell.coordinate
        assert cell.fill.fgColor.rgb == "FF" + NAVY[1:], cell.coordinate
        assert cell.alignment.vertical == "top" and cell.alignment.wrap_text
    assert ws["D1"].alignment.horizontal == "right"  # over the right-aligned amounts
    assert ws["C1"].alignment.horizontal in (None, "general")
    assert ws.row_dimensions[1].height == 30  # the text above the filter buttons
    assert ws["F1"].alignment.indent == 1 and ws["F2"].alignment.indent == 1


def test_reference_that_looks_like_a_formula_is_text(march_workbook):
    ws = march_workbook["Journal"]
    row = next(r for r in range(2, ws.max_row) if ws.cell(r, 14).value == "=DUP")
    assert ws.cell(row, 14).data_type == "s"


def test_deposits_cell_by_cell(march_workbook):
    ws = march_workbook["Deposits"]
    assert _rows(ws, 1, 1, 11) == [["Date", "From", "Method", "Reference", "Payer ID",
                                    "Payer", "Items", "Paid to Visits",
                                    "Remittance Adjustments", "Amount", "On Statement"]]
    references = {2: None, 3: None, 5: None, 8: "Deposit", 15: "=DUP", 22: "Refund",
                  28: "Package"}
    expected = [[datetime(2026, 3, day), source, method,
                 ref if ref else references.get(day), payer_id, payer or None, items,
                 posted / 100, other / 100, amount / 100, None]
                for day, source, method, ref, payer_id, payer, items, posted, other, amount
                in EXPECTED_DEPOSITS]
    assert _rows(ws, 2, 11, 11) == expected
    assert ws.cell(2, 10).number_format == MONEY_FORMAT
    assert ws.cell(2, 1).number_format == US_DATE
    assert _rows(ws, 12, 12, 10) == [["Total", None, None, None, None, None,
                                      "=SUBTOTAL(109,G2:G11)", "=SUBTOTAL(109,H2:H11)",
                                      "=SUBTOTAL(109,I2:I11)", "=SUBTOTAL(109,J2:J11)"]]
    assert ws.tables["BankDeposits"].ref == "A1:K12"


def _conditional(ws) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            out.setdefault(str(rng.sqref), []).append((rule.operator, rule.formula))
    return out


def test_summary_figures(march_workbook):
    ws = march_workbook["Summary"]
    assert ws["A1"].value == "Test Massage"
    assert ws["A2"].value == "Bookkeeper's handoff, Mar 2026 (03/01/2026 to 03/31/2026)"
    assert _rows(ws, 4, 8, 2) == [
        ["Journal", ""], ["Total debits", 1422], ["Total credits", 1422],
        ["Difference (balanced when 0.00)", "=ROUND(B5-B6,2)"],
        [f"17 entries, {len(EXPECTED_JOURNAL)} lines (sheet Journal); each entry on one "
         "A/R account", None]]
    assert _rows(ws, 10, 19, 2) == [
        ["A/R accounts tie to the aging", ""],
        ["Accounts Receivable - Insurance: closing", 60],
        ["Due from insurers, per the aging", 60],
        ["Difference (ties when 0.00)", "=ROUND(B11-B12,2)"],
        ["Accounts Receivable - Clients: closing", -70],
        ["Due from clients, per the aging", -70],
        ["Difference (ties when 0.00)", "=ROUND(B14-B15,2)"],
        ["Net change of A/R in the journal", -70],
        ["Net change of A/R in the roll-forward", -70],
        ["Difference (ties when 0.00)", "=ROUND(B17-B18,2)"]]
    assert _rows(ws, 22, 29, 2) == [
        ["Money received", ""],
        ["Insurance payments", 120], ["Clients, at the visit", 210], ["Clients, later", 320],
        ["Refunds", -90], ["Total received", "=SUM(B23:B26)"],
        ["Remittance adjustments (interest, recoupments)", 2],
        ["Deposits to tick against the bank (sheet Deposits)", 472]]
    for r in (5, 6, 11, 23, 29):
        assert ws.cell(r, 2).number_format == MONEY_FORMAT
    for r in (7, 13, 16, 19):  # check figures read 0.00, green at 0 and red otherwise
        assert ws.cell(r, 2).number_format == DIFFERENCE_FORMAT
        assert _conditional(ws)[f"B{r}"] == [("equal", ["0"]), ("notEqual", ["0"])]
    assert ws.cell(27, 1).font.b and ws.cell(27, 2).font.b


def test_journal_by_account_reads_debit_or_credit(march_workbook):
    ws = march_workbook["Summary"]
    assert ws["A31"].value == "Journal by account"
    assert _rows(ws, 32, 42, 4) == [
        ["Account", "Debits", "Credits", "Net"],
        ["Massage Income", 0, 540, -540],
        ["Accounts Receivable - Insurance", 220, 220, 0],
        ["Accounts Receivable - Clients", 430, 500, -70],
        ["Contractual Adjustments", 40, 0, 40],
        ["Discounts", 10, 0, 10],
        ["Undeposited Funds", 562, 90, 472],
        ["Gift Card Liability", 90, 0, 90],
        ["A/R Transfers (clearing)", 70, 70, 0],
        ["Insurance Provider Adjustments", 0, 2, -2],
        ["Total", "=SUBTOTAL(109,B33:B41)", "=SUBTOTAL(109,C33:C41)", 0]]
    assert all(ws.cell(r, 4).number_format == DRCR_FORMAT for r in range(33, 43))
    assert ws["D33"].font.color is None or ws["D33"].font.color.rgb != "FFFF0000"
    assert _rows(ws, 44, 47, 3) == [
        ["Accounts (Practice settings you can rename)", None, None],
        ["Account", "Xero Code", "Practice Setting"],
        ["Massage Income", None, "Revenue Account"],
        ["Accounts Receivable - Insurance", None, "Insurance A/R Account"]]
    assert ws["B46"].number_format == "@"
    assert ws.page_setup.orientation == "portrait"
    assert [b.id for b in ws.row_breaks.brk] == [43]  # the accounts start a page


def test_roll_forward_cell_by_cell(march_workbook):
    ws = march_workbook["AR Roll-forward"]
    assert _rows(ws, 4, 12, 2) == [
        ["A/R at the start of the month", 60], ["+ Charges", 540], ["- Discounts", 10],
        ["- Client payments", 440], ["- Insurance payments", 120], ["- Adjustments", 40],
        ["A/R at the end of the month", "=B4+B5-B6-B7-B8-B9"],
        ["Sum of open balances at the end of the month", -10],
        ["Difference (ties when 0.00)", "=ROUND(B10-B11,2)"]]
    assert all(ws.cell(r, 2).number_format == MONEY_FORMAT for r in range(4, 12))
    assert ws.cell(12, 2).number_format == DIFFERENCE_FORMAT
    assert _rows(ws, 15, 18, 7) == [
        ["Account", "Opening", "Debits", "Credits", "Closing", "Due per Aging", "Difference"],
        ["Accounts Receivable - Insurance", 60, 220, 220, 60, 60, "=ROUND(E16-F16,2)"],
        ["Accounts Receivable - Clients", 0, 430, 500, -70, -70, "=ROUND(E17-F17,2)"],
        ["Total", "=SUBTOTAL(109,B16:B17)", "=SUBTOTAL(109,C16:C17)",
         "=SUBTOTAL(109,D16:D17)", "=SUBTOTAL(109,E16:E17)", "=SUBTOTAL(109,F16:F17)",
         "=SUBTOTAL(109,G16:G17)"]]
    assert ws["G16"].number_format == DIFFERENCE_FORMAT


def test_revenue_and_payer_sheets(march_workbook):
    ws = march_workbook["Revenue by Code"]
    assert _rows(ws, 1, 4, 9) == [
        ["Service Code", "Description", "Visits", "Lines", "Units", "Charges", "Discounts",
         "Adjustments", "Net"],
        ["97124", "Massage", 3, 3, 9, 270, 0, 40, 230],
        ["MASSAGE60", "60 min", 3, 3, 3, 270, 10, 0, 260],
        ["Total", None, 6, "=SUBTOTAL(109,D2:D3)", "=SUBTOTAL(109,E2:E3)",
         "=SUBTOTAL(109,F2:F3)", "=SUBTOTAL(109,G2:G3)", "=SUBTOTAL(109,H2:H3)",
         "=SUBTOTAL(109,I2:I3)"]]
    assert ws["A6"].value.startswith("Visits: a visit billed with two codes counts under each")
    assert _rows(march_workbook["Revenue by Therapist"], 2, 2, 9) == [
        ["S1", "Tess Therapist", 6, 6, 12, 540, 10, 40, 490]]
    ws = march_workbook["Insurance by Payer"]
    assert _rows(ws, 1, 3, 8) == [
        ["Payer ID", "Payer", "Type", "Checks or EFTs", "Visits Paid", "Paid", "Adjustments",
         "Patient Responsibility"],
        ["AET", "Aetna", "Commercial", 2, 2, 80, 40, 60],
        ["SF", "State Farm", "Auto/PIP", 1, 1, 40, 0, 0]]
    assert ws.cell(2, 6).number_format == MONEY_FORMAT


def test_every_data_sheet_is_a_print_ready_table(march_workbook):
    for name in SHEETS[1:6]:
        ws = march_workbook[name]
        assert len(ws.tables) == 1, name
        assert ws.freeze_panes == "A2", name
        assert ws.print_title_rows == "$1:$1", name
        assert ws.page_setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.oddFooter.left.text == "Mar 2026, 03/01/2026 to 03/31/2026", name
        assert ws.oddFooter.right.text == "Page &P of &N", name


def test_keep_sections_whole_breaks_before_a_section_that_would_run_over():
    from claimbook.io.xlsx.summary_sheet import keep_sections_whole

    class Sheet:
        breaks: list[int] = []

        def set_h_pagebreaks(self, rows):
            self.breaks = rows

    ws = Sheet()
    assert keep_sections_whole(ws, [(3, 8), (10, 20), (22, 40), (42, 55)], 42) == [42]
    assert keep_sections_whole(ws, [(3, 8), (10, 60), (62, 70)], 42) == []  # 42 breaks it
    assert keep_sections_whole(ws, [(3, 8), (10, 60), (62, 90)], 42) == [62]
    assert keep_sections_whole(Sheet(), [(3, 8), (10, 20)], 42) == []
