"""The practice's money as columns: every visit's balance on any date, vectorised.

The same computation as CONTRACT.md's (and as :func:`claimbook.compute.balances.balance_of`
for one visit), done for every visit at once over integer cents held in int64 arrays:
no float ever holds money, and a blank amount is 0 before it is summed. Dates are day
numbers (days since 1970-01-01); a blank date is a day after every real one, so
"dated on or before D" is false for it and it never wins a minimum.

A :class:`Frames` is built once per book (from the reader's Arrow columns, or from
records) and kept in ``book.cache``; each date asked for costs a few passes over the
arrays, so balances at twelve month ends cost little more than at one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.rules.records import Book
from claimbook.rules.units import CMS_TOTAL_TIME, DEFAULT_MINUTES_PER_UNIT, visit_units
from claimbook.rules.voids import is_reversal

REVERSAL = r"^\s*Reverses\s+\S+?:"  # rules/voids.py's pattern, for Arrow

EPOCH = date(1970, 1, 1)
NO_DAY = 1 << 40  # a blank date: after every real day
BUCKET_NAMES = ("0-30", "31-60", "61-90", "91-120", "120+")
BUCKET_LIMITS = (30, 60, 90, 120)
STATUS_NAMES = ("Paid", "Prepaid", "Overpaid", "Client Due", "Unbilled", "Billed",
                "Denied", "Partially Paid", "Voided")
VOIDED = 8


def day_number(day: date) -> int:
    """A date as its day number."""
    return (day - EPOCH).days


def _days(values) -> np.ndarray:
    """Dates (with None for a blank) as day numbers (NO_DAY for a blank)."""
    return np.array([NO_DAY if d is None else (d - EPOCH).days for d in values], np.int64)


def _cents(values) -> np.ndarray:
    """Amounts (None for a blank) as int64 cents, a blank as 0."""
    return np.array([v or 0 for v in values], np.int64)


def _column(source, name: str) -> list:
    """A column of a sheet as Python values: from the reader's table, or from records."""
    table = getattr(source, "table", None)
    if table is not None:
        return table.table.column(name).to_pylist()
    return [getattr(r, name) for r in source]


def _day_column(source, name: str) -> np.ndarray:
    table = getattr(source, "table", None)
    if table is not None:
        column = table.table.column(name)
        days = column.cast("int32").to_numpy(zero_copy_only=False)
        return np.where(np.isnan(days), NO_DAY, days).astype(np.int64) \
            if days.dtype.kind == "f" else days.astype(np.int64)
    return _days(_column(source, name))


def _cents_column(source, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Cents (blank as 0) and whether each was typed."""
    table = getattr(source, "table", None)
    if table is not None:
        column = table.table.column(name)
        typed = column.is_valid().to_numpy(zero_copy_only=False)
        values = column.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        return values, typed
    raw = _column(source, name)
    return _cents(raw), np.array([v is not None for v in raw], bool)


@dataclass
class Frames:
    """A practice's lines, payments and visits as arrays (one visit = one Appointment ID).

    ``visit`` (on lines and payments) is the visit's number: its position in
    ``appointment_ids``, in the order visits first appear on Appointments.
    """

    book: Book
    appointment_ids: np.ndarray  # object array of the visits' IDs
    line_visit: np.ndarray
    line_day: np.ndarray
    line_charge: np.ndarray
    line_discount: np.ndarray
    line_client_paid: np.ndarray
    line_position: np.ndarray  # each kept line's position on Appointments
    line_reversal: np.ndarray  # bool: the line is a void's reversal (claimbook void)
    pay_visit: np.ndarray
    pay_day: np.ndarray
    pay_insurance: np.ndarray  # bool
    pay_reversal: np.ndarray  # bool: the row is a void's reversal
    pay_amount: np.ndarray
    pay_adjustment: np.ndarray
    pay_responsibility: np.ndarray
    pay_payer: np.ndarray  # object: the Payer ID on the row
    visit_day: np.ndarray  # the first line's Date of Service
    visit_billed: np.ndarray  # the earliest Billed Date
    visit_insured: np.ndarray
    visit_deadline: np.ndarray  # timely filing deadline (NO_DAY when none)
    visit_first_line: np.ndarray  # position (in the kept lines) of each visit's first line
    payer_of_visit: np.ndarray  # object: the payer's ID (None for self-pay or unknown)

    @property
    def visits(self) -> int:
        return len(self.appointment_ids)


def frames_of(book: Book) -> Frames:
    """The book's arrays, built once and kept in ``book.cache``."""
    found = book.cache.get("frames")
    if found is None:
        found = book.cache["frames"] = _build(book)
    return found


def _encoded(source, name: str) -> tuple[np.ndarray, list]:
    """A text column as codes (-1 for a blank) into its distinct values, numbered in the
    order they first appear."""
    table = getattr(source, "table", None)
    if table is not None:
        column = table.table.column(name)
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        encoded = column.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return codes.astype(np.int64), encoded.dictionary.to_pylist()
    seen: dict = {}
    codes = np.array([-1 if v is None else seen.setdefault(v, len(seen))
                      for v in _column(source, name)], np.int64)
    return codes, list(seen)


def _by_code(codes: np.ndarray, values: list, blank) -> np.ndarray:
    """``values[code]`` for each code, ``blank`` where the code is -1."""
    table = np.array(list(values) + [blank], dtype=object)
    return table[np.where(codes < 0, len(values), codes)]


def _build(book: Book) -> Frames:
    lines = book.lines
    codes, ids = _encoded(lines, "appointment_id")
    kept = np.flatnonzero(codes >= 0)
    codes = codes[kept]
    n = len(ids)
    first_line = np.full(n, -1, np.int64)
    first_line[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first occurrence
    day = _day_column(lines, "date_of_service")[kept]
    billed = _day_column(lines, "billed_date")[kept]
    visit_billed = np.full(n, NO_DAY, np.int64)
    np.minimum.at(visit_billed, codes, billed)
    policy_codes, policies = _encoded(lines, "policy_id")
    policy_codes = policy_codes[kept]
    charge = _line_charges(book, lines, kept, codes, first_line, policy_codes, policies)
    discount = _cents_column(lines, "discount")[0][kept]
    client_paid = _cents_column(lines, "client_paid")[0][kept]
    visit_policy = policy_codes[first_line]
    payers = [_payer_id(book, p) for p in policies]
    payer_ids = _by_code(visit_policy, payers, None).astype(object)
    filing = _by_code(visit_policy, [book.timely_filing_days(book.payers.get(p))
                                     for p in payers], book.settings.timely_filing_days)
    visit_day = day[first_line]
    insured = visit_policy >= 0
    deadline = np.where(insured & (visit_day != NO_DAY), visit_day + filing.astype(np.int64),
                        NO_DAY)
    pays = book.payments
    pay_codes = _visit_codes(pays, ids)
    on_visit = np.flatnonzero(pay_codes >= 0)
    source = np.array(_column(pays, "source"), dtype=object)[on_visit]
    return Frames(
        book=book, appointment_ids=np.array(ids, dtype=object),
        line_visit=codes, line_day=day, line_charge=charge, line_discount=discount,
        line_client_paid=client_paid, line_position=kept,
        line_reversal=_reversals(lines)[kept],
        pay_visit=pay_codes[on_visit],
        pay_day=_day_column(pays, "date_received")[on_visit],
        pay_insurance=source == "Insurance",
        pay_reversal=_reversals(pays)[on_visit],
        pay_amount=_cents_column(pays, "amount")[0][on_visit],
        pay_adjustment=_cents_column(pays, "adjustment")[0][on_visit],
        pay_responsibility=_cents_column(pays, "patient_responsibility")[0][on_visit],
        pay_payer=np.array(_column(pays, "payer_id"), dtype=object)[on_visit],
        visit_day=visit_day, visit_billed=visit_billed, visit_insured=insured,
        visit_deadline=deadline, visit_first_line=first_line, payer_of_visit=payer_ids)


def _reversals(source) -> np.ndarray:
    """Which rows are a void's equal and opposite entry (Void Reason ``Reverses ...:``)."""
    table = getattr(source, "table", None)
    if table is not None:
        found = pc.match_substring_regex(table.table.column("void_reason"), REVERSAL,
                                         ignore_case=True)
        return pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool)
    return np.array([is_reversal(r) for r in source], bool)


def _visit_codes(payments, ids: list) -> np.ndarray:
    """Each payment's visit number (-1 for a visit with no line)."""
    table = getattr(payments, "table", None)
    if table is not None:
        found = pc.index_in(table.table.column("appointment_id"),
                            value_set=pa.array(ids, pa.string()))
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    number = {v: i for i, v in enumerate(ids)}
    return np.array([number.get(v, -1) if v is not None else -1
                     for v in _column(payments, "appointment_id")], np.int64)


def _payer_id(book: Book, policy_id) -> str | None:
    payer = book.payer_of(policy_id)
    return payer.payer_id if payer is not None else None


def _line_charges(book: Book, lines, kept: np.ndarray, codes: np.ndarray,
                  first_line: np.ndarray, policy_codes: np.ndarray, policies: list
                  ) -> np.ndarray:
    """Each line's charge: Charge, else units x Fee per Unit (units by the 8-minute rule,
    pooled per visit where the payer's Units Rule is CMS total time)."""
    service_codes, services = _encoded(lines, "service_code")
    service_codes = service_codes[kept]
    found = [book.services.get(code) for code in services]
    fee = _by_code(service_codes, [(s.fee_per_unit or 0) if s else 0 for s in found], 0)
    per_unit = _by_code(service_codes, [(s.minutes_per_unit or DEFAULT_MINUTES_PER_UNIT)
                                        if s else DEFAULT_MINUTES_PER_UNIT for s in found],
                        DEFAULT_MINUTES_PER_UNIT)
    timed = _by_code(service_codes, [s is None or s.timed is not False for s in found], True)
    fee, per_unit, timed = fee.astype(np.int64), per_unit.astype(np.int64), timed.astype(bool)
    typed_units, has_units = _int_column(lines, "units", kept)
    minutes, has_minutes = _int_column(lines, "minutes", kept)
    whole, rest = np.divmod(minutes, per_unit)
    eight = whole + (rest * 2 > per_unit)
    units = np.where(has_units, typed_units, np.where(timed & has_minutes, eight, 1))
    units = _pooled_units(book, codes, first_line, policy_codes, policies, units, kept)
    charge, has_charge = _cents_column(lines, "charge")
    return np.where(has_charge[kept], charge[kept], units * fee)


def _int_column(lines, name: str, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, typed = _cents_column(lines, name)
    return values[kept], typed[kept]


def _pooled_units(book: Book, codes: np.ndarray, first_line: np.ndarray,
                  policy_codes: np.ndarray, policies: list, units: np.ndarray,
                  kept: np.ndarray) -> np.ndarray:
    """Units of the visits of more than one line whose payer counts total time."""
    cms = {pid for pid, p in book.payers.items() if p.units_rule == CMS_TOTAL_TIME}
    if not cms:
        return units
    counted = [i for i, p in enumerate(policies) if _payer_id(book, p) in cms]
    counts = np.bincount(codes, minlength=len(first_line))
    pooled = np.flatnonzero((counts > 1) & np.isin(policy_codes[first_line], counted))
    if not len(pooled):
        return units
    units = units.copy()
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], pooled)
    rows = np.concatenate([order[start:start + counts[v]] for v, start in zip(pooled, starts)])
    records = dict(zip(rows.tolist(), _records_at(book.lines, kept[rows].tolist())))
    for visit, start in zip(pooled, starts):
        where = order[start:start + counts[visit]]
        visit_lines = [records[int(i)] for i in where]
        services = [book.services.get(ln.service_code) for ln in visit_lines]
        payer = book.payer_of(visit_lines[0].policy_id)
        units[where] = visit_units(visit_lines, services, payer.units_rule if payer else None)
    return units


def _records_at(records, rows: list[int]) -> list:
    """The records at these rows of a sheet (made alone when the sheet's are not made)."""
    table = getattr(records, "table", None)
    if getattr(records, "_items", None) is not None or table is None:
        return [records[i] for i in rows]
    return table.records_at(rows)


def _per_visit(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum int64 ``values`` by visit number, exactly."""
    out = np.zeros(n, np.int64)
    np.add.at(out, index, values)
    return out


@dataclass
class AsOf:
    """Every visit's money as of one date (arrays by visit number)."""

    as_of: date
    counted: np.ndarray
    charge: np.ndarray
    discount: np.ndarray
    client_paid: np.ndarray
    insurance_paid: np.ndarray
    adjustments: np.ndarray
    responsibility: np.ndarray
    insurance_rows: np.ndarray
    balance: np.ndarray
    client_due: np.ndarray
    insurance_due: np.ndarray
    billed: np.ndarray  # the Billed Date as of the date (NO_DAY when not billed yet)
    age: np.ndarray
    bucket: np.ndarray  # index into BUCKET_NAMES
    status: np.ndarray  # index into STATUS_NAMES


def as_of(frames: Frames, day: date, aging_basis: str | None = None) -> AsOf:
    """Every visit's sums, balance, who owes it, age and status as of ``day``."""
    d = day_number(day)
    n = frames.visits
    lines = frames.line_day <= d
    pays = frames.pay_day <= d
    lv, pv = frames.line_visit[lines], frames.pay_visit[pays]
    insurance = frames.pay_insurance[pays]
    amount = frames.pay_amount[pays]
    counted = np.zeros(n, bool)
    counted[lv] = True
    counted[pv] = True
    charge = _per_visit(lv, frames.line_charge[lines], n)
    discount = _per_visit(lv, frames.line_discount[lines], n)
    client_paid = _per_visit(lv, frames.line_client_paid[lines], n) + \
        _per_visit(pv[~insurance], amount[~insurance], n)
    insurance_paid = _per_visit(pv[insurance], amount[insurance], n)
    adjustments = _per_visit(pv, frames.pay_adjustment[pays], n)
    responsibility = _per_visit(pv, frames.pay_responsibility[pays], n)
    # a void's reversal takes its insurance row back: the insurer has not answered after all
    answers = np.where(frames.pay_reversal[pays][insurance], -1, 1)
    insurance_rows = _per_visit(pv[insurance], answers, n)
    voided = np.zeros(n, bool)
    voided[lv[frames.line_reversal[lines]]] = True
    balance = charge - discount - client_paid - insurance_paid - adjustments
    low, high = np.minimum(0, balance), np.maximum(0, balance)
    clamped = np.maximum(low, np.minimum(high, responsibility - client_paid))
    client_due = np.where(frames.visit_insured, clamped, balance)
    insurance_due = balance - client_due
    billed = np.where(frames.visit_billed <= d, frames.visit_billed, NO_DAY)
    basis = aging_basis if aging_basis is not None else frames.book.settings.aging_basis
    start = np.where((billed != NO_DAY) & (basis == "Billed Date"), billed, frames.visit_day)
    age = np.where(start == NO_DAY, 0, np.maximum(0, d - start))
    bucket = np.searchsorted(np.array(BUCKET_LIMITS), age, side="left")
    status = _status(balance, frames.visit_insured, billed != NO_DAY, insurance_rows,
                     insurance_paid, insurance_due, frames.visit_day <= d)
    status = np.where(voided & (balance == 0), VOIDED, status)
    return AsOf(day, counted, charge, discount, client_paid, insurance_paid, adjustments,
                responsibility, insurance_rows, balance, client_due, insurance_due, billed,
                age, bucket, status)


def _status(balance, insured, billed, insurance_rows, insurance_paid, insurance_due,
            dated) -> np.ndarray:
    """Status numbers (see STATUS_NAMES), in the order the contract decides them."""
    conditions = [balance == 0, (balance < 0) & ~dated, balance < 0, ~insured,
                  (insurance_rows == 0) & ~billed, insurance_rows == 0,
                  insurance_due == 0, insurance_paid == 0]
    choices = [0, 1, 2, 3, 4, 5, 3, 6]
    return np.select(conditions, choices, default=7)


def ar_on(frames: Frames, day: date) -> int:
    """A/R as of ``day`` straight from the lines and payments dated by then."""
    d = day_number(day)
    lines = frames.line_day <= d
    pays = frames.pay_day <= d
    total = frames.line_charge[lines].sum() - frames.line_discount[lines].sum() \
        - frames.line_client_paid[lines].sum()
    total -= frames.pay_amount[pays].sum() + frames.pay_adjustment[pays].sum()
    return int(total)


def monthly_activity(frames: Frames) -> dict[tuple[int, int], dict[str, int]]:
    """Money events summed by (year, month): lines by Date of Service, payments by
    Date Received."""
    out: dict[tuple[int, int], dict[str, int]] = {}

    def add(days, figures: dict[str, np.ndarray]) -> None:
        dated = days != NO_DAY
        months = (days[dated].astype("datetime64[D]").astype("datetime64[M]")
                  .astype(np.int64))
        present, where = np.unique(months, return_inverse=True)
        for name, values in figures.items():
            sums = np.zeros(len(present), np.int64)
            np.add.at(sums, where, values[dated])
            for month, total in zip(present.tolist(), sums.tolist()):
                year, m0 = divmod(int(month), 12)
                key = (1970 + year, m0 + 1)
                out.setdefault(key, dict.fromkeys(_ACTIVITY, 0))[name] += int(total)

    ins = frames.pay_insurance
    add(frames.line_day, {"charges": frames.line_charge, "discounts": frames.line_discount,
                          "client_payments": frames.line_client_paid})
    add(frames.pay_day, {"insurance_payments": np.where(ins, frames.pay_amount, 0),
                         "client_payments": np.where(ins, 0, frames.pay_amount),
                         "adjustments": frames.pay_adjustment})
    return dict(sorted(out.items()))


_ACTIVITY = ("charges", "discounts", "client_payments", "insurance_payments", "adjustments")


def to_date(day: int) -> date | None:
    """A day number as a date (None for a blank)."""
    return None if day == NO_DAY else EPOCH + timedelta(days=int(day))
