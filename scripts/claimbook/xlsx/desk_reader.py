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

import io
from dataclasses import dataclass, field
from datetime import date

from python_calamine import CalamineWorkbook

from .. import schema
from ..problems import BadData, Problem, WorkbookUnreadable
from ..records import RECORD_CLASSES, Book, Source
from ..validate import validate
from .reader import CellError, _blank, _find_sheets, _first_by_key, _settings, _SheetReader, convert
from .reader import column_letter as _letter


@dataclass
class SheetLayout:
    """Where a contract sheet's columns are: what the writer needs to add a row."""

    name: str  # the sheet's name in the workbook ("payments" if the owner typed that)
    header_row: int  # the header's Excel row number
    letters: dict[str, str]  # field -> column letter, for the columns the sheet has
    raw_keys: list = field(default_factory=list, repr=False)  # the key column, as read

    def keys(self) -> list[str]:
        """Every key (ID) on the sheet, in sheet order."""
        return [t for t in (_text(v) for v in self.raw_keys) if t]


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


class _DeskSheet(_SheetReader):
    """One sheet: its layout, and records of the rows a filter keeps."""

    def layout(self) -> tuple[SheetLayout, list]:
        found = self._header()
        if found is None:
            self.problems.append(Problem(self.spec.name, 0, "", "the sheet has no header row"))
            return SheetLayout(self.name, 0, {}), []
        header_index, positions = found
        self.header_index = header_index
        header_row = self.row0 + header_index + 1
        plan, letters = [], {}
        for col in self.spec.columns:
            j = positions.get(schema.normalize(col.header))
            if j is None:
                if col.required:
                    self.problems.append(Problem(self.spec.name, header_row, "",
                                                 f'no "{col.header}" column in the header row'))
                continue
            letters[col.field] = _letter(self.col0 + j)
            plan.append((col, j))
        self._fields = [(col, j, col.field) for col, j in plan]
        self._defaults = {col.field: col.default for col in self.spec.columns}
        return SheetLayout(self.name, header_row, letters), plan

    def _values(self, row: list, plan: list, src: Source) -> dict:
        """The reader's conversion of one row, with the field names worked out once per
        sheet rather than once per cell (a 100,000-row sheet reads several times faster)."""
        values = dict(self._defaults)
        for col, j, name in self._fields:
            raw = row[j] if j < len(row) else ""
            value = None
            if raw != "":
                try:
                    value = convert(col.type, raw, col.choices)
                except CellError as exc:
                    self.problems.append(src.problem(name, str(exc)))
            if value is None:
                if col.required:
                    self.problems.append(src.problem(name, f"{col.header} is required"))
                continue
            values[name] = value
        return values

    def records(self, plan: list, letters: dict, keep=None) -> list:
        """Records of the data rows ``keep(row)`` accepts (every row when None)."""
        out = []
        cls = RECORD_CLASSES[self.spec.name]
        for i in range(getattr(self, "header_index", len(self.rows)) + 1, len(self.rows)):
            row = self.rows[i]
            if (keep and not keep(row)) or _blank(row):
                continue
            src = Source(self.spec.name, self.row0 + i + 1, letters)
            out.append(cls(src=src, **self._values(row, plan, src)))
        return out


def _text(raw: object) -> str | None:
    if type(raw) is str:  # the common case, kept fast for 100,000-row sheets
        return raw.strip() or None
    try:
        return convert(schema.ID, raw)
    except CellError:
        return None


def _day(raw: object) -> date | None:
    try:
        return convert(schema.DATE, raw)
    except CellError:
        return None


def _column(sheet: _DeskSheet, plan: list, field_name: str):
    j = next((j for col, j in plan if col.field == field_name), None)
    start = getattr(sheet, "header_index", len(sheet.rows)) + 1
    if j is None:
        return [None] * (len(sheet.rows) - start), start
    return [r[j] if j < len(r) else "" for r in sheet.rows[start:]], start


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
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for a broken file
        raise WorkbookUnreadable(f"{where}: not an Excel workbook claimbook can read ({exc})"
                                 ) from None
    problems: list[Problem] = []
    sheets = _find_sheets(workbook)
    if schema.PRACTICE not in sheets:
        problems.append(Problem(schema.PRACTICE, 0, "", "the sheet is missing"))
    settings = _settings(sheets.get(schema.PRACTICE), problems)
    readers, layouts, plans = {}, {}, {}
    for spec in schema.SHEETS:
        if spec.name not in sheets:
            problems.append(Problem(spec.name, 0, "", "the sheet is missing"))
            continue
        readers[spec.name] = _DeskSheet(spec, sheets[spec.name], problems)
        layouts[spec.name], plans[spec.name] = readers[spec.name].layout()
    if problems:
        raise BadData(problems)
    rows = _selected_rows(readers, plans, layouts, selection)
    book = _book(where, settings, rows, list(workbook.sheet_names))
    problems += validate(book)
    if problems:
        raise BadData(problems)
    return book, layouts


def _selected_rows(readers: dict, plans: dict, layouts: dict,
                   selection: Selection) -> dict[str, list]:
    _note_keys(readers, plans, layouts)
    rows: dict[str, list] = {}
    for name in ("Staff", "Payers", "Services"):
        rows[name] = readers[name].records(plans[name], layouts[name].letters)
    if selection.everything:
        for name in ("Clients", "Policies", "Appointments", "Payments"):
            rows[name] = readers[name].records(plans[name], layouts[name].letters)
        return rows
    visits, clients = _visits_and_clients(readers["Appointments"], plans["Appointments"],
                                          selection)
    keep = _keeper(readers, plans)
    rows["Appointments"] = readers["Appointments"].records(
        plans["Appointments"], layouts["Appointments"].letters,
        keep("Appointments", "client_id", clients))
    visits |= {ln.appointment_id for ln in rows["Appointments"]}
    rows["Payments"] = readers["Payments"].records(
        plans["Payments"], layouts["Payments"].letters, keep("Payments", "appointment_id", visits))
    rows["Clients"] = readers["Clients"].records(
        plans["Clients"], layouts["Clients"].letters, keep("Clients", "client_id", clients))
    policies = {ln.policy_id for ln in rows["Appointments"] if ln.policy_id}
    by_client = keep("Policies", "client_id", clients)
    by_id = keep("Policies", "policy_id", policies)
    rows["Policies"] = readers["Policies"].records(
        plans["Policies"], layouts["Policies"].letters, lambda row: by_client(row) or by_id(row))
    return rows


def _keeper(readers: dict, plans: dict):
    def keep(sheet: str, field_name: str, wanted: set):
        j = next((j for col, j in plans[sheet] if col.field == field_name), None)
        if j is None:
            return lambda row: False
        return lambda row: j < len(row) and _text(row[j]) in wanted
    return keep


def _visits_and_clients(sheet: _DeskSheet, plan: list,
                        selection: Selection) -> tuple[set[str], set[str]]:
    clients_col, _ = _column(sheet, plan, "client_id")
    clients = set(selection.clients)
    visits = set(selection.visits)
    if visits:
        ids, _ = _column(sheet, plan, "appointment_id")
        clients |= {_text(c) for v, c in zip(ids, clients_col) if _text(v) in visits}
    if selection.dates:
        days, _ = _column(sheet, plan, "date_of_service")
        clients |= {_text(c) for d, c in zip(days, clients_col) if _day(d) in selection.dates}
    clients.discard(None)
    return visits, clients


def _note_keys(readers: dict, plans: dict, layouts: dict) -> None:
    for name in ("Appointments", "Payments", "Clients"):
        key = schema.sheet(name).key
        layouts[name].raw_keys, _ = _column(readers[name], plans[name], key)


def _book(where: str, settings, rows: dict[str, list], sheet_names: list[str]) -> Book:
    return Book(
        path=where,
        settings=settings,
        staff=_first_by_key(rows["Staff"], "staff_id"),
        clients=_first_by_key(rows["Clients"], "client_id"),
        payers=_first_by_key(rows["Payers"], "payer_id"),
        policies=_first_by_key(rows["Policies"], "policy_id"),
        services=_first_by_key(rows["Services"], "service_code"),
        lines=rows["Appointments"],
        payments=rows["Payments"],
        rows=rows,
        sheet_names=sheet_names,
    )
