"""claimbook remind and today: reminders in the article's words, cleared when they no
longer apply, Notes never touched; the Outstanding sheet by payer, oldest first."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date

import pytest
import xlsxwriter

from claimbook.compute.balances import balances
from claimbook.compute.reminders import reminder_text, visit_sentence
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment
from owner_books import cells, owner_book, parts_of, run, sheet_part


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def test_the_articles_sentence(book_path):
    path = book_path(Appointments=[line("A1", date(2026, 10, 5), units=4, client_paid=2000)],
                     Payments=[payment("X1", date(2026, 10, 20), "A1", 0,
                                       patient_responsibility=4000)])
    saved = load_book(path)
    item = balances(saved, date(2026, 10, 31))[0]
    assert visit_sentence(item, "Aetna") == (
        "Partial payment taken 10/05/2026; balance of $100.00 remains: $80.00 expected from "
        "Aetna, $20.00 from the client")


def test_many_open_visits_are_summed_up_after_five(book_path):
    days = [date(2026, 9, d) for d in range(1, 8)]
    path = book_path(Appointments=[line(f"A{i}", d, units=1) for i, d in enumerate(days)])
    saved = load_book(path)
    text = reminder_text(saved, balances(saved, date(2026, 10, 1)))
    assert text.count("Nothing paid") == 5
    assert text.endswith(". Also 2 more visits with $60.00 open")


def test_remind_sets_and_clears_reminders_and_never_touches_notes(book):
    before = cells(book)["Clients"]
    result = run("remind", "--date", "2026-11-29", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert result.output == ("Reminders changed: 2 set, 0 cleared, 1 unchanged. "
                             "Outstanding: 2 visits, $60.00 expected from insurers\n")
    saved = load_book(book)
    assert saved.clients["C1"].reminder == ("Partial payment taken 10/05/2026; balance of "
                                            "$20.00 remains: $20.00 expected from Aetna")
    assert saved.clients["C2"].reminder == ("Nothing paid 10/12/2026; balance of $40.00 "
                                            "remains: $40.00 expected from State Farm")
    assert saved.clients["C3"].reminder is None
    after = cells(book)["Clients"]
    assert [r[5] for r in after] == [r[5] for r in before]  # Notes
    result = run("pay", "--date", "2026-11-29", "--payer", "AET", "--reference", "E1",
                 "--apply", "A0001", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert load_book(book).clients["C1"].reminder is None  # cleared by pay already
    result = run("remind", "--date", "2026-11-29", "-w", str(book))
    assert "0 set, 0 cleared, 3 unchanged" in result.output


def test_remind_clears_a_stale_reminder(tmp_path):
    path = owner_book(tmp_path / "stale.xlsx", payments=[
        ["PMT0001", date(2026, 10, 20), "Insurance", "AET", "EFT100", "A0001", 80, 20,
         "CO-45", None, None, None, None, None]])
    result = run("remind", "--date", "2026-11-29", "-w", str(path))
    assert "1 set, 1 cleared, 1 unchanged" in result.output
    assert load_book(path).clients["C1"].reminder is None  # "Old reminder" no longer applies


def test_the_outstanding_sheet_lists_insurance_due_by_payer_oldest_first(book):
    run("checkout", "--date", "2026-11-02", "--client", "C2", "--staff", "S1", "--policy",
        "P2", "--service", "97124", "--units", "1", "-w", str(book))
    run("checkout", "--date", "2026-09-01", "--client", "C1", "--staff", "S1", "--policy",
        "P1", "--service", "97124", "--units", "1", "--yes", "-w", str(book))  # far back
    result = run("remind", "--date", "2026-11-29", "-w", str(book))
    assert result.exit_code == 0, result.output
    rows = cells(book)["Outstanding"]
    assert rows[0][0] == "Outstanding insurance payments"
    assert rows[1][0].startswith("As of 11/29/2026: 4 visits, $120.00 expected from insurers.")
    assert rows[3][:4] == ["Payer", "Date of Service", "Appointment ID", "Client"]
    listed = [(r[0], r[2], r[8], r[15]) for r in rows[4:]]  # each payer, then its subtotal
    assert listed == [("Aetna", "A0005", 30.0, "AET"), ("Aetna", "A0001", 20.0, "AET"),
                      ("Aetna total", "", 50.0, ""), ("State Farm", "A0002", 40.0, "SF"),
                      ("State Farm", "A0004", 30.0, "SF"), ("State Farm total", "", 70.0, ""),
                      ("All payers", "", 120.0, "")]
    assert rows[4][1] == date(2026, 9, 1)  # a real date, in a date format
    assert rows[4][18] == "Insurance Billing - Ann Lee - 2026-09-01"


def test_an_owners_own_outstanding_sheet_is_never_overwritten(tmp_path):
    path = tmp_path / "own.xlsx"
    owner_book(path)
    import zipfile

    # rename the owner's Summary sheet to Outstanding in workbook.xml
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="Summary"',
                                                                b'name="Outstanding"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("remind", "--date", "2026-11-29", "-w", str(path))
    assert result.exit_code == 1
    assert result.output == (f'Error: {path}: a sheet of yours is called "Outstanding"; '
                             "rename it so claimbook can keep its Outstanding list there\n")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_remind_needs_a_reminder_column(tmp_path):
    path = tmp_path / "bare.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    sheets = {"Practice": [["Setting", "Value"], ["Practice Name", "P"]],
              "Staff": [["Staff ID", "Name"]], "Clients": [["Client ID", "First Name",
                                                            "Last Name"]],
              "Payers": [["Payer ID", "Name"]], "Policies": [["Policy ID", "Client ID",
                                                              "Payer ID"]],
              "Services": [["Service Code", "Description", "Fee per Unit"]],
              "Appointments": [["Appointment ID", "Date of Service", "Client ID", "Staff ID",
                                "Service Code"]],
              "Payments": [["Payment ID", "Date Received", "Source", "Appointment ID",
                            "Amount"]]}
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    wb.close()
    result = run("remind", "-w", str(path))
    assert result.exit_code == 1
    assert result.output == ('Error: Clients: no "Reminder" column; add one to its header '
                             "row and run the command again\n")


def test_remind_dry_run_writes_nothing(book):
    before = parts_of(book)
    result = run("remind", "--date", "2026-11-29", "--dry-run", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("C1: Partial payment taken 10/05/2026; balance of "
                                             "$20.00 remains: $20.00 expected from Aetna")
    assert "would change: 2 set" in result.output
    assert parts_of(book) == before


def test_today_lists_the_days_visits_with_each_reminder(book):
    run("checkout", "--date", "2026-11-02", "--client", "C1", "--staff", "S1", "--policy",
        "P1", "--service", "97124", "--units", "2", "--paid", "10", "-w", str(book))
    result = run("today", "--date", "2026-11-02", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "A0004  Ann Lee (C1)  Tess Therapist  97124  checked out\n"
        "    Reminder: Partial payment taken 10/05/2026; balance of $20.00 remains: $20.00 "
        "expected from Aetna. Partial payment taken 11/02/2026; balance of $50.00 remains: "
        "$50.00 expected from Aetna\n")
    out = json.loads(run("today", "--date", "2026-10-13", "--format", "json", "-w",
                         str(book)).output)
    assert out == [{"appointment_id": "A0003", "date_of_service": "2026-10-13",
                    "client_id": "C3", "client_name": "Bo Diaz", "staff_id": "S1",
                    "staff": "Tess Therapist", "services": ["MASSAGE60"], "checked_out": True,
                    "reminder": None}]
    assert run("today", "--date", "2026-12-25", "-w", str(book)).output == \
        "No visits on 12/25/2026\n"


def test_the_outstanding_part_is_a_sheet_of_the_workbook(book):
    run("remind", "--date", "2026-11-29", "-w", str(book))
    part = sheet_part(book, "Outstanding")
    types = parts_of(book)["[Content_Types].xml"]
    assert f'PartName="/{part}"'.encode() in types


def _reminder_cells(path) -> dict[str, bytes]:
    """Clients' Reminder cells (column E) as stored, by reference."""
    xml = parts_of(path)[sheet_part(path, "Clients")]
    return {ref.decode(): element
            for ref, element in re.findall(rb'(?=<c r="(E\d+)")(<c [^>]*?(?:/>|>.*?</c>))',
                                           xml, re.S)}


def test_a_reminder_keeps_its_cells_style(book):
    before = _reminder_cells(book)
    result = run("remind", "--date", "2026-11-29", "-w", str(book))
    assert "2 set" in result.output
    after = _reminder_cells(book)
    style = re.compile(rb'\ss="(\d+)"')
    for ref in ("E2", "E3"):  # "Old reminder" rewritten, a blank filled in
        assert after[ref] != before[ref]
        assert style.search(after[ref]).group(1) == style.search(before[ref]).group(1)
    assert after["E4"] == before["E4"]


def test_a_reminder_with_no_cell_yet_goes_in_its_place(book, tmp_path):
    part = sheet_part(book, "Clients")
    parts = parts_of(book)
    parts[part] = re.sub(rb'<c r="E3"[^>]*?(?:/>|>.*?</c>)', b"", parts[part], flags=re.S)
    assert b'r="E3"' not in parts[part]
    bare = tmp_path / "no-cell.xlsx"
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, parts[info.filename])
    result = run("remind", "--date", "2026-11-29", "-w", str(bare))
    assert result.exit_code == 0, result.output
    row = re.search(rb'<row r="3".*?</row>', parts_of(bare)[part], re.S).group(0)
    assert re.findall(rb'<c r="([A-Z])3"', row) == [b"A", b"B", b"C", b"D", b"E", b"F"]
    assert load_book(bare).clients["C2"].reminder.startswith("Nothing paid 10/12/2026")
