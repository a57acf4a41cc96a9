"""A/R roll-forward: opening + activity = closing, to the cent, every month of the sample;
each month opens where the last closed."""

from datetime import date

import pytest

from claimbook.compute.balances import balances, total_ar, visits_of
from claimbook.compute.ledger import (
    BadMonth,
    Month,
    activity_by_month,
    months_between,
    roll_forward,
)
from claimbook.io.xlsx.reader import load_book
from claimbook.usecases.sample import END, START
from conftest import SAMPLE, line, payment


@pytest.fixture(scope="module")
def sample_book():
    return load_book(SAMPLE)


def test_every_sample_month_ties_and_opens_where_the_last_closed(sample_book):
    visits = visits_of(sample_book)
    by_month = activity_by_month(visits)
    months = months_between(Month.of(START), Month.of(END).next())
    assert len(months) >= 19
    previous_closing = 0
    for month in months:
        roll = roll_forward(sample_book, month, visits, by_month)
        assert roll.ties, (str(month), roll.difference)
        assert roll.opening_ar == previous_closing, str(month)
        previous_closing = roll.closing_ar
    assert previous_closing == total_ar(balances(sample_book, Month.of(END).next().last_day))


def test_roll_forward_by_hand(book_path):
    path = book_path(
        Appointments=[line("A1", date(2026, 9, 20), units=4, client_paid=2500),
                      line("A2", date(2026, 10, 5), units=2, discount=500),
                      line("A3", date(2026, 11, 2), client="C2", policy=None,
                           code="MASSAGE60")],
        Payments=[payment("P1", date(2026, 10, 15), "A1", 6000, adjustment=2000),
                  payment("P2", date(2026, 10, 30), "A3", 9000, source="Client")])
    book = load_book(path)
    roll = roll_forward(book, Month(2026, 10), visits_of(book))
    act = roll.activity
    assert roll.opening_ar == 12000 - 2500
    assert (act.charges, act.discounts, act.client_payments, act.insurance_payments,
            act.adjustments) == (6000, 500, 9000, 6000, 2000)
    # the prepayment for November's visit is a credit in October's closing A/R
    assert roll.closing_ar == 9500 + 6000 - 500 - 9000 - 6000 - 2000 == -2000
    assert roll.ties


def test_months():
    assert str(Month.parse("2026-1")) == "2026-01"
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    with pytest.raises(BadMonth):
        Month.parse("2026-13")
    with pytest.raises(BadMonth):
        Month.parse("Octember 2026")
