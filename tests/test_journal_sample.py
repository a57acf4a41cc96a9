"""The journal of every month of the sample practice balances and ties to the report."""

from __future__ import annotations

import pytest

from claimbook.compute.balances import balances
from claimbook.compute.bookkeeping import bookkeepers_month
from claimbook.compute.journal import CLIENT_AR, INSURANCE_AR, UNDEPOSITED, lines_of, net_of
from claimbook.compute.ledger import Month, months_between
from claimbook.compute.outstanding import monthly_report
from claimbook.io.xlsx.reader import load_book
from conftest import SAMPLE

MONTHS = months_between(Month(2025, 4), Month(2026, 11))


@pytest.fixture(scope="module")
def sample_book():
    return load_book(SAMPLE)


@pytest.fixture(scope="module")
def handoffs(sample_book):
    return {m: bookkeepers_month(sample_book, m) for m in MONTHS}


@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_debits_equal_credits(handoffs, month):
    handoff = handoffs[month]
    assert handoff.entries, "every sample month has money events"
    assert handoff.debits == handoff.credits
    assert all(entry.balanced for entry in handoff.entries)
    assert all(ln.debit >= 0 and ln.credit >= 0 and (ln.debit == 0) != (ln.credit == 0)
               for ln in lines_of(handoff.entries))
    assert all(month.first_day <= entry.day <= month.last_day for entry in handoff.entries)


@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_roll_forward_is_the_monthly_reports(sample_book, handoffs, month):
    handoff = handoffs[month]
    report = monthly_report(sample_book, month)
    assert handoff.roll == report.roll
    assert handoff.roll.ties
    assert handoff.ar_net_change == report.roll.activity.net_change
    assert sum(a.opening for a in handoff.ar_accounts) == report.roll.opening_ar
    assert sum(a.closing for a in handoff.ar_accounts) == report.roll.closing_ar


@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_each_ar_account_is_the_agings_due_at_the_month_end(sample_book, handoffs, month):
    handoff = handoffs[month]
    rows = balances(sample_book, month.last_day)
    insurance, clients = handoff.ar_accounts
    assert insurance.closing == insurance.aging_closing == sum(r.insurance_due for r in rows)
    assert clients.closing == clients.aging_closing == sum(r.client_due for r in rows)
    before = balances(sample_book, month.previous().last_day)
    assert insurance.opening == sum(r.insurance_due for r in before)
    assert clients.opening == sum(r.client_due for r in before)
    report = monthly_report(sample_book, month)
    assert (insurance.closing, clients.closing) == (report.insurance_due, report.client_due)


@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_each_entry_touches_one_ar_account(handoffs, month):
    entries = handoffs[month].entries
    assert all(len(e.ar_roles()) <= 1 for e in entries)
    for day in {e.day for e in entries}:
        assert net_of([e for e in entries if e.day == day], ("ar_transfer",)) == 0
    assert net_of(entries, (INSURANCE_AR, CLIENT_AR)) == handoffs[month].ar_net_change


def test_october_ties_to_the_report_the_issue_quotes(handoffs):
    insurance, clients = handoffs[Month(2026, 10)].ar_accounts
    assert (insurance.closing, clients.closing) == (980000, 114500)  # 9,800.00 and 1,145.00


@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_money_received_and_deposits_tie(handoffs, month):
    handoff = handoffs[month]
    assert handoff.received.total == handoff.roll.activity.collections
    assert handoff.deposits_total == net_of(handoff.entries, (UNDEPOSITED,))
    assert handoff.deposits_total == (handoff.received.total + handoff.received.provider_adjustments
                                      - sum(ln.net for ln in lines_of(handoff.entries)
                                            if ln.role == "gift_cards"))
    assert sum(r.charges for r in handoff.by_code) == handoff.roll.activity.charges
    assert sum(r.charges for r in handoff.by_therapist) == handoff.roll.activity.charges
    assert sum(r.discounts for r in handoff.by_code) == handoff.roll.activity.discounts
    assert sum(r.paid for r in handoff.by_payer) == handoff.roll.activity.insurance_payments


def test_the_sample_has_every_kind_of_event(handoffs):
    events = {ln.event for h in handoffs.values() for ln in lines_of(h.entries)}
    assert events == {"Charge", "Discount", "Paid at visit", "Insurance payment",
                      "Client payment", "Refund", "Adjustment", "Patient responsibility",
                      "A/R transfer", "Provider adjustment"}


def test_one_deposit_per_insurance_reference(sample_book, handoffs):
    month = Month(2026, 10)
    references = {p.reference for p in sample_book.payments
                  if p.source == "Insurance" and p.amount and p.date_received
                  and Month.of(p.date_received) == month}
    rows = [d for d in handoffs[month].deposits if d.source == "Insurance"]
    assert sorted(d.reference for d in rows) == sorted(references)
    remitted = {r.trace_number: r for r in sample_book.remittances}
    for d in rows:  # an EFT is what its remittance put in the bank; a paper check a Check
        if d.reference in remitted:
            assert (d.method, d.amount) == ("EFT", remitted[d.reference].amount)
        else:
            assert d.method == "Check"
    assert any(d.other for d in rows)  # the sample's October interest


def test_cards_settle_together_once_a_day(handoffs):
    for handoff in handoffs.values():
        days = [d.day for d in handoff.deposits if d.method == "Card"]
        assert len(days) == len(set(days))
        assert not [d for d in handoff.deposits if d.method in ("HSA/FSA", "Not recorded")]
