"""Read what a desk command needs, and where each column sits, from one snapshot.

A desk command touches a few visits. It reads every sheet into columns (that cost is
unavoidable), but makes records of, and checks, only the rows that matter: the visits
it records against, every visit of their clients (for the reminders), their payments
and policies. Problems in those rows stop the command, naming their cells; the rest of
the book is ``claimbook check``'s business. With no selection, every row is checked.

The same pass records each contract sheet's layout (its name as the owner spelled it,
its header row, the letter of every column), which is what the writer needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.io.xlsx.reader import (
    SheetLayout,
    SheetTable,
    book_of,
    open_workbook,
    read_tables,
)
from claimbook.rules import schema
from claimbook.rules.problems import BadData, Problem
from claimbook.rules.records import Book
from claimbook.rules.validate import validate

__all__ = ["SheetLayout", "Selection", "read_desk"]


@dataclass(frozen=True)
class Selection:
    """Which visits to read: by Appointment ID, client or date of service.

    All three empty means everything.
    """

    visits: frozenset[str] = frozenset()
    clients: frozenset[str] = frozenset()
    dates: frozenset[date] = frozenset()

    @property
    def everything(self) -> bool:
        return not (self.visits or self.clients or self.dates)


def read_desk(data: bytes, where: str, selection: Selection = Selection()
              ) -> tuple[Book, dict[str, SheetLayout]]:
    """Read a workbook's bytes for a desk command.

    Args:
        data: the workbook file's bytes (the snapshot the write will be checked against).
        where: the workbook's path, for messages.
        selection: the visits that matter; empty reads and checks everything.

    Returns:
        The book (every Staff, Payers, Services and Practice row; the selected visits,
        all visits of their clients, their payments, clients and policies) and the
        layout of every contract sheet.

    Raises:
        WorkbookUnreadable: the bytes are not a workbook.
        BadData: a problem in the rows read.
    """
    workbook = open_workbook(where, data)
    problems: list[Problem] = []
    settings, tables = read_tables(workbook, problems)
    structural = [p for p in problems if p.sheet == schema.PRACTICE or not p.column]
    if structural:  # a missing sheet or column, an unreadable setting
        raise BadData(structural)
    layouts = {name: table.layout for name, table in tables.items()}
    for name in ("Appointments", "Payments", "Clients"):
        key = schema.sheet(name).key
        layouts[name].raw_keys = tables[name].table.column(key).to_pylist()
    rows, kept = _selected_rows(tables, selection)
    problems = [p for p in problems if p.sheet not in kept or p.row in kept[p.sheet]]
    book = book_of(where, settings, rows, list(workbook.sheet_names))
    problems += validate(book)
    if problems:
        raise BadData(problems)
    return book, layouts


def _rows_where(table: SheetTable, field_name: str, wanted) -> np.ndarray:
    """Positions of the rows whose ``field_name`` is one of ``wanted``."""
    column = table.table.column(field_name)
    if not wanted:
        return np.zeros(0, dtype=np.int64)
    found = pc.is_in(column, pa.array(sorted(wanted), column.type))
    return np.flatnonzero(pc.fill_null(found, False).to_numpy(zero_copy_only=False))


def _selected_rows(tables: dict[str, SheetTable], selection: Selection
                   ) -> tuple[dict[str, list], dict[str, set[int]]]:
    """The records a desk command needs, and the Excel rows read of each filtered sheet
    (a problem elsewhere is ``claimbook check``'s business)."""
    rows = {name: tables[name].records() for name in ("Staff", "Payers", "Services")
            if name in tables}
    if "Remittances" in tables:
        rows["Remittances"] = tables["Remittances"].records()
    filtered = ("Clients", "Policies", "Appointments", "Payments")
    if selection.everything:
        rows.update({name: tables[name].records() for name in filtered})
        return rows, {}
    lines = tables["Appointments"]
    clients = set(selection.clients)
    picked = np.union1d(_rows_where(lines, "appointment_id", selection.visits),
                        _rows_where(lines, "date_of_service", selection.dates))
    clients |= set(lines.table.column("client_id").take(pa.array(picked)).to_pylist())
    clients.discard(None)
    line_rows = _rows_where(lines, "client_id", clients)
    rows["Appointments"] = lines.records(line_rows)
    visits = set(selection.visits) | {ln.appointment_id for ln in rows["Appointments"]}
    payments = tables["Payments"]
    payment_rows = _rows_where(payments, "appointment_id", visits)
    rows["Payments"] = payments.records(payment_rows)
    rows["Clients"] = tables["Clients"].records(
        _rows_where(tables["Clients"], "client_id", clients))
    policies = {ln.policy_id for ln in rows["Appointments"] if ln.policy_id}
    policy_rows = np.union1d(_rows_where(tables["Policies"], "client_id", clients),
                             _rows_where(tables["Policies"], "policy_id", policies))
    rows["Policies"] = tables["Policies"].records(policy_rows)
    kept = {name: {r.src.row for r in rows[name]} for name in filtered}
    return rows, kept
