"""A/R over time: the aging at each of the last 12 month ends, and how long each insurer
takes to pay. Cheap because balances on any date are a few group-by sums over the
practice's DataFrames (:mod:`claimbook.compute.frames`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

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
        counted = money[money["counted"]]
        sums = counted.groupby("bucket")["balance"].sum().reindex(range(len(BUCKET_NAMES)),
                                                                 fill_value=0)
        out.append(MonthEnd(m, dict(zip(BUCKET_NAMES, (int(v) for v in sums)))))
    return out


def days_to_pay(frames: Frames, month: Month, count: int = HISTORY_MONTHS) -> list[DaysToPay]:
    """Per insurer, the median days from date of service to its first payment (a row of
    Source Insurance with an amount above zero) on each visit, over the visits whose
    first payment is dated in the ``count`` months ending with ``month``; payers in
    Payers sheet order, those with no such payment left out."""
    first = day_number(last_months(month, count)[0].first_day)
    last = day_number(month.last_day)
    pays = frames.payments
    paid = pays[pays["insurance"] & (pays["amount"] > 0) & (pays["day"] != NO_DAY)]
    firsts = paid.sort_values(["visit", "day"], kind="stable").drop_duplicates("visit")
    dos = frames.visits["day"].reindex(firsts["visit"]).to_numpy()
    waited = pd.DataFrame({"payer_id": firsts["payer_id"].to_numpy(),
                           "days": firsts["day"].to_numpy() - dos})
    window = (firsts["day"].to_numpy() >= first) & (firsts["day"].to_numpy() <= last) \
        & (dos != NO_DAY)
    by_payer = waited[window].groupby("payer_id")["days"].agg(["size", "median", "max"])
    out = []
    for payer_id, payer in frames.book.payers.items():
        if payer_id in by_payer.index:
            row = by_payer.loc[payer_id]
            median = Decimal(str(row["median"]))  # whole days or a half: exact
            out.append(DaysToPay(payer_id, payer.name or payer_id, int(row["size"]),
                                 median.quantize(Decimal("0.1")), int(row["max"])))
    return out
