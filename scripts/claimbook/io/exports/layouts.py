"""The known reports: which columns mean what, recognised by their names, never by position.

Each :class:`Report` lists, per field claimbook uses, the header names that report (or
its versions) gives it. A file is recognised as the report that places all its required
fields and the most of its columns; columns no report knows are ignored and listed. A
file that fits no report is refused in one line naming the columns that could not be
placed. The header may sit under a title block: the first rows are tried in turn.

What is documented (shared/domain/INSURANCE-NOTES.md section 7): MassageBook's *Income by
Payment Type* (Date, Client, Service, Discount, Tips, Tax, Sub-Totals, Total, Payment
Method) and Square's *Items Detail* and *Transactions* headers. MassageBook's product
sales, appointments and client list, and Vagaro's transaction list, are not published
column by column: their aliases are the likely names, and a file with other names is
refused rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from claimbook.io.exports.files import ExportFile
from claimbook.io.xlsx.reader import CellError, convert
from claimbook.rules import schema
from claimbook.rules.money import NotMoney, to_cents
from claimbook.rules.problems import BadRequest

SALES, APPOINTMENTS, CLIENTS = "sales", "appointments", "clients"
HEADER_SEARCH = 12  # rows tried as the header row

_MONEY = ("subtotal", "discount", "tip", "tax", "amount", "refund", "price")
_DATES = ("date", "dob")


@dataclass(frozen=True)
class Report:
    """A known export: its fields' header aliases, and the fields it must have."""

    name: str
    kind: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]  # any one of these sets of fields, all present
    ignored: tuple[str, ...] = ()  # its other columns, known and not needed
    refused: str = ""  # a known report that cannot be imported, and what to use instead


_CLIENT = ("Client", "Client Name", "Customer", "Customer Name")
_PERSON = {"first_name": ("First Name", "First", "Given Name", "Client First Name"),
           "last_name": ("Last Name", "Last", "Surname", "Family Name", "Client Last Name"),
           "email": ("Email", "E-mail", "Email Address", "Client Email"),
           "phone": ("Phone", "Mobile", "Mobile Phone", "Cell", "Cell Phone", "Home Phone",
                     "Phone Number", "Client Phone")}

REPORTS: tuple[Report, ...] = (
    Report("MassageBook Income by Payment Type", SALES, {
        "date": ("Date", "Transaction Date"), "client": _CLIENT,
        "item": ("Service", "Product", "Item"), "discount": ("Discount", "Discounts"),
        "tip": ("Tips", "Tip"), "tax": ("Tax", "Sales Tax"),
        "subtotal": ("Sub-Totals", "Sub-Total", "Subtotal", "Sub Total"),
        "amount": ("Total",), "method": ("Payment Method", "Payment Type"),
        "refund": ("Refund", "Refunds"), "staff": ("Staff", "Provider", "Staff Name")},
        (("date", "client", "item", "amount"),), ("Adjustment", "Adjustments")),
    Report("MassageBook Product Sales", SALES, {
        "date": ("Date", "Purchase Date", "Sale Date"), "client": _CLIENT,
        "item": ("Product", "Product Name", "Item"), "quantity": ("Quantity", "Qty"),
        "subtotal": ("Price", "Unit Price", "Sub-Total", "Subtotal"),
        "discount": ("Discount",), "tax": ("Tax", "Sales Tax"),
        "amount": ("Total", "Amount", "Total Paid"),
        "method": ("Payment Method", "Payment Type"), "staff": ("Sold By", "Staff")},
        (("date", "client", "item", "amount"),)),
    Report("Square Items Detail", SALES, {
        "date": ("Date",), "time": ("Time",), "item": ("Item",), "quantity": ("Qty",),
        "subtotal": ("Gross Sales",), "discount": ("Discounts",), "amount": ("Net Sales",),
        "tax": ("Tax",), "transaction": ("Transaction ID",), "event_type": ("Event Type",),
        "client": ("Customer Name",), "customer_id": ("Customer ID",),
        "itemization": ("Itemization Type",), "staff": ("Employee",), "category": ("Category",),
        "notes": ("Notes",)},
        (("date", "item", "amount", "client"),),
        ("Time Zone", "Price Point Name", "SKU", "Modifiers Applied", "Payment ID",
         "Device Name", "Details", "Location", "Dining Option", "Customer Reference ID",
         "Unit", "Count", "GTIN", "Commission", "Token", "Fulfillment Note",
         "Channel", "Location ID")),
    Report("Square Transactions", SALES, {
        "date": ("Date",), "amount": ("Total Collected",), "transaction": ("Transaction ID",),
        "card_brand": ("Card Brand",), "gross": ("Gross Sales",)},
        (("date", "amount", "transaction", "gross"),),
        refused="Square's Transactions report has no item names; export Items Detail "
                "instead (Reports > Sales > Item Sales > Export > Items Detail CSV)"),
    Report("Vagaro Transaction List", SALES, {
        "vagaro_checkout": ("Checkout Date / Checkout By / Transaction ID",),
        "date": ("Checkout Date", "Transaction Date"), "client": _CLIENT,
        "item": ("Item", "Service", "Item Description", "Service/Product"),
        "tip": ("Tip", "Tips"), "discount": ("Discount",), "amount": ("Amount Paid",),
        "tax": ("Sales Tax", "Tax"), "method": ("Payment Type", "Payment Method"),
        "transaction": ("Transaction ID",), "staff": ("Checkout By", "Service Provider")},
        (("vagaro_checkout", "client", "item", "amount"), ("date", "client", "item", "amount"))),
    Report("Appointments", APPOINTMENTS, {
        "date": ("Date", "Appointment Date", "Start Date", "Service Date"),
        "time": ("Time", "Start Time", "Start"), "client": _CLIENT, **_PERSON,
        "service": ("Service", "Service Name", "Services", "Appointment Type"),
        "staff": ("Staff", "Provider", "Staff Name", "Therapist", "Employee", "Staff Member",
                  "Service Provider"),
        "minutes": ("Duration", "Length", "Minutes", "Duration (min)", "Duration (minutes)"),
        "status": ("Status", "Appointment Status"),
        "price": ("Price", "Service Price", "Amount")},
        (("date", "client", "service"), ("date", "first_name", "last_name", "service")),
        ("End Time", "End", "Notes", "Room", "Booked On", "Booked By", "Source")),
    Report("Client list", CLIENTS, {
        "client": ("Name", "Client", "Client Name", "Full Name", "Customer Name"), **_PERSON,
        "dob": ("Birthday", "Date of Birth", "DOB", "Birth Date", "Birthdate"),
        "address": ("Address", "Street", "Address 1", "Address Line 1", "Street Address"),
        "city": ("City",), "state": ("State", "Province"),
        "zip": ("Zip", "ZIP Code", "Zip Code", "Postal Code", "Postcode"),
        "reminder": ("Reminder", "Reminders", "Alert", "Alerts", "Client Alert",
                     "Client Reminder")},
        (("first_name", "last_name"), ("client",)),
        ("Address 2", "Address Line 2", "Country", "Gender", "Notes", "Tags",
         "Created", "Created Date", "Last Visit", "Client Since", "Referral Source")),
)


@dataclass
class Layout:
    """How a file was recognised: the report, its header row, each field's column."""

    report: Report
    header_index: int  # index into the file's rows
    positions: dict[str, int]
    unknown: list[str] = field(default_factory=list)  # columns no field took


@dataclass
class ExportRow:
    """One data row of an export, its fields converted (money in cents, dates)."""

    file: str
    row: int
    report: str
    kind: str
    values: dict

    def get(self, name: str, default=None):
        value = self.values.get(name)
        return default if value is None or value == "" else value

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _place(headers: list, report: Report) -> tuple[dict[str, int], list[str]]:
    aliases = {schema.normalize(a): f for f, names in report.columns.items() for a in names}
    known = {schema.normalize(a) for a in report.ignored}
    positions, unknown = {}, []
    for j, header in enumerate(headers):
        name = schema.normalize(_text(header))
        if not name:
            continue
        found = aliases.get(name)
        if found and found not in positions:
            positions[found] = j
        elif name not in known and not found:
            unknown.append(_text(header))
    return positions, unknown


def _fits(report: Report, positions: dict[str, int]) -> bool:
    return any(all(f in positions for f in needed) for needed in report.required)


def recognise(export: ExportFile) -> Layout:
    """Which known report the file is, and where its fields are.

    Raises:
        BadRequest: no known report fits (one line naming the columns that could not be
            placed), or the file is a known report that cannot be imported.
    """
    best, closest = None, None
    for index, (_, cells) in enumerate(export.rows[:HEADER_SEARCH]):
        for report in REPORTS:
            positions, unknown = _place(cells, report)
            score = (len(positions), -len(unknown))
            if _fits(report, positions):
                if best is None or score > best[0]:
                    best = (score, Layout(report, index, positions, unknown))
            elif closest is None or score > closest[0]:
                closest = (score, report, positions, unknown, cells)
    if best is not None:
        layout = best[1]
        if layout.report.refused:
            raise BadRequest(f"{export.name}: {layout.report.refused}")
        return layout
    raise BadRequest(f"{export.name}: {_unplaced(export, closest)}")


def _unplaced(export: ExportFile, closest) -> str:
    if not export.rows or closest is None:
        return "the file is empty"
    _, report, positions, unknown, cells = closest
    every = {schema.normalize(a) for r in REPORTS for names in r.columns.values() for a in names}
    every |= {schema.normalize(a) for r in REPORTS for a in r.ignored}
    strangers = [_text(c) for c in cells if _text(c) and schema.normalize(_text(c)) not in every]
    missing = min((tuple(f for f in needed if f not in positions) for needed in report.required),
                  key=len)
    wanted = " and ".join(f'"{report.columns[f][0]}"' for f in missing)
    placed = (f"could not place the columns {', '.join(strangers)}" if strangers
              else "its columns are known")
    return (f"not an export claimbook knows: {placed}; the nearest, {report.name}, needs "
            f"{wanted} (see docs/import.md for the column names)")


def export_rows(export: ExportFile, layout: Layout) -> list[ExportRow]:
    """The file's data rows as :class:`ExportRow`, fields converted.

    Raises:
        BadRequest: a date or an amount that cannot be read (``sales.csv:14: ...``).
    """
    out = []
    header = export.rows[layout.header_index][1]
    names = {f: _text(header[j]) for f, j in layout.positions.items()}
    for number, cells in export.rows[layout.header_index + 1:]:
        values = {f: (cells[j] if j < len(cells) else None) for f, j in layout.positions.items()}
        if not any(_text(v) for v in values.values()):
            continue
        where = f"{export.name}:{number}"
        out.append(ExportRow(export.name, number, layout.report.name, layout.report.kind,
                             _converted(values, where, names)))
    return out


def _converted(values: dict, where: str, names: dict[str, str]) -> dict:
    out = {}
    combined = values.pop("vagaro_checkout", None)
    if combined is not None:
        parts = [p.strip() for p in re.split(r"\s+/\s+|\n", _text(combined)) if p.strip()]
        values.setdefault("date", parts[0] if parts else None)
        if len(parts) > 2:
            values.setdefault("transaction", parts[-1])
            values.setdefault("staff", " / ".join(parts[1:-1]))
    for name, raw in values.items():
        if name in _MONEY:
            out[name] = _money(raw, names.get(name, name), where)
        elif name in _DATES:
            out[name] = export_date(raw, where)
        elif name in ("minutes", "quantity"):
            out[name] = _number(raw, where)
        else:
            out[name] = _text(raw) or None
    return out


def _money(raw, name: str, where: str) -> int | None:
    text = _text(raw) if not isinstance(raw, float) else raw
    if text in ("", None, "-"):
        return None
    try:
        return to_cents(text)
    except NotMoney:
        raise BadRequest(f'{where}: "{_text(raw)}" is not an amount ({name})') from None


def _number(raw, where: str) -> int | None:
    text = _text(raw)
    found = re.match(r"^\s*(\d+)(?:\.0+)?\s*(?:min|mins|minutes)?\s*$", text, re.IGNORECASE)
    hours = re.match(r"^\s*(\d+)\s*h(?:ours?|rs?)?\s*(?:(\d+)\s*m(?:in|ins|inutes)?)?\s*$",
                     text, re.IGNORECASE)
    if not text:
        return None
    if found:
        return int(found.group(1))
    if hours:
        return int(hours.group(1)) * 60 + int(hours.group(2) or 0)
    raise BadRequest(f'{where}: "{text}" is not a number of minutes')


def export_date(raw, where: str) -> date | None:
    """A date cell of an export: a real date, or text with an optional time after it."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = re.sub(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]\.?m\.?)?.*$", "",
                  _text(raw), flags=re.IGNORECASE)
    try:
        return convert(schema.DATE, raw if isinstance(raw, float) else text)
    except CellError:
        raise BadRequest(f'{where}: "{_text(raw)}" is not a date') from None


def reports_table() -> str:
    """The known reports and the column names claimbook takes for each field, as the
    Markdown table of docs/import.md (a test keeps the two the same)."""
    lines = ["| report | what claimbook reads (column names it takes; `*` = needed) |",
             "|---|---|"]
    for report in REPORTS:
        needed = {f for group in report.required for f in group}
        if report.refused:
            lines.append(f"| {report.name} | refused: {report.refused} |")
            continue
        cells = [f"{f.replace('_', ' ')}{'*' if f in needed else ''}: "
                 + " / ".join(f"`{a}`" for a in aliases)
                 for f, aliases in report.columns.items()]
        lines.append(f"| {report.name} ({report.kind}) | " + "; ".join(cells) + " |")
    return "\n".join(lines)
