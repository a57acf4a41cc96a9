"""Which rows make each visit: the visits numbered, and each line's and payment's visit.

A visit is one Appointment ID; visits are numbered in the order they first appear on
Appointments. The desk commands need only this (to make the records of the visits they
touch), so it is found without pandas: from the reader's Arrow columns when the book
has them, else from its records. The money computations (:mod:`claimbook.compute.frames`)
number visits the same way, from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from claimbook.io import arrow
from claimbook.rules.records import Book


@dataclass(frozen=True)
class Numbering:
    """The visits of a book, numbered.

    ``line_visit`` and ``pay_visit`` have one entry per row of Appointments and of
    Payments (in sheet order): the row's visit number, -1 for a line with no
    Appointment ID or a payment to a visit that has no line.
    """

    appointment_ids: list[str]
    line_visit: np.ndarray
    pay_visit: np.ndarray

    @property
    def visits(self) -> int:
        return len(self.appointment_ids)

    def rows_by_visit(self):
        """Two functions: visit number -> the positions of its lines on Appointments,
        and of its rows on Payments, each in sheet order."""
        lines = _grouped(self.line_visit, self.visits)
        payments = _grouped(self.pay_visit, self.visits)
        return lines, payments


def _grouped(codes: np.ndarray, n: int):
    on_visit = np.flatnonzero(codes >= 0)
    rows = on_visit[np.argsort(codes[on_visit], kind="stable")]
    starts = np.searchsorted(codes[rows], np.arange(n + 1))
    return lambda v: rows[starts[v]:starts[v + 1]].tolist()


def numbering_of(book: Book) -> Numbering:
    """The book's visits numbered, found once and kept in ``book.cache``."""
    found = book.cache.get("numbering")
    if found is None:
        found = book.cache["numbering"] = _number(book)
    return found


def _table(records):
    table = getattr(records, "table", None)
    return table.table if table is not None else None


def _number(book: Book) -> Numbering:
    lines, payments = _table(book.lines), _table(book.payments)
    if lines is not None and payments is not None:
        encoded = arrow.combined(lines.column("appointment_id")).dictionary_encode()
        line_visit = arrow.numbers(encoded.indices, -1).astype(np.int64)
        found = pc.index_in(payments.column("appointment_id"), value_set=encoded.dictionary)
        pay_visit = arrow.numbers(found, -1).astype(np.int64)
        return Numbering(encoded.dictionary.to_pylist(), line_visit, pay_visit)
    number: dict[str, int] = {}
    line_visit = np.array([-1 if ln.appointment_id is None else
                           number.setdefault(ln.appointment_id, len(number))
                           for ln in book.lines], np.int64)
    pay_visit = np.array([number.get(p.appointment_id, -1) if p.appointment_id is not None
                          else -1 for p in book.payments], np.int64)
    return Numbering(list(number), line_visit, pay_visit)
