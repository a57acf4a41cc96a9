"""Every visit's balance as of a date, as a table: the rows of ``claimbook balances``,
the report's open items and the library's ``Practice.balances``.

Built from :mod:`claimbook.compute.frames` (the money) and each visit's first line
(who, which policy), as a pandas DataFrame whose columns are :class:`VisitBalance`'s
fields, or as the :class:`VisitBalance` records the rest of claimbook uses.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.compute.balances import VisitBalance
from claimbook.compute.frames import (
    BUCKET_NAMES,
    EPOCH,
    NO_DAY,
    STATUS_NAMES,
    Frames,
    as_of,
)

MONEY_FIELDS = ("charge", "discount", "client_paid", "insurance_paid", "adjustments",
                "patient_responsibility", "balance", "insurance_due", "client_due")
DATE_FIELDS = ("date_of_service", "billed_date", "timely_filing_deadline")
FIELDS = tuple(f.name for f in fields(VisitBalance))


def _first_lines(frames: Frames) -> dict[str, np.ndarray]:
    """Who and what of each visit (by visit number), made once per book."""
    found = frames.book.cache.get("visit_columns")
    if found is not None:
        return found
    book = frames.book
    lines = book.lines
    table = getattr(lines, "table", None)
    kept = frames.line_position

    def column(name: str) -> np.ndarray:
        values = table.table.column(name).to_pylist() if table is not None else \
            [getattr(r, name) for r in lines]
        return np.array(values, dtype=object)[kept]

    first = frames.visit_first_line
    client = column("client_id")[first]
    names = {cid: book.client_name(cid) for cid in set(client)}
    found = {
        "client_id": client,
        "client_name": np.array([names[c] for c in client], dtype=object),
        "staff_id": column("staff_id")[first],
        "policy_id": column("policy_id")[first],
        "claim_status": _first_filled(frames, column("claim_status")),
        "service_code": column("service_code"),
    }
    book.cache["visit_columns"] = found
    return found


def _first_filled(frames: Frames, values: np.ndarray) -> np.ndarray:
    """Per visit, the first non-blank value on its lines, in sheet order."""
    out = np.full(frames.visits, None, dtype=object)
    filled = np.flatnonzero(np.array([v is not None for v in values], bool))
    visits = frames.line_visit[filled]
    _, first = np.unique(visits, return_index=True)
    out[visits[first]] = values[filled[first]]
    return out


def _codes(frames: Frames, codes: np.ndarray, visits: np.ndarray) -> np.ndarray:
    """For these visits, the tuple of each one's service codes, in sheet order."""
    counts = np.bincount(frames.line_visit, minlength=frames.visits)
    first = frames.visit_first_line
    out = np.empty(len(visits), dtype=object)
    out[:] = [(c,) if c is not None else () for c in codes[first[visits]]]
    several = np.flatnonzero(counts[visits] > 1)
    if len(several):
        wanted = {int(visits[i]): int(i) for i in several}
        gathered: dict[int, list] = {}
        for line in np.flatnonzero(np.isin(frames.line_visit, list(wanted))):
            if codes[line] is not None:
                gathered.setdefault(int(frames.line_visit[line]), []).append(codes[line])
        for visit, i in wanted.items():
            out[i] = tuple(gathered.get(visit, ()))
    return out


def balance_columns(frames: Frames, day: date, include_paid: bool = False,
                    service_codes: bool = True) -> dict[str, np.ndarray]:
    """Every visit's balance as of ``day`` (one row per visit with anything dated by
    then, and a non-zero balance unless ``include_paid``), oldest visit first: a
    column per :class:`VisitBalance` field. Money is int64 cents; text and dates are
    object arrays (None when blank)."""
    money = as_of(frames, day)
    keep = money.counted & (include_paid | (money.balance != 0))
    idx = np.flatnonzero(keep)
    sort_day = np.where(frames.visit_day[idx] == NO_DAY, np.iinfo(np.int64).min,
                        frames.visit_day[idx])
    order = pc.sort_indices(pa.table({"d": sort_day, "id": pa.array(
        frames.appointment_ids[idx].tolist(), pa.string())}),
        sort_keys=[("d", "ascending"), ("id", "ascending")]).to_numpy()
    idx = idx[order]
    who = _first_lines(frames)
    data = {
        "appointment_id": frames.appointment_ids[idx],
        "date_of_service": _dates(frames.visit_day[idx]),
        "client_id": who["client_id"][idx],
        "client_name": who["client_name"][idx],
        "staff_id": who["staff_id"][idx],
        "policy_id": who["policy_id"][idx],
        "payer_id": frames.payer_of_visit[idx],
    }
    for name in MONEY_FIELDS:
        source = "responsibility" if name == "patient_responsibility" else name
        data[name] = getattr(money, source)[idx]
    data.update({
        "age_days": money.age[idx],
        "aging_bucket": np.array(BUCKET_NAMES, dtype=object)[money.bucket[idx]],
        "status": np.array(STATUS_NAMES, dtype=object)[money.status[idx]],
        "claim_status": who["claim_status"][idx],
        "billed_date": _dates(money.billed[idx]),
        "timely_filing_deadline": _dates(frames.visit_deadline[idx]),
    })
    if service_codes:
        data["service_codes"] = _codes(frames, who["service_code"], idx)
    return data


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


def balance_frame(frames: Frames, day: date, include_paid: bool = False):
    """:func:`balance_columns` as a pandas DataFrame: IDs and names as text, money as
    int64 cents, dates as ``datetime.date`` objects."""
    import pandas as pd

    data = balance_columns(frames, day, include_paid)
    out = pd.DataFrame({name: pd.Series(data[name], dtype=_dtype(name)) for name in FIELDS})
    return out


def _dtype(name: str):
    if name in MONEY_FIELDS or name == "age_days":
        return "int64"
    if name in DATE_FIELDS or name == "service_codes":
        return object
    return "string"


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


def rows_by_visit(frames: Frames):
    """Two functions: visit number -> the positions of its lines on Appointments, and of
    its rows on Payments, each in sheet order."""
    from claimbook.compute.frames import _visit_codes

    n = frames.visits
    line_order = np.argsort(frames.line_visit, kind="stable")
    line_starts = np.searchsorted(frames.line_visit[line_order], np.arange(n + 1))
    line_rows = frames.line_position[line_order]
    codes = _visit_codes(frames.book.payments, list(frames.appointment_ids))
    on_visit = np.flatnonzero(codes >= 0)
    pay_rows = on_visit[np.argsort(codes[on_visit], kind="stable")]
    pay_starts = np.searchsorted(codes[pay_rows], np.arange(n + 1))
    return (lambda v: line_rows[line_starts[v]:line_starts[v + 1]].tolist(),
            lambda v: pay_rows[pay_starts[v]:pay_starts[v + 1]].tolist())
