"""The desk's money decisions at their boundaries, worked by hand: what "what remains"
charges each side, when a payment overpays, and when a payment clears a visit checked
out in the Reverse flow.

The visit A1 (2026-10-01, Aetna policy P1): 2 units of 97124 at $30 = $60.00, $10.00
paid by the client at the desk. Before any answer from Aetna: balance $50.00, all of
it Aetna's.
"""

from __future__ import annotations

from datetime import date

import pytest

from claimbook.compute.desk import Allocation, PaymentRequest, plan_payment
from claimbook.io.xlsx.reader import book_of
from claimbook.rules import schema
from claimbook.rules.problems import BadRequest
from claimbook.rules.records import RECORD_CLASSES, Settings, Source

DOS = date(2026, 10, 1)


def record(sheet: str, row: int, **values):
    fields = dict.fromkeys(schema.sheet(sheet).fields)
    fields.update(values)
    return RECORD_CLASSES[sheet](**fields, src=Source(sheet, row, {}))


def book(payments=(), flow="Discount First", checked_out=True):
    rows = {
        "Staff": [record("Staff", 2, staff_id="S1", name="Tess")],
        "Clients": [record("Clients", 2, client_id="C1", first_name="Ann", last_name="Lee")],
        "Payers": [record("Payers", 2, payer_id="AET", name="Aetna")],
        "Policies": [record("Policies", 2, policy_id="P1", client_id="C1", payer_id="AET")],
        "Services": [record("Services", 2, service_code="97124", fee_per_unit=3000,
                            minutes_per_unit=15, timed=True)],
        "Appointments": [record("Appointments", 2, appointment_id="A1", date_of_service=DOS,
                                client_id="C1", staff_id="S1", policy_id="P1",
                                service_code="97124", units=2, client_paid=1000,
                                checked_out=checked_out)],
        "Payments": [record("Payments", i + 2, payment_id=f"PM{i}", appointment_id="A1",
                            source=source, payer_id="AET" if source == "Insurance" else None,
                            date_received=DOS, amount=amount, adjustment=adjustment,
                            patient_responsibility=responsibility)
                     for i, (source, amount, adjustment, responsibility) in
                     enumerate(payments)],
    }
    settings = Settings(practice_name="Desk", timely_filing_days=90, checkout_flow=flow)
    return book_of("desk.xlsx", settings, rows, [])


def pay(the_book, amount=None, payer="AET", day=date(2026, 10, 20), adjustment=None,
        responsibility=None):
    alloc = Allocation("A1", amount, adjustment, None, responsibility, "--apply A1")
    request = PaymentRequest(day, payer, "REF1", (alloc,))
    return plan_payment(the_book, ["PM0"], request)


@pytest.mark.parametrize("payments, payer, remains", [
    ((), "AET", 5000),  # nothing heard from Aetna: the whole $50.00 is Aetna's
    ((("Insurance", 2000, 0, 2000),), "AET", 2000),  # $30 left: the client's $20 less $10
    ((("Insurance", 2000, 0, 2000),), None, 1000),  # paid at the desk is $10, Aetna's $20
    ((("Insurance", 2000, 1000, 2000),), None, 1000),  # an adjustment lowers Aetna's part
    ((("Insurance", 0, 0, 6000),), None, 5000),  # a $0 answer, all the client's: $50.00
])
def test_what_remains_is_what_that_side_owes(payments, payer, remains):
    posting = pay(book(payments), payer=payer)
    assert posting.payments[0].amount == remains


@pytest.mark.parametrize("payments, payer", [
    ((), None),  # the client owes nothing until Aetna answers
    ((("Insurance", 3000, 1000, 2000),), "AET"),  # $10 left, the client's: $0 for Aetna
    ((("Insurance", 3000, 1000, 2000), ("Client", 1000, None, None)), None),  # all paid
])
def test_nothing_remains_is_refused(payments, payer):
    with pytest.raises(BadRequest, match="nothing is due from"):
        pay(book(payments), payer=payer)


def test_what_remains_counts_the_visit_even_when_paid_before_it():
    posting = pay(book(), day=date(2026, 9, 25))  # an advance, dated before the visit
    assert posting.payments[0].amount == 5000


@pytest.mark.parametrize("amount, warned", [
    (4999, False), (5000, False),  # to exactly $0.00: no warning
    (5001, True),  # a cent too much
])
def test_overpaying_is_warned_from_the_first_cent(amount, warned):
    posting = pay(book(), amount=amount)
    assert bool(posting.overpaid) == warned
    assert posting.balances["A1"].balance == 5000 - amount


def test_a_credit_that_grows_is_warned_one_that_shrinks_is_not():
    credit = book([("Client", 6000, None, None)])  # $60 + $10 at the desk: -$10.00
    assert pay(credit, amount=100, payer=None).overpaid  # -$10.00 becomes -$11.00
    assert not pay(credit, amount=-100, payer=None).overpaid  # a refund: -$9.00


@pytest.mark.parametrize("payments, amount, responsibility, cleared", [
    ((), 5000, None, True),  # paid in full: balance $0.00
    ((), 4000, 2000, True),  # Aetna pays its part; $10 more of the client's remains
    ((), 0, 6000, False),  # a $0 answer, all the client's: no payment, not cleared
    ((), 3000, None, False),  # Aetna still owes $20.00
])
def test_the_reverse_flow_checks_a_visit_out_when_the_insurer_clears_it(
        payments, amount, responsibility, cleared):
    posting = pay(book(payments, flow="Reverse", checked_out=False), amount=amount,
                  responsibility=responsibility)
    assert posting.checked_out == (["A1"] if cleared else [])
