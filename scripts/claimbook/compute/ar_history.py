"""A/R over time: the aging at each of the last 12 month ends, and how long each insurer
takes to pay. Cheap because balances on any date are a few passes over the columns
(:mod:`claimbook.compute.frames`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from claimbook.compute.frames import BUCKET_NAMES, NO_DAY, Frames, as_of, day_number
from claimbook.rules.months import Month

HISTORY_MONTHS = 12


@dataclass(frozen=True, slots=True)
class MonthEnd:
    """A/R at one month end, by aging bucket (cents; credits in their bucket)."""

    month: Month
    buckets: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


@dataclass(frozen=True, slots=True)
class DaysToPay:
    """How long one insurer took to pay: days from the date of service to its first
    payment on a visit, over the visits it first paid in the period."""

    payer_id: str
    name: str
    visits: int
    median_days: Decimal
    longest_days: int


def last_months(month: Month, count: int = HISTORY_MONTHS) -> list[Month]:
    """``count`` months ending with ``month``, oldest first."""
    months = [month]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


def aging_history(frames: Frames, month: Month, count: int = HISTORY_MONTHS) -> list[MonthEnd]:
    """The A/R aging at each of the ``count`` month ends up to ``month``'s."""
    out = []
    for m in last_months(month, count):
        money = as_of(frames, m.last_day)
        counted = money.counted
        sums = np.zeros(len(BUCKET_NAMES), np.int64)
        np.add.at(sums, money.bucket[counted], money.balance[counted])
        out.append(MonthEnd(m, dict(zip(BUCKET_NAMES, (int(v) for v in sums)))))
    return out


def days_to_pay(frames: Frames, month: Month, count: int = HISTORY_MONTHS) -> list[DaysToPay]:
    """Per insurer, the median days from date of service to its first payment (a row of
    Source Insurance with an amount above zero) on each visit, over the visits whose
    first payment is dated in the ``count`` months ending with ``month``; payers in
    Payers sheet order, those with no such payment left out."""
    first = day_number(last_months(month, count)[0].first_day)
    last = day_number(month.last_day)
    paid = np.flatnonzero(frames.pay_insurance & (frames.pay_amount > 0)
                          & (frames.pay_day != NO_DAY))
    order = paid[np.lexsort((frames.pay_day[paid], frames.pay_visit[paid]))]
    visits, first_row = np.unique(frames.pay_visit[order], return_index=True)
    rows = order[first_row]
    day = frames.pay_day[rows]
    dos = frames.visit_day[visits]
    window = (day >= first) & (day <= last) & (dos != NO_DAY)
    waited = (day - dos)[window]
    payers = frames.pay_payer[rows][window]
    out = []
    for payer_id, payer in frames.book.payers.items():
        mine = waited[payers == payer_id]
        if len(mine):
            median = Decimal(int(np.sort(mine)[(len(mine) - 1) // 2]) +
                             int(np.sort(mine)[len(mine) // 2])) / 2
            out.append(DaysToPay(payer_id, payer.name or payer_id, len(mine),
                                 median.quantize(Decimal("0.1")), int(mine.max())))
    return out
