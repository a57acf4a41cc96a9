"""Money moving through A/R by month: the activity of a period and the roll-forward.

A/R at the end of a month = A/R at the end of the month before + charges - discounts -
client payments - insurance payments - adjustments dated in the month. The closing
figure is computed independently (the sum of every visit's balance), so the equation is
a check that ties to the cent, not a definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from claimbook.compute.balances import (
    Visit,
    VisitBalance,
    VisitMap,
    ar_as_of,
    balances,
    total_ar,
)
from claimbook.rules.months import BadMonth, Month, months_between  # noqa: F401
from claimbook.rules.records import Book


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


def activity_by_month(visits: Mapping[str, Visit]) -> dict[Month, Activity]:
    """Every visit's money events summed by the month they are dated in.

    Lines count in the month of their Date of Service (charge, discount, Client Paid);
    payments in the month of their Date Received.
    """
    if isinstance(visits, VisitMap):
        from claimbook.compute.frames import monthly_activity

        return {Month(y, m): Activity(**figures)
                for (y, m), figures in monthly_activity(visits.frames).items()}
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


def roll_forward(book: Book, month: Month, visits: Mapping[str, Visit],
                 by_month: dict[Month, Activity] | None = None,
                 closing_rows: list[VisitBalance] | None = None,
                 closing: int | None = None) -> RollForward:
    """The roll-forward of ``month``: opening A/R summed from the events before it,
    closing A/R from the visits' balances at its end (``closing``, or the total of
    ``closing_rows``, when the caller has them), activity from the month's events."""
    by_month = activity_by_month(visits) if by_month is None else by_month
    opening = ar_as_of(visits, month.previous().last_day)
    if closing is None:
        if closing_rows is None:
            closing_rows = balances(book, month.last_day, visits)
        closing = total_ar(closing_rows)
    activity = by_month.get(month, Activity())
    return RollForward(month, opening, activity, closing)


def activity_fields() -> tuple[str, ...]:
    """The names of the activity figures, in roll-forward order."""
    return tuple(f.name for f in fields(Activity))
