"""claimbook void: an equal and opposite entry dated the day of the void; months already
reported keep their figures; IDs are never given twice."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import openpyxl
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _book(book_path):
    return book_path(
        Appointments=[line("A0001", date(2026, 10, 5), units=4, client_paid=2000,
                           checked_out=True),
                      line("A0002", date(2026, 10, 12), client="C2", policy="P2", units=2,
                           checked_out=True),
                      line("A0002", date(2026, 10, 12), client="C2", policy="P2",
                           code="97140", units=1, checked_out=True)],
        Payments=[payment("PMT0001", date(2026, 10, 20), "A0001", 8000, reference="EFT9"),
                  payment("PMT0002", date(2026, 10, 21), "A0002", 2000, source="Client",
                          payment_method="Card")])


def _report(path, month: str) -> dict:
    result = run("report", "--month", month, "--format", "json", "-w", str(path))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_voiding_a_payment_reverses_it_on_the_day_of_the_void(book_path):
    path = _book(book_path)
    october = _report(path, "2026-10")
    result = run("void", "--payment", "PMT0001", "--reason", "entered on the wrong visit",
                 "--date", "2026-11-28", "-w", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "PMT0003 reverses PMT0001: -$80.00 on 11/28/2026\n"
        "Voided payment PMT0001 (entered on the wrong visit); A0001 now owes $100.00: "
        "$100.00 expected from Aetna\n")
    book = load_book(path)
    original, reversal = book.payments[0], book.payments[-1]
    assert original.void_reason == "entered on the wrong visit (voided 2026-11-28 by PMT0003)"
    assert (reversal.payment_id, reversal.date_received, reversal.source, reversal.payer_id,
            reversal.reference, reversal.appointment_id, reversal.amount) == \
        ("PMT0003", date(2026, 11, 28), "Insurance", "AET", "EFT9", "A0001", -8000)
    assert reversal.void_reason == "Reverses PMT0001: entered on the wrong visit"
    assert _report(path, "2026-10") == october  # the reported month is as it was
    november = _report(path, "2026-11")
    assert november["insurance_payments"] == "-80.00"
    assert november["closing_ar"] == "175.00"  # A0001 120-20 + A0002 60+35-20
    balances = json.loads(run("balances", "--as-of", "11/28/2026", "--all", "--format",
                              "json", "-w", str(path)).output)
    a1 = next(b for b in balances if b["appointment_id"] == "A0001")
    assert (a1["balance"], a1["status"]) == ("100.00", "Unbilled")  # no answer from Aetna now


def test_the_same_check_may_be_applied_again_after_its_void(book_path):
    path = _book(book_path)
    run("void", "--payment", "PMT0001", "--reason", "wrong amount", "--date", "2026-11-28",
        "-w", str(path))
    result = run("pay", "--date", "2026-11-28", "--payer", "AET", "--reference", "EFT9",
                 "--apply", "A0001=85", "-w", str(path))
    assert result.exit_code == 0, result.output
    assert load_book(path).payments[-1].payment_id == "PMT0004"


def test_voiding_a_visit_reverses_every_line_and_names_its_payments(book_path):
    path = _book(book_path)
    october = _report(path, "2026-10")
    result = run("void", "--appointment", "A0002", "--reason", "wrong client", "--date",
                 "11/28/2026", "-w", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "A0002 97124: charge -$60.00 on 11/28/2026\n"
        "A0002 97140: charge -$35.00 on 11/28/2026\n"
        "Voided appointment A0002 (wrong client); A0002 now owes nothing (a credit of "
        "$20.00)\n")
    assert result.stderr == (
        "Warning: A0002's payments stay as they are: PMT0002 ($20.00 from the client); they "
        "leave a credit of $20.00. Void them too (claimbook void --payment ID), or refund or "
        "apply the credit\n")
    book = load_book(path)
    reversals = [ln for ln in book.lines if ln.appointment_id == "A0002"][2:]
    assert [(ln.date_of_service, ln.service_code, ln.units, ln.charge, ln.checked_out)
            for ln in reversals] == [(date(2026, 11, 28), "97124", -2, -6000, True),
                                     (date(2026, 11, 28), "97140", -1, -3500, True)]
    assert {ln.void_reason for ln in book.lines if ln.appointment_id == "A0002"} == {
        "wrong client (voided 2026-11-28)", "Reverses A0002: wrong client"}
    assert _report(path, "2026-10") == october
    assert run("check", "-w", str(path)).exit_code == 0
    status = json.loads(run("balances", "--all", "--as-of", "11/28/2026", "--format", "json",
                            "-w", str(path)).output)
    assert next(b for b in status if b["appointment_id"] == "A0002")["status"] == "Overpaid"
    run("void", "--payment", "PMT0002", "--reason", "wrong client", "--date", "2026-11-28",
        "-w", str(path))
    status = json.loads(run("balances", "--all", "--as-of", "11/28/2026", "--format", "json",
                            "-w", str(path)).output)
    assert next(b for b in status if b["appointment_id"] == "A0002")["status"] == "Voided"
    paid = run("pay", "--client", "--apply", "A0002=5", "--date", "2026-11-28", "-w", str(path))
    assert paid.exit_code == 1
    assert 'appointment "A0002" is voided (Appointments!T3)' in paid.stderr


def test_refusals_write_nothing(book_path):
    path = _book(book_path)
    run("void", "--payment", "PMT0001", "--reason", "twice", "--date", "2026-11-28",
        "-w", str(path))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for args, message in [
        (("--payment", "PMT0001", "--reason", "again"),
         'Error: --payment PMT0001: already voided (Payments!Q2: "twice (voided 2026-11-28 '
         'by PMT0003)")'),
        (("--payment", "PMT0003", "--reason", "undo"),
         "Error: --payment PMT0003: this is a void's reversal"),
        (("--payment", "PMT0009", "--reason", "x"),
         'Error: --payment PMT0009: no payment "PMT0009" in'),
        (("--appointment", "A0009", "--reason", "x"),
         'Error: --appointment A0009: no appointment "A0009" in'),
        (("--payment", "PMT0002", "--reason", "  "),
         "Error: --reason: say why (it goes in Void Reason)"),
        (("--payment", "PMT0002", "--reason", "x", "--date", "2026-10-01"),
         "Error: --payment PMT0002: it is dated 10/21/2026, after the void (10/01/2026)"),
    ]:
        result = run("void", *args, "-w", str(path))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(message), result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    both = run("void", "--payment", "PMT0002", "--appointment", "A0001", "--reason", "x",
               "-w", str(path))
    assert both.exit_code == 2


def test_a_workbook_without_a_void_reason_column_gets_one(tmp_path):
    from owner_books import owner_book

    path = owner_book(tmp_path / "owner.xlsx")
    result = run("void", "--appointment", "A0001", "--reason", "booked twice", "--date",
                 "11/28/2026", "-w", str(path))
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(path)["Appointments"]
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "Void Reason"
    column = len(headers)
    assert ws.cell(2, column).value == "booked twice (voided 2026-11-28)"
    assert ws.cell(ws.max_row, column).value == "Reverses A0001: booked twice"


def test_a_deleted_visit_id_is_not_given_again(book_path, tmp_path):
    path = _book(book_path)
    first = run("checkout", "--client", "C1", "--staff", "S1", "--service", "MASSAGE60",
                "--date", "2026-11-28", "-w", str(path))
    assert first.output.startswith("A0003\n")
    # the owner deletes that visit's row in Excel (openpyxl stands in for Excel here)
    wb = openpyxl.load_workbook(path)
    ws = wb["Appointments"]
    ws.delete_rows(ws.max_row)
    wb.save(path)
    assert [p.name for p in wb.custom_doc_props.props] == ["claimbook last Appointment ID"]
    again = run("checkout", "--client", "C1", "--staff", "S1", "--service", "MASSAGE60",
                "--date", "2026-11-28", "-w", str(path))
    assert again.exit_code == 0, again.output
    assert again.output.startswith("A0004\n")  # not A0003 again
