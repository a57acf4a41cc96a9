"""Read what a desk command needs, and where each column sits, from one snapshot.

A desk command touches a few visits. It reads every sheet with python-calamine (that
cost is unavoidable), but converts and checks only the rows that matter: the visits it
records against, every visit of their clients (for the reminders), their payments and
policies. A 100,000-line workbook is then read about as fast as calamine reads it.
Problems in the rows read stop the command, naming their cells; the rest of the book
is ``claimbook check``'s business. With no selection, every row is read and checked.

The same pass records each contract sheet's layout (its name as the owner spelled it,
its header row, the letter of every column), which is what the writer needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimbook.io.xlsx.idmarks import read_marks
from claimbook.io.xlsx.reader import (
    CellError,
    SheetLayout,
    SheetReader,
    book_of,
    convert,
    open_sheets,
    open_workbook,
    raw_text,
)
from claimbook.rules import schema
from claimbook.rules.problems import BadData
from claimbook.rules.records import RECORD_CLASSES, Book
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


def _day(raw: object) -> date | None:
    try:
        return convert(schema.DATE, raw)
    except CellError:
        return None


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
    settings, readers, problems = open_sheets(workbook)
    if problems:
        raise BadData(problems)
    layouts = {name: reader.layout for name, reader in readers.items()}
    for name, last in read_marks(data).items():
        if name in layouts:
            layouts[name].issued = last
    rows = _selected_rows(readers, layouts, selection)
    book = book_of(where, settings, rows, list(workbook.sheet_names))
    problems += validate(book)
    if problems:
        raise BadData(problems)
    return book, layouts


def _selected_rows(readers: dict[str, SheetReader], layouts: dict,
                   selection: Selection) -> dict[str, list]:
    for name in ("Appointments", "Payments", "Clients", "Unmatched Imports"):
        if name in readers:
            layouts[name].raw_keys = readers[name].raw_column(schema.sheet(name).key)

    def records(name: str, keep=None) -> list:
        return readers[name].records(RECORD_CLASSES[name], keep)

    rows = {name: records(name) for name in ("Staff", "Payers", "Services", "Remittances")
            if name in readers}
    if selection.everything:
        rows.update({name: records(name)
                     for name in ("Clients", "Policies", "Appointments", "Payments")})
        rows.update({name: records(name) for name in ("Remittances", "Unmatched Imports")
                     if name in readers})
        return rows
    visits, clients = _visits_and_clients(readers["Appointments"], selection)
    rows["Appointments"] = records("Appointments",
                                   _keeper(readers["Appointments"], "client_id", clients))
    visits |= {ln.appointment_id for ln in rows["Appointments"]}
    rows["Payments"] = records("Payments", _keeper(readers["Payments"], "appointment_id", visits))
    rows["Clients"] = records("Clients", _keeper(readers["Clients"], "client_id", clients))
    policies = {ln.policy_id for ln in rows["Appointments"] if ln.policy_id}
    by_client = _keeper(readers["Policies"], "client_id", clients)
    by_id = _keeper(readers["Policies"], "policy_id", policies)
    rows["Policies"] = records("Policies", lambda row: by_client(row) or by_id(row))
    return rows


def _keeper(reader: SheetReader, field_name: str, wanted: set):
    """A row filter: the row's ``field_name`` is one of ``wanted``."""
    j = reader.positions.get(field_name)
    if j is None:
        return lambda row: False
    return lambda row: j < len(row) and raw_text(row[j]) in wanted


def _visits_and_clients(sheet: SheetReader, selection: Selection) -> tuple[set[str], set[str]]:
    clients_col = sheet.raw_column("client_id")
    clients = set(selection.clients)
    visits = set(selection.visits)
    ids = [raw_text(v) for v in sheet.raw_column("appointment_id")] \
        if visits or selection.unless_found else []
    numbers = [raw_text(n) for n in sheet.raw_column("claim_number")] \
        if selection.claim_numbers or selection.unless_found else []
    if visits:
        clients |= {raw_text(c) for v, c in zip(ids, clients_col) if v in visits}
    if selection.claim_numbers:
        clients |= {raw_text(c) for n, c in zip(numbers, clients_col)
                    if n in selection.claim_numbers}
    dates = set(selection.dates)
    if selection.unless_found:
        keys = set().union(*(k for k, _ in selection.unless_found))
        present = (keys.intersection(ids)) | (keys.intersection(numbers))
        for wanted, days in selection.unless_found:
            if not wanted & present:
                dates |= days
    if dates:
        days = sheet.raw_column("date_of_service")
        clients |= {raw_text(c) for d, c in zip(days, clients_col) if _day(d) in dates}
    clients.discard(None)
    return visits, clients
