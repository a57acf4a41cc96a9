"""One date style everywhere a person reads a date: the Practice setting "Date Style"
(MM/DD/YYYY by default, or YYYY-MM-DD) in reminders, at the desk, on receipts and
statements (PDF and sheet) and in claim and era output; JSON keeps ISO. And a visit paid
before its day reads as paid ahead in the Reminder, not as overpaid.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.compute.balances import balances
from claimbook.compute.reminders import reminder_text
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment
from papers import (
    pdf_text,
)

ISO = {"date_style": "YYYY-MM-DD"}


def run(*args: str):
    return CliRunner().invoke(cli, [*args])


def one_line(text: str) -> str:
    return " ".join(text.split())


# -- the Reminder ------------------------------------------------------------------------------
def prepaid_book(book_path, settings=None):
    return book_path(settings, Appointments=[
        line("A1", date(2026, 10, 5), units=4, client_paid=2000),
        line("A2", date(2026, 12, 10), client="C2", policy=None, code="MASSAGE60"),
        line("A3", date(2026, 11, 2), client="C2", policy=None, code="MASSAGE60")],
        Payments=[payment("X1", date(2026, 11, 25), "A2", 13500, source="Client"),
                  payment("X2", date(2026, 11, 3), "A3", 10000, source="Client")])


def test_a_visit_paid_before_its_day_reads_as_paid_ahead(book_path):
    saved = load_book(prepaid_book(book_path))
    items = [b for b in balances(saved, date(2026, 11, 30)) if b.client_id == "C2"]
    assert [b.status for b in items] == ["Overpaid", "Prepaid"]
    assert reminder_text(saved, items) == (
        "Visit of 11/02/2026 overpaid; credit of $10.00 to refund or apply. "
        "Paid $135.00 ahead for the visit of 12/10/2026")


@pytest.mark.parametrize("settings, day, visit, sent", [
    (None, "10/05/2026", "12/10/2026", "11/30/2026"),
    (ISO, "2026-10-05", "2026-12-10", "2026-11-30")])
def test_every_date_of_a_reminder_in_the_practices_style(book_path, settings, day, visit,
                                                         sent):
    saved = load_book(prepaid_book(book_path, settings))
    items = balances(saved, date(2026, 11, 30))
    ann = reminder_text(saved, [b for b in items if b.client_id == "C1"], date(2026, 11, 30))
    assert ann == (f"Partial payment taken {day}; balance of $100.00 remains: $100.00 "
                   f"expected from Aetna. Statement sent {sent}")
    bo = reminder_text(saved, [b for b in items if b.client_id == "C2"])
    assert bo.endswith(f"Paid $135.00 ahead for the visit of {visit}")


# -- at the desk -------------------------------------------------------------------------------
def test_the_desk_commands_print_the_practices_style(book_path, monkeypatch):
    monkeypatch.setenv("CLAIMBOOK_TODAY", "2026-11-30")
    path = prepaid_book(book_path, ISO)
    checkout = run("checkout", "-w", str(path), "--date", "11/29/2026", "--client", "C1",
                   "--staff", "S1", "--service", "97124", "--units", "2", "--yes")
    assert checkout.exit_code == 0, checkout.output
    assert "Ann Lee, 2026-11-29, Tess Therapist" in checkout.output
    today = run("today", "-w", str(path), "--date", "2026-11-29")
    assert "Partial payment taken 2026-10-05" in today.output
    assert run("today", "-w", str(path), "--date", "2026-12-25").output == \
        "No visits on 2026-12-25\n"
    as_json = json.loads(run("today", "-w", str(path), "--date", "2026-11-29", "--format",
                             "json").output)
    assert as_json[0]["date_of_service"] == "2026-11-29"  # JSON keeps ISO in any style
    void = run("void", "-w", str(path), "--payment", "X2", "--reason", "twice", "--date",
               "11/28/2026", "--yes")
    assert "X3 reverses X2: -$100.00 on 2026-11-28" in void.output, void.output
    history = run("history", "-w", str(path), "--client", "C2", "--as-of", "2026-11-30")
    assert history.output.splitlines()[2].startswith("2026-11-02  A3")
    assert "as of 2026-11-30" in history.output
    far = run("pay", "-w", str(path), "--date", "11/28/2027", "--client",
              "--apply", "A1=10")
    assert far.stderr.startswith("Error: 2027-11-28 is 363 days after today (2026-11-30)")


# -- receipts and statements -------------------------------------------------------------------
def test_receipts_and_statements_in_iso(practice, tmp_path):
    path = practice(ISO)
    out = tmp_path / "out"
    result = run("receipt", "-w", str(path), "--appointment", "A1", "--out", str(out),
                 "--as-of", "2026-11-29")
    assert result.exit_code == 0, result.output
    text = one_line(pdf_text((out / "receipt-A1.pdf").read_bytes()))
    assert "Date issued 2026-11-29" in text and "Date of service 2026-10-05" in text
    assert "We billed State Farm on 2026-10-07" in text
    assert "10/05/2026" not in text and "11/29/2026" not in text
    ws = openpyxl.load_workbook(out / "receipt-A1.xlsx").active
    dated = [c for row in ws.iter_rows() for c in row if isinstance(c.value, datetime)]
    assert len(dated) >= 3 and {c.number_format for c in dated} == {"yyyy-mm-dd"}
    statement = run("statement", "-w", str(path), "--client", "C2", "--out", str(out),
                    "--as-of", "2026-11-30")
    assert statement.exit_code == 0, statement.output
    text = one_line(pdf_text((out / "statement-C2-2026-11-30.pdf").read_bytes()))
    assert "Statement date 2026-11-30" in text and "Due by 2026-12-30" in text
    assert "10/05/2026" not in text


def test_an_unset_date_style_is_the_us_style(practice, tmp_path):
    out = tmp_path / "out"
    assert run("receipt", "-w", str(practice()), "--appointment", "A1", "--out", str(out),
               "--as-of", "2026-11-29").exit_code == 0
    text = one_line(pdf_text((out / "receipt-A1.pdf").read_bytes()))
    assert "Date issued 11/29/2026" in text and "2026-11-29" not in text
    ws = openpyxl.load_workbook(out / "receipt-A1.xlsx").active
    assert {c.number_format for row in ws.iter_rows() for c in row
            if isinstance(c.value, datetime)} == {"mm/dd/yyyy"}


def test_claim_and_era_output_in_the_practices_style(tmp_path):
    from claim_fixtures import claim_book

    path = claim_book(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)  # the owner sets the Date Style in Excel
    ws = wb["Practice"]
    for row in ws.iter_rows():
        if row[0].value == "Date Style":
            row[1].value = "YYYY-MM-DD"
    wb.save(path)
    dry = run("claim", "-w", str(path), "--unbilled", "--date", "2026-10-31", "--dry-run")
    assert "  A1  2026-10-05  Ann Lee" in dry.output, dry.output
