"""The practice's records, as plain data that knows where it came from.

Record classes are built from :mod:`claimbook.schema`, so a column added there is a
field here. Every record carries a :class:`Source` (sheet and Excel row) so that any
later problem, found however deep in the computation, names the cell to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, make_dataclass
from datetime import date

from claimbook.rules import schema
from claimbook.rules.problems import Problem


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was read: its sheet, its Excel row and the letters of its columns."""

    sheet: str
    row: int
    letters: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def cell(self, field_name: str) -> str:
        """The cell as Excel shows it: ``Payments!F14``."""
        return f"{self.sheet}!{self.letters.get(field_name, '')}{self.row}"

    def problem(self, field_name: str, message: str) -> Problem:
        """A problem at this record's ``field_name`` cell."""
        return Problem(self.sheet, self.row, self.letters.get(field_name, ""), message)


# The Python type of a value of each column type, as the reader gives it (None: blank).
PYTHON_TYPES: dict[str, type] = {
    schema.ID: str, schema.TEXT: str, schema.CODE: str, schema.ZIP: str, schema.NPI: str,
    schema.CHOICE: str, schema.DATE: date, schema.MONEY: int, schema.INT: int,
    schema.YESNO: bool,
}


def _record_class(class_name: str, sheet_name: str) -> type:
    """An immutable record class with one typed field per column of the sheet, and
    ``src``: where the row was read."""
    fields = [(c.field, PYTHON_TYPES[c.type] | None, None)
              for c in schema.sheet(sheet_name).columns]
    fields.append(("src", Source, None))
    cls = make_dataclass(class_name, fields, slots=True, frozen=True)
    cls.__doc__ = f"One row of the {sheet_name} sheet (money in cents, dates as dates)."
    return cls


StaffMember = _record_class("StaffMember", "Staff")
Client = _record_class("Client", "Clients")
Payer = _record_class("Payer", "Payers")
Policy = _record_class("Policy", "Policies")
Service = _record_class("Service", "Services")
ServiceLine = _record_class("ServiceLine", "Appointments")
Payment = _record_class("Payment", "Payments")
Remittance = _record_class("Remittance", "Remittances")
ClaimsLogEntry = _record_class("ClaimsLogEntry", "Claims Log")  # claimbook claim
UnmatchedImport = _record_class("UnmatchedImport", "Unmatched Imports")

RECORD_CLASSES: dict[str, type] = {
    "Staff": StaffMember,
    "Clients": Client,
    "Payers": Payer,
    "Policies": Policy,
    "Services": Service,
    "Appointments": ServiceLine,
    "Payments": Payment,
    "Remittances": Remittance,
    "Claims Log": ClaimsLogEntry,
    "Unmatched Imports": UnmatchedImport,
}

Settings = make_dataclass(
    "Settings",
    [(s.field, PYTHON_TYPES[s.type] | None, s.default) for s in schema.PRACTICE_SETTINGS]
    + [("rows", dict[str, int], field(default_factory=dict))],
    slots=True,
    kw_only=True,
    frozen=True,
)
Settings.__doc__ = "The Practice sheet's settings; ``rows`` maps a setting to its Excel row."


def client_name(client) -> str:
    """``First Last`` of a client record."""
    return " ".join(p for p in (client.first_name, client.last_name) if p)


class LazyRecords(Sequence):
    """A big sheet's rows as records, made only when first used.

    The reader keeps Appointments and Payments as typed columns (``table``); the money
    computations work on those columns, and a record per row is built only for code
    that asks for one. Adding a list gives a plain list.
    """

    def __init__(self, make: Callable[[], list], length: int, table: object = None):
        self._make = make
        self._items: list | None = None
        self._length = length
        self.table = table  # the columns the records are made from

    def _list(self) -> list:
        if self._items is None:
            self._items = self._make()
        return self._items

    def __len__(self) -> int:
        return self._length if self._items is None else len(self._items)

    def __getitem__(self, index):
        return self._list()[index]

    def __iter__(self):
        return iter(self._list())

    def __add__(self, other) -> list:
        return self._list() + list(other)

    def __radd__(self, other) -> list:
        return list(other) + self._list()

    def __eq__(self, other) -> bool:
        return list(self._list()) == list(other)

    def __repr__(self) -> str:
        return f"LazyRecords({self._length} rows)"


@dataclass
class Book:
    """Everything read from one practice workbook.

    The ``*_by_id`` maps hold the first record of each ID (duplicates are problems);
    ``lines`` and ``payments`` keep every row in sheet order.
    """

    path: str
    settings: object
    staff: dict[str, object]
    clients: dict[str, object]
    payers: dict[str, object]
    policies: dict[str, object]
    services: dict[str, object]
    lines: list
    payments: list
    rows: dict[str, list] = field(default_factory=dict)
    remittances: list = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    # what the money computations derive from the book, kept while it is in use;
    # not copied by dataclasses.replace (a changed book computes afresh)
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def client_name(self, client_id: str | None) -> str:
        client = self.clients.get(client_id)
        return client_name(client) if client else ""

    def payer_of(self, policy_id: str | None):
        """The payer record of a policy, or None for self-pay or an unknown policy."""
        policy = self.policies.get(policy_id) if policy_id else None
        return self.payers.get(policy.payer_id) if policy else None

    def timely_filing_days(self, payer) -> int:
        if payer is not None and payer.timely_filing_days is not None:
            return payer.timely_filing_days
        return self.settings.timely_filing_days

    def last_date(self) -> date | None:
        """The latest date of service or receipt in the workbook."""
        dates = [ln.date_of_service for ln in self.lines if ln.date_of_service]
        dates += [p.date_received for p in self.payments if p.date_received]
        return max(dates) if dates else None
