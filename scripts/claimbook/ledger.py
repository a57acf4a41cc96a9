"""Money moving through A/R by month: the activity of a period and the roll-forward.

A/R at the end of a month = A/R at the end of the month before + charges - discounts -
client payments - insurance payments - adjustments dated in the month. The closing
figure is computed independently (the sum of every visit's balance), so the equation is
a check that ties to the cent, not a definition.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, fields
from datetime import date

from .balances import Visit, VisitBalance, ar_as_of, balances, total_ar
from .records import Book


class BadMonth(ValueError):
    """A month that is not ``YYYY-MM``."""


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-10"`` -> Month(2026, 10); raises :class:`BadMonth` otherwise."""
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise BadMonth(f'"{text}" is not a month; give it as YYYY-MM, e.g. 2026-10')
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``Oct 2026``."""
        return f"{calendar.month_abbr[self.month]} {self.year}"


@dataclass(slots=True)
class Activity:
    """Money events dated in one period, in cents."""

    charges: int = 0
    discounts: int = 0
    client_payments: int = 0
    insurance_payments: int = 0
    adjustments: int = 0

    @property
    def net_change(self) -> int:
        """What the period adds to A/R."""
        return (self.charges - self.discounts - self.client_payments
                - self.insurance_payments - self.adjustments)

    @property
    def collections(self) -> int:
        return self.client_payments + self.insurance_payments


def activity_by_month(visits: dict[str, Visit]) -> dict[Month, Activity]:
    """Every visit's money events summed by the month they are dated in.

    Lines count in the month of their Date of Service (charge, discount, Client Paid);
    payments in the month of their Date Received.
    """
    out: dict[tuple[int, int], Activity] = {}
    for visit in visits.values():
        for line, charge in zip(visit.lines, visit.charges):
            day = line.date_of_service
            if day is None:
                continue
            act = out.get((day.year, day.month)) or out.setdefault((day.year, day.month),
                                                                   Activity())
            act.charges += charge
            act.discounts += line.discount or 0
            act.client_payments += line.client_paid or 0
        for payment in visit.payments:
            day = payment.date_received
            if day is None:
                continue
            act = out.get((day.year, day.month)) or out.setdefault((day.year, day.month),
                                                                   Activity())
            if payment.source == "Insurance":
                act.insurance_payments += payment.amount or 0
            else:
                act.client_payments += payment.amount or 0
            act.adjustments += payment.adjustment or 0
    return {Month(year, month): act for (year, month), act in sorted(out.items())}


@dataclass(frozen=True, slots=True)
class RollForward:
    """One month's A/R roll-forward."""

    month: Month
    opening_ar: int
    activity: Activity
    closing_ar: int

    @property
    def difference(self) -> int:
        """Closing A/R less what the roll-forward says it should be; 0 when it ties."""
        return self.closing_ar - (self.opening_ar + self.activity.net_change)

    @property
    def ties(self) -> bool:
        return self.difference == 0


def roll_forward(book: Book, month: Month, visits: dict[str, Visit],
                 by_month: dict[Month, Activity] | None = None,
                 closing_rows: list[VisitBalance] | None = None) -> RollForward:
    """The roll-forward of ``month``: opening and closing A/R from balances, activity
    from the month's dated events."""
    by_month = activity_by_month(visits) if by_month is None else by_month
    opening = ar_as_of(visits, month.previous().last_day)
    if closing_rows is None:
        closing_rows = balances(book, month.last_day, visits)
    activity = by_month.get(month, Activity())
    return RollForward(month, opening, activity, total_ar(closing_rows))


def activity_fields() -> tuple[str, ...]:
    """The names of the activity figures, in roll-forward order."""
    return tuple(f.name for f in fields(Activity))


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last`` inclusive."""
    out, m = [], first
    while (m.year, m.month) <= (last.year, last.month):
        out.append(m)
        m = m.next()
    return out
