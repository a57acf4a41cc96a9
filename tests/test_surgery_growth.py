"""claimbook adds an optional column only when it must write one, at the right of the
sheet's table, and a claimbook-written sheet (Remittances) as an Excel Table; nothing
else in the workbook changes."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest

from claimbook.io.xlsx.reader import load_book
from claimbook.rules.changes import Changes
from claimbook.usecases.workbook import open_for_change, write
from owner_books import owner_book, parts_of, run, sheet_part

PAYMENT = {"payment_id": "PMT0003", "date_received": date(2026, 11, 20), "source": "Insurance",
           "payer_id": "AET", "reference": "EFT300", "appointment_id": "A0001", "amount": 1000,
           "adjustment": 500, "adjustment_reason": "CO-45", "reason_codes": "CO-45 PR-3",
           "remittance": "EFT300", "product_title": "Insurance Billing - Ann Lee - 2026-10-05"}
REMITTANCE = {"trace_number": "EFT300", "date": date(2026, 11, 20), "payer_id": "AET",
              "amount": 1000, "claims_paid": 1000, "provider_adjustments": "=none",
              "method": "EFT", "file": "remit.835", "posted": date(2026, 11, 21)}


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _write(path, **rows):
    opened = open_for_change(str(path))
    changes = Changes()
    for sheet, values in rows.items():
        changes.add(sheet, values)
    return write(opened, changes)


def test_a_missing_column_is_added_right_of_the_table_and_said(book):
    before = parts_of(book)
    written = _write(book, Payments=[PAYMENT])
    assert [str(a) for a in written.added_columns] == [
        'Payments: added the column "Reason Codes" (column O)',
        'Payments: added the column "Remittance" (column P)']
    wb = openpyxl.load_workbook(book)  # read only: never saved
    ws = wb["Payments"]
    assert [ws.cell(1, c).value for c in (14, 15, 16)] == ["Notes", "Reason Codes",
                                                             "Remittance"]
    assert ws.tables["Payments"].ref == "A1:P4"
    assert [c.name for c in ws.tables["Payments"].tableColumns][-2:] == ["Reason Codes",
                                                                         "Remittance"]
    assert [ws.cell(4, c).value for c in (1, 7, 15, 16)] == ["PMT0003", 10, "CO-45 PR-3",
                                                             "EFT300"]
    after = parts_of(book)
    table = next(n for n in after if n.startswith("xl/tables/") and b'name="Payments"' in after[n])
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    id_mark = {"docProps/custom.xml", "_rels/.rels", "[Content_Types].xml"}  # last ID given
    assert changed <= {sheet_part(book, "Payments"), table, "xl/styles.xml"} | id_mark
    saved = load_book(book)
    assert (saved.payments[-1].reason_codes, saved.payments[-1].remittance) == \
        ("CO-45 PR-3", "EFT300")
    # a second write finds the columns and adds none
    again = _write(book, Payments=[{**PAYMENT, "payment_id": "PMT0004"}])
    assert again.added_columns == []
    assert load_book(book).payments[-1].reason_codes == "CO-45 PR-3"


def test_a_missing_claimbook_sheet_is_added_as_a_table(book):
    before = parts_of(book)
    written = _write(book, Remittances=[REMITTANCE])
    assert written.added_sheets == ["Remittances"] and written.rows["Remittances"] == [2]
    wb = openpyxl.load_workbook(book)
    ws = wb["Remittances"]
    assert [c.value for c in ws[1]] == ["Trace Number", "Date", "Payer ID", "Amount",
                                        "Claims Paid", "Provider Adjustments", "Method",
                                        "File", "Posted"]
    row = [c.value for c in ws[2]]
    assert row[0] == "EFT300" and row[1].date() == date(2026, 11, 20)
    assert row[3:6] == [10, 10, "=none"]  # text that looks like a formula stays text
    assert ws["F2"].data_type == "s" and ws["D2"].number_format == "#,##0.00"
    assert ws.tables["Remittances"].ref == "A1:I2"
    after = parts_of(book)
    assert set(before) - set(after) == set()
    for name in before:
        if name not in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                        "xl/styles.xml"):
            assert after[name] == before[name], name
    saved = load_book(book)
    assert [(r.trace_number, r.amount, r.method) for r in saved.remittances] == \
        [("EFT300", 1000, "EFT")]
    # the next remittance is appended under the table, which grows
    _write(book, Remittances=[{**REMITTANCE, "trace_number": "CHK9", "method": "Check"}])
    assert [r.trace_number for r in load_book(book).remittances] == ["EFT300", "CHK9"]
    assert openpyxl.load_workbook(book)["Remittances"].tables["Remittances"].ref == "A1:I3"
    assert run("check", "-w", str(book)).exit_code == 0


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_added_column_and_sheet(book, tmp_path):
    _write(book, Payments=[PAYMENT], Remittances=[REMITTANCE])
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,"
                    "false,-1", "--outdir", str(tmp_path / "csv"), str(book)],
                   check=True, capture_output=True, timeout=120)
    payments = list(csv.reader(open(tmp_path / "csv" / "owner-Payments.csv", encoding="utf-8")))
    assert payments[0][14:16] == ["Reason Codes", "Remittance"]
    assert payments[3][14:16] == ["CO-45 PR-3", "EFT300"]
    remits = list(csv.reader(open(tmp_path / "csv" / "owner-Remittances.csv", encoding="utf-8")))
    assert remits[1][:4] == ["EFT300", "2026-11-20", "AET", "10"]
