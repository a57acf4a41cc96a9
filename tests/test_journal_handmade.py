"""A small practice whose March 2026 journal is worked out by hand.

Feb 20  A0  Ann (Aetna)  97124 x 2 = 60.00, unpaid            -> opening A/R 60.00
Mar 02  A1  Ann (Aetna)  97124, 60 min = 4 units = 120.00; copay 20.00 by card
Mar 03  A2  Bo self-pay  MASSAGE60 90.00, discount 10.00, paid 80.00 cash
Mar 05  A6  Ann (Aetna)  97124 x 2 = 60.00; copay 20.00 by card
Mar 08  PMT8  Bo leaves a 50.00 deposit (check) for A7, his State Farm visit tomorrow
Mar 09  A7  Bo (State Farm PIP)  97124 x 3 = 90.00: the deposit is applied
Mar 10  A3  Bo self-pay  MASSAGE60 90.00, nothing paid at the visit
Mar 12  A5  Ann self-pay MASSAGE60 90.00, paid with a gift card
Mar 15  PMT2  Bo pays A3 90.00; PMT3 charged again (reference "=DUP")
Mar 20  PMT1  Aetna EFT100 pays A1 70.00, CO-45 30.00, patient responsibility 20.00;
        the EFT (Remittances) brings 72.00: 2.00 of interest (PLB L6)
Mar 22  PMT4  refund of the duplicate, -90.00
Mar 25  PMT6  Aetna EFT200 pays A6 10.00, CO-45 10.00, patient responsibility 40.00
        (a 20.00 deductible beside the copay): the client owes 20.00
Mar 28  PMT5  Bo prepays A4 (booked for Apr 2) 90.00 (reference "Package")
Mar 31  PMT9  State Farm's paper check CHK7 pays A7 40.00

Roll-forward: 60.00 + 540.00 - 10.00 - 440.00 - 120.00 - 40.00 = -10.00.
The aging on Mar 31: insurers owe 60.00 (A0); clients -70.00 (A6's 20.00 less A4's
credit of 90.00). Revenue is renamed "Massage Income" on the Practice sheet.

Money moves between the two A/R accounts: a copay taken before the EOB lowers what the
insurer owes (A1, A6); A6's EOB moves 20.00 to the client; Bo's deposit is a client
credit until A7 is dated, then lowers what State Farm owes. Each such move goes through
the A/R Transfer clearing account, so no entry touches both A/R accounts.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from claimbook.compute.balances import balances, visits_of
from claimbook.compute.bookkeeping import bookkeepers_month, shares
from claimbook.compute.deposits import deposits
from claimbook.compute.journal import (
    AR_ROLES,
    CLIENT_AR,
    INSURANCE_AR,
    Accounts,
    by_account,
    journal,
    lines_of,
    net_of,
    reason_code,
)
from claimbook.compute.journal_export import daily, qbo_rows
from claimbook.compute.ledger import Month
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment

MARCH = Month(2026, 3)
AR_INS, AR_CLI = "Accounts Receivable - Insurance", "Accounts Receivable - Clients"
INCOME, UF, GIFT = "Massage Income", "Undeposited Funds", "Gift Card Liability"
CONTRACTUAL, DISCOUNTS = "Contractual Adjustments", "Discounts"
TRANSFER, PLB = "A/R Transfers (clearing)", "Insurance Provider Adjustments"


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
        line("A6", date(2026, 3, 5), units=2, client_paid=2000, payment_method="Card"),
        line("A7", date(2026, 3, 9), client="C2", policy="P2", units=3),
    ]
    payments = [
        payment("PMT1", date(2026, 3, 20), "A1", 7000, reference="EFT100", adjustment=3000,
                adjustment_reason="CO-45 contractual", patient_responsibility=2000),
        payment("PMT2", date(2026, 3, 15), "A3", 9000, source="Client"),
        payment("PMT3", date(2026, 3, 15), "A3", 9000, source="Client", reference="=DUP",
                notes="Charged twice at the desk"),
        payment("PMT4", date(2026, 3, 22), "A3", -9000, source="Client", reference="Refund"),
        payment("PMT5", date(2026, 3, 28), "A4", 9000, source="Client", reference="Package"),
        payment("PMT6", date(2026, 3, 25), "A6", 1000, reference="EFT200", adjustment=1000,
                adjustment_reason="CO-45", patient_responsibility=4000),
        payment("PMT8", date(2026, 3, 8), "A7", 5000, source="Client", reference="Deposit",
                payment_method="Check"),
        payment("PMT9", date(2026, 3, 31), "A7", 4000, payer="SF", reference="CHK7",
                payment_method="Check"),
    ]
    remittances = [{"trace_number": "EFT100", "date": date(2026, 3, 20), "payer_id": "AET",
                    "amount": 7200, "claims_paid": 7000, "provider_adjustments": "L6 -2.00",
                    "method": "EFT"}]
    return {"settings": {"revenue_account": INCOME}, "Appointments": lines,
            "Payments": payments, "Remittances": remittances}


# (Journal No, day, account, debit, credit, Name, description, event)
EXPECTED_JOURNAL = [
    ("V-A1", 2, AR_INS, 12000, 0, "Aetna", "Visit A1: 97124 x 4", "Charge"),
    ("V-A1", 2, INCOME, 0, 12000, "", "Visit A1: 97124 x 4", "Charge"),
    ("V-A1", 2, UF, 2000, 0, "", "Paid at visit A1 (Card)", "Paid at visit"),
    ("V-A1", 2, AR_INS, 0, 2000, "Aetna", "Paid at visit A1 (Card)", "Paid at visit"),
    ("V-A2", 3, AR_CLI, 9000, 0, "C2", "Visit A2: MASSAGE60 x 1", "Charge"),
    ("V-A2", 3, INCOME, 0, 9000, "", "Visit A2: MASSAGE60 x 1", "Charge"),
    ("V-A2", 3, DISCOUNTS, 1000, 0, "", "Discount on visit A2", "Discount"),
    ("V-A2", 3, AR_CLI, 0, 1000, "C2", "Discount on visit A2", "Discount"),
    ("V-A2", 3, UF, 8000, 0, "", "Paid at visit A2 (Cash)", "Paid at visit"),
    ("V-A2", 3, AR_CLI, 0, 8000, "C2", "Paid at visit A2 (Cash)", "Paid at visit"),
    ("V-A6", 5, AR_INS, 6000, 0, "Aetna", "Visit A6: 97124 x 2", "Charge"),
    ("V-A6", 5, INCOME, 0, 6000, "", "Visit A6: 97124 x 2", "Charge"),
    ("V-A6", 5, UF, 2000, 0, "", "Paid at visit A6 (Card)", "Paid at visit"),
    ("V-A6", 5, AR_INS, 0, 2000, "Aetna", "Paid at visit A6 (Card)", "Paid at visit"),
    ("P-PMT8", 8, UF, 5000, 0, "", "Client payment for visit A7, Deposit", "Client payment"),
    ("P-PMT8", 8, AR_CLI, 0, 5000, "C2", "Client payment for visit A7, Deposit",
     "Client payment"),
    ("V-A7", 9, AR_INS, 4000, 0, "State Farm", "Visit A7: 97124 x 3", "Charge"),
    ("V-A7", 9, TRANSFER, 5000, 0, "C2", "Visit A7: 97124 x 3", "Charge"),
    ("V-A7", 9, INCOME, 0, 9000, "", "Visit A7: 97124 x 3", "Charge"),
    ("V-A7-T", 9, AR_CLI, 5000, 0, "C2", f"Visit A7: charge, moved to {AR_CLI}", "A/R transfer"),
    ("V-A7-T", 9, TRANSFER, 0, 5000, "C2", f"Visit A7: charge, moved to {AR_CLI}",
     "A/R transfer"),
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
    ("R-EFT100", 20, UF, 200, 0, "", "AET EFT100: L6 -2.00", "Provider adjustment"),
    ("R-EFT100", 20, PLB, 0, 200, "", "AET EFT100: L6 -2.00", "Provider adjustment"),
    ("P-PMT4", 22, AR_CLI, 9000, 0, "C2", "Refund for visit A3, Refund", "Refund"),
    ("P-PMT4", 22, UF, 0, 9000, "", "Refund for visit A3, Refund", "Refund"),
    ("P-PMT6", 25, UF, 1000, 0, "", "AET EFT200 for visit A6", "Insurance payment"),
    ("P-PMT6", 25, AR_INS, 0, 1000, "Aetna", "AET EFT200 for visit A6", "Insurance payment"),
    ("P-PMT6", 25, CONTRACTUAL, 1000, 0, "", "Adjustment CO-45 on visit A6", "Adjustment"),
    ("P-PMT6", 25, AR_INS, 0, 1000, "Aetna", "Adjustment CO-45 on visit A6", "Adjustment"),
    ("P-PMT6", 25, TRANSFER, 2000, 0, "C1", "Patient responsibility per EOB, visit A6",
     "Patient responsibility"),
    ("P-PMT6", 25, AR_INS, 0, 2000, "Aetna", "Patient responsibility per EOB, visit A6",
     "Patient responsibility"),
    ("P-PMT6-T", 25, AR_CLI, 2000, 0, "C1",
     f"Visit A6: patient responsibility, moved to {AR_CLI}", "A/R transfer"),
    ("P-PMT6-T", 25, TRANSFER, 0, 2000, "C1",
     f"Visit A6: patient responsibility, moved to {AR_CLI}", "A/R transfer"),
    ("P-PMT5", 28, UF, 9000, 0, "", "Client payment for visit A4, Package", "Client payment"),
    ("P-PMT5", 28, AR_CLI, 0, 9000, "C2", "Client payment for visit A4, Package",
     "Client payment"),
    ("P-PMT9", 31, UF, 4000, 0, "", "SF CHK7 for visit A7", "Insurance payment"),
    ("P-PMT9", 31, AR_INS, 0, 4000, "State Farm", "SF CHK7 for visit A7", "Insurance payment"),
]

# (day, from, method, reference, payer ID, payer, items, paid to visits, other, amount)
EXPECTED_DEPOSITS = [
    (2, "Client", "Card", None, None, "", 1, 2000, 0, 2000),
    (3, "Client", "Cash", None, None, "", 1, 8000, 0, 8000),
    (5, "Client", "Card", None, None, "", 1, 2000, 0, 2000),
    (8, "Client", "Check", None, None, "", 1, 5000, 0, 5000),
    (15, "Client", "(method not recorded)", None, None, "", 2, 18000, 0, 18000),
    (20, "Insurance", "EFT", "EFT100", "AET", "Aetna", 1, 7000, 200, 7200),
    (22, "Client", "(method not recorded)", None, None, "", 1, -9000, 0, -9000),
    (25, "Insurance", "(method not recorded)", "EFT200", "AET", "Aetna", 1, 1000, 0, 1000),
    (28, "Client", "(method not recorded)", None, None, "", 1, 9000, 0, 9000),
    (31, "Insurance", "Check", "CHK7", "SF", "State Farm", 1, 4000, 0, 4000),
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
    assert [e.balanced for e in entries] == [True] * 17
    assert sum(e.debits for e in entries) == sum(e.credits for e in entries) == 142200


def test_no_entry_touches_both_ar_accounts(march_book):
    entries, _ = _march(march_book)
    assert all(len(e.ar_roles()) <= 1 for e in entries)
    assert net_of(entries, ("ar_transfer",)) == 0  # the clearing account nets to zero
    for day in {e.day for e in entries}:
        assert net_of([e for e in entries if e.day == day], ("ar_transfer",)) == 0


def test_each_ar_account_is_the_aging_every_day_of_the_month(march_book):
    visits = visits_of(march_book)
    accounts = Accounts.from_settings(march_book.settings)
    history = journal(march_book, visits, accounts, None, MARCH.last_day)
    day = date(2026, 2, 28)
    while day <= MARCH.last_day:
        so_far = [e for e in history if e.day <= day]
        rows = balances(march_book, day, visits)
        assert net_of(so_far, (INSURANCE_AR,)) == sum(r.insurance_due for r in rows), day
        assert net_of(so_far, (CLIENT_AR,)) == sum(r.client_due for r in rows), day
        day += timedelta(days=1)


def test_the_two_ar_accounts_tie_to_the_aging_and_the_roll_forward(march_book):
    entries, _ = _march(march_book)
    assert net_of(entries, AR_ROLES) == -7000
    handoff = bookkeepers_month(march_book, MARCH)
    assert handoff.roll.opening_ar == 6000 and handoff.roll.closing_ar == -1000
    assert handoff.roll.activity.net_change == -7000 and handoff.ties
    assert [(a.account, a.opening, a.debits, a.credits, a.closing, a.aging_opening,
             a.aging_closing) for a in handoff.ar_accounts] == [
        (AR_INS, 6000, 22000, 22000, 6000, 6000, 6000),
        (AR_CLI, 0, 43000, 50000, -7000, 0, -7000)]


def test_deposits_are_what_reaches_the_bank(march_book):
    entries, _ = _march(march_book)
    got = [(d.day.day, d.source, d.method, d.reference, d.payer_id, d.payer_name, d.items,
            d.posted, d.other, d.amount)
           for d in deposits(entries, {"AET": "Aetna", "SF": "State Farm"})]
    assert got == EXPECTED_DEPOSITS
    handoff = bookkeepers_month(march_book, MARCH)
    assert handoff.deposits_total == 47200  # the gift card never reaches the bank
    rec = handoff.received
    assert (rec.insurance, rec.at_visit, rec.client_later, rec.refunds,
            rec.provider_adjustments) == (12000, 21000, 32000, -9000, 200)
    assert rec.total == handoff.roll.activity.collections
    assert handoff.deposits_total == net_of(entries, ("undeposited",))


def test_journal_by_account(march_book):
    entries, accounts = _march(march_book)
    got = [(a.account, a.debits, a.credits) for a in by_account(entries, accounts)]
    assert got == [(INCOME, 0, 54000), (AR_INS, 22000, 22000), (AR_CLI, 43000, 50000),
                   (CONTRACTUAL, 4000, 0), (DISCOUNTS, 1000, 0), (UF, 56200, 9000),
                   (GIFT, 9000, 0), (TRANSFER, 7000, 7000), (PLB, 0, 200)]


def test_revenue_counts_visits_once_and_nets_adjustments(march_book):
    handoff = bookkeepers_month(march_book, MARCH)
    assert [(r.key, r.name, len(r.visits), r.lines, r.units, r.charges, r.discounts,
             r.adjustments, r.net) for r in handoff.by_code] == [
        ("97124", "Massage", 3, 3, 9, 27000, 0, 4000, 23000),
        ("MASSAGE60", "60 min", 3, 3, 3, 27000, 1000, 0, 26000)]
    assert handoff.visits == 6
    assert [(r.key, len(r.visits), r.charges, r.adjustments, r.net)
            for r in handoff.by_therapist] == [("S1", 6, 54000, 4000, 49000)]
    assert sum(r.adjustments for r in handoff.by_code) == net_of(handoff.entries,
                                                                 ("adjustments",))
    assert [(r.payer_id, r.name, r.kind, len(r.references), r.visits, r.paid, r.adjustments,
             r.patient_responsibility) for r in handoff.by_payer] == [
        ("AET", "Aetna", "Commercial", 2, 2, 8000, 4000, 6000),
        ("SF", "State Farm", "Auto/PIP", 1, 1, 4000, 0, 0)]


def test_a_two_code_visit_counts_once_and_shares_its_adjustment(book_path):
    book = load_book(book_path(
        Appointments=[line("A1", date(2026, 3, 2), units=2),
                      line("A1", date(2026, 3, 2), code="97140", units=1)],
        Payments=[payment("PMT1", date(2026, 3, 20), "A1", 5000, adjustment=4501)]))
    handoff = bookkeepers_month(book, MARCH)
    assert [(r.key, len(r.visits), r.charges, r.adjustments) for r in handoff.by_code] == [
        ("97124", 1, 6000, 2843), ("97140", 1, 3500, 1658)]
    assert handoff.visits == 1


@pytest.mark.parametrize("amount, weights, expected", [
    (4501, [6000, 3500], [2843, 1658]), (100, [1, 1, 1], [34, 33, 33]),
    (-100, [1, 1, 1], [-34, -33, -33]), (7, [0, 0], [4, 3]), (0, [5, 5], [0, 0]),
])
def test_shares_add_up_to_the_cent(amount, weights, expected):
    assert shares(amount, weights) == expected
    assert sum(shares(amount, weights)) == amount


def test_names_only_when_asked(march_book):
    plain = bookkeepers_month(march_book, MARCH)
    named = bookkeepers_month(march_book, MARCH, names=True)
    assert {ln.name for ln in lines_of(plain.entries)} == {"", "Aetna", "State Farm", "C1",
                                                           "C2"}
    assert {ln.name for ln in lines_of(named.entries)} == {"", "Aetna", "State Farm",
                                                           "Ann Lee", "Bo Diaz"}
    assert plain.client_names == {}
    assert named.client_names == {"C1": "Ann Lee", "C2": "Bo Diaz"}


def test_qbo_rows(march_book):
    entries, _ = _march(march_book)
    rows = qbo_rows(entries)
    assert rows[0] == ["V-A1", "03/02/2026", AR_INS, "120.00", "", "Visit A1: 97124 x 4",
                       "Aetna"]
    assert rows[1] == ["V-A1", "03/02/2026", INCOME, "", "120.00", "Visit A1: 97124 x 4", ""]
    assert rows[-1] == ["P-PMT9", "03/31/2026", AR_INS, "", "40.00", "SF CHK7 for visit A7",
                        "State Farm"]


def test_daily_summary_is_one_balanced_entry_a_day(march_book):
    entries, _ = _march(march_book)
    days = daily(entries)
    assert [e.number for e in days][:3] == ["D-20260302", "D-20260303", "D-20260305"]
    assert len(days) == len({e.day for e in entries}) == 13
    assert all(e.balanced for e in days)
    assert sum(e.debits for e in days) <= sum(e.debits for e in entries)
    for role in ("revenue", "undeposited", INSURANCE_AR, CLIENT_AR):
        assert net_of(days, (role,)) == net_of(entries, (role,))
    assert not [ln for ln in lines_of(days) if ln.role == "ar_transfer"]  # nets out daily
    day9 = next(e for e in days if e.day.day == 9)
    assert [(ln.account, ln.debit, ln.credit, ln.name) for ln in day9.lines] == [
        (INCOME, 0, 9000, ""), (AR_INS, 4000, 0, "State Farm"), (AR_CLI, 5000, 0, "C2")]
    assert day9.lines[0].description == "Daily summary: charge"


def test_accounts_default_when_the_settings_are_blank(book_path):
    book = load_book(book_path({"revenue_account": None}))
    assert Accounts.from_settings(book.settings).settings() == [
        ("Revenue Account", "Service Revenue"),
        ("Insurance A/R Account", AR_INS), ("Client A/R Account", AR_CLI),
        ("Contractual Adjustment Account", CONTRACTUAL), ("Discount Account", DISCOUNTS),
        ("Undeposited Funds Account", UF), ("Gift Card Account", GIFT),
        ("A/R Transfer Account", TRANSFER), ("Provider Adjustment Account", PLB)]


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
