"""claimbook pay: one check across many visits, a remittance CSV, adjustments and
patient responsibility, a client paying what remains, Product Title by the convention,
and the refusals (nothing written)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest

from claimbook.io.xlsx.reader import load_book
from conftest import line, payment
from owner_books import owner_book, parts_of, run, sheet_part


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unchanged(path, before: str) -> None:
    assert _digest(path) == before
    assert not (path.parent / "backups").exists()


def test_one_check_across_two_visits_with_adjustment_and_patient_responsibility(book):
    run("checkout", "--date", "2026-11-02", "--client", "C1", "--staff", "S1", "--policy",
        "P1", "--service", "97124", "--units", "3", "-w", str(book))
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT200",
                 "--apply", "A0001=15.00", "--adjust", "A0001=5.00:CO-45",
                 "--apply", "A0004=50.00", "--adjust", "A0004=15:CO-45",
                 "--pr", "A0004=25.00", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "PMT0003  A0001  $15.00, adjustment $5.00 (CO-45); now owes nothing\n"
        "PMT0004  A0004  $50.00, adjustment $15.00 (CO-45), patient responsibility $25.00; "
        "now owes $25.00: $25.00 from the client\n"
        "$65.00 from Aetna (EFT200) applied to 2 visits\n")
    saved = load_book(book)
    first, second = saved.payments[-2:]
    assert (first.reference, first.amount, first.adjustment, first.adjustment_reason) == (
        "EFT200", 1500, 500, "CO-45")
    assert second.patient_responsibility == 2500
    assert second.product_title == "Insurance Billing - Ann Lee - 2026-11-02"
    assert saved.clients["C1"].reminder == ("Nothing paid 11/02/2026; balance of $25.00 "
                                            "remains: $25.00 from the client")


def test_the_client_pays_what_remains(book):
    run("checkout", "--date", "2026-11-02", "--client", "C1", "--staff", "S1", "--policy",
        "P1", "--service", "97124", "--units", "3", "-w", str(book))
    run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT200", "--apply",
        "A0004=50.00", "--adjust", "A0004=15:CO-45", "--pr", "A0004=25.00", "-w", str(book))
    result = run("pay", "--date", "2026-11-25", "--client", "--apply", "A0004", "-w", str(book))
    assert result.exit_code == 0, result.output
    assert result.output == ("PMT0004  A0004  $25.00; now owes nothing\n"
                             "$25.00 from the client applied to 1 visit\n")
    saved = load_book(book)
    assert saved.payments[-1].source == "Client" and saved.payments[-1].product_title is None
    assert saved.clients["C1"].reminder.startswith("Partial payment taken 10/05/2026")


def test_a_client_named_like_a_formula_stays_text_in_the_product_title(book):
    result = run("pay", "--date", "2026-11-20", "--payer", "SF", "--reference", "CHK8",
                 "--apply", "A0002=10.00", "-w", str(book))
    assert result.exit_code == 0, result.output
    xml = parts_of(book)[sheet_part(book, "Payments")]
    row = re.search(rb'<row r="4".*?</row>', xml).group(0)
    assert (b'<is><t>Insurance Billing - =1+2 Lee - 2026-10-12</t></is>' in row)
    assert b"<f>" not in row
    assert load_book(book).payments[-1].product_title == \
        "Insurance Billing - =1+2 Lee - 2026-10-12"
    clients = parts_of(book)[sheet_part(book, "Clients")]
    assert b"<f>" not in clients


def test_a_remittance_csv_applies_many_visits(book, tmp_path):
    remit = tmp_path / "remit.csv"
    remit.write_text("appointment id,Amount,Adjustment,Adjustment Reason,Patient Responsibility\n"
                     "A0001,10.00,10.00,CO-45,\n\nA0002,$40.00,,,\n")
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT9",
                 "--csv", str(remit), "-w", str(book))
    assert result.exit_code == 1  # A0002 is State Farm's
    assert result.output == (f'Error: {remit}:4: AET is not the payer of appointment "A0002" '
                             '(its policy "P2" is with SF)\n')
    remit.write_text("Appointment ID,Amount,Adjustment,Adjustment Reason\nA0001,10.00,10.00,"
                     "CO-45\n")
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT9",
                 "--csv", str(remit), "-w", str(book))
    assert result.exit_code == 0, result.output
    assert load_book(book).payments[-1].adjustment == 1000


@pytest.mark.parametrize(("args", "message"), [
    (("--payer", "AET", "--reference", "EFT1", "--apply", "A0404=10"),
     '--apply A0404=10: no appointment "A0404" in {path}'),
    (("--payer", "AET", "--reference", "eft100", "--apply", "A0001=10"),
     '--apply A0001=10: reference "eft100" is already applied to appointment "A0001" '
     "(Payments!E2)"),
    (("--payer", "SF", "--reference", "X1", "--apply", "A0001=10"),
     '--apply A0001=10: SF is not the payer of appointment "A0001" (its policy "P1" is '
     "with AET)"),
    (("--payer", "AET", "--reference", "X1", "--apply", "A0003=10"),
     '--apply A0003=10: appointment "A0003" is self-pay; AET does not pay it'),
    (("--payer", "XX", "--reference", "X1", "--apply", "A0001=10"),
     '--payer XX: no payer "XX" in {path}'),
    (("--payer", "AET", "--reference", "X1", "--apply", "A0001=1", "--apply", "A0001=2"),
     '--apply A0001=2: appointment "A0001" is given twice'),
    (("--payer", "AET", "--reference", "X1", "--apply", "A0001=ten"),
     '--apply A0001=ten: "ten" is not an amount'),
    (("--client", "--apply", "A0002"),
     '--apply A0002: nothing is due from the client on appointment "A0002"; give the '
     "amount (e.g. A0002=20.00)"),
])
def test_refused_payments_write_nothing(book, args, message):
    before = _digest(book)
    result = run("pay", "--date", "2026-11-20", *args, "-w", str(book))
    assert result.exit_code == 1
    assert result.output == f"Error: {message.format(path=book)}\n"
    _unchanged(book, before)


def test_a_refusal_on_the_second_visit_writes_nothing_for_the_first(book):
    before = _digest(book)
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "E7",
                 "--apply", "A0001=5", "--apply", "A0002=5", "-w", str(book))
    assert result.exit_code == 1
    _unchanged(book, before)


def test_overpaying_warns_and_needs_yes(book):
    before = _digest(book)
    args = ("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "E8", "--apply",
            "A0001=500", "-w", str(book))
    result = run(*args)
    assert result.exit_code == 1
    assert result.output == ('Error: appointment "A0001" would be overpaid: its balance of '
                             "$20.00 becomes -$480.00; nothing was written (run again with "
                             "--yes to record it anyway)\n")
    _unchanged(book, before)
    result = run(*args, "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.startswith('Warning: appointment "A0001" would be overpaid')
    assert "now owes nothing (a credit of $480.00)" in result.output
    assert "credit of $480.00 to refund or apply" in load_book(book).clients["C1"].reminder


@pytest.mark.parametrize(("args", "message"), [
    (("--apply", "A0001=1"), "give --payer PAYER_ID or --client (one of them)"),
    (("--payer", "AET", "--apply", "A0001=1"), "give the check or EFT number with --reference"),
    (("--payer", "AET", "--reference", "R"), "give at least one --apply"),
])
def test_usage_errors_exit_2(book, args, message):
    result = run("pay", *args, "-w", str(book))
    assert result.exit_code == 2
    assert message in result.output


def test_an_adjustment_alone_is_a_row_with_no_money(book):
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "DENY1",
                 "--adjust", "A0001=20:CO-45", "-w", str(book))
    assert result.exit_code == 0, result.output
    last = load_book(book).payments[-1]
    assert (last.amount, last.adjustment, last.adjustment_reason) == (0, 2000, "CO-45")


def test_a_column_the_payment_needs_but_the_sheet_lacks_is_refused(tmp_path):
    path = owner_book(tmp_path / "narrow.xlsx", drop=("Adjustment", "Net", "Product Title"))
    before = _digest(path)
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "R1",
                 "--apply", "A0001=10", "--adjust", "A0001=5:CO-45", "-w", str(path))
    assert result.exit_code == 1
    assert result.output == ('Error: Payments: no "Adjustment" column to write to; add it to '
                             "the header row and run the command again\n")
    _unchanged(path, before)
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "R1",
                 "--apply", "A0001=10", "-w", str(path))
    assert result.exit_code == 0, result.output  # no Product Title column: it is left out
    assert load_book(path).payments[-1].amount == 1000


def test_pay_json(book):
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT300",
                 "--apply", "A0001", "--format", "json", "-w", str(book))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["payment_ids"] == ["PMT0003"]
    assert out["payments"][0]["amount"] == "20.00" and out["payments"][0]["balance"] == "0.00"
    assert out["rows"] == {"Payments": [4]} and out["backup"].endswith(".xlsx")


def test_pay_into_a_fresh_template_workbook(book_path):
    path = book_path(Appointments=[line("A1", date(2026, 11, 2), units=2)])
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "R1",
                 "--apply", "A1=40", "-w", str(path))
    assert result.exit_code == 0, result.output
    saved = load_book(path)
    assert saved.payments[0].src.row == 2  # the table's blank row to type into
    assert saved.payments[0].date_received == date(2026, 11, 20)
    xml = parts_of(path)[sheet_part(path, "Payments")]
    assert b'<dimension ref="A1:Q2"/>' in xml


def test_an_unreadable_cell_of_the_visit_paid_stops_the_payment_naming_it(book_path):
    path = book_path(Appointments=[line("A1", date(2026, 11, 2), units=2),
                                   line("A2", date(2026, 11, 3), client="C2", policy="P2",
                                        units=2)],
                     Payments=[payment("X1", date(2026, 11, 10), "A1", "12O.00")])
    before = _digest(path)
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "R1",
                 "--apply", "A1=10", "-w", str(path))
    assert result.exit_code == 1
    assert result.output.startswith('Error: Payments!G2: "12O.00" is not an amount')
    _unchanged(path, before)
    result = run("pay", "--date", "2026-11-20", "--payer", "SF", "--reference", "R1",
                 "--apply", "A2=10", "-w", str(path))
    assert result.exit_code == 0, result.output  # that row is check's business, not A2's
