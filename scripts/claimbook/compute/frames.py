"""The practice's money as pandas DataFrames: every visit's balance on any date.

The same computation as CONTRACT.md's (and as :func:`claimbook.compute.balances.balance_of`
for one visit), done for every visit at once with pandas over integer cents: the
DataFrames are built from the reader's typed Arrow columns (or from records) with their
dtypes given, never guessed: money ``int64`` cents with a blank as 0 before anything is
summed (so no float ever holds money and NaN never reaches a sum), dates as ``int64`` day
numbers (days since 1970-01-01; a blank date is ``NO_DAY``, after every real day, so
"dated on or before D" is false for it and it never wins a minimum), IDs and codes as
text (``string``).

A :class:`Frames` is built once per book and kept in ``book.cache``; each date asked for
costs a few group-by sums, so balances at twelve month ends cost little more than at one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa

from claimbook.compute.numbering import numbering_of
from claimbook.io import arrow
from claimbook.rules.records import Book
from claimbook.rules.units import CMS_TOTAL_TIME, DEFAULT_MINUTES_PER_UNIT
from claimbook.rules.voids import is_reversal

REVERSAL = r"^\s*Reverses\s+\S+?:"  # rules/voids.py's pattern, for pandas

EPOCH = date(1970, 1, 1)
NO_DAY = 1 << 40  # a blank date: after every real day
BUCKET_NAMES = ("0-30", "31-60", "61-90", "91-120", "120+")
BUCKET_LIMITS = (30, 60, 90, 120)
STATUS_NAMES = ("Paid", "Prepaid", "Overpaid", "Client Due", "Unbilled", "Billed",
                "Denied", "Partially Paid", "Voided")
VOIDED = 8
TEXT = pd.StringDtype()
CENTS = "int64"
LINE_MONEY = ("charge", "discount", "client_paid")
PAYMENT_MONEY = ("amount", "adjustment", "patient_responsibility")


def day_number(day: date) -> int:
    """A date as its day number."""
    return (day - EPOCH).days


def to_date(day: int) -> date | None:
    """A day number as a date (None for a blank)."""
    return None if day == NO_DAY else EPOCH + timedelta(days=int(day))


# -- a sheet's columns as Series ---------------------------------------------------------
class _Sheet:
    """One big sheet's columns as pandas Series of explicit dtypes, from the reader's
    Arrow columns (``records.table``) or from records."""

    def __init__(self, records):
        table = getattr(records, "table", None)
        self.table = table.table if table is not None else None
        self.records = records

    def _python(self, name: str) -> list:
        return [getattr(r, name) for r in self.records]

    def text(self, name: str) -> pd.Series:
        """Text (``string``; a blank is ``<NA>``)."""
        if self.table is not None:
            column = self.table.column(name)
            if column.type != pa.string():
                column = column.cast(pa.string())
            return pd.Series(pd.arrays.ArrowStringArray(column), copy=False)
        return pd.Series(self._python(name), dtype=TEXT)

    def cents(self, name: str) -> tuple[pd.Series, np.ndarray]:
        """Money or whole numbers (``int64``, a blank as 0), and whether each was typed."""
        if self.table is not None:
            column = self.table.column(name)
            return pd.Series(arrow.numbers(column, 0), dtype=CENTS), arrow.present(column)
        raw = self._python(name)
        return (pd.Series([v or 0 for v in raw], dtype=CENTS),
                np.array([v is not None for v in raw], bool))

    def days(self, name: str) -> pd.Series:
        """Dates as day numbers (``int64``; a blank is ``NO_DAY``)."""
        if self.table is not None:
            column = self.table.column(name)
            days = arrow.numbers(column, 0).astype(np.int64)
            return pd.Series(np.where(arrow.present(column), days, NO_DAY), dtype="int64")
        return pd.Series([NO_DAY if d is None else (d - EPOCH).days
                          for d in self._python(name)], dtype="int64")

    def reversals(self) -> pd.Series:
        """Which rows are a void's equal and opposite entry (Void Reason ``Reverses ...:``)."""
        if self.table is not None:
            reason = self.text("void_reason")
            return reason.str.match(REVERSAL, case=False).fillna(False).astype(bool)
        return pd.Series([is_reversal(r) for r in self.records], dtype=bool)


# -- the frames --------------------------------------------------------------------------
@dataclass
class Frames:
    """A practice's lines, payments and visits as DataFrames (one visit = one
    Appointment ID, numbered in the order visits first appear on Appointments).

    ``lines``: one row per line with an Appointment ID, in sheet order: ``visit``,
    ``day``, ``billed``, the money (``charge`` priced: Charge, else units x Fee per
    Unit), ``reversal`` and ``position`` (the row's position on Appointments).
    ``payments``: one row per payment to a visit that has a line: ``visit``, ``day``,
    ``insurance``, ``reversal``, the money, ``payer_id``, ``payment_id``, ``remittance``,
    ``reference``, ``trace`` (the Remittance, else the Reference), the insurer's
    ``reason_codes`` and ``adjustment_reason``, and ``position``.
    ``visits``: one row per visit (the index is its number): its ID, first line's
    date, client, staff, policy and payer, the earliest Billed Date, whether it is
    insured, its timely filing deadline and its first Claim Status and Claim Number.
    """

    book: Book
    lines: pd.DataFrame
    payments: pd.DataFrame
    visits: pd.DataFrame

    @property
    def count(self) -> int:
        """How many visits."""
        return len(self.visits)

    @cached_property
    def visit_numbers(self) -> pd.Index:
        """The visits' Appointment IDs as an index (its position is the visit's number),
        built once for every lookup by ID."""
        return pd.Index(self.visits["appointment_id"])

    @cached_property
    def line_money(self) -> pd.DataFrame:
        """``lines``' numeric columns alone (cheaper to filter by date, date after date)."""
        return self.lines[["visit", "day", *LINE_MONEY, "reversal"]]

    @cached_property
    def payment_money(self) -> pd.DataFrame:
        """``payments``' numeric columns alone."""
        return self.payments[["visit", "day", "insurance", "reversal", *PAYMENT_MONEY]]


def frames_of(book: Book) -> Frames:
    """The book's DataFrames, built once and kept in ``book.cache``."""
    found = book.cache.get("frames")
    if found is None:
        found = book.cache["frames"] = _build(book)
    return found


def _build(book: Book) -> Frames:
    numbering = numbering_of(book)
    sheet = _Sheet(book.lines)
    kept = np.flatnonzero(numbering.line_visit >= 0)
    lines = pd.DataFrame({"visit": numbering.line_visit[kept],
                          "day": sheet.days("date_of_service").to_numpy()[kept],
                          "billed": sheet.days("billed_date").to_numpy()[kept]})
    for name in ("client_id", "staff_id", "policy_id", "service_code", "claim_status",
                 "claim_number"):
        lines[name] = sheet.text(name).take(kept).reset_index(drop=True)
    for name in ("discount", "client_paid"):
        lines[name] = sheet.cents(name)[0].to_numpy()[kept]
    lines["reversal"] = sheet.reversals().to_numpy()[kept]
    lines["position"] = kept
    first = lines.drop_duplicates("visit").sort_values("visit", kind="stable")
    lines["charge"] = _line_charges(book, sheet, lines, first, kept)
    visits = _visits(book, lines, first, numbering.appointment_ids)
    return Frames(book, lines, _payments(book, numbering.pay_visit), visits)


def _visits(book: Book, lines: pd.DataFrame, first: pd.DataFrame,
            ids: list[str]) -> pd.DataFrame:
    """One row per visit: what its first line says, and what its lines say together."""
    out = pd.DataFrame({"appointment_id": pd.Series(ids, dtype=TEXT)})
    out["first_line"] = first.index.to_numpy()
    first = first.set_index("visit")
    for name in ("day", "client_id", "staff_id", "policy_id"):
        out[name] = first[name]
    by_visit = lines.groupby("visit")
    out["billed"] = by_visit["billed"].min()
    for name in ("claim_status", "claim_number"):  # the first typed on the visit's lines
        out[name] = by_visit[name].first().astype(TEXT)
    out["insured"] = out["policy_id"].notna().astype(bool)
    payer = {p: _payer_id(book, p) for p in _distinct(out["policy_id"])}
    out["payer_id"] = pd.Series(_lookup(out["policy_id"], payer, None, object), dtype=TEXT)
    default = book.settings.timely_filing_days or 0
    filing = _lookup(out["payer_id"], {pid: book.timely_filing_days(book.payers.get(pid))
                                       for pid in set(payer.values()) if pid is not None},
                     default, np.int64)
    dated = out["insured"] & (out["day"] != NO_DAY)
    out["deadline"] = (out["day"] + filing).where(dated, NO_DAY)
    names = {c: book.client_name(c) for c in _distinct(out["client_id"])}
    out["client_name"] = pd.Series(_lookup(out["client_id"], names, "", object), dtype=TEXT)
    return out


def _payments(book: Book, pay_visit: np.ndarray) -> pd.DataFrame:
    """The Payments rows made to a visit that has a line."""
    sheet = _Sheet(book.payments)
    on_visit = np.flatnonzero(pay_visit >= 0)
    out = pd.DataFrame({"visit": pay_visit[on_visit],
                        "day": sheet.days("date_received").to_numpy()[on_visit]})
    source = sheet.text("source").take(on_visit).reset_index(drop=True)
    out["insurance"] = (source == "Insurance").fillna(False).astype(bool)
    out["reversal"] = sheet.reversals().to_numpy()[on_visit]
    for name in PAYMENT_MONEY:
        out[name] = sheet.cents(name)[0].to_numpy()[on_visit]
    for name in ("payer_id", "payment_id", "remittance", "reference", "reason_codes",
                 "adjustment_reason"):
        out[name] = sheet.text(name).take(on_visit).reset_index(drop=True)
    # the check or EFT an insurer's payment came in: its Remittance, else its Reference
    out["trace"] = out["remittance"].where(out["remittance"].fillna("") != "",
                                           out["reference"])
    out["position"] = on_visit
    return out


def _payer_id(book: Book, policy_id) -> str | None:
    payer = book.payer_of(policy_id)
    return payer.payer_id if payer is not None else None


def _distinct(keys: pd.Series) -> list:
    """The distinct typed keys, as Python values (taken from Arrow at once: iterating an
    Arrow-backed array makes each value on its own, ten times slower)."""
    return keys.dropna().unique().tolist()


def _lookup(keys: pd.Series, table: dict, blank, dtype) -> np.ndarray:
    """``table[key]`` for each key (``blank`` for a blank or unknown key): each distinct
    key is looked up once (``pd.factorize``), then taken by its code."""
    codes, uniques = pd.factorize(keys)
    values = np.array([table.get(k, blank) for k in uniques.tolist()] + [blank], dtype=dtype)
    return values[np.where(codes < 0, len(uniques), codes)]


def _line_charges(book: Book, sheet: _Sheet, lines: pd.DataFrame, first: pd.DataFrame,
                  kept: np.ndarray) -> pd.Series:
    """Each line's charge: Charge, else units x Fee per Unit (units by the 8-minute rule,
    pooled per visit where the payer's Units Rule is CMS total time)."""
    code = lines["service_code"]
    found = {c: book.services.get(c) for c in _distinct(code)}
    fee = _lookup(code, {c: (s.fee_per_unit or 0) if s else 0 for c, s in found.items()},
                  0, np.int64)
    per_unit = _lookup(code, {c: s.minutes_per_unit or DEFAULT_MINUTES_PER_UNIT
                              for c, s in found.items() if s}, DEFAULT_MINUTES_PER_UNIT,
                       np.int64)
    timed = _lookup(code, {c: s is None or s.timed is not False for c, s in found.items()},
                    True, bool)
    typed_units, has_units = (x[kept] for x in _as_numpy(sheet.cents("units")))
    minutes, has_minutes = (x[kept] for x in _as_numpy(sheet.cents("minutes")))
    whole, rest = np.divmod(minutes, per_unit)
    units = pd.Series(np.where(has_units, typed_units,
                               np.where(timed & has_minutes, whole + (rest * 2 > per_unit), 1)),
                      dtype="int64")
    pooled = (~has_units) & has_minutes & timed & _counts_total_time(book, lines, first)
    if pooled.any():
        units[pooled] = _pooled_units(lines[pooled].assign(
            minutes=minutes[pooled], per_unit=per_unit[pooled]))
    charge, has_charge = (x[kept] for x in _as_numpy(sheet.cents("charge")))
    return pd.Series(np.where(has_charge, charge, units.to_numpy() * fee), dtype=CENTS)


def _as_numpy(pair: tuple[pd.Series, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return pair[0].to_numpy(), pair[1]


def _counts_total_time(book: Book, lines: pd.DataFrame, first: pd.DataFrame) -> np.ndarray:
    """The lines of visits of more than one line whose payer (the payer of the first
    line's policy) counts CMS total time."""
    cms = {pid for pid, p in book.payers.items() if p.units_rule == CMS_TOTAL_TIME}
    if not cms:
        return np.zeros(len(lines), bool)
    policy = first.set_index("visit")["policy_id"]
    counted = _lookup(policy, {p: _payer_id(book, p) in cms for p in _distinct(policy)},
                      False, bool)
    several = lines.groupby("visit")["visit"].size().to_numpy() > 1
    visit = lines["visit"].to_numpy()
    return (counted & several)[visit]


def _pooled_units(pooled: pd.DataFrame) -> np.ndarray:
    """Units of the timed lines with Minutes and no Units of CMS total-time visits
    (rules/units.py, vectorised): per visit and unit length, the 8-minute rule on the
    summed minutes; each line gets its whole units, and the units left go one each to
    the lines with the largest remaining minutes (ties: the code that sorts first, then
    sheet order)."""
    group = ["visit", "per_unit"]
    pooled = pooled.assign(base=pooled["minutes"] // pooled["per_unit"],
                           rest=pooled["minutes"] % pooled["per_unit"],
                           code=pooled["service_code"].fillna(""),
                           order=np.arange(len(pooled)))
    sums = pooled.groupby(group)[["minutes", "base"]].transform("sum")
    per = pooled["per_unit"]
    total = sums["minutes"] // per + ((sums["minutes"] % per) * 2 > per)
    ranked = pooled.sort_values(["visit", "per_unit", "rest", "code", "order"],
                                ascending=[True, True, False, True, True], kind="stable")
    rank = ranked.groupby(group).cumcount().reindex(pooled.index)
    return (pooled["base"] + (rank < total - sums["base"])).to_numpy(np.int64)


# -- balances on a date ------------------------------------------------------------------
def as_of(frames: Frames, day: date, aging_basis: str | None = None) -> pd.DataFrame:
    """Every visit's sums, balance, who owes it, age and status as of ``day``: one row
    per visit (the index is its number), money in ``int64`` cents.

    Columns: ``counted`` (anything of it dated by then), ``charge``, ``discount``,
    ``client_paid``, ``insurance_paid``, ``adjustments``, ``responsibility``,
    ``insurance_rows`` (the insurer's answers), ``balance``, ``client_due``,
    ``insurance_due``, ``billed`` (NO_DAY when not billed by then), ``age``, ``bucket``
    (index into BUCKET_NAMES) and ``status`` (index into STATUS_NAMES).
    """
    d = day_number(day)
    visits = frames.visits
    index = visits.index
    lines = frames.line_money[frames.line_money["day"] <= d]
    pays = frames.payment_money[frames.payment_money["day"] <= d]
    insurance = pays["insurance"]
    from_lines = lines.groupby("visit")[list(LINE_MONEY)].sum().reindex(index, fill_value=0)
    from_payments = pd.DataFrame({
        "visit": pays["visit"],
        "client": pays["amount"].where(~insurance, 0),
        "insurance_paid": pays["amount"].where(insurance, 0),
        "adjustments": pays["adjustment"],
        "responsibility": pays["patient_responsibility"],
        # a void's reversal takes its insurance row back: the insurer has not answered
        "insurance_rows": insurance.astype("int64").where(~pays["reversal"],
                                                          -insurance.astype("int64")),
    }).groupby("visit").sum().reindex(index, fill_value=0)
    out = pd.concat([from_lines, from_payments], axis=1).astype("int64")  # no blank left
    out["counted"] = index.isin(lines["visit"]) | index.isin(pays["visit"])
    out["client_paid"] = out["client_paid"] + out.pop("client")
    out["balance"] = out["charge"] - out["discount"] - out["client_paid"] \
        - out["insurance_paid"] - out["adjustments"]
    _dues(out, visits["insured"])
    out["billed"] = visits["billed"].where(visits["billed"] <= d, NO_DAY)
    _age(out, visits["day"], d, aging_basis or frames.book.settings.aging_basis)
    voided = index.isin(lines.loc[lines["reversal"], "visit"])
    out["status"] = _status(out, visits, d).where(~(voided & (out["balance"] == 0)), VOIDED)
    return out


def _dues(out: pd.DataFrame, insured: pd.Series) -> None:
    """Who owes the balance: an insured visit's client owes the patient responsibility
    less what they paid, kept between 0 and the balance; a self-pay client all of it."""
    balance = out["balance"]
    low, high = np.minimum(balance, 0), np.maximum(balance, 0)
    clamped = np.maximum(low, np.minimum(high, out["responsibility"] - out["client_paid"]))
    out["client_due"] = clamped.where(insured, balance)
    out["insurance_due"] = balance - out["client_due"]


def _age(out: pd.DataFrame, dos: pd.Series, d: int, basis: str | None) -> None:
    """Days since the date of service (or the Billed Date, by the practice's aging
    basis), and the aging bucket."""
    billed = out["billed"]
    start = billed.where((billed != NO_DAY) & (basis == "Billed Date"), dos)
    out["age"] = (d - start).clip(lower=0).where(start != NO_DAY, 0)
    out["bucket"] = np.searchsorted(np.array(BUCKET_LIMITS), out["age"].to_numpy(),
                                    side="left")


def _status(out: pd.DataFrame, visits: pd.DataFrame, d: int) -> pd.Series:
    """Status numbers (see STATUS_NAMES), in the order the contract decides them."""
    balance, rows = out["balance"], out["insurance_rows"]
    insured, billed = visits["insured"], out["billed"] != NO_DAY
    conditions = [balance == 0, (balance < 0) & ~(visits["day"] <= d), balance < 0,
                  ~insured, (rows == 0) & ~billed, rows == 0,
                  out["insurance_due"] == 0, out["insurance_paid"] == 0]
    choices = [0, 1, 2, 3, 4, 5, 3, 6]
    return pd.Series(np.select(conditions, choices, default=7), index=out.index)


def ar_on(frames: Frames, day: date) -> int:
    """A/R as of ``day`` straight from the lines and payments dated by then."""
    d = day_number(day)
    money, paid = frames.line_money, frames.payment_money
    lines = money.loc[money["day"] <= d, list(LINE_MONEY)].sum()
    pays = paid.loc[paid["day"] <= d, ["amount", "adjustment"]].sum()
    return int(lines["charge"] - lines["discount"] - lines["client_paid"]
               - pays["amount"] - pays["adjustment"])


# -- money by month ----------------------------------------------------------------------
_ACTIVITY = ("charges", "discounts", "client_payments", "insurance_payments", "adjustments")


def month_of(days: pd.Series) -> pd.Series:
    """Day numbers as months, numbered from January 1970 (a blank stays NO_DAY)."""
    dated = days != NO_DAY
    months = days.where(dated, 0).to_numpy().astype("datetime64[D]") \
        .astype("datetime64[M]").astype(np.int64)
    return pd.Series(months, index=days.index).where(dated, NO_DAY)


def monthly_activity(frames: Frames) -> dict[tuple[int, int], dict[str, int]]:
    """Money events summed by (year, month): lines by Date of Service, payments by
    Date Received."""
    lines, pays = frames.lines, frames.payments
    insurance = pays["insurance"]
    events = pd.concat([
        pd.DataFrame({"month": month_of(lines["day"]), "charges": lines["charge"],
                      "discounts": lines["discount"], "client_payments": lines["client_paid"],
                      "insurance_payments": 0, "adjustments": 0}),
        pd.DataFrame({"month": month_of(pays["day"]), "charges": 0, "discounts": 0,
                      "client_payments": pays["amount"].where(~insurance, 0),
                      "insurance_payments": pays["amount"].where(insurance, 0),
                      "adjustments": pays["adjustment"]}),
    ], ignore_index=True).astype("int64")
    sums = events[events["month"] != NO_DAY].groupby("month")[list(_ACTIVITY)].sum()
    out = {}
    for month, row in zip(sums.index.tolist(), sums.itertuples(index=False)):
        year, m0 = divmod(month, 12)
        out[(1970 + year, m0 + 1)] = {name: int(v) for name, v in zip(_ACTIVITY, row)}
    return out
