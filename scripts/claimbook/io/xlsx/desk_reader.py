"""Read what a desk command needs, and where each column sits, from one snapshot.

A desk command touches a few visits. It reads every sheet into columns (that cost is
unavoidable), but makes records of, and checks, only the rows that matter: the visits
it records against, every visit of their clients (for the reminders), their payments
and policies. Problems in those rows stop the command, naming their cells; the rest of
the book is ``claimbook check``'s business. With no selection, every row is checked and
the big sheets stay columns, as the other commands read them.

The same pass records each contract sheet's layout (its name as the owner spelled it,
its header row, the letter of every column), which is what the writer needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow.compute as pc

from claimbook.io import arrow
from claimbook.io.xlsx.idmarks import read_marks
from claimbook.io.xlsx.reader import (
    BIG_SHEETS,
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
    """Which visits to read: by Appointment ID, client, date of service or Claim Number.

    All empty means everything.
    """

    visits: frozenset[str] = frozenset()
    clients: frozenset[str] = frozenset()
    dates: frozenset[date] = frozenset()
    claim_numbers: frozenset[str] = frozenset()  # an insurer's claim numbers (claimbook era)
    # (keys, dates): the visits on those dates too, when none of the keys is an
    # Appointment ID or a Claim Number on the sheet (an 835 claim matched by name).
    unless_found: tuple[tuple[frozenset[str], frozenset[date]], ...] = ()

    @property
    def everything(self) -> bool:
        return not (self.visits or self.clients or self.dates or self.claim_numbers
                    or self.unless_found)


def read_desk(data: bytes, where: str, selection: Selection = Selection(),
              meanwhile: Callable[[], object] | None = None
              ) -> tuple[Book, dict[str, SheetLayout]]:
    """Read a workbook's bytes for a desk command.

    Args:
        data: the workbook file's bytes (the snapshot the write will be checked against).
        where: the workbook's path, for messages.
        selection: the visits that matter; empty reads and checks everything.
        meanwhile: run while the big sheets parse (see ``reader.read_tables``).

    Returns:
        The book (every Staff, Payers, Services and Practice row; the selected visits,
        all visits of their clients, their payments, clients and policies) and the
        layout of every contract sheet.

    Raises:
        WorkbookUnreadable: the bytes are not a workbook.
        BadData: a problem in the rows read.
    """
    workbook = open_workbook(where, data, scan_later=True)
    problems: list[Problem] = []
    settings, tables = read_tables(workbook, problems, meanwhile)
    structural = [p for p in problems if p.sheet == schema.PRACTICE or not p.column
                  or p in workbook.problems]
    if structural:  # a missing sheet or column, an unreadable setting
        raise BadData(structural)
    layouts = {name: table.layout for name, table in tables.items()}
    for name, last in read_marks(data).items():
        if name in layouts:
            layouts[name].issued = last
    for name in ("Appointments", "Payments", "Clients", "Unmatched Imports"):
        if name in tables:
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
    found = pc.is_in(column, arrow.from_python(sorted(wanted), column.type))
    return np.flatnonzero(arrow.flags(found))


def _clients_of(lines: SheetTable, selection: Selection) -> set[str]:
    """The clients whose visits a selection needs: its own, and those of the visits it
    names by Appointment ID, Claim Number or date (or by date when its keys are not
    found: ``unless_found``)."""
    dates = set(selection.dates)
    if selection.unless_found:
        keys = set().union(*(k for k, _ in selection.unless_found))
        present = set(lines.table.column("appointment_id").filter(
            pc.is_in(lines.table.column("appointment_id"),
                     arrow.texts(sorted(keys)))).to_pylist())
        present |= set(lines.table.column("claim_number").filter(
            pc.is_in(lines.table.column("claim_number"),
                     arrow.texts(sorted(keys)))).to_pylist())
        for wanted, days in selection.unless_found:
            if not wanted & present:
                dates |= days
    picked = np.union1d(_rows_where(lines, "appointment_id", selection.visits),
                        _rows_where(lines, "date_of_service", dates))
    picked = np.union1d(picked, _rows_where(lines, "claim_number", selection.claim_numbers))
    clients = set(selection.clients)
    clients |= set(lines.table.column("client_id").take(arrow.positions(picked)).to_pylist())
    clients.discard(None)
    return clients


def _selected_rows(tables: dict[str, SheetTable], selection: Selection
                   ) -> tuple[dict[str, list], dict[str, set[int]]]:
    """The records a desk command needs, and the Excel rows read of each filtered sheet
    (a problem elsewhere is ``claimbook check``'s business)."""
    rows = {name: tables[name].records()
            for name in ("Staff", "Payers", "Services", "Remittances") if name in tables}
    filtered = ("Clients", "Policies", "Appointments", "Payments")
    if selection.everything:  # as claimbook's other commands read it: the big sheets as
        # columns (records made only when asked for), the money computed over those
        rows.update({name: (tables[name].lazy_records() if name in BIG_SHEETS
                            else tables[name].records()) for name in filtered})
        rows.update({name: tables[name].records() for name in ("Unmatched Imports",)
                     if name in tables})
        return rows, {}
    lines = tables["Appointments"]
    clients = _clients_of(lines, selection)
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
