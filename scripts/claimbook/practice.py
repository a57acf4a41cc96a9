"""claimbook as a library: a practice workbook as pandas DataFrames.

    >>> import claimbook
    >>> practice = claimbook.open("workbooks/sample-practice.xlsx")
    >>> practice.balances("2026-10-31").groupby("payer_id")["insurance_due"].sum()

Conventions in every DataFrame: money is integer cents (``int64``; ``Int64`` where a
blank differs from 0), so sums are exact; :func:`as_decimal` and :func:`as_text` turn
cents into dollars. Dates are ``datetime64`` (``NaT`` when blank); IDs and codes are
text. The figures are the commands' own (``claimbook balances``, ``report``,
``handoff``): one computation behind both.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pandas as pd

from claimbook.rules import schema
from claimbook.rules.money import dollars
from claimbook.rules.months import Month, months_between

__all__ = ["Practice", "open_practice", "as_decimal", "as_text"]

_BY = {"payer": ("payer_id", "insurance_due"), "client": ("client_id", "client_due"),
       "staff": ("staff_id", "balance")}


def as_decimal(cents):
    """Cents as dollars, exactly: an int -> ``Decimal("12.50")``; a Series -> a Series of
    Decimals (blank stays blank)."""
    if isinstance(cents, pd.Series):
        return cents.map(lambda c: None if pd.isna(c) else Decimal(int(c)).scaleb(-2),
                         na_action="ignore").astype(object)
    return Decimal(int(cents)).scaleb(-2)


def as_text(cents):
    """Cents as dollars for people: ``123450`` -> ``"$1,234.50"``; a Series -> a Series."""
    if isinstance(cents, pd.Series):
        return cents.map(lambda c: "" if pd.isna(c) else dollars(int(c))).astype("string")
    return dollars(int(cents))


def _day(value) -> date:
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _month(value) -> Month:
    return value if isinstance(value, Month) else Month.parse(str(value))


class Practice:
    """One practice workbook, read and checked, with its figures as DataFrames."""

    def __init__(self, path: str | os.PathLike):
        from claimbook.io.xlsx.reader import load_book

        self.path = os.fspath(path)
        self.book = load_book(self.path)

    @property
    def name(self) -> str:
        return self.book.settings.practice_name or ""

    def _sheet(self, records, sheet: str) -> pd.DataFrame:
        table = getattr(records, "table", None)
        spec = schema.sheet(sheet)
        if table is not None:
            arrow = table.table
        else:
            from claimbook.io.xlsx.reader import empty_table

            arrow = empty_table(spec)
        frame = arrow.to_pandas(types_mapper=_types, date_as_object=False)
        for col in spec.columns:
            if col.type == schema.DATE:
                frame[col.field] = frame[col.field].astype("datetime64[s]")
        return frame

    @property
    def lines(self) -> pd.DataFrame:
        """Appointments, one row per service line, as typed (``row`` is the Excel row)."""
        return self._sheet(self.book.lines, "Appointments")

    @property
    def payments(self) -> pd.DataFrame:
        """Payments, one row per amount applied to a visit (``row`` is the Excel row)."""
        return self._sheet(self.book.payments, "Payments")

    def balances(self, as_of, include_paid: bool = False) -> pd.DataFrame:
        """Every visit's balance as of a date (``claimbook balances``): one row per visit
        with a balance (every visit with anything dated by then, with ``include_paid``)."""
        from claimbook.compute.frames import frames_of
        from claimbook.compute.visit_table import DATE_FIELDS, balance_frame

        frame = balance_frame(frames_of(self.book), _day(as_of), include_paid)
        for name in DATE_FIELDS:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[s]")
        return frame

    def aging(self, as_of, by: str = "payer") -> pd.DataFrame:
        """What is owed as of a date by aging bucket, one row per payer (insurance due),
        client (client due) or staff member (the whole balance)."""
        from claimbook.compute.frames import BUCKET_NAMES

        if by not in _BY:
            raise ValueError(f'by must be one of {", ".join(_BY)}, not "{by}"')
        key, amount = _BY[by]
        open_items = self.balances(as_of)
        if by == "payer":
            open_items = open_items[open_items["payer_id"].notna()
                                    & (open_items["insurance_due"] != 0)]
        table = open_items.pivot_table(index=key, columns="aging_bucket", values=amount,
                                       aggfunc="sum", fill_value=0, observed=False)
        table = table.reindex(columns=list(BUCKET_NAMES), fill_value=0).astype("int64")
        table["total"] = table.sum(axis=1)
        table.columns.name = None
        return table.sort_values("total", ascending=False)

    def roll_forward(self, first, last) -> pd.DataFrame:
        """The A/R roll-forward of every month from ``first`` to ``last`` (``YYYY-MM``):
        opening A/R + charges - discounts - payments - adjustments = closing A/R."""
        from claimbook.compute.balances import visits_of
        from claimbook.compute.ledger import activity_by_month, roll_forward

        visits = visits_of(self.book)
        by_month = activity_by_month(visits)
        rows = []
        for month in months_between(_month(first), _month(last)):
            roll = roll_forward(self.book, month, visits, by_month)
            act = roll.activity
            rows.append({"month": str(month), "opening_ar": roll.opening_ar,
                         "charges": act.charges, "discounts": act.discounts,
                         "client_payments": act.client_payments,
                         "insurance_payments": act.insurance_payments,
                         "adjustments": act.adjustments, "closing_ar": roll.closing_ar,
                         "ties": roll.ties})
        return pd.DataFrame(rows).set_index("month")

    def journal(self, month) -> pd.DataFrame:
        """The bookkeeper's journal lines of a month (``claimbook handoff``): one row per
        debit or credit, money in cents."""
        from claimbook.compute.balances import visits_of
        from claimbook.compute.journal import Accounts, journal, lines_of

        month = _month(month)
        entries = journal(self.book, visits_of(self.book),
                          Accounts.from_settings(self.book.settings), month.first_day,
                          month.last_day)
        frame = pd.DataFrame([line._asdict() for line in lines_of(entries)])
        if len(frame):
            frame["day"] = pd.to_datetime(frame["day"]).astype("datetime64[s]")
        return frame

    def aging_history(self, month) -> pd.DataFrame:
        """A/R by aging bucket at each of the 12 month ends up to ``month``'s."""
        from claimbook.compute.ar_history import aging_history
        from claimbook.compute.frames import frames_of

        rows = [{"month_end": pd.Timestamp(h.month.last_day), **h.buckets, "total": h.total}
                for h in aging_history(frames_of(self.book), _month(month))]
        return pd.DataFrame(rows).set_index("month_end")

    def days_to_pay(self, month) -> pd.DataFrame:
        """Per insurer, the median days from date of service to its first payment, over
        the 12 months ending with ``month``."""
        from claimbook.compute.ar_history import days_to_pay
        from claimbook.compute.frames import frames_of

        rows = [{"payer_id": d.payer_id, "name": d.name, "visits": d.visits,
                 "median_days": float(d.median_days), "longest_days": d.longest_days}
                for d in days_to_pay(frames_of(self.book), _month(month))]
        return pd.DataFrame(rows, columns=["payer_id", "name", "visits", "median_days",
                                           "longest_days"]).set_index("payer_id")


def _types(arrow_type):
    import pyarrow as pa

    if pa.types.is_string(arrow_type):
        return pd.StringDtype()
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def open_practice(path: str | os.PathLike) -> Practice:
    """Read and check a practice workbook; raise :class:`claimbook.rules.problems.BadData`
    (every problem, each naming its cell) if anything in it cannot be read."""
    return Practice(path)
