"""What a command writes into the workbook: new rows and changed cells, as plain data.

A use case plans its :class:`Changes`; the workbook writer (``io.xlsx.surgery``) applies
them. Nothing here touches a file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from claimbook.rules import schema
from claimbook.rules.records import Book, Source

_ID = re.compile(r"^(.*?)(\d+)$")


# -- what a command writes ------------------------------------------------------------
@dataclass(frozen=True)
class CellChange:
    """One cell to replace: sheet, Excel row, field; ``optional`` skips a missing column."""

    sheet: str
    row: int
    field: str
    value: object
    optional: bool = False


@dataclass
class Changes:
    """Everything one command writes into the workbook."""

    rows: dict[str, list[dict]] = field(default_factory=dict)  # sheet -> new rows
    cells: list[CellChange] = field(default_factory=list)
    outstanding: list | None = None  # the Outstanding sheet's rows, when it is rewritten

    def add(self, sheet: str, rows: list[dict]) -> None:
        if rows:
            self.rows.setdefault(sheet, []).extend(rows)


def next_ids(keys: list[str], count: int, model: str) -> list[str]:
    """The next ``count`` IDs in the sheet's own numbering.

    Args:
        keys: the IDs on the sheet, in sheet order; the last numbered one sets the
            prefix and width (``A001314`` -> ``A001315``).
        count: how many IDs to make.
        model: the numbering used when the sheet has none (``A000000``).

    Returns:
        IDs that are not on the sheet yet.
    """
    return list(itertools.islice(id_stream(keys, model), count))


def id_stream(keys: list[str], model: str) -> Iterator[str]:
    """The next IDs in the sheet's own numbering, one at a time, as many as are taken
    (as :func:`next_ids`, for a command that does not know how many it needs)."""
    last = next((k for k in reversed(keys) if _ID.match(k)), model)
    prefix, digits = _ID.match(last).groups()
    numbers = [int(m.group(2)) for k in keys if (m := _ID.match(k)) and m.group(1) == prefix]
    taken, n = set(keys), max(numbers, default=0)
    while True:
        n += 1
        candidate = f"{prefix}{n:0{len(digits)}d}"
        if candidate not in taken:
            yield candidate


def latest_id(ids: list[str | None]) -> str | None:
    """The highest-numbered of ``ids`` (``A001316``, ``A001320`` -> ``A001320``); blanks
    ignored; an ID without a number only when there is no other."""
    numbered = [(int(m.group(2)), i) for i, k in enumerate(ids) if k and (m := _ID.match(k))]
    if numbered:
        return ids[max(numbered)[1]]
    return next((k for k in reversed(ids) if k), None)


def new_record(cls: type, sheet: str, values: dict):
    """A record for a row not written yet (its row number is 0)."""
    fields = {c.field: None for c in schema.sheet(sheet).columns}
    fields.update(values)
    return cls(src=Source(sheet, 0), **fields)


def with_records(book: Book, lines: list, payments: list) -> Book:
    """The book as it will be once ``lines`` and ``payments`` are written."""
    rows = dict(book.rows)
    rows["Appointments"] = book.lines + lines
    rows["Payments"] = book.payments + payments
    return replace(book, lines=rows["Appointments"], payments=rows["Payments"], rows=rows)


def row_values(record, sheet: str) -> dict:
    """A record as the field -> value dict of a new row (blank fields left out)."""
    return {c.field: getattr(record, c.field) for c in schema.sheet(sheet).columns
            if getattr(record, c.field) is not None}


