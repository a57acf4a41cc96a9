"""A small practice whose March 2026 journal is worked out by hand.

Feb 20  A0  Ann (Aetna)  97124 x 2 = 60.00, unpaid            -> opening A/R 60.00
Mar 02  A1  Ann (Aetna)  97124, 60 min = 4 units = 120.00; copay 20.00 by card
Mar 03  A2  Bo self-pay  MASSAGE60 90.00, discount 10.00, paid 80.00 cash
Mar 10  A3  Bo self-pay  MASSAGE60 90.00, nothing paid at the visit
Mar 12  A5  Ann self-pay MASSAGE60 90.00, paid with a gift card
Mar 15  PMT2  Bo pays A3 90.00; PMT3 charged again (reference "=DUP")
Mar 20  PMT1  Aetna EFT100 pays A1 70.00, CO-45 30.00, patient responsibility 20.00
Mar 22  PMT4  refund of the duplicate, -90.00
Mar 28  PMT5  Bo prepays A4 (booked for Apr 2) 90.00 (reference "Package")

Roll-forward: 60.00 + 390.00 - 10.00 - 370.00 - 70.00 - 30.00 = -30.00 (A4's credit
of 90.00 against A0's 60.00). Revenue is renamed "Massage Income" on the Practice sheet.
"""

from __future__ import annotations

from datetime import date

import pytest

from claimbook.compute.balances import visits_of
from claimbook.compute.bookkeeping import bookkeepers_month
from claimbook.compute.journal import (
    AR_ROLES,
    Accounts,
    by_account,
    deposits,
    journal,
    lines_of,
    net_of,
    qbo_rows,
    reason_code,
)
from claimbook.compute.ledger import Month
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment

MARCH = Month(2026, 3)
AR_INS, AR_CLI = "Accounts Receivable - Insurance", "Accounts Receivable - Clients"
INCOME, UF, GIFT = "Massage Income", "Undeposited Funds", "Gift Card Liability"
CONTRACTUAL, DISCOUNTS = "Contractual Adjustments", "Discounts"


def march_rows() -> dict:
    """Settings and rows of the hand-made practice (for ``book_path``)."""
    lines = [
        line("A0", date(2026, 2, 20), units=2),
        line("A1", date(2026, 3, 2), minutes=60, client_paid=2000, payment_method="Card"),
        line("A2", date(2026, 3, 3), client="C2", policy=None, code="MASSAGE60",
             discount=1000, client_paid=8000, payment_method="Cash"),
        line("A3", date(2026, 3, 10), client="C2", policy=None, code="MASSAGE60"),
        line("A4", date(2026, 4, 2), client="C2", policy=None, code="MASSAGE60"),
        line("A5", date(2026, 3, 12), policy=None, code="MASSAGE60", client_paid=9000,
             payment_method="Gift Card"),
    ]
    payments = [
        payment("PMT1", date(2026, 3, 20), "A1", 7000, reference="EFT100", adjustment=3000,
                adjustment_reason="CO-45 contractual", patient_responsibility=2000),
        payment("PMT2", date(2026, 3, 15), "A3", 9000, source="Client"),
        payment("PMT3", date(2026, 3, 15), "A3", 9000, source="Client", reference="=DUP",
                notes="Charged twice at the desk"),
        payment("PMT4", date(2026, 3, 22), "A3", -9000, source="Client", reference="Refund"),
        payment("PMT5", date(2026, 3, 28), "A4", 9000, source="Client", reference="Package"),
    ]
    return {"settings": {"revenue_account": INCOME}, "Appointments": lines,
            "Payments": payments}


# (Journal No, day, account, debit, credit, Name, description, event)
EXPECTED_JOURNAL = [
    ("V-A1", 2, AR_INS, 12000, 0, "Aetna", "Visit A1: 97124 x 4", "Charge"),
    ("V-A1", 2, INCOME, 0, 12000, "", "Visit A1: 97124 x 4", "Charge"),
    ("V-A1", 2, UF, 2000, 0, "", "Paid at visit A1 (Card)", "Paid at visit"),
    ("V-A1", 2, AR_CLI, 0, 2000, "C1", "Paid at visit A1 (Card)", "Paid at visit"),
    ("V-A2", 3, AR_CLI, 9000, 0, "C2", "Visit A2: MASSAGE60 x 1", "Charge"),
    ("V-A2", 3, INCOME, 0, 9000, "", "Visit A2: MASSAGE60 x 1", "Charge"),
    ("V-A2", 3, DISCOUNTS, 1000, 0, "", "Discount on visit A2", "Discount"),
    ("V-A2", 3, AR_CLI, 0, 1000, "C2", "Discount on visit A2", "Discount"),
    ("V-A2", 3, UF, 8000, 0, "", "Paid at visit A2 (Cash)", "Paid at visit"),
    ("V-A2", 3, AR_CLI, 0, 8000, "C2", "Paid at visit A2 (Cash)", "Paid at visit"),
    ("V-A3", 10, AR_CLI, 9000, 0, "C2", "Visit A3: MASSAGE60 x 1", "Charge"),
    ("V-A3", 10, INCOME, 0, 9000, "", "Visit A3: MASSAGE60 x 1", "Charge"),
    ("V-A5", 12, AR_CLI, 9000, 0, "C1", "Visit A5: MASSAGE60 x 1", "Charge"),
    ("V-A5", 12, INCOME, 0, 9000, "", "Visit A5: MASSAGE60 x 1", "Charge"),
    ("V-A5", 12, GIFT, 9000, 0, "", "Paid at visit A5 (Gift Card)", "Paid at visit"),
    ("V-A5", 12, AR_CLI, 0, 9000, "C1", "Paid at visit A5 (Gift Card)", "Paid at visit"),
    ("P-PMT2", 15, UF, 9000, 0, "", "Client payment for visit A3", "Client payment"),
    ("P-PMT2", 15, AR_CLI, 0, 9000, "C2", "Client payment for visit A3", "Client payment"),
    ("P-PMT3", 15, UF, 9000, 0, "", "Client payment for visit A3, =DUP", "Client payment"),
    ("P-PMT3", 15, AR_CLI, 0, 9000, "C2", "Client payment for visit A3, =DUP",
     "Client payment"),
    ("P-PMT1", 20, UF, 7000, 0, "", "AET EFT100 for visit A1", "Insurance payment"),
    ("P-PMT1", 20, AR_INS, 0, 7000, "Aetna", "AET EFT100 for visit A1", "Insurance payment"),
    ("P-PMT1", 20, CONTRACTUAL, 3000, 0, "", "Adjustment CO-45 on visit A1", "Adjustment"),
    ("P-PMT1", 20, AR_INS, 0, 3000, "Aetna", "Adjustment CO-45 on visit A1", "Adjustment"),
    ("P-PMT1", 20, AR_CLI, 2000, 0, "C1", "Patient responsibility per EOB, visit A1",
     "Patient responsibility"),
    ("P-PMT1", 20, AR_INS, 0, 2000, "Aetna", "Patient responsibility per EOB, visit A1",
     "Patient responsibility"),
    ("P-PMT4", 22, AR_CLI, 9000, 0, "C2", "Refund for visit A3, Refund", "Refund"),
    ("P-PMT4", 22, UF, 0, 9000, "", "Refund for visit A3, Refund", "Refund"),
    ("P-PMT5", 28, UF, 9000, 0, "", "Client payment for visit A4, Package", "Client payment"),
    ("P-PMT5", 28, AR_CLI, 0, 9000, "C2", "Client payment for visit A4, Package",
     "Client payment"),
]

# (day, from, method, reference, payer ID, payer, items, amount)
EXPECTED_DEPOSITS = [
    (2, "Client", "Card", None, None, "", 1, 2000),
    (3, "Client", "Cash", None, None, "", 1, 8000),
    (15, "Client", "Not recorded", None, None, "", 1, 9000),
    (15, "Client", "Not recorded", "=DUP", None, "", 1, 9000),
    (20, "Insurance", "Check or EFT", "EFT100", "AET", "Aetna", 1, 7000),
    (22, "Client", "Not recorded", "Refund", None, "", 1, -9000),
    (28, "Client", "Not recorded", "Package", None, "", 1, 9000),
]


@pytest.fixture
def march_book(book_path):
    rows = march_rows()
    return load_book(book_path(rows.pop("settings"), **rows))


def _march(book):
    accounts = Accounts.from_settings(book.settings)
    return journal(book, visits_of(book), accounts, MARCH.first_day, MARCH.last_day), accounts


def test_the_journal_is_the_one_worked_out_by_hand(march_book):
    entries, _ = _march(march_book)
    got = [(ln.number, ln.day.day, ln.account, ln.debit, ln.credit, ln.name, ln.description,
            ln.event) for ln in lines_of(entries)]
    assert got == EXPECTED_JOURNAL
    assert all(e.day.month == 3 for e in entries)
    assert [e.balanced for e in entries] == [True] * 9
    assert sum(e.debits for e in entries) == sum(e.credits for e in entries) == 107000


def test_the_two_ar_accounts_move_as_the_roll_forward(march_book):
    entries, _ = _march(march_book)
    assert net_of(entries, AR_ROLES) == -9000
    handoff = bookkeepers_month(march_book, MARCH)
    assert handoff.roll.opening_ar == 6000 and handoff.roll.closing_ar == -3000
    assert handoff.roll.activity.net_change == -9000 and handoff.ties
    assert [(a.account, a.opening, a.debits, a.credits, a.closing)
            for a in handoff.ar_accounts] == [
        (AR_INS, 6000, 12000, 12000, 6000), (AR_CLI, 0, 38000, 47000, -9000)]


def test_deposits_group_money_as_it_reaches_the_bank(march_book):
    entries, _ = _march(march_book)
    got = [(d.day.day, d.source, d.method, d.reference, d.payer_id, d.payer_name, d.items,
            d.amount) for d in deposits(entries, {"AET": "Aetna"})]
    assert got == EXPECTED_DEPOSITS
    handoff = bookkeepers_month(march_book, MARCH)
    assert handoff.deposits_total == 35000  # the gift card never reaches the bank
    assert (handoff.received.insurance, handoff.received.at_visit,
            handoff.received.client_later, handoff.received.refunds) == (7000, 19000, 27000,
                                                                          -9000)
    assert handoff.received.total == handoff.roll.activity.collections


def test_journal_by_account(march_book):
    entries, accounts = _march(march_book)
    got = [(a.account, a.debits, a.credits) for a in by_account(entries, accounts)]
    assert got == [(INCOME, 0, 39000), (AR_INS, 12000, 12000), (AR_CLI, 38000, 47000),
                   (CONTRACTUAL, 3000, 0), (DISCOUNTS, 1000, 0), (UF, 35000 + 9000, 9000),
                   (GIFT, 9000, 0)]


def test_revenue_and_insurance_receipts(march_book):
    handoff = bookkeepers_month(march_book, MARCH)
    assert [(r.key, r.name, len(r.visits), r.lines, r.units, r.charges, r.discounts, r.net)
            for r in handoff.by_code] == [("MASSAGE60", "60 min", 3, 3, 3, 27000, 1000, 26000),
                                          ("97124", "Massage", 1, 1, 4, 12000, 0, 12000)]
    assert [(r.key, r.name, len(r.visits), r.charges) for r in handoff.by_therapist] == [
        ("S1", "Tess Therapist", 4, 39000)]
    assert [(r.payer_id, r.name, r.kind, len(r.references), r.visits, r.paid, r.adjustments,
             r.patient_responsibility) for r in handoff.by_payer] == [
        ("AET", "Aetna", "Commercial", 1, 1, 7000, 3000, 2000)]


def test_names_only_when_asked(march_book):
    plain = bookkeepers_month(march_book, MARCH)
    named = bookkeepers_month(march_book, MARCH, names=True)
    assert {ln.name for ln in lines_of(plain.entries)} == {"", "Aetna", "C1", "C2"}
    assert {ln.name for ln in lines_of(named.entries)} == {"", "Aetna", "Ann Lee", "Bo Diaz"}
    assert plain.client_names == {}
    assert named.client_names == {"C1": "Ann Lee", "C2": "Bo Diaz"}


def test_qbo_rows(march_book):
    entries, _ = _march(march_book)
    rows = qbo_rows(entries)
    assert rows[0] == ["V-A1", "03/02/2026", AR_INS, "120.00", "", "Visit A1: 97124 x 4",
                       "Aetna"]
    assert rows[1] == ["V-A1", "03/02/2026", INCOME, "", "120.00", "Visit A1: 97124 x 4", ""]
    assert rows[-1] == ["P-PMT5", "03/28/2026", AR_CLI, "", "90.00",
                        "Client payment for visit A4, Package", "C2"]


def test_accounts_default_when_the_settings_are_blank(book_path):
    book = load_book(book_path({"revenue_account": None}))
    assert Accounts.from_settings(book.settings).settings() == [
        ("Revenue Account", "Service Revenue"),
        ("Insurance A/R Account", AR_INS), ("Client A/R Account", AR_CLI),
        ("Contractual Adjustment Account", CONTRACTUAL), ("Discount Account", DISCOUNTS),
        ("Undeposited Funds Account", UF), ("Gift Card Account", GIFT)]


@pytest.mark.parametrize("reason, code", [
    ("CO-45", "CO-45"), ("CO-45 contractual obligation", "CO-45"), ("co 45", "CO45"),
    ("PR-1 deductible", "PR-1"), ("CO-50 not medically necessary", "CO-50"),
    ("write off", ""), (None, ""), ("", ""),
])
def test_reason_code_keeps_the_code_only(reason, code):
    assert reason_code(reason) == code


def test_a_negative_adjustment_swaps_debit_and_credit(book_path):
    rows = {"Appointments": [line("A1", date(2026, 3, 2), units=2)],
            "Payments": [payment("PMT1", date(2026, 3, 20), "A1", 0, adjustment=-500)]}
    book = load_book(book_path(**rows))
    entries, _ = _march(book)
    assert [(ln.account, ln.debit, ln.credit) for ln in entries[1].lines] == [
        (AR_INS, 500, 0), (CONTRACTUAL, 0, 500)]
