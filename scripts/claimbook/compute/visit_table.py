"""Every visit's balance as of a date, as a table: the rows of ``claimbook balances``,
the report's open items and the library's ``Practice.balances``.

Built with pandas from :mod:`claimbook.compute.frames`: each visit's money as of the
date beside what its first line says (who, which policy), oldest visit first; given as
a DataFrame whose columns are :class:`VisitBalance`'s fields, as numpy columns (for the
listings) or as the :class:`VisitBalance` records the rest of claimbook uses.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import numpy as np
import pandas as pd

from claimbook.compute.balances import VisitBalance
from claimbook.compute.frames import (
    BUCKET_NAMES,
    EPOCH,
    NO_DAY,
    STATUS_NAMES,
    TEXT,
    Frames,
    as_of,
)

MONEY_FIELDS = ("charge", "discount", "client_paid", "insurance_paid", "adjustments",
                "patient_responsibility", "balance", "insurance_due", "client_due")
DATE_FIELDS = ("date_of_service", "billed_date", "timely_filing_deadline")
TEXT_FIELDS = ("appointment_id", "client_id", "client_name", "staff_id", "policy_id",
               "payer_id", "aging_bucket", "status", "claim_status")
FIELDS = tuple(f.name for f in fields(VisitBalance))
_VISIT_COLUMNS = {"appointment_id": "appointment_id", "day": "date_of_service",
                  "client_id": "client_id", "client_name": "client_name",
                  "staff_id": "staff_id", "policy_id": "policy_id", "payer_id": "payer_id",
                  "claim_status": "claim_status", "deadline": "timely_filing_deadline"}
_MONEY_COLUMNS = {"charge": "charge", "discount": "discount", "client_paid": "client_paid",
                  "insurance_paid": "insurance_paid", "adjustments": "adjustments",
                  "responsibility": "patient_responsibility", "balance": "balance",
                  "insurance_due": "insurance_due", "client_due": "client_due",
                  "age": "age_days", "billed": "billed_date"}


def balance_table(frames: Frames, day: date, include_paid: bool = False) -> pd.DataFrame:
    """Every visit's balance as of ``day``: one row per visit with anything dated by
    then (and a non-zero balance unless ``include_paid``), oldest visit first (then by
    Appointment ID). Money ``int64`` cents, dates as day numbers (NO_DAY for a blank),
    bucket and status by name; the index is the visit's number."""
    money = as_of(frames, day)
    keep = money["counted"] & (include_paid | (money["balance"] != 0))
    table = frames.visits.loc[keep, list(_VISIT_COLUMNS)].rename(columns=_VISIT_COLUMNS)
    table = table.join(money.loc[keep, list(_MONEY_COLUMNS)].rename(columns=_MONEY_COLUMNS))
    table["aging_bucket"] = _named(money.loc[keep, "bucket"], BUCKET_NAMES, table.index)
    table["status"] = _named(money.loc[keep, "status"], STATUS_NAMES, table.index)
    first = table["date_of_service"].where(table["date_of_service"] != NO_DAY,
                                           np.iinfo(np.int64).min)
    order = table.assign(_first=first).sort_values(["_first", "appointment_id"],
                                                   kind="stable").index
    return table.loc[order]


def _named(codes: pd.Series, names: tuple[str, ...], index) -> pd.Series:
    """Each code's name, as text (taken in Arrow: no Python string per row)."""
    import pyarrow as pa

    taken = pa.array(names, pa.string()).take(pa.array(codes.to_numpy(np.int64)))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index, dtype=TEXT)


def balance_columns(frames: Frames, day: date, include_paid: bool = False,
                    service_codes: bool = True) -> dict[str, np.ndarray]:
    """:func:`balance_table` as a numpy column per :class:`VisitBalance` field: money
    int64 cents; text and dates object arrays (None when blank)."""
    table = balance_table(frames, day, include_paid)
    data: dict[str, np.ndarray] = {}
    for name in FIELDS:
        if name in MONEY_FIELDS or name == "age_days":
            data[name] = table[name].to_numpy(np.int64)
        elif name in DATE_FIELDS:
            data[name] = _dates(table[name].to_numpy(np.int64))
        elif name in TEXT_FIELDS:
            data[name] = table[name].to_numpy(dtype=object, na_value=None)
    if service_codes:
        data["service_codes"] = _codes(frames, table.index.to_numpy())
    return data


def balance_arrays(frames: Frames, day: date, include_paid: bool = False
                   ) -> dict[str, object]:
    """:func:`balance_table` as a column per :class:`VisitBalance` field but the service
    codes, for writers that work a column at a time: money and ages int64 numpy arrays
    (cents), text and dates Arrow arrays (null when blank), no Python object per value."""
    import pyarrow as pa

    table = balance_table(frames, day, include_paid)
    data: dict[str, object] = {}
    for name in FIELDS:
        if name in MONEY_FIELDS or name == "age_days":
            data[name] = table[name].to_numpy(np.int64)
        elif name in DATE_FIELDS:
            days = table[name].to_numpy(np.int64)  # days since EPOCH; date32 counts
            since_1970 = days + (EPOCH - date(1970, 1, 1)).days  # from 1970-01-01
            data[name] = pa.array(since_1970, pa.int64(), mask=days == NO_DAY) \
                .cast(pa.int32()).cast(pa.date32())
        elif name in TEXT_FIELDS:
            data[name] = pa.array(table[name], pa.string())
    return data


def _codes(frames: Frames, visits: np.ndarray) -> np.ndarray:
    """For these visits, the tuple of each one's service codes, in sheet order."""
    lines = frames.lines
    counts = lines.groupby("visit").size().reindex(frames.visits.index, fill_value=0)
    codes = lines["service_code"].to_numpy(dtype=object, na_value=None)
    first = frames.visits["first_line"].to_numpy()
    out = np.empty(len(visits), dtype=object)
    out[:] = [(c,) if c is not None else () for c in codes[first[visits]]]
    several = np.flatnonzero(counts.to_numpy()[visits] > 1)
    if len(several):
        wanted = lines[lines["visit"].isin(visits[several]) & lines["service_code"].notna()]
        order = np.argsort(wanted["visit"].to_numpy(), kind="stable")  # sheet order kept
        visit = wanted["visit"].to_numpy()[order]
        code = wanted["service_code"].to_numpy(dtype=object, na_value=None)[order]
        starts = np.searchsorted(visit, visits[several], side="left")
        ends = np.searchsorted(visit, visits[several], side="right")
        for i, start, end in zip(several, starts, ends):  # one by one: tuples stay tuples
            out[i] = tuple(code[start:end])
    return out


def select_rows(columns: dict[str, np.ndarray], **wanted) -> dict[str, np.ndarray]:
    """The rows whose column ``name`` is one of ``wanted[name]`` (an empty choice keeps
    every row)."""
    keep = None
    for name, values in wanted.items():
        if values:
            found = np.isin(columns[name], list(values))
            keep = found if keep is None else keep & found
    if keep is None:
        return columns
    return {name: values[keep] for name, values in columns.items()}


def balance_frame(frames: Frames, day: date, include_paid: bool = False) -> pd.DataFrame:
    """:func:`balance_table` with :class:`VisitBalance`'s columns: IDs and names as
    text, money as int64 cents, dates as ``datetime.date`` objects, service codes as
    tuples; a plain 0.. index."""
    table = balance_table(frames, day, include_paid)
    out = table.reset_index(drop=True)
    for name in DATE_FIELDS:
        out[name] = pd.Series(_dates(out[name].to_numpy(np.int64)), dtype=object)
    out["service_codes"] = pd.Series(_codes(frames, table.index.to_numpy()), dtype=object)
    return out[list(FIELDS)]


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``datetime.date`` objects (None for a blank)."""
    out = np.full(len(days), None, dtype=object)
    dated = days != NO_DAY
    if dated.any():
        out[dated] = (np.datetime64(EPOCH, "D") + days[dated]).astype("datetime64[D]") \
            .astype(object)
    return out


def visit_balances(frames: Frames, day: date, include_paid: bool = False
                   ) -> list[VisitBalance]:
    """:func:`balance_columns` as :class:`VisitBalance` records."""
    data = balance_columns(frames, day, include_paid)
    return [VisitBalance(*row) for row in zip(*(data[name].tolist() for name in FIELDS))]


def _numbers(frames: Frames, ids) -> np.ndarray:
    """The visit numbers of these Appointment IDs (-1 for one that is not a visit)."""
    return frames.visit_numbers.get_indexer(list(ids))


def claim_numbers(frames: Frames, ids) -> dict[str, str | None]:
    """Each of these visits' Claim Number: the first typed on its lines (None: none)."""
    numbers = _numbers(frames, ids)
    found = frames.visits["claim_number"].to_numpy(dtype=object, na_value=None)
    return {aid: (found[n] if n >= 0 else None) for aid, n in zip(ids, numbers)}


def insurer_reasons(frames: Frames, ids, day: date) -> dict[str, list[tuple]]:
    """Each of these visits' insurance rows dated by ``day``, in sheet order, as
    (Reason Codes, Adjustment Reason) pairs (None when blank)."""
    from claimbook.compute.frames import day_number

    numbers = _numbers(frames, ids)
    pays = frames.payments
    rows = pays[pays["insurance"] & (pays["day"] <= day_number(day))
                & pays["visit"].isin(numbers[numbers >= 0])]
    out: dict[str, list[tuple]] = {aid: [] for aid in ids}
    names = frames.visits["appointment_id"]
    for visit, codes, reason in zip(rows["visit"],
                                    rows["reason_codes"].to_numpy(dtype=object, na_value=None),
                                    rows["adjustment_reason"].to_numpy(dtype=object,
                                                                       na_value=None)):
        out[names.iat[visit]].append((codes, reason))
    return out
