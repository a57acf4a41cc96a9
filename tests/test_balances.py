"""The contract's computation, rule by rule, on real workbooks read back from disk."""

from datetime import date, timedelta

import pytest

from claimbook.compute.balances import aging_bucket, balances, line_units
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment

DOS = date(2026, 10, 1)


def _one(path, as_of):
    book = load_book(path)
    rows = balances(book, as_of, include_paid=True)
    assert len(rows) <= 1
    return rows[0] if rows else None


@pytest.mark.parametrize("minutes, units", [(7, 0), (8, 1), (22, 1), (23, 2), (52, 3), (53, 4)])
def test_eight_minute_rule(book_path, minutes, units):
    path = book_path(Appointments=[line("A1", DOS, minutes=minutes)])
    book = load_book(path)
    assert line_units(book.lines[0], book.services["97124"]) == units
    assert _one(path, DOS).charge == units * 3000


def test_units_win_over_minutes_and_untimed_is_one_unit(book_path):
    path = book_path(Appointments=[line("A1", DOS, minutes=60, units=2),
                                   line("A1", DOS, code="MASSAGE60", minutes=60)])
    assert _one(path, DOS).charge == 2 * 3000 + 9000


def test_minutes_per_unit_replaces_fifteen(book_path):
    services = [{"service_code": "97124", "description": "Massage", "minutes_per_unit": 30,
                 "fee_per_unit": 5000, "timed": True}]
    path = book_path(Services=services, Appointments=[line("A1", DOS, minutes=67)])
    assert _one(path, DOS).charge == 2 * 5000  # 67 = 2 x 30 + 7: the 7 is under 8


def test_charge_typed_wins(book_path):
    path = book_path(Appointments=[line("A1", DOS, minutes=60, charge=11111)])
    assert _one(path, DOS).charge == 11111


def test_two_line_visit_counts_paid_and_discount_on_any_line(book_path):
    path = book_path(Appointments=[
        line("A1", DOS, minutes=30), line("A1", DOS, code="97140", units=2, client_paid=2500,
                                          discount=500)])
    b = _one(path, DOS)
    assert (b.charge, b.client_paid, b.discount) == (6000 + 7000, 2500, 500)
    assert b.balance == 13000 - 500 - 2500
    assert b.service_codes == ("97124", "97140")


def test_as_of_cut_offs(book_path):
    path = book_path(
        Appointments=[line("A1", DOS, units=4, billed_date=DOS + timedelta(days=2))],
        Payments=[payment("P1", DOS + timedelta(days=10), "A1", 8000, adjustment=2000,
                          patient_responsibility=2000)])
    assert _one(path, DOS - timedelta(days=1)) is None
    on_the_day = _one(path, DOS)
    assert (on_the_day.balance, on_the_day.status) == (12000, "Unbilled")
    billed = _one(path, DOS + timedelta(days=9))
    assert (billed.balance, billed.status, billed.insurance_due) == (12000, "Billed", 12000)
    paid = _one(path, DOS + timedelta(days=10))
    assert (paid.insurance_paid, paid.adjustments, paid.balance) == (8000, 2000, 2000)
    assert (paid.client_due, paid.insurance_due, paid.status) == (2000, 0, "Client Due")


def test_prepayment_is_a_credit_until_the_visit(book_path):
    path = book_path(
        Appointments=[line("A1", DOS, client="C1", policy=None, code="MASSAGE60")],
        Payments=[payment("P1", DOS - timedelta(days=5), "A1", 9000, source="Client")])
    before = _one(path, DOS - timedelta(days=1))
    assert (before.balance, before.client_due, before.status) == (-9000, -9000, "Prepaid")
    assert before.aging_bucket == "0-30" and before.age_days == 0
    assert _one(path, DOS).status == "Paid"


def test_every_status(book_path):
    path = book_path(
        Appointments=[
            line("U", DOS, units=1),
            line("B", DOS, units=1, billed_date=DOS),
            line("PP", DOS, units=1, billed_date=DOS, claim_status="Appealed"),
            line("CD", DOS, client="C2", policy=None, code="MASSAGE60"),
            line("PD", DOS, client="C2", policy=None, code="MASSAGE60", client_paid=9000),
            line("OP", DOS, client="C2", policy=None, code="MASSAGE60", client_paid=9500)],
        Payments=[payment("P1", DOS, "PP", 1000)])
    book = load_book(path)
    status = {b.appointment_id: b.status for b in balances(book, DOS, include_paid=True)}
    assert status == {"U": "Unbilled", "B": "Billed", "PP": "Partially Paid",
                      "CD": "Client Due", "PD": "Paid", "OP": "Overpaid"}
    appealed = next(b for b in balances(book, DOS) if b.appointment_id == "PP")
    assert appealed.claim_status == "Appealed"  # beside the status, never instead of it
    assert {b.appointment_id for b in balances(book, DOS)} == {"U", "B", "PP", "CD", "OP"}


@pytest.mark.parametrize("days, bucket", [
    (0, "0-30"), (30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"),
    (91, "91-120"), (120, "91-120"), (121, "120+"), (400, "120+")])
def test_aging_buckets(book_path, days, bucket):
    assert aging_bucket(days) == bucket
    path = book_path(Appointments=[line("A1", DOS, units=1)])
    b = _one(path, DOS + timedelta(days=days))
    assert (b.age_days, b.aging_bucket) == (days, bucket)


def test_aging_basis_billed_date(book_path):
    path = book_path({"aging_basis": "Billed Date"},
                     Appointments=[line("A1", DOS, units=1, billed_date=DOS + timedelta(days=20)),
                                   line("A2", DOS, units=1)])
    book = load_book(path)
    ages = {b.appointment_id: b.age_days for b in balances(book, DOS + timedelta(days=50))}
    assert ages == {"A1": 30, "A2": 50}  # no Billed Date: the date of service


def test_client_due_kept_within_zero_and_the_balance(book_path):
    path = book_path(
        Appointments=[line("A1", DOS, units=2, client_paid=2500, billed_date=DOS),
                      line("A2", DOS, units=2, billed_date=DOS)],
        Payments=[payment("P1", DOS, "A1", 1000, patient_responsibility=1000),
                  payment("P2", DOS, "A2", 1000, patient_responsibility=99999)])
    book = load_book(path)
    due = {b.appointment_id: (b.client_due, b.insurance_due) for b in balances(book, DOS)}
    assert due["A1"] == (0, 6000 - 2500 - 1000)  # PR 10.00 - paid 25.00 < 0 -> 0
    assert due["A2"] == (5000, 0)  # PR above the balance -> the balance


def test_self_pay_balance_is_the_clients(book_path):
    path = book_path(Appointments=[line("A1", DOS, client="C2", policy=None, code="MASSAGE60",
                                        client_paid=4000)])
    b = _one(path, DOS)
    assert (b.client_due, b.insurance_due, b.status, b.payer_id) == (5000, 0, "Client Due", None)


def test_timely_filing_deadline_payer_else_practice(book_path):
    path = book_path(Appointments=[line("A1", DOS, units=1),
                                   line("A2", DOS, client="C2", policy="P2", units=1)])
    book = load_book(path)
    deadlines = {b.appointment_id: b.timely_filing_deadline for b in balances(book, DOS)}
    assert deadlines == {"A1": DOS + timedelta(days=90), "A2": DOS + timedelta(days=365)}


def test_statuses_once_the_insurer_answers(book_path):
    """Denied for a $0 answer, Client Due once nothing is due from the insurer, Partially
    Paid otherwise; the visit's Billed Date is its earliest line's, whatever the order."""
    path = book_path(
        Appointments=[line("D1", DOS, units=4, billed_date=DOS + timedelta(days=5)),
                      line("D1", DOS, code="97140", units=1, billed_date=DOS + timedelta(days=2)),
                      line("C1", DOS, units=4), line("P1", DOS, units=4)],
        Payments=[payment("X1", DOS + timedelta(days=20), "D1", 0, reason_codes="CO-50"),
                  payment("X2", DOS + timedelta(days=20), "C1", 8000, adjustment=2000,
                          patient_responsibility=2000),
                  payment("X3", DOS + timedelta(days=20), "P1", 5000)])
    book = load_book(path)
    at = {b.appointment_id: b for b in balances(book, DOS + timedelta(days=3), include_paid=True)}
    assert (at["D1"].status, at["D1"].billed_date) == ("Billed", DOS + timedelta(days=2))
    later = {b.appointment_id: b for b in balances(book, DOS + timedelta(days=30))}
    assert later["D1"].status == "Denied"
    assert (later["C1"].status, later["C1"].client_due) == ("Client Due", 2000)
    assert later["P1"].status == "Partially Paid"
