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
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment
from march import (  # noqa: F401
    AR_CLI,
    AR_INS,
    CONTRACTUAL,
    DISCOUNTS,
    EXPECTED_DEPOSITS,
    EXPECTED_JOURNAL,
    GIFT,
    INCOME,
    MARCH,
    PLB,
    TRANSFER,
    UF,
    march_rows,
)


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
