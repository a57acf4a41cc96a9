"""A/R over time: the aging at each of the last 12 month ends, and how long each insurer
takes to pay. Cheap because balances on any date are a few group-by sums over the
practice's DataFrames (:mod:`claimbook.compute.frames`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from claimbook.compute.frames import BUCKET_LIMITS, BUCKET_NAMES, NO_DAY, Frames, day_number
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
    """The A/R aging at each of the ``count`` month ends up to ``month``'s: every
    visit's balance at every month end at once (each money event summed into the first
    month end on or after its date, then added up month end after month end), its age
    at each (by the practice's aging basis), and the balances summed by bucket."""
    months = last_months(month, count)
    ends = np.array([day_number(m.last_day) for m in months], np.int64)
    balance = _balances_at(frames, ends)
    visits = frames.visits
    dos = visits["day"].to_numpy()[:, None]
    billed = visits["billed"].to_numpy()[:, None]
    by_billed = frames.book.settings.aging_basis == "Billed Date"
    start = np.where(by_billed & (billed <= ends[None, :]), billed, dos)
    age = np.where(start == NO_DAY, 0, np.maximum(0, ends[None, :] - start))
    bucket = np.searchsorted(np.array(BUCKET_LIMITS), age, side="left")
    # each bucket's balances summed down the visits, a month end a column (int64 cents)
    sums = [np.where(bucket == b, balance, 0).sum(axis=0) for b in range(len(BUCKET_NAMES))]
    return [MonthEnd(m, {name: int(column[at]) for name, column in zip(BUCKET_NAMES, sums)})
            for at, m in enumerate(months)]


def _summed(values: pd.Series, keys: np.ndarray, size: int) -> np.ndarray:
    """``values`` (int64 cents) summed by key (0 to size - 1) with a pandas group-by;
    0 for a key with no value."""
    sums = values.groupby(keys).sum()
    out = np.zeros(size, np.int64)
    out[sums.index.to_numpy()] = sums.to_numpy(np.int64)
    return out


def _balances_at(frames: Frames, ends: np.ndarray) -> np.ndarray:
    """Every visit's balance at each of these (ascending) days: visits x days, int64
    cents. A line adds its charge less its discount and Client Paid; a payment takes
    off its amount and adjustment."""
    lines, pays = frames.line_money, frames.payment_money
    events = pd.concat([
        pd.DataFrame({"visit": lines["visit"], "day": lines["day"],
                      "change": lines["charge"] - lines["discount"] - lines["client_paid"]}),
        pd.DataFrame({"visit": pays["visit"], "day": pays["day"],
                      "change": -(pays["amount"] + pays["adjustment"])}),
    ], ignore_index=True)
    events = events[events["day"] <= ends[-1]]  # a blank date is after every one
    end = np.searchsorted(ends, events["day"].to_numpy(), side="left")
    n, count = frames.count, len(ends)
    by_end = _summed(events["change"], events["visit"].to_numpy() * count + end, n * count)
    return by_end.reshape(n, count).cumsum(axis=1)


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
