"""The handoff's totals, summed with pandas, are the journal's entry by entry; and the
handoff's journal, which walks only the visits with something dated in the month (the
others' A/R from the vectorised aging), is the journal of every visit."""

from __future__ import annotations

import pytest

from claimbook.compute.balances import visits_of
from claimbook.compute.bookkeeping import bookkeepers_month
from claimbook.compute.journal import AR_ROLES, Accounts, journal, lines_of
from claimbook.compute.ledger import Month, months_between
from claimbook.io.xlsx.reader import load_book
from conftest import SAMPLE

MONTHS = months_between(Month(2025, 4), Month(2026, 11))


@pytest.fixture(scope="module")
def sample_book():
    return load_book(SAMPLE)


def _entry_by_entry(entries) -> dict[str, tuple[int, int]]:
    """Debits and credits per account, added up one journal line at a time."""
    out: dict[str, tuple[int, int]] = {}
    for entry in entries:
        for line in entry.lines:
            debits, credits = out.get(line.account, (0, 0))
            out[line.account] = (debits + line.debit, credits + line.credit)
    return out


@pytest.mark.parametrize("by_day", [False, True])
@pytest.mark.parametrize("month", MONTHS, ids=str)
def test_account_totals_are_the_journals_entry_by_entry(sample_book, month, by_day):
    handoff = bookkeepers_month(sample_book, month, by_day=by_day)
    expected = _entry_by_entry(handoff.posted)
    assert {t.account: (t.debits, t.credits) for t in handoff.by_account} == expected
    assert [t.account for t in handoff.by_account][:2] == \
        [a for a in (handoff.accounts["revenue"], handoff.accounts["insurance_ar"])
         if a in expected]
    for account in handoff.ar_accounts:
        assert (account.debits, account.credits) == expected.get(account.account, (0, 0))
    assert sum(t.debits for t in handoff.by_account) == handoff.debits
    assert sum(t.credits for t in handoff.by_account) == handoff.credits


@pytest.mark.parametrize("month", MONTHS[::3] + [MONTHS[-1]], ids=str)
def test_the_months_visits_make_the_journal_of_every_visit(sample_book, month):
    handoff = bookkeepers_month(sample_book, month)
    opening: dict[str, int] = {}
    every = journal(sample_book, visits_of(sample_book),
                    Accounts.from_settings(sample_book.settings), month.first_day,
                    month.last_day, None, opening)
    assert lines_of(handoff.entries) == lines_of(every)
    assert [(e.number, e.day, e.title) for e in handoff.entries] == \
        [(e.number, e.day, e.title) for e in every]
    assert [a.opening for a in handoff.ar_accounts] == [opening.get(r, 0) for r in AR_ROLES]
