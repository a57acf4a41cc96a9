"""The monthly outstanding-balance workbook, written and read back cell by cell."""

import json
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from conftest import BASE_ROWS, line, payment

CLIENTS = [{"client_id": "C1", "first_name": "Ann", "last_name": "Lee"},
           {"client_id": "C2", "first_name": "=1+2", "last_name": "@Home"}]


@pytest.fixture
def report_path(book_path, tmp_path):
    path = book_path(
        Clients=CLIENTS,
        Policies=[BASE_ROWS["Policies"][0]],
        Appointments=[
            line("A1", date(2026, 6, 10), units=4, client_paid=2500,
                 billed_date=date(2026, 6, 12)),  # 143 days old on Oct 31
            line("A2", date(2026, 9, 20), units=2, billed_date=date(2026, 9, 21)),
            line("A2", date(2026, 9, 20), code="97140", units=1),
            line("A3", date(2026, 10, 28), units=2),  # unbilled
            line("A4", date(2026, 10, 3), client="C2", policy=None, code="MASSAGE60",
                 client_paid=4000)],
        Payments=[payment("P1", date(2026, 10, 9), "A2", 4000, adjustment=1500,
                          patient_responsibility=0),
                  payment("P2", date(2026, 9, 30), "A1", 0, adjustment=0,
                          adjustment_reason="CO-50")])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "-w", str(path), "--month", "2026-10",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}/2026-10-outstanding-balances.xlsx\n"
    return out / "2026-10-outstanding-balances.xlsx", path


def test_sheets_and_summary(report_path):
    wb = openpyxl.load_workbook(report_path[0], data_only=True)
    assert wb.sheetnames == ["Summary", "Aging by Payer", "Aging by Client", "Open Items",
                             "Follow-up", "Charts", "A-R History"]
    ws = wb["Summary"]
    # opening: A1 120.00 - 25.00 + A2 95.00 = 190.00 on Sep 30
    expected = [("A/R at the start of the month", 190.0), ("+ Charges", 150.0),
                ("- Discounts", 0.0), ("- Client payments", 40.0),
                ("- Insurance payments", 40.0), ("- Adjustments", 15.0),
                ("A/R at the end of the month", 245.0),
                ("Sum of open balances (Open Items)", 245.0),
                ("Difference (ties when 0.00)", 0)]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(5, 14)] == expected
    assert ws["B5"].number_format == '#,##0.00;[Red]-#,##0.00;"-"'
    formulas = openpyxl.load_workbook(report_path[0])["Summary"]
    assert formulas["B11"].value == "=B5+B6-B7-B8-B9-B10"
    assert ws["B16"].value == 245.0 - 50.0  # insurance due
    assert ws["B17"].value == 50.0  # client due
    assert ws["B18"].value == pytest.approx(95 / 245, abs=0.0005)  # over 90 days
    assert [ws.cell(r, 5).value for r in range(5, 11)] == [110.0, 40.0, 0, 0, 95.0, 245.0]


def test_open_items_cell_by_cell(report_path):
    wb = openpyxl.load_workbook(report_path[0], data_only=True)
    ws = wb["Open Items"]
    header = [c.value for c in ws[1]]
    assert header == ["Appointment ID", "Date of Service", "Client ID", "Client", "Payer",
                      "Codes", "Charge", "Discount", "Client Paid", "Insurance Paid",
                      "Adjusted", "Balance", "Insurance Due", "Client Due", "Age (days)",
                      "Status", "Claim Status"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=5)]
    assert rows[0] == ["A1", datetime(2026, 6, 10), "C1", "Ann Lee", "AET", "97124",
                       120.0, 0, 25.0, 0, 0, 95.0, 95.0, 0, 143, "Denied", None]
    assert rows[1][:3] == ["A2", datetime(2026, 9, 20), "C1"]
    assert rows[1][5:14] == ["97124, 97140", 95.0, 0, 0, 40.0, 15.0, 40.0, 40.0, 0]
    assert rows[2][:4] == ["A4", datetime(2026, 10, 3), "C2", "=1+2 @Home"]
    assert rows[2][15] == "Client Due"
    assert rows[3][0] == "A3" and rows[3][15] == "Unbilled"
    totals = [c.value for c in ws[6]]
    assert totals[0] == "Total" and totals[11] == 245.0
    assert ws["B2"].number_format == "mm/dd/yyyy"  # the Practice's date style (US default)
    assert ws["G2"].number_format == '#,##0.00;[Red]-#,##0.00;"-"'
    table = ws.tables["OpenItems"]
    assert table.ref == "A1:Q6" and table.totalsRowCount == 1
    assert table.tableStyleInfo.showRowStripes
    assert ws.freeze_panes == "A2"


def test_open_items_print_at_eight_points_or_more(report_path):
    """Letter landscape, 0.3" margins: 10.4" of columns at 96 px per inch. At the scale that
    fits them one page wide, 11-point text prints at 8 points or more."""
    ws = openpyxl.load_workbook(report_path[0])["Open Items"]
    spans = {(d.min, d.max): d.width for d in ws.column_dimensions.values() if d.min}
    assert sum(last - first + 1 for first, last in spans) == 17  # every column has a width
    pixels = sum(round(width * 7) * (last - first + 1)  # stored widths hold the padding
                 for (first, last), width in spans.items())
    scale = min(1.0, 10.4 * 96 / pixels)
    assert 11 * scale >= 8.0, f"{pixels} px prints at {11 * scale:.1f} pt"
    assert (ws.page_margins.left, ws.page_margins.right) == (0.3, 0.3)
    assert ws.page_setup.paperSize == 1 and ws.page_setup.orientation == "landscape"


def test_headers_sit_over_their_numbers_and_read_as_headers(report_path):
    wb = openpyxl.load_workbook(report_path[0])
    ws = wb["Aging by Payer"]
    assert [ws.cell(1, c).alignment.horizontal for c in (1, 2, 3)] == [None, None, None]
    assert {ws.cell(1, c).alignment.horizontal for c in range(4, 11)} == {"right"}
    for c in range(1, 11):
        cell = ws.cell(1, c)
        assert cell.font.b and cell.fill.fgColor.rgb == "FF1F3864", cell.coordinate
        assert cell.alignment.vertical == "top"
    assert ws.row_dimensions[1].height == 30  # one line of text, then the filter buttons
    follow = wb["Follow-up"]
    assert follow.row_dimensions[1].height == 45  # "Date of Service" wraps to two lines


def test_summary_check_figure_and_data_bars(report_path):
    wb = openpyxl.load_workbook(report_path[0])
    ws = wb["Summary"]
    assert ws["A2"].value == "Outstanding balances, Oct 2026 (as of 10/31/2026)"
    assert ws["B13"].value == "=ROUND(B11-B12,2)"
    assert ws["B13"].number_format == "#,##0.00;-#,##0.00;0.00"  # 0.00, never "-"
    rules = {str(r.sqref): [(x.type, x.operator, x.formula) for x in r.rules]
             for r in ws.conditional_formatting}
    assert rules["B13"] == [("cellIs", "equal", ["0"]), ("cellIs", "notEqual", ["0"])]
    assert rules["F5:F9"][0][0] == "dataBar"  # bars beside the amounts, not over them
    assert "E5:E9" not in rules
    assert [ws.cell(r, 6).value for r in range(5, 10)] == [f"=E{r}" for r in range(5, 10)]
    with zipfile.ZipFile(report_path[0]) as z:
        summary = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'showValue="0"' in summary
    assert ws.oddFooter.left.text == "As of 10/31/2026"


def test_charts_start_at_zero_and_the_trend_total_has_a_label(report_path):
    wb = openpyxl.load_workbook(report_path[0])
    ws = wb["Charts"]
    assert ws["A14"].value == "Total"
    with zipfile.ZipFile(report_path[0]) as z:
        charts = [z.read(n).decode() for n in sorted(z.namelist())
                  if n.startswith("xl/charts/chart")]
    assert all('<c:min val="0"/>' in chart for chart in charts)


def test_aging_follow_up_and_print_setup(report_path):
    wb = openpyxl.load_workbook(report_path[0], data_only=True)
    payer = wb["Aging by Payer"]
    assert [[c.value for c in row] for row in payer.iter_rows(min_row=2, max_row=4)] == [
        ["AET", "Aetna", "Commercial", 3, 60.0, 40.0, 0, 0, 95.0, 195.0],
        ["SF", "State Farm", "Auto/PIP", 0, 0, 0, 0, 0, 0, 0],  # every payer, zeros too
        ["Total", None, None, 3, 60.0, 40.0, 0, 0, 95.0, 195.0]]
    client = wb["Aging by Client"]
    assert [c.value for c in client[2]][:3] == ["C2", "=1+2 @Home", 1]
    follow = wb["Follow-up"]
    assert [c.value for c in follow[1]] == [
        "Reason", "What to Do", "When", "Date of Service", "Client", "Payer", "Payer Phone",
        "Member ID", "Claim Number", "Insurance Due", "Age (days)", "Claim Status",
        "Appointment ID"]
    rows = [[c.value for c in r] for r in follow.iter_rows(min_row=2, max_row=3)]
    assert rows[0][:3] == ["Denied", "Appeal (CO-50: not deemed a medical necessity by the "
                           "payer) or bill the client", "now"]
    assert rows[0][5:10] == ["Aetna", None, "M1", None, 95.0]
    assert rows[1] == ["Unbilled", "Send the claim", "by 01/26/2027", datetime(2026, 10, 28),
                       "Ann Lee", "Aetna", None, "M1", None, 60.0, 3, None, "A3"]
    for name in ("Aging by Payer", "Open Items", "Follow-up"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # fitToWidth is left out of the XML when it is 1, the OOXML default
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == "$1:$1"
        assert "&P" in ws.oddFooter.right.text


def test_text_that_looks_like_a_formula_stays_text(report_path):
    with zipfile.ZipFile(report_path[0]) as z:
        names = z.namelist()
        sheets = "".join(z.read(n).decode() for n in names if n.startswith("xl/worksheets/"))
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>1+2" not in sheets and "<f>=1+2" not in sheets
    assert "=1+2 @Home" in strings
    assert sum(n.startswith("xl/charts/chart") for n in names) == 3


def test_json_summary(report_path):
    result = CliRunner().invoke(cli, ["report", "-w", str(report_path[1]), "--month",
                                      "2026-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert {k: summary[k] for k in ("month", "as_of", "opening_ar", "charges", "discounts",
                                    "client_payments", "insurance_payments", "adjustments",
                                    "closing_ar")} == {
        "month": "2026-10", "as_of": "2026-10-31", "opening_ar": "190.00",
        "charges": "150.00", "discounts": "0.00", "client_payments": "40.00",
        "insurance_payments": "40.00", "adjustments": "15.00", "closing_ar": "245.00"}
    assert summary["aging"] == {"0-30": "110.00", "31-60": "40.00", "61-90": "0.00",
                                "91-120": "0.00", "120+": "95.00"}
    assert summary["by_payer"] == [
        {"payer_id": "AET", "name": "Aetna", "insurance_due": "195.00",
         "aging": {"0-30": "60.00", "31-60": "40.00", "61-90": "0.00", "91-120": "0.00",
                   "120+": "95.00"}},
        {"payer_id": "SF", "name": "State Farm", "insurance_due": "0.00",
         "aging": {"0-30": "0.00", "31-60": "0.00", "61-90": "0.00", "91-120": "0.00",
                   "120+": "0.00"}}]


def test_a_big_report_reads_back_row_by_row(tmp_path, monkeypatch):
    """More rows than XlsxWriter writes itself: the spliced rows read back exactly."""
    from claimbook.compute.balances import balances
    from claimbook.io.xlsx import styles
    from claimbook.io.xlsx.reader import load_book
    from conftest import SAMPLE

    monkeypatch.setattr(styles, "BULK_FROM", 20)  # the sample's 97 open items are spliced

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "-w", str(SAMPLE), "--month", "2026-11",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    items = balances(load_book(SAMPLE), date(2026, 11, 30))
    assert len(items) > 20
    ws = openpyxl.load_workbook(out / "2026-11-outstanding-balances.xlsx")["Open Items"]
    rows = list(ws.iter_rows(min_row=2, max_row=len(items) + 1, values_only=True))
    expected = [(i.appointment_id, datetime.combine(i.date_of_service, datetime.min.time()),
                 i.client_id, i.client_name, i.balance / 100, i.age_days, i.status)
                for i in items]
    assert [(r[0], r[1], r[2], r[3], r[11], r[14], r[15]) for r in rows] == expected
    assert ws.cell(len(items) + 2, 1).value == "Total"
    assert ws.cell(len(items) + 1, 12).number_format == ws["L2"].number_format
    assert ws.cell(len(items) + 1, 2).number_format == "mm/dd/yyyy"
    table = ws.tables["OpenItems"]  # added over its first rows, grown when spliced
    assert table.ref == f"A1:Q{len(items) + 2}" and table.totalsRowCount == 1
    assert table.autoFilter.ref == f"A1:Q{len(items) + 1}"
    assert table.tableColumns[0].totalsRowLabel == "Total"
